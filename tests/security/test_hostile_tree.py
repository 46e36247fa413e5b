"""The hostile pull request, end to end: one tree that does everything an attacker's PR can do
at once, run through the real console script in every format, in a fresh process with bounded
time and memory.

The tree holds links to /etc and /proc/self/environ, a FIFO, a link loop, a module cycle,
binary and 30 MB files, 3,000-deep nesting, YAML alias bombs, a committed config that tries to
widen the root, and canary secrets routed through every function that reads a file. It also
holds one real mistake: an RSA 4096 certificate imported into ACM and put on an NLB. The run
must finish, report that one error, and print or store no byte of the canaries or of anything
outside the project root.
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.pki import issue
from tests.reporters import workflow_commands

CANARY = "CANARY" + secrets.token_hex(12)
ENV_CANARY = "ENVCANARY" + secrets.token_hex(12)
# Bytes that only exist outside the root: a line of /etc/passwd, and the environment canary
# (which only /proc/self/environ holds).
OUTSIDE = ("root:x:0:0", ENV_CANARY)
FORMATS = ("default", "compact", "json", "checkstyle", "junit", "sarif", "github")


def _write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)


def _real_finding(root: Path) -> None:
    big = issue("nlb.example.com", "RSA_4096")
    _write(root / "certs/nlb.pem", big.cert_pem)
    _write(root / "certs/nlb.key", big.key_pem())
    _write(
        root / "main.tf",
        """\
provider "aws" {
  region = "eu-west-1"
}

resource "aws_lb" "edge" {
  name               = "edge"
  load_balancer_type = "network"
}

resource "aws_acm_certificate" "nlb" {
  certificate_body = file("certs/nlb.pem")
  private_key      = file("certs/nlb.key")
}

resource "aws_lb_listener" "tls" {
  load_balancer_arn = aws_lb.edge.arn
  protocol          = "TLS"
  port              = 443
  certificate_arn   = aws_acm_certificate.nlb.arn
  default_action {
    type = "forward"
  }
}
""",
    )


def _canaries(root: Path) -> None:
    """Every way a file's content becomes a value, each routed where a value gets printed."""
    _write(root / "secret.txt", f"{CANARY}\n")
    _write(root / ".git/config", f"[http]\n\textraheader = AUTHORIZATION: basic {CANARY}\n")
    _write(root / "tmpl.tftpl", "arn:${x}:" + CANARY)
    _write(root / "terraform.tfvars", f'leaky = "{CANARY}"\nbad_escape = "\\uZZZZ"\n')
    _write(root / "extra.tfvars", f'from_var_file = "{CANARY}"\n')
    listeners = {
        "plain": 'file("secret.txt")',
        "git": 'file(".git/config")',
        "lower": 'lower(file("secret.txt"))',
        "replace": 'replace(file("secret.txt"), "x", "y")',
        "join": 'join(",", [file("secret.txt"), "b"])',
        "format": 'format("arn:%s", file("secret.txt"))',
        "template": 'templatefile("tmpl.tftpl", { x = "y" })',
        "b64": 'filebase64("secret.txt")',
        "b64dec": 'base64decode(filebase64("secret.txt"))',
        "trim": 'trimspace(file("secret.txt"))',
        "tfvars": "var.leaky",
        "varfile": "var.from_var_file",
        "local": "local.wrapped",
        "localfile": "data.local_file.secret.content",
        "etc": 'file("/etc/passwd")',
        "etclink": 'file("etc_link")',
        "environ": 'replace(file("/proc/self/environ"), "\\u0000", "\\n")',
        "fifo": 'file("fifo")',
        "zero": 'file("/dev/zero")',
        "big": 'file("big.bin")',
        "loop": 'file("loop_a")',
        "binary": 'file("binary.bin")',
    }
    blocks = [
        'variable "leaky" {}',
        'variable "from_var_file" {}',
        'variable "bad_escape" {}',
        'locals {\n  wrapped = "prefix-${file("secret.txt")}"\n  '
        'keys = toset([file("secret.txt")])\n}',
        'data "local_file" "secret" {\n  filename = "secret.txt"\n}',
        'resource "aws_lb" "alb" {\n  name = "alb"\n  load_balancer_type = "application"\n}',
    ]
    for name, expr in listeners.items():
        blocks.append(
            f'resource "aws_lb_listener" "{name}" {{\n'
            f"  load_balancer_arn = aws_lb.alb.arn\n"
            f'  protocol          = "HTTPS"\n'
            f"  port              = 443\n"
            f"  certificate_arn   = {expr}\n"
            f"}}"
        )
    blocks.append(
        'resource "aws_lb_listener" "each" {\n'
        "  for_each          = local.keys\n"
        "  load_balancer_arn = aws_lb.alb.arn\n"
        '  protocol          = "HTTPS"\n'
        "  port              = 443\n"
        "  certificate_arn   = each.value\n"
        "}"
    )
    blocks.append(
        'resource "aws_lb_listener" "escape" {\n'
        "  load_balancer_arn = aws_lb.alb.arn\n"
        '  protocol          = "HTTPS"\n'
        "  port              = 443\n"
        "  certificate_arn   = var.bad_escape\n"
        "}"
    )
    blocks.append(
        'resource "aws_acm_certificate" "keyalg" {\n'
        '  domain_name   = "x.example.com"\n'
        '  key_algorithm = upper(file("secret.txt"))\n'
        "}"
    )
    _write(root / "leaks.tf", "\n\n".join(blocks) + "\n")


