"""Helpers for the Kubernetes front end: manifests written to a project, loaded and judged
with real YAML parsing and the real engine."""

from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path

import pytest

from linter.engine import Settings, evaluate
from linter.kubernetes import load_manifests, load_stdin
from linter.model import Finding, Model
from linter.options import CertificateMapping, LoadOptions
from tests.cli.conftest import certfit  # noqa: F401  (the in-process CLI runner)

REPO = Path(__file__).resolve().parents[2]
ACM = "arn:aws:acm:eu-west-1:111122223333:certificate/"


def options(
    root: Path, keys: dict[str, str] | None = None, service_lb: str | None = None
) -> LoadOptions:
    """Options whose config maps `{ARN suffix: key_algorithm}` as `.certfit.hcl` would."""
    mappings = {
        ACM + name: CertificateMapping(ACM + name, key_algorithm=algorithm)
        for name, algorithm in (keys or {}).items()
    }
    return LoadOptions.for_root(
        root, certificate_mappings=mappings, kubernetes_service_lb=service_lb
    )


def load_text(
    root: Path, text: str, keys: dict[str, str] | None = None, service_lb: str | None = None
) -> Model:
    path = root / "manifest.yaml"
    path.write_text(textwrap.dedent(text).replace("ACM/", ACM))  # ACM/x: a short ARN
    return load_manifests(path, options(root, keys, service_lb))


def load_piped(root: Path, text: str, keys: dict[str, str] | None = None) -> Model:
    return load_stdin(options(root, keys), io.BytesIO(textwrap.dedent(text).encode()))


def judged(model: Model) -> list[Finding]:
    return sorted(evaluate(model, Settings()), key=lambda f: f.sort_key())


def where(findings: list[Finding]) -> list[tuple[str, str, int]]:
    return [(f.severity.value, f.rule, f.location.line) for f in findings]


@pytest.fixture
def eks_app(tmp_path: Path) -> Path:
    """fixtures/kubernetes/eks_app in a project of its own (a git top, so it is the root)."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(REPO / "fixtures/kubernetes/eks_app", tmp_path / "eks_app")
    return tmp_path / "eks_app"
