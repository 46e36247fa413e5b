"""`certfit --aws`: what the code only names is asked of a real (emulated) AWS API, read-only."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fixtures.pki import Issued
from tests.aws.conftest import REGION, import_acm, write

NLB = """\
provider "aws" {
  region = "eu-west-1"
}

resource "aws_lb" "edge" {
  name               = "edge"
  load_balancer_type = "network"
}
"""


def listener(ref: str) -> str:
    return textwrap.dedent(
        f"""\
        resource "aws_lb_listener" "tls" {{
          load_balancer_arn = aws_lb.edge.arn
          protocol          = "TLS"
          port              = 443
          certificate_arn   = {ref}
        }}
        """
    )


def nlb_template(certificate_arn: str) -> str:
    """A CloudFormation NLB with a TLS listener whose certificate is `certificate_arn` (YAML)."""
    return f"""\
Resources:
  Nlb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Type: network
  Tls:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Nlb
      Protocol: TLS
      Port: 443
      Certificates:
        - CertificateArn: {certificate_arn}
"""


def run(root: Path, *args: str, cache: Path | None = None, target: str = ".") -> tuple[int, dict]:
    """certfit -f json ARGS TARGET in `root`, in this process (the console script's path)."""
    from linter.cli import main

    out = io.StringIO()
    with pytest.MonkeyPatch.context() as m:
        m.chdir(root)
        m.setenv("CERTFIT_CACHE_DIR", str(cache or root.parent / "cache"))
        with contextlib.redirect_stdout(out):
            code = main(["-f", "json", *args, target])
    return code, json.loads(out.getvalue())


def issues(report: dict, rule: str) -> list[dict]:
    return [i for i in report["issues"] if i["rule"]["name"] == rule]


def test_literal_acm_arn_of_an_imported_rsa4096_on_an_nlb_is_an_error_with_aws(
    project: Path, boto, rsa4096: Issued
) -> None:
    arn = import_acm(boto, rsa4096)
    write(project, "main.tf", NLB + listener(f'"{arn}"'))

    code, report = run(project, "--no-cache")
    assert code == 0
    assert issues(report, "unresolved_certificate"), "without --aws it can only be a notice"

    code, report = run(project, "--aws", "--aws-cache-ttl", "0")
    assert code == 2
    [err] = issues(report, "unsupported_key_algorithm")
    assert err["rule"]["severity"] == "error"
    assert err["range"]["filename"] == "main.tf" and err["range"]["start"]["line"] == 13
    assert err["details"]["key_algorithm"] == "RSA_4096"
    assert err["details"]["key_learnt_from"] == "aws:acm"
    assert err["details"]["source"] == "acm-imported"  # DescribeCertificate Type IMPORTED
    assert err["details"]["arn"] == arn
    assert not issues(report, "unresolved_certificate")


def test_data_source_lookup_by_domain_finds_the_certificate_as_the_provider_would(
    project: Path, boto, rsa4096: Issued
) -> None:
    import_acm(boto, rsa4096)
    data = """\
data "aws_acm_certificate" "nlb" {
  domain    = "nlb.example.com"
  key_types = ["RSA_2048", "RSA_4096"]
}
"""
    write(project, "main.tf", NLB + data + listener("data.aws_acm_certificate.nlb.arn"))

    _, report = run(project, "--no-cache")
    assert issues(report, "unresolved_certificate")  # several key types: cannot be told

    code, report = run(project, "--aws", "--aws-cache-ttl", "0")
    assert code == 2
    [err] = issues(report, "unsupported_key_algorithm")
    assert err["details"]["key_learnt_from"] == "aws:acm"


def test_an_ssm_parameter_holding_the_arn_is_read_without_decryption(
    project: Path, boto, rsa4096: Issued
) -> None:
    arn = import_acm(boto, rsa4096)
    boto("ssm").put_parameter(Name="/certs/nlb", Value=arn, Type="String")
    boto("ssm").put_parameter(Name="/certs/secret", Value=arn, Type="SecureString")
    data = 'data "aws_ssm_parameter" "cert" {\n  name = "/certs/nlb"\n}\n'
    secure = 'data "aws_ssm_parameter" "secret" {\n  name = "/certs/secret"\n}\n'
    second = listener("data.aws_ssm_parameter.secret.value").replace('"tls"', '"secure"')
    write(project, "main.tf", NLB + data + secure + listener("data.aws_ssm_parameter.cert.value"))
    write(project, "secure.tf", second)

    code, report = run(project, "--aws", "--aws-cache-ttl", "0")
    assert code == 2
    [err] = issues(report, "unsupported_key_algorithm")
    assert err["range"]["filename"] == "main.tf"
    [notice] = issues(report, "unresolved_certificate")
    assert notice["range"]["filename"] == "secure.tf"
    assert "SecureString" in notice["message"] and "never decrypts" in notice["message"]


def test_cloudformation_ssm_dynamic_reference_is_read(project: Path, boto, rsa4096: Issued) -> None:
    arn = import_acm(boto, rsa4096)
    boto("ssm").put_parameter(Name="/certs/nlb", Value=arn, Type="String")
    write(project, "stack.yaml", nlb_template("'{{resolve:ssm:/certs/nlb}}'"))
    code, report = run(project, "--aws", "--aws-cache-ttl", "0", target="stack.yaml")
    assert code == 2, report
    [err] = issues(report, "unsupported_key_algorithm")
    assert err["range"]["filename"] == "stack.yaml" and err["range"]["start"]["line"] == 13


def test_answers_are_cached_by_arn_for_the_ttl(project: Path, boto, rsa4096: Issued) -> None:
    arn = import_acm(boto, rsa4096)
    write(project, "main.tf", NLB + listener(f'"{arn}"'))
    cache = project.parent / "aws-cache"
    code, _ = run(project, "--aws", cache=cache)
    assert code == 2
    boto("acm").delete_certificate(CertificateArn=arn)

    code, report = run(project, "--aws", cache=cache)
    assert code == 2, "within the TTL the cached answer is used"
    code, report = run(project, "--aws", "--aws-cache-ttl", "0", cache=cache)
    assert code == 0, "with no TTL AWS is asked again, and the certificate is gone"
    [notice] = issues(report, "unresolved_certificate")
    assert "acm DescribeCertificate failed: ResourceNotFoundException" in notice["message"]


def test_access_denied_is_a_notice_naming_the_call(
    project: Path, aws_env: dict[str, str], denying_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    arn = f"arn:aws:acm:{REGION}:123456789012:certificate/0000"
    write(project, "main.tf", NLB + listener(f'"{arn}"'))
    monkeypatch.setenv("AWS_ENDPOINT_URL", denying_endpoint)
    code, report = run(project, "--aws", "--aws-cache-ttl", "0")
    assert code == 0, "a refused call never fails the run"
    [notice] = issues(report, "unresolved_certificate")
    assert notice["rule"]["severity"] == "info"  # tflint spells notice so
    assert "acm DescribeCertificate failed: AccessDeniedException" in notice["message"]
    # AWS's own message (it echoes the caller's role and the ARN) is not printed.
    assert "not authorized" not in notice["message"]


def test_an_unreachable_endpoint_is_a_notice(
    project: Path, aws_env: dict[str, str], closed_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    arn = f"arn:aws:acm:{REGION}:123456789012:certificate/0000"
    write(project, "main.tf", NLB + listener(f'"{arn}"'))
    monkeypatch.setenv("AWS_ENDPOINT_URL", closed_endpoint)
    code, report = run(project, "--aws", "--aws-cache-ttl", "0")
    assert code == 0
    [notice] = issues(report, "unresolved_certificate")
    assert "acm DescribeCertificate failed: Could not connect" in notice["message"]


def test_without_boto3_aws_is_a_clear_input_error(project: Path) -> None:
    write(project, "main.tf", NLB + listener('"arn:aws:acm:eu-west-1:123456789012:certificate/x"'))
    script = (
        "import sys; sys.modules['boto3'] = None; sys.modules['botocore'] = None\n"
        "from linter.cli import main; sys.exit(main(['--aws', '-f', 'json', '.']))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert proc.returncode == 1
    errors = json.loads(proc.stdout)["errors"]
    assert any("pip install 'certfit[aws]'" in e["message"] for e in errors), errors


def test_demo_aws_resolves_the_demos_unresolved_arn(
    tmp_path: Path, aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make demo-aws`: the checkout listener's pipeline-injected ARN, unknown in `make demo`,
    is an imported certificate that expires in 10 days once ACM is asked."""
    import shutil

    from fixtures.demo_aws import DEMO, import_checkout_certificate
    from fixtures.generate import generate

    shutil.copytree(DEMO, tmp_path / "demo")
    generate(tmp_path)
    (tmp_path / "demo" / ".git").mkdir()
    arn = import_checkout_certificate(aws_env["AWS_ENDPOINT_URL"])
    monkeypatch.setenv("TF_VAR_checkout_certificate_arn", arn)

    _, plain = run(tmp_path / "demo", "--no-cache")
    checkout = [i for i in plain["issues"] if i["range"]["start"]["line"] == 77]
    assert [i["rule"]["name"] for i in checkout] == ["unresolved_certificate"]

    _, live = run(tmp_path / "demo", "--aws", "--aws-cache-ttl", "0")
    checkout = [
        i
        for i in live["issues"]
        if i["range"]["filename"] == "main.tf" and i["range"]["start"]["line"] == 77
    ]
    assert [i["rule"]["name"] for i in checkout] == ["certificate_expiring"]
    assert checkout[0]["details"]["days_left"] in (9, 10)


def test_a_literal_load_balancer_arn_is_described_not_guessed_from_its_text(
    project: Path, boto, rsa4096: Issued
) -> None:
    """moto writes `app/` into every load balancer ARN, even a network one's: exactly the case
    where the ARN's text would mislead, and DescribeLoadBalancers tells the truth."""
    arn = import_acm(boto, rsa4096)
    ec2 = boto("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    lb = boto("elbv2").create_load_balancer(Name="edge", Type="network", Subnets=[subnet])
    lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    assert "/app/" in lb_arn  # the emulator's quirk this test relies on
    write(
        project,
        "main.tf",
        f"""\
resource "aws_lb_listener" "tls" {{
  load_balancer_arn = "{lb_arn}"
  protocol          = "TLS"
  port              = 443
  certificate_arn   = "{arn}"
}}
""",
    )
    code, report = run(project, "--aws", "--aws-cache-ttl", "0")
    assert code == 2
    [err] = issues(report, "unsupported_key_algorithm")
    assert err["details"]["target"] == "nlb"


def test_an_import_of_another_stacks_export_is_followed_with_list_exports(
    project: Path, boto, rsa4096: Issued
) -> None:
    arn = import_acm(boto, rsa4096)
    exporter = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"Cert": {"Value": arn, "Export": {"Name": "shared-cert-arn"}}},
    }
    boto("cloudformation").create_stack(StackName="certs", TemplateBody=json.dumps(exporter))
    write(project, "stack.yaml", nlb_template("!ImportValue shared-cert-arn"))
    code, report = run(project, "--aws", "--aws-cache-ttl", "0", target="stack.yaml")
    assert code == 2, report
    [err] = issues(report, "unsupported_key_algorithm")
    assert err["range"]["start"]["line"] == 13
    assert err["details"]["arn"] == arn