def _special_files(root: Path) -> None:
    os.symlink("/etc/passwd", root / "etc_link")
    os.symlink("/etc", root / "etc_dir")
    os.symlink("loop_b", root / "loop_a")
    os.symlink("loop_a", root / "loop_b")
    os.mkfifo(root / "fifo")
    os.mkfifo(root / "fifo.tf")
    with open(root / "big.bin", "wb") as f:
        f.truncate(30 * 1024 * 1024)
    _write(root / "binary.bin", bytes(range(256)) * 64)
    _write(root / "binary.tf", b"\x00\xff\xfe" + bytes(range(256)) * 16)
    _write(root / "huge.tf", "# filler\n" * (30 * 1024 * 1024 // 9))
    os.symlink("/etc/passwd", root / "passwd.tf")
    # A committed config that tries to widen the root and map an ARN to a file outside it.
    _write(
        root / ".certfit.hcl",
        'config {\n  root = "/"\n}\n\n'
        'certificate "arn:aws:acm:eu-west-1:123456789012:certificate/x" {\n'
        '  pem_file = "/etc/passwd"\n}\n',
    )


def _blow_ups(root: Path) -> None:
    # Module cycle: a -> ../b -> ../a.
    _write(root / "modules/a/main.tf", 'module "b" {\n  source = "../b"\n}\n')
    _write(root / "modules/b/main.tf", 'module "a" {\n  source = "../a"\n}\n')
    _write(root / "cycle.tf", 'module "a" {\n  source = "./modules/a"\n}\n')
    # Doubling strings, absurd counts, overflowing numbers.
    doubling = ['locals {\n  s0 = "xx"']
    doubling += [f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"' for i in range(1, 41)]
    doubling.append("}")
    _write(root / "doubling.tf", "\n".join(doubling) + "\n")
    _write(
        root / "counts.tf",
        'resource "aws_lb_listener" "many" {\n  count = 1000000000\n'
        '  load_balancer_arn = aws_lb.alb.arn\n  protocol = "HTTPS"\n  port = 443\n'
        "  certificate_arn = local.s40\n}\n\n"
        'resource "aws_lb_listener" "inf" {\n  count = 1e999\n'
        '  load_balancer_arn = aws_lb.alb.arn\n  protocol = "HTTPS"\n  port = 443\n'
        '  certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/inf"\n}\n\n'
        'resource "aws_lb_listener" "nan" {\n  count = 1e999 - 1e999\n'
        '  load_balancer_arn = aws_lb.alb.arn\n  protocol = "HTTPS"\n  port = 443\n'
        '  certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/nan"\n}\n',
    )
    # 3,000-deep nesting in HCL, JSON and YAML.
    _write(root / "deep.tf", "locals {\n  deep = " + "[" * 3000 + "]" * 3000 + "\n}\n")
    deep_json = '{"Resources": ' + '{"a": ' * 3000 + "1" + "}" * 3000 + "}"
    _write(root / "templates/deep.json", deep_json)
    _write(root / "templates/deep.yaml", "Resources:\n  X: " + "[" * 3000 + "]" * 3000 + "\n")
    # Alias bombs, as values and as mapping keys.
    bomb = ["AWSTemplateFormatVersion: '2010-09-09'", 'a0: &a0 ["x", "x", "x", "x", "x"]']
    bomb += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 25)]
    bomb.append("Resources:\n  R:\n    Type: AWS::ElasticLoadBalancingV2::Listener")
    bomb.append("    Properties: *a24")
    _write(root / "templates/bomb.yaml", "\n".join(bomb) + "\n")
    keybomb = ["AWSTemplateFormatVersion: '2010-09-09'", "k0: &k0 {x: 1, y: 2, z: 3}"]
    keybomb += [f"k{i}: &k{i} {{? *k{i - 1} : 1, ? [*k{i - 1}] : 2}}" for i in range(1, 25)]
    keybomb.append("Resources: {}")
    _write(root / "templates/keybomb.yaml", "\n".join(keybomb) + "\n")
    # A cloud assembly whose artifacts all point back at itself.
    cdk_out = root / "cdk.out"
    manifest = {
        "version": "36.0.0",
        "artifacts": {
            f"Nested{i}": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "."}}
            for i in range(3)
        },
    }
    _write(cdk_out / "manifest.json", json.dumps(manifest))
    _write(cdk_out / "deep" / "manifest.json", '{"a": ' * 3000 + "1" + "}" * 3000)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "repo"
    root.mkdir()
    _real_finding(root)
    _canaries(root)
    _special_files(root)
    _blow_ups(root)
    return root


