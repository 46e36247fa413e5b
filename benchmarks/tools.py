"""The commands the benchmark compares, and the set-up they need.

checkov and matplotlib are installed only when benchmarking (checkov into its own venv under
benchmarks/work/, so its pinned dependencies never touch the project's), never by `make test`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CHECKOV_SPEC = "checkov>=3.3,<3.4"


@dataclass
class Tool:
    """One contender. `argv(tree)` is built afresh for each run; `before(tree)` prepares it
    (an empty cache for a cold run) and is not timed."""

    name: str
    argv: Callable[[Path], list[str]]
    env: dict[str, str] = field(default_factory=dict)
    before: Callable[[Path], None] | None = None
    ok_codes: tuple[int, ...] = (0,)
    timeout: float = 600.0


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every measured command. PYTHONDONTWRITEBYTECODE is dropped: this
    sandbox sets it, a user's machine does not, and without bytecode caches every run would
    recompile the project's modules."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    env.update(extra or {})
    return env


def certfit_bin() -> str:
    return str(VENV_BIN / "certfit")


def certfit_args(tree: Path) -> list[str]:
    return [certfit_bin(), "--recursive", "--root", str(tree), str(tree), "-f", "json"]


class CertfitCache:
    """Cold: a new empty cache directory before every run. Warm: one directory, filled once."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.cold_dir = work / "cache-cold"
        self.warm_dir = work / "cache-warm"

    def empty_cold(self, _tree: Path) -> None:
        shutil.rmtree(self.cold_dir, ignore_errors=True)
        self.cold_dir.mkdir(parents=True)

    def fill_warm(self, tree: Path) -> None:
        shutil.rmtree(self.warm_dir, ignore_errors=True)
        self.warm_dir.mkdir(parents=True)
        subprocess.run(
            certfit_args(tree),
            env=child_env({"CERTFIT_CACHE_DIR": str(self.warm_dir)}),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )


def certfit_tools(work: Path) -> tuple[list[Tool], CertfitCache]:
    cache = CertfitCache(work)
    cold = Tool(
        "certfit cold",
        certfit_args,
        env={"CERTFIT_CACHE_DIR": str(cache.cold_dir)},
        before=cache.empty_cold,
        ok_codes=(0, 2),
    )
    warm = Tool(
        "certfit warm",
        certfit_args,
        env={"CERTFIT_CACHE_DIR": str(cache.warm_dir)},
        ok_codes=(0, 2),
    )
    return [cold, warm], cache


def baseline_tool() -> Tool:
    return Tool(
        "python-hcl2 parse-all",
        lambda tree: [sys.executable, "-m", "benchmarks.baseline", str(tree)],
        env={"PYTHONPATH": str(REPO)},
    )


FLOOR = "read-and-scan floor"


def floor_tool() -> Tool:
    """Read every .tf file and regex-scan it for TLS resource headers, in one process: what
    no linter that looks at every file can undercut (issue 10 asks certfit for <= 2.5x)."""
    return Tool(
        FLOOR,
        lambda tree: [sys.executable, "-m", "benchmarks.floor", str(tree)],
        env={"PYTHONPATH": str(REPO)},
    )


def terraform_tool() -> Tool | None:
    terraform = shutil.which("terraform")
    if not terraform:
        return None
    # fmt only reads and formats: never init/plan. Exit 3 means "some file is not formatted",
    # which still read everything; the generator writes formatted code, so 0 is expected.
    empty_rc = tempfile.NamedTemporaryFile(prefix="terraformrc", delete=False)  # noqa: SIM115
    empty_rc.close()
    return Tool(
        "terraform fmt -check -recursive",
        lambda tree: [terraform, "fmt", "-check", "-recursive", str(tree)],
        env={"TF_CLI_CONFIG_FILE": empty_rc.name},
        ok_codes=(0, 3),
    )


def checkov_venv(work: Path) -> Path:
    return work / "checkov-venv"


def ensure_checkov(work: Path, log: Callable[[str], None]) -> Path | None:
    """checkov 3.3.x in benchmarks/work/checkov-venv, installed on first use."""
    venv = checkov_venv(work)
    exe = venv / "bin" / "checkov"
    if exe.exists():
        return exe
    log(f"installing {CHECKOV_SPEC} into {venv} (once; about a minute)")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", CHECKOV_SPEC],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        log(f"checkov could not be installed ({exc}); it is left out")
        return None
    return exe if exe.exists() else None


def checkov_tool(exe: Path) -> Tool:
    return Tool(
        "checkov CKV_AWS_2",
        lambda tree: [
            str(exe),
            "-d",
            str(tree),
            "--framework",
            "terraform",
            "--check",
            "CKV_AWS_2",
            "--quiet",
            "--compact",
            "--skip-download",
        ],
        ok_codes=(0, 1),
    )


def version_tool() -> Tool:
    return Tool("certfit --version", lambda _tree: [certfit_bin(), "--version"])


def ensure_matplotlib(log: Callable[[str], None]) -> bool:
    """matplotlib in the project venv, only for `make bench` (never a test dependency)."""
    try:
        import matplotlib  # noqa: F401

        return True
    except ImportError:
        pass
    log("installing matplotlib into the venv for the plot")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "matplotlib"],
        stdout=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode != 0:
        log("matplotlib is unavailable: the plot is skipped")
        return False
    import importlib

    importlib.invalidate_caches()
    return True
