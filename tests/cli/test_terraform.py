"""The CLI over Terraform: the 2020 incident with --as-of, variables, module calls,
--recursive and plan JSON; all with real PEMs, python-hcl2 and the engine."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures.pki import issue
from tests.cli.conftest import REPO, Run

PLANS = REPO / "tests" / "data" / "terraform-plan"

MODULE = """\
variable "certificate_arn" {
  type = string
}

resource "aws_lb" "this" {
  load_balancer_type = "application"
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  protocol          = "HTTPS"
  port              = 443
  certificate_arn   = var.certificate_arn
}
"""

ROOT = """\
resource "aws_acm_certificate" "app" {
  certificate_body = file("${path.module}/certs/app.pem")
  private_key      = file("${path.module}/certs/app.key")
}

module "alb" {
  source          = "../modules/alb"
  certificate_arn = aws_acm_certificate.app.arn
}

variable "partner_arn" {
  type = string
}

resource "aws_lb" "partner" {
  load_balancer_type = "network"
}

resource "aws_lb_listener" "partner" {
  load_balancer_arn = aws_lb.partner.arn
  protocol          = "TLS"
  port              = 443
  certificate_arn   = var.partner_arn
}
"""

PARTNER = "arn:aws:acm:eu-west-1:111122223333:certificate/partner"


@pytest.fixture(scope="module")
def ec_2020() -> tuple[bytes, bytes]:
    """An EC P-256 certificate valid from 2020 to 2036: the 2020 incident's kind."""
    cert = issue(
        "app.example.com",
        "EC_prime256v1",
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2036, 1, 1, tzinfo=dt.UTC),
    )
    return cert.cert_pem, cert.key_pem()


@pytest.fixture
def repo(tmp_path: Path, ec_2020: tuple[bytes, bytes]) -> Path:
    (tmp_path / ".git").mkdir()
    for env in ("prod", "staging"):
        d = tmp_path / "envs" / env
        (d / "certs").mkdir(parents=True)
        (d / "main.tf").write_text(ROOT)
        (d / "certs" / "app.pem").write_bytes(ec_2020[0])
        (d / "certs" / "app.key").write_bytes(ec_2020[1])
    (tmp_path / "envs" / "modules" / "alb").mkdir(parents=True)
    (tmp_path / "envs" / "modules" / "alb" / "main.tf").write_text(MODULE)
    return tmp_path


def _issues(run: Run) -> list[tuple[str, str, int]]:
    doc = json.loads(run.out)
    return [
        (i["rule"]["name"], i["range"]["filename"], i["range"]["start"]["line"])
        for i in doc["issues"]
    ]


def test_the_2020_incident_fails_then_and_passes_now(
    certfit: Callable[..., Run], repo: Path
) -> None:
    then = certfit("-f", "json", "--as-of", "2020-04-13", "envs/prod", cwd=repo)
    assert ("unsupported_key_algorithm", "envs/modules/alb/main.tf", 13) in _issues(then)
    caller = json.loads(then.out)["issues"][0]["callers"]
    assert caller[0]["filename"] == "envs/prod/main.tf"
    assert then.code == 2
    now = certfit("-f", "json", "--var", f"partner_arn={PARTNER}", "envs/prod", cwd=repo)
    assert [r for r, _, _ in _issues(now)] == ["unresolved_certificate"]
    assert now.code == 0  # a notice does not fail


def test_variables_from_flags_and_var_files(certfit: Callable[..., Run], repo: Path) -> None:
    unknown = certfit("-f", "json", "envs/prod", cwd=repo)
    partner = [i for i in _issues(unknown) if i[2] == 23]
    assert partner == [("unresolved_certificate", "envs/prod/main.tf", 23)]
    # the variable's value leads to an ARN, which the config maps to a key NLB refuses
    (repo / ".certfit.hcl").write_text(
        f'certificate "{PARTNER}" {{\n  key_algorithm = "RSA_4096"\n}}\n'
    )
    (repo / "prod.tfvars").write_text(f'partner_arn = "{PARTNER}"\n')
    by_file = certfit("-f", "json", "--var-file", "prod.tfvars", "envs/prod", cwd=repo)
    assert ("unsupported_key_algorithm", "envs/prod/main.tf", 23) in _issues(by_file)
    by_flag = certfit("-f", "json", "--var", f"partner_arn={PARTNER}", "envs/prod", cwd=repo)
    assert _issues(by_flag) == _issues(by_file)


