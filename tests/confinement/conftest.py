"""Hostile trees for the confinement tests: links out of the root, FIFOs, link loops, files
over the size limit. Every run is the real console script in a new process, with a timeout:
a run that hangs on a FIFO fails the test instead of the suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

CANARY = "CANARY-7f3a9c1e-outside-the-root"
FORMATS = ("default", "compact", "json", "sarif", "github", "junit", "checkstyle")

# One real finding that every hostile tree keeps: the run must go on and report it.
TLS_LISTENER_WITHOUT_CERT = """\
resource "aws_lb" "nlb" {
  load_balancer_type = "network"
}
resource "aws_lb_listener" "plain" {
  load_balancer_arn = aws_lb.nlb.arn
  protocol          = "TLS"
  port              = 443
}
"""


def listener_reading(expr: str, name: str = "read") -> str:
    """A TLS listener whose certificate ARN is `expr` (e.g. file("x")): the value is printed
    in the unresolved_certificate notice if it is ever read."""
    return f"""
resource "aws_lb_listener" "{name}" {{
  load_balancer_arn = aws_lb.nlb.arn
  protocol          = "TLS"
  port              = 8443
  certificate_arn   = {expr}
}}
"""


@dataclass
class Run:
    code: int
    out: str
    err: str
    extra: str = ""  # the SARIF file and the job summary

    @property
    def everything(self) -> str:
        return self.out + self.err + self.extra


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory beside the project (never under its root) holding a canary secret."""
    d = tmp_path / "outside"
    d.mkdir()
    (d / "secret.txt").write_text(f"MY_SECRET_TOKEN={CANARY}\n")
    (d / "secret.json").write_text(json.dumps({"version": "36.0.0", "artifacts": {CANARY: {}}}))
    return d


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository (a `.git` directory marks its top) with one real finding in main.tf."""
    d = tmp_path / "project"
    (d / ".git").mkdir(parents=True)
    (d / "main.tf").write_text(TLS_LISTENER_WITHOUT_CERT)
    return d


def _env(tmp_path: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "CERTFIT_")) and k != "NO_COLOR"
    }
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update({"HOME": str(home), "CERTFIT_CACHE_DIR": str(tmp_path / "cache")})
    env.update(extra)
    return env


@pytest.fixture
def certfit(tmp_path: Path) -> Callable[..., Run]:
    """Run the console script in a subprocess; `fmt` picks the format. The SARIF file is
    written too, and with `annotate` the GitHub annotations and the job summary; their text
    is in `Run.everything`."""

    def run(
        *args: str,
        cwd: Path,
        env: dict[str, str] | None = None,
        fmt: str = "json",
        annotate: bool = False,
    ) -> Run:
        sarif = tmp_path / "out.sarif"
        summary = tmp_path / "summary.md"
        for f in (sarif, summary):
            f.unlink(missing_ok=True)
        extra_env = {"GITHUB_STEP_SUMMARY": str(summary), **(env or {})}
        proc = subprocess.run(
            [
                str(Path(sys.executable).parent / "certfit"),
                "-f",
                fmt,
                *(["--annotate"] if annotate else []),
                "--sarif-file",
                str(sarif),
                *args,
            ],
            cwd=cwd,
            env=_env(tmp_path, extra_env),
            capture_output=True,
            text=True,
            timeout=60,  # a FIFO that blocks the run fails here instead of hanging the suite
        )
        extra = "".join(f.read_text() for f in (sarif, summary) if f.exists())
        return Run(proc.returncode, proc.stdout, proc.stderr, extra)

    return run


def rules(run: Run) -> list[str]:
    """The rules of the findings of a JSON run (the real finding must survive)."""
    return sorted(i["rule"]["name"] for i in json.loads(run.out)["issues"])


def errors(run: Run) -> list[str]:
    return [e["message"] for e in json.loads(run.out)["errors"]]
