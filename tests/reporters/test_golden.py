"""Every format, rendered from the same report, compared with a reviewed golden file.

Regenerate after an intended change with `CERTFIT_UPDATE_GOLDEN=1 pytest tests/reporters` and
review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from linter.report import Report
from linter.reporters import FORMATS, render
from linter.rules import by_name

GOLDEN = Path(__file__).parent / "golden"
SUFFIX = {"json": "json", "sarif": "sarif", "checkstyle": "xml", "junit": "xml"}


def _rule_texts_as_placeholders(sarif: str) -> str:
    """SARIF's rule descriptions come from the rule modules (SUMMARY, docstring), which the
    rules' author edits; the golden file holds placeholders for them, and
    test_sarif_rule_texts_come_from_the_rule_modules checks the real values."""
    doc = json.loads(sarif)
    for rule in doc["runs"][0]["tool"]["driver"]["rules"]:
        rule["shortDescription"]["text"] = f"<{rule['id']} SUMMARY>"
        rule["fullDescription"]["text"] = f"<{rule['id']} docstring>"
        rule["help"] = {"text": "<help>", "markdown": "<help>"}
    return json.dumps(doc, indent=2) + "\n"


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_matches_golden(fmt: str, report: Report, source_root: Path) -> None:
    out = render(report, fmt, root=str(source_root))
    if fmt == "sarif":
        out = _rule_texts_as_placeholders(out)
    golden = GOLDEN / f"{fmt}.{SUFFIX.get(fmt, 'txt')}"
    if os.environ.get("CERTFIT_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out)
    assert out == golden.read_text()
    assert str(source_root) not in out  # no absolute paths leak into any format


def test_sarif_rule_texts_come_from_the_rule_modules(report: Report) -> None:
    rules = json.loads(render(report, "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        module = by_name(rule["id"])
        assert module is not None
        assert rule["shortDescription"]["text"] == module.SUMMARY
        body = " ".join((module.__doc__ or "").strip().split("\n\n", 1)[1].split())
        assert rule["fullDescription"]["text"] == body
        assert rule["help"]["text"].startswith(body) and rule["helpUri"] in rule["help"]["text"]


def test_every_format_renders_an_empty_report(source_root: Path) -> None:
    for fmt in FORMATS:
        out = render(Report(), fmt, root=str(source_root))
        assert "issue(s) found" not in out


def test_unknown_format_names_the_choices(report: Report) -> None:
    with pytest.raises(ValueError, match="compact"):
        render(report, "yaml")