def test_call_module_type_none_does_not_follow_modules(
    certfit: Callable[..., Run], repo: Path
) -> None:
    local = certfit("-f", "json", "--as-of", "2020-04-13", "envs/prod", cwd=repo)
    none = certfit(
        "-f", "json", "--as-of", "2020-04-13", "--call-module-type", "none", "envs/prod", cwd=repo
    )
    assert any(f == "envs/modules/alb/main.tf" for _, f, _ in _issues(local))
    assert not any(f == "envs/modules/alb/main.tf" for _, f, _ in _issues(none))


def test_recursive_lints_every_root_module_once(certfit: Callable[..., Run], repo: Path) -> None:
    run = certfit("-f", "json", "--recursive", "--as-of", "2020-04-13", cwd=repo)
    alb = [
        i for i in json.loads(run.out)["issues"] if i["rule"]["name"] == "unsupported_key_algorithm"
    ]
    callers = sorted(i["callers"][0]["filename"] for i in alb)
    assert callers == ["envs/prod/main.tf", "envs/staging/main.tf"]  # modules/ is not a root
    assert json.loads(run.out)["errors"] == []


def test_a_tf_file_argument_lints_its_module(certfit: Callable[..., Run], repo: Path) -> None:
    run = certfit("-f", "json", "--as-of", "2020-04-13", "envs/prod/main.tf", cwd=repo)
    assert ("unsupported_key_algorithm", "envs/modules/alb/main.tf", 13) in _issues(run)


def test_plan_json_with_a_config_mapping(certfit: Callable[..., Run], tmp_path: Path) -> None:
    shutil.copy(PLANS / "terraform-compliance-issue-126.plan.json", tmp_path / "plan.json")
    run = certfit("-f", "json", "plan.json", cwd=tmp_path)
    assert [r for r, _, _ in _issues(run)] == ["unresolved_certificate"]
    (tmp_path / ".certfit.hcl").write_text(
        'certificate "arn:aws:iam::123456789012:server-certificate/certName" {\n'
        '  key_algorithm = "RSA_1024"\n}\n'
    )
    mapped = certfit("-f", "json", "plan.json", cwd=tmp_path)
    assert [r for r, _, _ in _issues(mapped)] == ["weak_key"]
    assert mapped.code == 2


def test_terraform_ignore_comment(certfit: Callable[..., Run], repo: Path) -> None:
    main = repo / "envs" / "modules" / "alb" / "main.tf"
    main.write_text(
        main.read_text().replace(
            "  certificate_arn   = var.certificate_arn",
            "  certificate_arn   = var.certificate_arn # certfit-ignore: unsupported_key_algorithm",
        )
    )
    run = certfit("-f", "json", "--as-of", "2020-04-13", "envs/prod", cwd=repo)
    assert "unsupported_key_algorithm" not in {r for r, _, _ in _issues(run)}


def test_parse_cache_is_used_and_no_cache_skips_it(
    certfit: Callable[..., Run], repo: Path, tmp_path: Path
) -> None:
    key = issue("inline.example.com", "RSA_2048").key_pem().decode()
    (repo / "envs" / "prod" / "inline.tf").write_text(
        f'resource "aws_iam_server_certificate" "inline" {{\n'
        f'  certificate_body = file("${{path.module}}/certs/app.pem")\n'
        f"  private_key      = <<-EOT\n{key}  EOT\n}}\n"
    )
    # A value the fast splitter hands back to python-hcl2 (a binary operation): only
    # python-hcl2's parses are worth caching.
    (repo / "envs" / "prod" / "ops.tf").write_text(
        'resource "aws_lb_listener" "ops" {\n  port     = 440 + 3\n  protocol = "HTTPS"\n'
        '  certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/ops"\n}\n'
    )
    cache = tmp_path / "cache-on"
    first = certfit("-f", "json", "envs/prod", cwd=repo, env={"CERTFIT_CACHE_DIR": str(cache)})
    cached = [p for p in cache.rglob("*") if p.is_file()]
    assert cached  # blocks were cached
    assert not any(b"PRIVATE KEY" in p.read_bytes() for p in cached)  # but never key material
    again = certfit("-f", "json", "envs/prod", cwd=repo, env={"CERTFIT_CACHE_DIR": str(cache)})
    assert again.out == first.out
    off = tmp_path / "cache-off"
    certfit("-f", "json", "--no-cache", "envs/prod", cwd=repo, env={"CERTFIT_CACHE_DIR": str(off)})
    assert not off.exists() or not any(off.rglob("*"))
