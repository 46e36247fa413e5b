"""One fuzz target per front end. Each takes the fuzzer's bytes as the file that front end
reads, runs it through the front end, the rules and every output format, and raises only on a
certfit bug: an uncaught exception, an "internal error" a front end caught and reported, or an
output that is not what its format promises. Input errors are the right answer to bad input.

The targets share one scratch directory (the project root of every run) and read it through
the same SafeReader the CLI uses. Time and memory per input are bounded by the fuzzer
(libFuzzer's -timeout and -rss_limit_mb, see fuzz/run.py).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import tempfile
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from linter.config import Config, load_config
from linter.lint import LintRequest, Unit, judge, known_rules, load_unit
from linter.model import Model
from linter.options import LoadOptions
from linter.report import Report
from linter.reporters import FORMATS, render
from linter.reporters.github import step_summary
from linter.safe_files import SafeReader
from linter.terraform import extract

AS_OF = date(2026, 1, 1)


class CertfitBug(AssertionError):
    """What the fuzzer reports as a crash."""


class Workspace:
    """A scratch project root, emptied before each input."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="certfit-fuzz-")).resolve()
        atexit.register(shutil.rmtree, self.root, True)

    def reset(self) -> None:
        for child in self.root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()

    def write(self, name: str, data: bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path


# The Terraform front end turns its own exceptions into "internal error" input errors, so that
# one bad resource does not hide the rest. For the fuzzer that is still a bug: keep the
# traceback the front end swallowed so that the crash report shows where it came from.
_SWALLOWED: list[str] = []


def _keep_traceback(method: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except Exception:
            _SWALLOWED.append(traceback.format_exc())
            raise

    return wrapper


extract.Extractor.walk = _keep_traceback(extract.Extractor.walk)  # type: ignore[method-assign]
extract.Extractor._instance = _keep_traceback(extract.Extractor._instance)  # type: ignore[method-assign]


def _request(ws: Workspace, config: Config | None = None) -> LintRequest:
    config = config or Config()
    options = LoadOptions(
        reader=SafeReader(ws.root),
        variables=dict(config.variables),
        var_files=list(config.var_files),
        cache_dir=None,
        certificate_mappings=config.certificate_mappings,
        environ={},
    )
    return LintRequest(paths=[ws.root], options=options, config=config, as_of=AS_OF)


def _lint(ws: Workspace, kind: str, path: Path, config: Config | None = None) -> Report:
    """What `certfit` does with one unit, without the CLI's catch-all around the front end."""
    request = _request(ws, config)
    _SWALLOWED.clear()
    model: Model = load_unit(Unit(kind, path), request.options)
    findings, merged = judge([model], request)
    report = Report(findings=findings, errors=[*request.config.errors, *merged.errors], as_of=AS_OF)
    for err in report.errors:
        if "internal error" in err.message or "internal error" in err.summary:
            raise CertfitBug(
                f"front end reported an internal error: {err.summary}: {err.message}\n"
                + (_SWALLOWED[-1] if _SWALLOWED else "(no traceback kept)")
            )
    return report


def check_outputs(report: Report, root: Path) -> None:
    """Every format renders, and each is what it claims to be."""
    for fmt in FORMATS:
        out = render(report, fmt, root=str(root))
        out.encode("utf-8")
        if fmt in ("default", "compact"):
            for line in out.splitlines():
                if line.lstrip().startswith("::") or "##[" in line:
                    raise CertfitBug(f"{fmt}: a line a runner reads as a command: {line[:200]!r}")
        elif fmt == "github":
            for line in out.splitlines():
                if not line.startswith(("::error ", "::warning ", "::notice ")):
                    raise CertfitBug(f"github: a line that is not an annotation: {line[:200]!r}")
        elif fmt in ("junit", "checkstyle"):
            ET.fromstring(out)
        else:
            json.loads(out)
    step_summary(report, root=str(root)).encode("utf-8")


# --- the targets: bytes -> the file a front end reads -------------------------------------


def terraform_hcl(data: bytes, ws: Workspace) -> Report:
    """A root module of one file, main.tf."""
    ws.write("main.tf", data)
    return _lint(ws, "terraform", ws.root)


def terraform_plan(data: bytes, ws: Workspace) -> Report:
    """`terraform show -json` output."""
    return _lint(ws, "plan", ws.write("plan.json", data))


def cloudformation(data: bytes, ws: Workspace) -> Report:
    """A template, JSON or YAML (named by its first character, as users name them)."""
    name = "template.json" if data.lstrip()[:1] in (b"{", b"[") else "template.yaml"
    return _lint(ws, "template", ws.write(name, data))


CDK_TEMPLATE = json.dumps(
    {
        "Resources": {
            "Nlb": {
                "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {"Type": "network"},
            },
            "Tls": {
                "Type": "AWS::ElasticLoadBalancingV2::Listener",
                "Properties": {
                    "LoadBalancerArn": {"Ref": "Nlb"},
                    "Protocol": "TLS",
                    "Certificates": [
                        {"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/a"}
                    ],
                },
                "Metadata": {"aws:cdk:path": "App/Stack/Tls/Resource"},
            },
        }
    }
).encode()


def cdk_out(data: bytes, ws: Workspace) -> Report:
    """cdk.out/manifest.json, beside a template it may name (Stack.template.json)."""
    ws.write("cdk.out/Stack.template.json", CDK_TEMPLATE)
    ws.write("cdk.out/manifest.json", data)
    return _lint(ws, "cdk_out", ws.root / "cdk.out")


CONFIG_MODULE = b"""\
resource "aws_lb" "main" {
  load_balancer_type = "network"
}
resource "aws_lb_listener" "tls" {
  load_balancer_arn = aws_lb.main.arn
  protocol          = "TLS"
  certificate_arn   = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
}
"""


def config(data: bytes, ws: Workspace) -> Report:
    """.certfit.hcl, applied to a small module whose certificate it may map or suppress."""
    ws.write(".certfit.hcl", data)
    ws.write("main.tf", CONFIG_MODULE)
    loaded = load_config(None, ws.root, {"HOME": str(ws.root)}, known_rules())
    return _lint(ws, "terraform", ws.root, loaded)


def pem(data: bytes, ws: Workspace) -> Report:
    """Certificate, chain and key material, as `certfit inspect` reads it."""
    from linter.engine import Settings
    from linter.inspect_cmd import inspect_files

    ws.write("material.pem", data)
    cwd = os.getcwd()
    os.chdir(ws.root)
    try:
        report, _table, _insp = inspect_files(
            "material.pem", "material.pem", "material.pem", settings=Settings(as_of=AS_OF)
        )
    finally:
        os.chdir(cwd)
    return report


TARGETS: dict[str, Callable[[bytes, Workspace], Report]] = {
    "terraform_hcl": terraform_hcl,
    "terraform_plan": terraform_plan,
    "cloudformation": cloudformation,
    "cdk_out": cdk_out,
    "config": config,
    "pem": pem,
}


def one_input(name: str) -> Callable[[bytes], None]:
    """The function the fuzzer calls with each input for target `name`."""
    target = TARGETS[name]
    ws = Workspace()

    def run(data: bytes) -> None:
        ws.reset()
        try:
            report = target(data, ws)
            check_outputs(report, ws.root)
        except BaseException:
            _keep_input(data)
            raise

    return run


def _keep_input(data: bytes) -> None:
    """Save a failing input as libFuzzer would (crash-<sha1>), into $CERTFIT_FUZZ_CRASH_DIR:
    a run stopped by its clock while failing writes no artifact of its own."""
    directory = os.environ.get("CERTFIT_FUZZ_CRASH_DIR")
    if directory:
        path = Path(directory) / f"crash-{hashlib.sha1(data).hexdigest()}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
