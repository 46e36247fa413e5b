"""The policy-validation plugin: same front end and rules over the synthesized templates."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest

from cdk_aspect import CertFitChecks, CertFitValidation
from tests.cdk import apps
from tests.cdk.conftest import new_app, synthesize

pytestmark = pytest.mark.cdk


def _key(f: object) -> tuple[str, str, str | None, str]:
    return (f.rule, f.severity.value, f.location.construct_path, f.message)  # type: ignore[attr-defined]


def test_plugin_fails_synth_and_agrees_with_the_aspect(tmp_path: Path) -> None:
    app = new_app(tmp_path / "plugin")
    apps.nlb_stack(app)
    plugin = CertFitValidation(certificates=apps.MAPPINGS, config=False)
    cdk.Validations.of(app).add_plugins(plugin)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = (tmp_path / "plugin" / "validation-report.json").read_text()  # the CDK's report
    assert "unsupported_key_algorithm" in report and "LBTlsExtra1" in report

    aspect_app = new_app(tmp_path / "aspect")
    apps.nlb_stack(aspect_app)
    checks = CertFitChecks(certificates=apps.MAPPINGS, config=False)
    synthesize(aspect_app, checks, tmp_path)
    assert sorted(map(_key, plugin.findings)) == sorted(map(_key, checks.findings))


def test_plugin_sees_property_overrides(tmp_path: Path) -> None:
    app = new_app(tmp_path / "cdk.out")
    stack = apps.nlb_stack(app)
    # An escape hatch the Aspect cannot see (jsii does not expose raw overrides).
    stack.node.find_child("Cert").node.default_child.add_property_override(
        "KeyAlgorithm", "RSA_4096"
    )
    plugin = CertFitValidation(certificates=apps.MAPPINGS, config=False)
    cdk.Validations.of(app).add_plugins(plugin)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    on_cert = [f for f in plugin.findings if f.location.construct_path == "Nlb/Cert/Resource"]
    assert [f.rule for f in on_cert] == ["unsupported_key_algorithm"]
    assert "RSA 4096" in on_cert[0].message  # ACM cannot issue it
