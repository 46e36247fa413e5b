"""`certfit audit`: what is already deployed, listed from a real (emulated) AWS API and judged
by the same rules."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from fixtures.pki import NOW, Issued, issue
from tests.aws.conftest import REGION, import_acm


def audit(cwd: Path, *args: str) -> tuple[int, dict]:
    from linter.cli import main

    out = io.StringIO()
    with pytest.MonkeyPatch.context() as m:
        m.chdir(cwd)
        m.setenv("CERTFIT_CACHE_DIR", str(cwd / "cache"))
        with contextlib.redirect_stdout(out):
            code = main(["audit", "-f", "json", "--region", REGION, *args])
    return code, json.loads(out.getvalue())


def _vpc_subnet(boto) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    ec2 = boto("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    return vpc, subnet


def _listener(boto, lb_type: str, protocol: str, cert_arn: str, name: str) -> str:  # type: ignore[no-untyped-def]
    elb = boto("elbv2")
    vpc, subnet = _vpc_subnet(boto)
    lb = elb.create_load_balancer(Name=name, Type=lb_type, Subnets=[subnet])["LoadBalancers"][0]
    tg = elb.create_target_group(Name=f"{name}-tg", Protocol=protocol, Port=443, VpcId=vpc)
    listener = elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol=protocol,
        Port=443,
        Certificates=[{"CertificateArn": cert_arn}],
        DefaultActions=[
            {"Type": "forward", "TargetGroupArn": tg["TargetGroups"][0]["TargetGroupArn"]}
        ],
    )
    return str(listener["Listeners"][0]["ListenerArn"])


def test_audit_finds_the_nlb_an_rsa4096_iam_certificate_left_broken(
    tmp_path: Path, boto, rsa4096: Issued
) -> None:
    iam = boto("iam", "us-east-1")
    uploaded = iam.upload_server_certificate(
        ServerCertificateName="nlb-big",
        CertificateBody=rsa4096.cert_pem.decode(),
        PrivateKey=rsa4096.key_pem().decode(),
    )["ServerCertificateMetadata"]["Arn"]
    nlb_listener = _listener(boto, "network", "TLS", uploaded, "edge")
    fine = import_acm(boto, issue("app.example.com", "EC_prime256v1"))
    alb_listener = _listener(boto, "application", "HTTPS", fine, "app")

    code, report = audit(tmp_path)

    assert code == 2
    errors = [i for i in report["issues"] if i["rule"]["severity"] == "error"]
    assert [(i["rule"]["name"], i["range"]["filename"]) for i in errors] == [
        ("unsupported_key_algorithm", nlb_listener)
    ]
    details = errors[0]["details"]
    assert details["source"] == "iam" and details["checked_at_attach"] is False
    assert details["key_learnt_from"] == "aws:iam" and details["arn"] == uploaded
    assert "silent" in errors[0]["message"].lower() or "later" in errors[0]["message"].lower()
    assert not [i for i in report["issues"] if i["range"]["filename"] == alb_listener]


def test_audit_warns_of_an_imported_certificate_that_expires_and_nothing_renews(
    tmp_path: Path, boto
) -> None:
    soon = issue("soon.example.com", "RSA_2048", not_after=NOW + dt.timedelta(days=9))
    arn = import_acm(boto, soon)
    listener = _listener(boto, "application", "HTTPS", arn, "soon")

    code, report = audit(tmp_path)

    assert code == 2
    [warning] = [i for i in report["issues"] if i["rule"]["name"] == "certificate_expiring"]
    assert warning["range"]["filename"] == listener
    assert warning["details"]["days_left"] in (8, 9)


def test_audit_with_access_denied_is_notices_not_a_crash(
    tmp_path: Path, aws_env: dict[str, str], denying_endpoint: str, monkeypatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", denying_endpoint)
    code, report = audit(tmp_path)
    assert code == 0
    messages = " ".join(e["message"] for e in report["errors"])
    assert "elbv2 DescribeLoadBalancers failed: AccessDenied" in messages
    assert "cloudfront ListDistributions failed" in messages
