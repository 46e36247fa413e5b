"""Every format, rendered from the same report, compared with a reviewed golden file.

Regenerate after an intended change with `CERTFIT_UPDATE_GOLDEN=1 pytest tests/reporters` and
review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from linter.report import Report
from linter.reporters import FORMATS, render

GOLDEN = Path(__file__).parent / "golden"
SUFFIX = {"json": "json", "sarif": "sarif", "checkstyle": "xml", "junit": "xml"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_matches_golden(fmt: str, report: Report, source_root: Path) -> None:
    out = render(report, fmt, root=str(source_root))
    golden = GOLDEN / f"{fmt}.{SUFFIX.get(fmt, 'txt')}"
    if os.environ.get("CERTFIT_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out)
    assert out == golden.read_text()
    assert str(source_root) not in out  # no absolute paths leak into any format


def test_every_format_renders_an_empty_report(source_root: Path) -> None:
    for fmt in FORMATS:
        out = render(Report(), fmt, root=str(source_root))
        assert "issue(s) found" not in out


def test_unknown_format_names_the_choices(report: Report) -> None:
    with pytest.raises(ValueError, match="compact"):
        render(report, "yaml")