def _limit_memory() -> None:
    limit = 3 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _run(
    root: Path, fmt: str, out_dir: Path, jobs: str | None = None
) -> tuple[subprocess.CompletedProcess[str], dict]:
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CERTFIT_"))} | {
        "HOME": str(out_dir / "home"),
        "CERTFIT_CACHE_DIR": str(out_dir / "cache"),
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(out_dir / "summary.md"),
        "SECRET_FOR_ENVIRON": ENV_CANARY,
    }
    if jobs is not None:
        env["CERTFIT_JOBS"] = jobs
    args = [
        str(Path(sys.executable).parent / "certfit"),
        "--recursive",
        "--var-file",
        "extra.tfvars",
        "--format",
        fmt,
        "--sarif-file",
        str(out_dir / "out.sarif"),
        ".",
    ]
    proc = subprocess.run(
        args,
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        errors="surrogateescape",
        timeout=120,
        preexec_fn=_limit_memory,
    )
    written = {
        str(p.relative_to(out_dir)): p.read_bytes()
        for p in out_dir.rglob("*")
        if p.is_file() and not p.is_symlink()
    }
    return proc, written


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_tree_leaks_nothing_and_reports_its_one_real_finding(
    hostile: Path, tmp_path: Path, fmt: str
) -> None:
    proc, written = _run(hostile, fmt, tmp_path / "out")

    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    # Exit 3: issues found and input errors reported; never a crash's 1 without issues.
    assert proc.returncode in (2, 3), (proc.returncode, proc.stderr[-2000:])

    everything = {
        "stdout": proc.stdout.encode(errors="surrogateescape"),
        "stderr": proc.stderr.encode(errors="surrogateescape"),
        **written,
    }
    for where, data in everything.items():
        for secret in (CANARY, *OUTSIDE):
            assert secret.encode() not in data, f"{secret[:12]}... leaked into {where}"
        # Base64 of the canary (filebase64) must not leak either.
        import base64

        assert base64.b64encode(CANARY.encode())[:16] not in data, f"base64 canary in {where}"

    if fmt == "github":
        # Nothing the inputs wrote is read as a workflow command: only annotations.
        names = {c.name for c in workflow_commands.parse(proc.stdout)}
        assert names <= {"error", "warning", "notice", "group", "endgroup"}, names

    if fmt == "json":
        report = json.loads(proc.stdout)
        errors = [i for i in report["issues"] if i["rule"]["severity"] == "error"]
        assert [(i["rule"]["name"], i["range"]["filename"]) for i in errors] == [
            ("unsupported_key_algorithm", "main.tf")
        ], errors
        # The hostile parts are reported as input errors naming their files, not dropped.
        mentioned = json.dumps(report["errors"])
        for name in ("fifo.tf", "huge.tf", "passwd.tf", "bomb.yaml", "deep.json"):
            assert name in mentioned, (name, report["errors"])


def test_hostile_tree_read_by_worker_processes_gives_the_same_report(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """The same tree, wide enough that a --recursive run forks workers for its survey and its
    loads: the report is the one process's, byte for byte, and leaks nothing."""
    root = tmp_path_factory.mktemp("hostile-wide") / "repo"
    root.mkdir()
    _real_finding(root)
    _canaries(root)
    _special_files(root)
    _blow_ups(root)
    for i in range(12):  # quiet root modules: enough directories for the workers
        _write(root / f"quiet{i}" / "main.tf", 'resource "aws_s3_bucket" "b" {}\n')
    one, _ = _run(root, "json", tmp_path / "one", jobs="1")
    two, written = _run(root, "json", tmp_path / "two", jobs="2")
    assert "Traceback" not in two.stderr, two.stderr[-3000:]
    assert two.returncode == one.returncode and two.stdout == one.stdout
    for where, data in {
        "stdout": two.stdout.encode(),
        "stderr": two.stderr.encode(),
        **written,
    }.items():
        for secret in (CANARY, *OUTSIDE):
            assert secret.encode() not in data, f"{secret[:12]}... leaked into {where}"
