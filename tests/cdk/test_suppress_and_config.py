"""Suppressions in cdk-nag's habit, the config file, the severity threshold, and the promise that
`certfit cdk.out/` sees what the Aspect saw."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import aws_cdk as cdk
import jsii
import pytest
from aws_cdk import aws_certificatemanager as acm

from cdk_aspect import CertFitChecks
from linter.cloudformation import load_cdk_out
from linter.engine import Settings, evaluate
from linter.ignores import apply
from linter.options import CertificateMapping, LoadOptions
from tests.cdk import apps
from tests.cdk.conftest import Synth, new_app, synthesize

pytestmark = pytest.mark.cdk

RULE = "unsupported_key_algorithm"


def test_suppress_a_construct_and_its_children(tmp_path: Path) -> None:
    app = new_app(tmp_path / "cdk.out")
    stack = apps.nlb_stack(app)
    listener = stack.node.find_child("LB").node.find_child("Tls")
    CertFitChecks.suppress(listener, RULE, reason="replaced next sprint")
    result = synthesize(app, CertFitChecks(certificates=apps.MAPPINGS, config=False), tmp_path)
    assert result.at("Nlb/LB/Tls/Extra1/Resource", "error") == []
    # Only the named rule is suppressed.
    assert result.at("Nlb/LB/Tls/Extra2/Resource", "info")
    # Recorded in the template metadata of the resources below, with the construct's path.
    template = json.loads((tmp_path / "cdk.out" / "Nlb.template.json").read_text())
    recorded = [
        r["Metadata"]["certfit"]["suppressions"]
        for r in template["Resources"].values()
        if "certfit" in r.get("Metadata", {})
    ]
    assert recorded and all(
        s == [{"rule": RULE, "reason": "replaced next sprint", "scope": "Nlb/LB/Tls"}]
        for s in recorded
    )


def test_an_unused_suppression_is_said(tmp_path: Path) -> None:
    app = new_app(tmp_path / "cdk.out")
    stack = apps.nlb_stack(app)
    CertFitChecks.suppress(stack.node.find_child("Cert"), "weak_key", reason="no longer needed")
    result = synthesize(app, CertFitChecks(certificates=apps.MAPPINGS, config=False), tmp_path)
    unused = [m for m in result.at("Nlb/Cert/Resource", "info") if "unused_ignore" in m]
    assert len(unused) == 1 and "no longer needed" in unused[0]


def test_suppress_needs_a_reason(tmp_path: Path) -> None:
    app = new_app(tmp_path / "cdk.out")
    stack = cdk.Stack(app, "S")
    with pytest.raises(ValueError, match="reason"):
        CertFitChecks.suppress(stack, RULE, reason=" ")


def test_config_file_mappings_and_threshold(tmp_path: Path) -> None:
    config = tmp_path / ".certfit.hcl"
    config.write_text(
        f'certificate "{apps.MAPPED_RSA4096_ARN}" {{\n  key_algorithm = "RSA_4096"\n}}\n'
        f'certificate "{apps.UNMAPPED_ARN}" {{\n  key_algorithm = "RSA_2048"\n}}\n'
    )
    app = new_app(tmp_path / "cdk.out")
    apps.nlb_stack(app)
    checks = CertFitChecks(config=config, min_severity="warning", root=tmp_path)
    result = synthesize(app, checks, tmp_path)
    assert result.at("Nlb/LB/Tls/Extra1/Resource", "error")  # mapped by the file
    assert result.certfit_paths() == {"Nlb/LB/Tls/Extra1/Resource"}  # notices filtered out


def test_cdk_out_gives_the_same_findings_as_the_aspect(constructs_app: Synth) -> None:
    """The CloudFormation front end on the synthesized templates (what `certfit cdk.out/`
    reads) judges exactly what the Aspect judged."""
    options = LoadOptions.for_root(constructs_app.outdir.parent)
    options.certificate_mappings.update(
        {arn: CertificateMapping(arn, key_algorithm=alg) for arn, alg in apps.MAPPINGS.items()}
    )
    model = load_cdk_out(constructs_app.outdir, options)
    assert model.errors == []
    from_templates = apply(evaluate(model, Settings()), model, options.reader)

    def key(f: object) -> tuple[str, str, str | None, str]:
        return (f.rule, f.severity.value, f.location.construct_path, f.message)  # type: ignore[attr-defined]

    assert sorted(map(key, from_templates)) == sorted(map(key, constructs_app.checks.findings))
    # cdk-nag's habit: the Aspect's report (certfit's JSON format) lies in the assembly.
    report = json.loads((constructs_app.outdir / "certfit-report.json").read_text())
    assert sorted(i["message"] for i in report["issues"]) == sorted(
        f.message for f in from_templates
    )
    assert {f.rule for f in from_templates} >= {
        "unsupported_key_algorithm",
        "unresolved_certificate",
        "invalid_certificate_material",
        "certificate_region_mismatch",
    }


def test_as_of_accepts_iso_text(tmp_path: Path) -> None:
    assert CertFitChecks(as_of="2020-04-13", config=False).settings.as_of == date(2020, 4, 13)


def test_add_to_reaches_the_stacks_of_stages(tmp_path: Path) -> None:
    app = new_app(tmp_path / "cdk.out")
    apps.nlb_stack(cdk.Stage(app, "Prod"))
    checks = CertFitChecks(certificates=apps.MAPPINGS, config=False).add_to(app)
    assembly = app.synth().get_nested_assembly("assembly-Prod")
    errors = [
        (m.id, str(m.entry.data))
        for stack in assembly.stacks
        for m in stack.messages
        if str(m.entry.data).startswith("[certfit]")
    ]
    assert [path for path, _ in errors] == [
        "/Prod/Nlb/LB/Tls/Extra1/Resource",
        "/Prod/Nlb/LB/Tls/Extra2/Resource",
    ]
    assert {f.rule for f in checks.findings} == {
        "unsupported_key_algorithm",
        "unresolved_certificate",
    }


def test_warnings_can_be_acknowledged_the_cdk_way(tmp_path: Path) -> None:
    app = new_app(tmp_path / "cdk.out")
    stack = apps.edge_stack(app)
    cdk.Annotations.of(stack).acknowledge_warning(
        "certfit:unsupported_key_algorithm", "EC P-256 on HTTP APIs verified by hand"
    )
    result = synthesize(app, CertFitChecks(certificates=apps.MAPPINGS, config=False), tmp_path)
    assert result.at("Edge/HttpDomain/Resource") == []
    assert result.at("Edge/Cdn/Resource", "error")  # errors are not warnings: still there


def test_config_minimum_failure_severity_makes_warnings_fail_synth(tmp_path: Path) -> None:
    (tmp_path / ".certfit.hcl").write_text('config {\n  minimum_failure_severity = "warning"\n}\n')
    app = new_app(tmp_path / "cdk.out")
    apps.edge_stack(app)
    checks = CertFitChecks(certificates=apps.MAPPINGS, config=tmp_path / ".certfit.hcl")
    result = synthesize(app, checks, tmp_path)
    (error,) = result.at("Edge/HttpDomain/Resource", "error")
    assert "it is not confirmed" in error  # a warning finding, reported so that synth fails
    assert {f.severity.value for f in checks.findings} == {"error", "warning"}


@jsii.implements(cdk.IAspect)
class _AddsACertificate:
    """A mutating aspect that adds a resource to the stack while aspects run."""

    def visit(self, node: object) -> None:
        if isinstance(node, cdk.Stack) and not node.node.try_find_child("Late"):
            acm.CfnCertificate(
                node, "Late", domain_name="late.example.com", key_algorithm="RSA_4096"
            )


def test_resources_added_by_other_aspects_are_judged_once(tmp_path: Path) -> None:
    app = new_app(tmp_path / "cdk.out")
    stack = apps.nlb_stack(app)
    cdk.Aspects.of(stack).add(_AddsACertificate(), priority=cdk.AspectPriority.MUTATING)
    result = synthesize(app, CertFitChecks(certificates=apps.MAPPINGS, config=False), tmp_path)
    (late,) = result.at("Nlb/Late", "error")  # ACM cannot issue RSA 4096
    assert "RSA 4096" in late
    assert len(result.at("Nlb/LB/Tls/Extra1/Resource", "error")) == 1
