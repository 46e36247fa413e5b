"""Shared setup: the fixture trees copied to a temporary directory with fresh PEMs.

The trees are committed without PEM files (they expire, and keys stay out of git); one copy
per session gets its PEMs from fixtures.generate, exactly what `make demo` does.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from fixtures.generate import generate
from linter.engine import Settings, evaluate
from linter.model import Finding, Model
from linter.options import LoadOptions
from linter.terraform import load_terraform

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def trees(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of fixtures/terraform and fixtures/demo with generated PEMs."""
    out = tmp_path_factory.mktemp("fixtures")
    for name in ("terraform", "demo"):
        shutil.copytree(
            REPO / "fixtures" / name,
            out / name,
            ignore=shutil.ignore_patterns("*.pem", "*.key", "*.crt"),
        )
    generate(into=out)
    return out


def load(tree: Path, **options: object) -> Model:
    return load_terraform(tree, LoadOptions.for_root(tree, **options))


def findings(model: Model, as_of: date | None = None) -> list[Finding]:
    return sorted(evaluate(model, Settings(as_of=as_of)), key=lambda f: f.sort_key())


def where(findings: list[Finding]) -> list[tuple[str, str, str, int, int]]:
    """(severity, rule, file, line, column) of each finding: what a user reads first."""
    return [
        (f.severity.value, f.rule, f.location.file, f.location.line, f.location.column)
        for f in findings
    ]


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root
