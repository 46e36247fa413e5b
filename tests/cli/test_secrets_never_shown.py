"""A canary secret routed through every way a file's content (or a value given from outside
the code) reaches a value never appears in any output, file written or the cache, and the
findings still say what is wrong by naming the expression (docs/security.md, "Secrets and
tainted values")."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest

from linter.terraform.modules import forget_files
from tests.cli.conftest import Run

FORMATS = ("default", "compact", "json", "checkstyle", "junit", "sarif", "github")
ARN = "arn:aws:acm:us-east-1:111111111111:certificate/"
LISTENER = """
resource "aws_lb_listener" "{name}" {{
  {extra}
  load_balancer_arn = aws_lb.lb.arn
  protocol          = "HTTPS"
  certificate_arn   = {expr}
}}
"""
# listener name -> the certificate_arn expression that routes the canary through a function
ROUTES = {
    "file": 'file("certs/key.pem")',
    "git": 'file(".git/config")',
    "lower": "lower(local.pem)",
    "upper_replace": 'upper(replace(local.git, "basic", "x"))',
    "join": 'join(",", [local.pem, "a"])',
    "format": 'format("arn:aws:acm:%s", local.git)',
    "template": '"${local.pem}/x"',
    "heredoc": "<<-EOT\n    ${trimspace(local.git)}\n  EOT",
    "b64": 'base64decode(filebase64("certs/key.pem"))',
    "templatefile": 'templatefile("cert.tpl", { prefix = "arn:" })',
    "local_file": "data.local_file.key.content",
    "merge": 'merge({ a = local.pem }, { b = "c" }).a',
    "lookup": 'lookup({ k = local.git }, "k")',
    "cond": 'length(local.pem) > 0 ? local.pem : "x"',
    "for": "[for s in [local.pem] : upper(s)][0]",
    "element": 'element(split("\\n", local.pem), 1)',
    "substr": "substr(local.git, 0, 200)",
    "coalesce": 'coalesce("", chomp(local.pem))',
    "tfvars": "var.from_tfvars",
    "auto_tfvars": "var.from_auto_tfvars",
    "varfile": "var.from_varfile",
    "cli_var": "var.from_cli",
    "env_var": "var.from_env",
    "json_tfvars": "var.from_json_tfvars",
    "module": "module.child.arn",
    "local_file_resource": "local_file.copy.content",
}


def _tree(root: Path, canary: str) -> None:
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(
        '[core]\n\trepositoryformatversion = 0\n[http "https://github.com/"]\n'
        f"\textraheader = AUTHORIZATION: basic {canary}\n"
    )
    (root / "certs").mkdir()
    (root / "certs" / "key.pem").write_text(
        f"-----BEGIN PRIVATE KEY-----\n{canary}\n-----END PRIVATE KEY-----\n"
    )
    (root / "cert.tpl").write_text("${prefix}" + canary + "\n")
    (root / "terraform.tfvars").write_text(
        f'from_tfvars = "{canary}"\nalgo = "{canary}"\nkeys = {{ "{canary}" = "x" }}\n'
        f'policy = "{canary}"\n'
    )
    (root / "terraform.tfvars.json").write_text(json.dumps({"from_json_tfvars": canary}))
    (root / "secret.auto.tfvars").write_text(f'from_auto_tfvars = "{ARN}{canary}"\n')
    (root / "ci.tfvars").write_text(f'from_varfile = "{canary}"\n')
    (root / "child").mkdir()
    (root / "child" / "main.tf").write_text(
        'variable "input" {}\noutput "arn" { value = "${var.input}-x" }\n'
    )
    (root / ".certfit.hcl").write_text(
        f'certificate "{ARN}mapped" {{ pem_file = "certs/key.pem" }}\n'
    )
    variables = "".join(
        f'variable "{v}" {{}}\n'
        for v in (
            "from_tfvars", "from_auto_tfvars", "from_varfile", "from_cli", "from_env",
            "from_json_tfvars", "algo", "keys", "policy",
        )
    )  # fmt: skip
    listeners = "".join(
        LISTENER.format(name=name, expr=expr, extra="") for name, expr in ROUTES.items()
    )
    (root / "main.tf").write_text(
        variables
        + """
