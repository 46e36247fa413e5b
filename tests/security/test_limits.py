"""The limits: one place, each documented with its default, raised only from the command line
or the environment."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from linter.limits import Limits

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def test_every_limit_is_documented_with_its_default() -> None:
    text = DOCS.read_text()
    section = text[text.index("## Limits") :]
    rows = dict(re.findall(r"^\| `(\w+)` \| ([\d,]+) \|", section, re.M))
    defaults = Limits()
    assert {name: int(value.replace(",", "")) for name, value in rows.items()} == {
        f.name: getattr(defaults, f.name) for f in fields(Limits)
    }


def test_environment_then_flags_over_the_defaults() -> None:
    limits, problems = Limits.from_sources(
        {"CERTFIT_LIMIT_WORK": "5", "CERTFIT_LIMIT_DEPTH": "7", "OTHER": "x"},
        {"work": "9", "string_size": "1_000"},
    )
    assert problems == []
    assert (limits.work, limits.depth, limits.string_size) == (9, 7, 1000)
    assert limits.expansion == Limits().expansion


def test_unknown_names_and_bad_values_are_reported_not_used() -> None:
    limits, problems = Limits.from_sources(
        {"CERTFIT_LIMIT_NOPE": "1"}, {"work": "0", "depth": "lots"}
    )
    assert limits == Limits()
    assert len(problems) == 3
    assert "CERTFIT_LIMIT_NOPE" in problems[0] and "string_size" in problems[0]
    assert "--limit work=0" in problems[1]


def test_a_bad_limit_flag_stops_the_run(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "linter.cli", "--root", str(tmp_path), "--limit", "nope=3"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "no limit named 'nope'" in proc.stderr
