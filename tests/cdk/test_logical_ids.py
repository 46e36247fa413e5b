"""An overridden logical id (`override_logical_id`) is the id in the template and in every
`Ref` to the resource: the Aspect must key the resource by it, as `cdk.out` does."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest

from cdk_aspect import CertFitChecks
from linter.cloudformation import load_cdk_out
from linter.engine import Settings, evaluate
from linter.ignores import apply
from linter.options import CertificateMapping, LoadOptions
from tests.cdk import apps
from tests.cdk.conftest import new_app, synthesize

pytestmark = pytest.mark.cdk


def test_overridden_logical_ids_are_followed_like_cdk_out(tmp_path: Path) -> None:
    outdir = tmp_path / "cdk.out"
    app = new_app(outdir)
    stack = apps.nlb_stack(app)
    cert = stack.node.find_child("Cert").node.default_child
    assert isinstance(cert, cdk.CfnResource)
    cert.override_logical_id("RenamedCert")
    checks = CertFitChecks(certificates=apps.MAPPINGS, config=False, root=tmp_path)
    synthesize(app, checks, outdir)

    options = LoadOptions.for_root(tmp_path)
    options.certificate_mappings.update(
        {arn: CertificateMapping(arn, key_algorithm=alg) for arn, alg in apps.MAPPINGS.items()}
    )
    model = load_cdk_out(outdir, options)
    from_templates = apply(evaluate(model, Settings()), model, options.reader)

    def key(f: object) -> tuple[str, str, str | None, str]:
        return (f.rule, f.severity.value, f.location.construct_path, f.message)  # type: ignore[attr-defined]

    assert sorted(map(key, checks.findings)) == sorted(map(key, from_templates))
    # The listener's Ref to the renamed certificate is followed (before: "Ref to RenamedCert,
    # which this template does not define").
    assert not any("RenamedCert" in f.message for f in checks.findings)