locals {
  pem = file("certs/key.pem")
  git = file(".git/config")
}
data "local_file" "key" {
  filename = "certs/key.pem"
}
resource "local_file" "copy" {
  filename = "copy.pem"
  content  = local.git
}
module "child" {
  source = "./child"
  input  = local.git
}
resource "aws_lb" "lb" {
  load_balancer_type = "application"
}
resource "aws_acm_certificate" "algo" {
  domain_name   = "example.com"
  key_algorithm = lower(var.algo)
}
resource "aws_acm_certificate" "algo_file" {
  domain_name   = "example.com"
  key_algorithm = trimspace(file("certs/key.pem"))
}
"""
        + listeners
        + LISTENER.format(
            name="keys", extra="for_each = var.keys", expr="aws_acm_certificate.algo.arn"
        )
        + LISTENER.format(
            name="toset",
            extra="for_each = toset([local.pem, lower(local.git)])",
            expr="aws_acm_certificate.algo_file.arn",
        )
        + LISTENER.format(name="policy", extra="ssl_policy = var.policy", expr=f'"{ARN}mapped"')
    )


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def canary_tree(tmp_path: Path) -> tuple[Path, str]:
    canary = "CANARY" + secrets.token_hex(16)
    root = tmp_path / "proj"
    root.mkdir()
    _tree(root, canary)
    return root, canary


def _run_everywhere(
    certfit: Callable[..., Run], root: Path, canary: str, tmp_path: Path
) -> dict[str, Run]:
    runs: dict[str, Run] = {}
    env = {"TF_VAR_from_env": canary}
    args = ("--var-file", "ci.tfvars", "--var", f"from_cli={canary}", ".")
    # first, python-hcl2 for every block, so that the parse cache is written too
    forget_files()
    runs["slow path"] = certfit(*args, cwd=root, env={**env, "CERTFIT_FAST_BLOCKS": "0"})
    for fmt in FORMATS:
        runs[fmt] = certfit("-f", fmt, *args, cwd=root, env=env)
    summary = tmp_path / "summary.md"
    runs["annotate"] = certfit(
        "--annotate",
        "--sarif-file",
        "out.sarif",
        *args,
        cwd=root,
        env={**env, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert summary.read_text().strip(), "the job summary was written"
    assert (root / "out.sarif").is_file()
    return runs


def test_a_canary_secret_is_in_no_output_file_or_cache(
    certfit: Callable[..., Run], canary_tree: tuple[Path, str], tmp_path: Path
) -> None:
    root, canary = canary_tree
    before = _files(tmp_path)
    runs = _run_everywhere(certfit, root, canary, tmp_path)
    for name, run in runs.items():
        assert canary not in run.out, f"{name}: the canary is in stdout"
        assert canary not in run.err, f"{name}: the canary is in stderr"
        assert canary.lower() not in run.out.lower(), f"{name}: a case-changed canary is shown"
        assert run.out.strip(), f"{name}: printed nothing"
    written = {p: b for p, b in _files(tmp_path).items() if before.get(p) != b}
    assert tmp_path / "summary.md" in written and root / "out.sarif" in written
    assert any("cache" in p.parts for p in written), "the parse cache was written"
    for path, data in written.items():
        assert canary.encode() not in data and canary.lower().encode() not in data.lower(), path


def test_findings_still_say_what_is_wrong_by_the_expression(
    certfit: Callable[..., Run], canary_tree: tuple[Path, str]
) -> None:
    root, canary = canary_tree
    run = certfit(
        "-f", "json", "--var-file", "ci.tfvars", "--var", f"from_cli={canary}", ".",
        cwd=root, env={"TF_VAR_from_env": canary},
    )  # fmt: skip
    issues = json.loads(run.out)["issues"]
    by_line: dict[int, list[str]] = {}
    for issue in issues:
        by_line.setdefault(issue["range"]["start"]["line"], []).append(issue["message"])
    text = (root / "main.tf").read_text().splitlines()

    # every routed listener is reported at its certificate_arn, naming its own expression as
    # written (on one line), never its value
    for name, expr in ROUTES.items():
        line = text.index(f'resource "aws_lb_listener" "{name}" {{') + 5
        assert text[line - 1].lstrip().startswith("certificate_arn")
        (message,) = by_line[line]
        assert f"`{' '.join(expr.split())}`" in message, (name, message)
        assert "so it is not shown" in message, (name, message)
    at = {name: by_line[text.index(f'resource "aws_lb_listener" "{name}" {{') + 5][0]
          for name in ROUTES}  # fmt: skip
    assert '`file("certs/key.pem")` is not a certificate ARN' in at["file"]
    assert '`file(".git/config")` is not a certificate ARN' in at["git"]
    assert "`var.from_auto_tfvars` names is managed outside this code" in at["auto_tfvars"]
    # for_each keys from a file or tfvars: addresses name the key by position
    addresses = " ".join(i["message"] for i in issues)
    assert "aws_lb_listener.keys[each.key #1]" in addresses
    assert "aws_lb_listener.toset[each.key #2]" in addresses
    assert "key_algorithm `lower(var.algo)` is not one of ACM's names" in addresses
    assert 'key_algorithm `trimspace(file("certs/key.pem"))` is not one of ACM' in addresses
    assert canary not in run.out
