"""The Aspect and the validation plugin confine what they read like the CLI: to the git work
tree holding the app (else the current directory), or `root=` / $CERTFIT_ROOT; a config file
does not widen it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdk_aspect.judge import Judge
from linter.safe_files import UnsafePath


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    (top / "app").mkdir()
    (top / "certs").mkdir()
    (top / "certs" / "shared.pem").write_text("shared")
    (tmp_path / "outside.pem").write_text("outside")
    monkeypatch.chdir(top / "app")
    monkeypatch.delenv("CERTFIT_ROOT", raising=False)
    return top


def test_the_default_root_is_the_apps_work_tree(repo: Path) -> None:
    reader = Judge(config=False).options.reader
    assert reader.read_bytes(repo / "certs" / "shared.pem") == b"shared"
    with pytest.raises(UnsafePath):
        reader.read_bytes(repo.parent / "outside.pem")


def test_a_config_root_does_not_widen_the_aspects_root(repo: Path) -> None:
    (repo / "app" / ".certfit.hcl").write_text('config {\n  root = "/"\n}\n')
    reader = Judge().options.reader
    with pytest.raises(UnsafePath):
        reader.read_bytes(repo.parent / "outside.pem")


def test_the_environment_sets_the_root(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERTFIT_ROOT", str(repo.parent))
    assert Judge(config=False).options.reader.read_bytes(repo.parent / "outside.pem") == b"outside"
