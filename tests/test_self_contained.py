"""A plain clone runs its tests: nothing the suite, the Makefile, CI or the benchmarks read may
come from beside the repository (the shared directory next to the worktrees was a place to
copy test data from, never a runtime dependency). Vendored data carries its origin and licence."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
# a path out of the repository into the sibling data directory, however it is spelled
SIBLING = "sha" + "red"
OUTSIDE = re.compile(
    rf"\.\./{SIBLING}/corpus|['\"]\.\.['\"]\s*/\s*['\"]{SIBLING}['\"]|parents?\[\d\]\s*/\s*['\"]"
    rf"{SIBLING}['\"]|\.parent\s*/\s*['\"]{SIBLING}['\"]|/work/{SIBLING}"
)
CHECKED = ["tests", "benchmarks", "Makefile", ".ci", "pyproject.toml", "linter", "cdk_aspect"]


def _files() -> list[Path]:
    out: list[Path] = []
    for name in CHECKED:
        path = REPO / name
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            out += [
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix in ("", ".py", ".toml", ".sh", ".cfg", ".ini")
                and "__pycache__" not in p.parts
                and "data" not in p.relative_to(REPO).parts[:2]  # vendored copies themselves
            ]
    return out


def test_nothing_reads_from_beside_the_repository() -> None:
    offenders = [
        f"{p.relative_to(REPO)}:{n}"
        for p in _files()
        for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []


def test_the_check_sees_each_spelling() -> None:
    for spelling in (
        f'ROOT / ".." / "{SIBLING}" / "corpus"',
        f'REPO.parent / "{SIBLING}" / "corpus"',
        f"see ../{SIBLING}/corpus/sarif",
    ):
        assert OUTSIDE.search(spelling), spelling
    # a fixture's own folders are not the sibling directory
    assert not OUTSIDE.search(f'"{SIBLING}/lb/main.tf": LISTENER')
    assert not OUTSIDE.search(f'source = "../{SIBLING}/lb"')


def test_vendored_data_names_its_origin_and_licence() -> None:
    readme = (DATA / "README.md").read_text()
    for folder in sorted(p for p in DATA.iterdir() if p.is_dir()):
        files = sorted(p.name for p in folder.iterdir() if p.is_file())
        licences = [f for f in files if f.upper().startswith("LICEN")]
        assert licences, f"{folder.name} has no licence file"
        assert f"`{folder.name}/" in readme, f"{folder.name} is not described in the README"
        assert any(word in readme for word in ("MIT", "OASIS"))
