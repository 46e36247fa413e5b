"""The CDK's own acknowledgements (`Validations.of(scope).acknowledge(...)`), honoured by the
validation plugin and the Aspect in a plain `app.synth()` (no path metadata, as unit tests and
`Template.from_stack` run it), and cdk-nag 3 in the same app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from cdk_aspect import CertFitChecks, CertFitValidation
from tests.cdk import apps
from tests.cdk.conftest import synthesize

pytestmark = pytest.mark.cdk

RULE = "unsupported_key_algorithm"
REASON = "the partner's clients pin this key until June"


def _plain_app(outdir: Path) -> cdk.App:
    """No `aws:cdk:enable-path-metadata`: templates carry no aws:cdk:path."""
    return cdk.App(outdir=str(outdir), builtin_cloud_formation_validation=False)


def _acknowledge(scope: Any, ack_id: str, reason: str = REASON) -> None:
    cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=ack_id, reason=reason))


def _certfit_report(outdir: Path) -> dict[str, Any]:
    report = json.loads((outdir / "validation-report.json").read_text())
    (certfit,) = [r for r in report["pluginReports"] if r["pluginName"] == "certfit"]
    return dict(certfit)


def _listener(stack: cdk.Stack) -> Any:
    return stack.node.find_child("LB").node.find_child("Tls")


def test_plugin_names_the_resource_without_path_metadata(tmp_path: Path) -> None:
    app = _plain_app(tmp_path / "cdk.out")
    apps.nlb_stack(app)
    cdk.Validations.of(app).add_plugins(CertFitValidation(certificates=apps.MAPPINGS, config=False))
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    template = json.loads((tmp_path / "cdk.out" / "Nlb.template.json").read_text())
    assert not any("aws:cdk:path" in r.get("Metadata", {}) for r in template["Resources"].values())
    (violation,) = [
        v for v in _certfit_report(tmp_path / "cdk.out")["violations"] if v["ruleName"] == RULE
    ]
    (construct,) = violation["violatingConstructs"]
    assert construct["constructPath"] == "Nlb/LB/Tls/Extra1/Resource"
    resource = construct["cloudFormationResource"]
    assert template["Resources"][resource["logicalId"]]["Type"] == (
        "AWS::ElasticLoadBalancingV2::ListenerCertificate"
    )
    assert resource["propertyPaths"] == ["/Properties/Certificates/0/CertificateArn"]


@pytest.mark.parametrize(
    "ack_id", ["certfit::unsupported_key_algorithm", "certfit:unsupported_key_algorithm"]
)
def test_plugin_honours_an_acknowledgement_on_an_ancestor(tmp_path: Path, ack_id: str) -> None:
    app = _plain_app(tmp_path / "cdk.out")
    stack = apps.nlb_stack(app)
    _acknowledge(_listener(stack), ack_id)
    plugin = CertFitValidation(certificates=apps.MAPPINGS, config=False)
    cdk.Validations.of(app).add_plugins(plugin)
    app.synth()  # an error acknowledged: synth passes
    assert RULE not in {f.rule for f in plugin.findings}
    (silenced,) = plugin.suppressed
    assert silenced.location.construct_path == "Nlb/LB/Tls/Extra1/Resource"
    assert silenced.details["suppressed"]["reason"] == REASON
    report = _certfit_report(tmp_path / "cdk.out")
    assert report["conclusion"] == "success"
    if ack_id.startswith("certfit::"):  # the id the CDK prints: the CDK lists it as suppressed
        (listed,) = report["suppressedViolations"]
        assert (listed["ruleName"], listed["reason"]) == (RULE, REASON)


def test_plugin_says_an_acknowledgement_that_matches_nothing(tmp_path: Path) -> None:
    app = _plain_app(tmp_path / "cdk.out")
    stack = apps.nlb_stack(app)
    _acknowledge(stack.node.find_child("Vpc"), "certfit::weak_key", "old certificate")
    _acknowledge(stack, "AwsSolutions-EC23", "another tool's id: not certfit's to judge")
    plugin = CertFitValidation(certificates=apps.MAPPINGS, config=False)
    cdk.Validations.of(app).add_plugins(plugin)
    with pytest.raises(RuntimeError, match="ValidationFailed"):  # nothing silenced the error
        app.synth()
    unused = [f for f in plugin.findings if f.rule == "unused_ignore"]
    assert [(f.location.construct_path, f.details["id"]) for f in unused] == [
        ("Nlb/Vpc", "certfit::weak_key")
    ]


def test_aspect_honours_acknowledgements_and_keeps_them_in_its_report(tmp_path: Path) -> None:
    outdir = tmp_path / "cdk.out"
    app = _plain_app(outdir)
    stack = apps.nlb_stack(app)
    _acknowledge(_listener(stack), "certfit::unsupported_key_algorithm")
    _acknowledge(app, "certfit:unresolved_certificate", "managed by the platform team")
    _acknowledge(stack.node.find_child("Vpc"), "certfit::weak_key", "old certificate")
    checks = CertFitChecks(certificates=apps.MAPPINGS, config=False)
    result = synthesize(app, checks, outdir)
    assert result.at("Nlb/LB/Tls/Extra1/Resource") == []  # the error is acknowledged
    assert result.at("Nlb/LB/Tls/Extra2/Resource") == []  # the notice, app-wide
    (unused,) = result.at("Nlb/Vpc", "info")
    assert "certfit::weak_key" in unused and "old certificate" in unused
    report = json.loads((outdir / "certfit-report.json").read_text())
    assert {(s["rule"]["name"], s["suppression"]["reason"]) for s in report["suppressed"]} == {
        (RULE, REASON),
        ("unresolved_certificate", "managed by the platform team"),
    }
    assert {i["rule"]["name"] for i in report["issues"]} == {"unused_ignore"}


def test_an_acknowledgement_needs_a_reason(tmp_path: Path) -> None:
    outdir = tmp_path / "cdk.out"
    app = _plain_app(outdir)
    stack = apps.nlb_stack(app)
    _acknowledge(_listener(stack), "certfit::unsupported_key_algorithm", " ")
    result = synthesize(app, CertFitChecks(certificates=apps.MAPPINGS, config=False), outdir)
    assert result.at("Nlb/LB/Tls/Extra1/Resource", "error")  # not silenced
    assert any("has no reason" in text for text in result.at("Nlb/LB/Tls", "warning"))


def test_cdk_nag_and_certfit_in_one_app(tmp_path: Path) -> None:
    nag = pytest.importorskip("cdk_nag", reason="cdk-nag 3 is a dev dependency")
    outdir = tmp_path / "cdk.out"
    app = _plain_app(outdir)
    stack = apps.nlb_stack(app)
    _acknowledge(_listener(stack), "certfit::unsupported_key_algorithm")
    _acknowledge(stack.node.find_child("Vpc"), "AwsSolutions-VPC7", "flow logs go elsewhere")
    cdk.Validations.of(app).add_plugins(
        nag.AwsSolutionsChecks(app),
        CertFitValidation(certificates=apps.MAPPINGS, config=False),
    )
    with pytest.raises(RuntimeError, match="ValidationFailed"):  # cdk-nag still has errors
        app.synth()
    report = json.loads((outdir / "validation-report.json").read_text())
    by_plugin = {r["pluginName"]: r for r in report["pluginReports"]}
    assert len(by_plugin) == 2, by_plugin.keys()  # certfit's and cdk-nag's
    certfit = by_plugin.pop("certfit")
    (nag_report,) = by_plugin.values()
    nag_rules = {v["ruleName"] for v in nag_report["violations"]}
    # Each tool's acknowledgement silences its own finding and nothing of the other's.
    assert "AwsSolutions-VPC7" not in nag_rules
    assert any(rule.startswith("AwsSolutions-") for rule in nag_rules)
    assert certfit["conclusion"] == "success"
    assert RULE not in {v["ruleName"] for v in certfit["violations"]}
    assert [v["ruleName"] for v in certfit["suppressedViolations"]] == [RULE]


def test_plugin_says_an_acknowledgement_without_a_reason(tmp_path: Path) -> None:
    app = _plain_app(tmp_path / "cdk.out")
    stack = apps.nlb_stack(app)
    _acknowledge(_listener(stack), "certfit::unsupported_key_algorithm", " ")
    plugin = CertFitValidation(certificates=apps.MAPPINGS, config=False)
    cdk.Validations.of(app).add_plugins(plugin)
    # The CDK itself honours an acknowledgement whatever its reason (synth passes); certfit
    # does not take it, and says why.
    app.synth()
    assert RULE in {f.rule for f in plugin.findings}
    said = [
        v for v in _certfit_report(tmp_path / "cdk.out")["violations"] if v["ruleName"] == "input"
    ]
    assert [v["severity"] for v in said] == ["warning"]
    assert "has no reason" in said[0]["description"]


def test_plugin_honours_an_acknowledgement_on_a_stage(tmp_path: Path) -> None:
    """The CDK writes only the stacks' construct metadata into the assembly: the plugin reads
    the Stage's (and the App's) from the construct tree."""
    app = _plain_app(tmp_path / "cdk.out")
    stage = cdk.Stage(app, "Prod")
    apps.nlb_stack(stage)
    _acknowledge(stage, "certfit::unsupported_key_algorithm")
    plugin = CertFitValidation(certificates=apps.MAPPINGS, config=False)
    cdk.Validations.of(app).add_plugins(plugin)
    app.synth()
    (silenced,) = plugin.suppressed
    assert silenced.location.construct_path == "Prod/Nlb/LB/Tls/Extra1/Resource"
    assert silenced.details["suppressed"]["construct_path"] == "Prod"


def test_the_metadata_key_is_the_cdks() -> None:
    """certfit's CLI reads the key without aws-cdk-lib: it must stay the one the CDK writes."""
    from linter.cloudformation.cdk_metadata import ACKNOWLEDGED_RULES

    assert cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY == ACKNOWLEDGED_RULES
