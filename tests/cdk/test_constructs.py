"""Real constructs, real synthesis: each finding lands on the construct that causes it, with
the CDK's annotation level for its severity."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cdk_aspect import CertFitChecks
from tests.cdk import apps
from tests.cdk.conftest import Synth, new_app, synthesize

pytestmark = pytest.mark.cdk


def test_nlb_sni_certificates_from_arn(constructs_app: Synth) -> None:
    # listener.add_certificates(from_arn(...)): the mapped RSA 4096 one is rejected by NLB...
    (error,) = constructs_app.at("Nlb/LB/Tls/Extra1/Resource", "error")
    assert "unsupported_key_algorithm" in error and "RSA 4096" in error
    # ...the unmapped one is a notice saying how to make it known, never a failure.
    (info,) = constructs_app.at("Nlb/LB/Tls/Extra2/Resource", "info")
    assert "unresolved_certificate" in info and apps.UNMAPPED_ARN in info
    assert ".certfit.hcl" in info


def test_nlb_ec_p384_from_certificate_manager_depends_on_the_date(
    constructs_app: Synth, tmp_path: Path
) -> None:
    # ACM-issued EC P-384 on an NLB: accepted since 2024-01-19...
    assert constructs_app.at("Nlb/LB/Tls/Resource") == []
    # ...and refused before, which `as_of` shows.
    app = new_app(tmp_path / "cdk.out")
    apps.nlb_stack(app)
    old = synthesize(app, CertFitChecks(as_of=date(2023, 6, 1), config=False), tmp_path)
    (error,) = old.at("Nlb/LB/Tls/Resource", "error")
    assert "EC P-384" in error and "2023-06-01" in error


def test_alb_certificates(constructs_app: Synth) -> None:
    # acm.Certificate with the default key (RSA 2048) and from_certificate_arn mapped to EC
    # P-256, both fine on an ALB; no finding on either.
    assert constructs_app.at("Alb/LB/Https/Resource") == []
    assert constructs_app.at("Alb/LB/Https/More1/Resource") == []
    # An IAM server certificate whose PEM the app read from a file: expired, reported on the
    # certificate, and the listener's reference to it (attr_arn) is followed, not unresolved.
    (error,) = constructs_app.at("Alb/Expired", "error")
    assert "invalid_certificate_material" in error and "expired" in error
    assert constructs_app.at("Alb/LB/Https/More2/Resource", "info") == []


def test_nested_stack_resources_are_judged(constructs_app: Synth) -> None:
    (info,) = constructs_app.at("Alb/Inner/HttpDomain/Resource", "info")
    assert "unresolved_certificate" in info and apps.UNMAPPED_ARN in info


def test_classic_lb_with_ssl_certificate_arn(constructs_app: Synth) -> None:
    messages = constructs_app.at("Clb/LB/Resource")
    # ACM EC on Classic LB is refused; the IAM EC certificate on the SSL listener is the
    # documented workaround and passes.
    assert len(messages) == 1, messages
    assert "Classic Load Balancer" in messages[0] and "from ACM" in messages[0]
    assert constructs_app.at("Clb/LB/Resource", "error") == messages


def test_cloudfront_and_api_gateway_domains(constructs_app: Synth) -> None:
    (cdn,) = constructs_app.at("Edge/Cdn/Resource", "error")
    assert "CloudFront" in cdn and "EC P-384" in cdn
    (edge,) = constructs_app.at("Edge/EdgeDomain/Resource", "error")
    assert "edge-optimized" in edge
    region, key = sorted(constructs_app.at("Edge/RegionalDomain/Resource", "error"))
    assert "unsupported_key_algorithm" in key and "RSA 4096" in key
    # The stack's environment (us-east-1) against the certificate ARN's region (eu-west-1).
    assert "certificate_region_mismatch" in region and "eu-west-1" in region
    # API Gateway v2 with ACM EC P-256: UNCONFIRMED in the data, so a warning, acknowledgeable.
    (http,) = constructs_app.at("Edge/HttpDomain/Resource", "warning")
    assert "[ack: certfit:unsupported_key_algorithm]" in http


def test_cross_stack_references_are_followed(constructs_app: Synth) -> None:
    # Cross-region (SSM-backed reader): the us-east-1 EC P-384 certificate on CloudFront.
    (cdn,) = constructs_app.at("Site/Cdn/Resource", "error")
    assert "CloudFront" in cdn and "EC P-384" in cdn
    # Same region (Fn::ImportValue): followed, so no "cannot tell" notice on the listener.
    assert constructs_app.at("SharedLb/LB/Tls/Resource") == []


def test_parameters_and_conditions_of_l1_constructs(constructs_app: Synth) -> None:
    # Env defaults to prod: Fn::If picks the RSA 4096 certificate, which NLB refuses.
    (error,) = constructs_app.at("L1/Tls", "error")
    assert "RSA 4096" in error
    # The IsDev certificate is not deployed, so its RSA 4096 request is not reported.
    assert constructs_app.at("L1/DevOnly") == []


def test_nothing_else_is_reported(constructs_app: Synth) -> None:
    assert constructs_app.certfit_paths() == {
        "Nlb/LB/Tls/Extra1/Resource",
        "Nlb/LB/Tls/Extra2/Resource",
        "Alb/Expired",
        "Alb/Inner/HttpDomain/Resource",
        "Clb/LB/Resource",
        "Edge/Cdn/Resource",
        "Edge/EdgeDomain/Resource",
        "Edge/RegionalDomain/Resource",
        "Edge/HttpDomain/Resource",
        "Site/Cdn/Resource",
        "L1/Tls",
    }
