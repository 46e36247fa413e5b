"""Run the real CLI in a subprocess with a wall-clock timeout and an address-space limit:
what a hostile input must never get past. A hang is a TimeoutExpired, a blow-up a
MemoryError in stderr; both fail the test that asked."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Generous for a 2-core machine shared with other jobs, far below the minutes (or the
# gigabytes) the inputs took before they were bounded.
TIMEOUT_S = int(os.environ.get("CERTFIT_TEST_TIMEOUT", "60"))
MEMORY_BYTES = 1536 * 1024 * 1024

# An HTTPS listener without a certificate: a finding no hostile neighbour may hide.
PLANTED_TF = """\
resource "aws_lb_listener" "planted" {
  protocol = "HTTPS"
  port     = 443
}
"""
PLANTED_RULE = "listener_missing_certificate"


@dataclass
class Bounded:
    code: int
    out: str
    err: str

    @property
    def report(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.out)
        return doc

    def issues(self, rule: str) -> list[dict[str, Any]]:
        return [i for i in self.report["issues"] if i["rule"]["name"] == rule]

    def error_files(self) -> list[str]:
        return [str((e.get("range") or {}).get("filename", "")) for e in self.report["errors"]]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def run_bounded(
    root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = TIMEOUT_S
) -> Bounded:
    """`certfit --root ROOT -f json ARGS` in `root`; raises TimeoutExpired on a hang."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "CERTFIT_", "TF_VAR_")) and k != "NO_COLOR"
    }
    base.update({"HOME": str(root.parent), "CERTFIT_CACHE_DIR": str(root.parent / "cache")})
    proc = subprocess.run(
        [sys.executable, "-m", "linter.cli", "--root", str(root), "-f", "json", *args],
        cwd=root,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit_memory,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert "MemoryError" not in proc.stdout + proc.stderr
    assert "internal error" not in proc.stdout, proc.stdout[-3000:]
    return Bounded(proc.returncode, proc.stdout, proc.stderr)
