"""certificate_region_mismatch: failing and passing cases."""

from linter.mappings import certificate_from_arn
from linter.model import Location, Severity, Target
from linter.options import CertificateMapping, LoadOptions
from tests.modelkit import bound, only, run

RULE = "certificate_region_mismatch"


def acm(tmp_path, region: str):
    arn = f"arn:aws:acm:{region}:123456789012:certificate/abc"
    opts = LoadOptions.for_root(
        tmp_path, certificate_mappings={arn: CertificateMapping(arn, key_algorithm="RSA_2048")}
    )
    return certificate_from_arn(arn, Location("cdn.tf", 3, 3), opts)


def test_cloudfront_needs_us_east_1(tmp_path) -> None:
    findings = only(run(bound(acm(tmp_path, "eu-west-1"), Target.CLOUDFRONT)), RULE)
    assert [f.severity for f in findings] == [Severity.ERROR]
    assert findings[0].details["required_region"] == "us-east-1"
    assert only(run(bound(acm(tmp_path, "us-east-1"), Target.CLOUDFRONT)), RULE) == []


def test_load_balancer_needs_its_own_region_when_known(tmp_path) -> None:
    model = bound(acm(tmp_path, "us-east-1"), Target.ALB, region="eu-west-1")
    assert len(only(run(model), RULE)) == 1
    same = bound(acm(tmp_path, "eu-west-1"), Target.ALB, region="eu-west-1")
    assert only(run(same), RULE) == []
    unknown = bound(acm(tmp_path, "us-east-1"), Target.ALB)  # region of the LB not known
    assert only(run(unknown), RULE) == []
