"""GitHub annotations: escaped so GitHub reads them back intact, errors first, capped at
GitHub's per-step limits with a note, and the full list in the job summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.model import Finding, InputError, Location, Severity
from linter.report import Report
from linter.reporters import render
from linter.reporters.github import step_summary
from tests.reporters.workflow_commands import parse


def test_annotations_parse_back_with_escaping(report: Report, source_root: Path) -> None:
    cmds = parse(render(report, "github", root=str(source_root)))
    weak = next(c for c in cmds if c.properties.get("title") == "weak_key")
    assert weak.name == "warning"
    # the message's own newline is shown escaped; certfit's line break before "Rule:" is real
    assert weak.message.startswith("Key 100% weak: RSA 1024, a,b:c\\nsecond line\nRule: ")
    assert weak.properties["file"] == "template.yaml"
    assert (weak.properties["line"], weak.properties["col"]) == ("6", "7")
    # a title with ':' survives the property escaping
    assert any(c.properties.get("title") == "certfit: input error" for c in cmds)


def test_property_values_escape_colon_comma_percent_and_newlines() -> None:
    odd = Location("dir,with:odd%name.tf", 1, 1)
    finding = Finding("weak_key", Severity.ERROR, "m", odd)
    out = render(Report(findings=[finding]), "github")
    assert "dir%2Cwith%3Aodd%25name.tf" in out
    assert parse(out)[0].properties["file"] == "dir,with:odd%name.tf"
    assert len(out.splitlines()) == 1


def test_newlines_in_a_file_name_are_shown_escaped_in_the_property() -> None:
    finding = Finding("weak_key", Severity.ERROR, "m", Location("a\r\n::b.tf", 1, 1))
    out = render(Report(findings=[finding]), "github")
    assert len(out.splitlines()) == 1
    assert parse(out)[0].properties["file"] == "a\\r\\n::b.tf"


def test_errors_come_first(report: Report, source_root: Path) -> None:
    names = [c.name for c in parse(render(report, "github", root=str(source_root)))]
    assert names == sorted(names, key=["error", "warning", "notice"].index)
    assert names[:3] == ["error", "error", "error"]


def _many(severity: Severity, n: int) -> list[Finding]:
    return [Finding("weak_key", severity, f"f{i}", Location("a.tf", i + 1, 1)) for i in range(n)]


def test_caps_each_level_at_ten_and_says_how_many_were_left_out() -> None:
    findings = _many(Severity.ERROR, 13) + _many(Severity.WARNING, 10) + _many(Severity.NOTICE, 12)
    cmds = parse(render(Report(findings=findings, errors=[InputError("bad", "x")]), "github"))
    count = {n: sum(c.name == n for c in cmds) for n in ("error", "warning", "notice")}
    assert count == {"error": 10, "warning": 10, "notice": 10}
    assert cmds[0].properties["title"] == "certfit: input error"
    note = cmds[-1]
    assert note.name == "notice" and note.properties["title"] == "certfit"
    # 14 errors (13 + 1 input) -> 4 out; 12 notices with one place kept for the note -> 3 out
    assert note.message.startswith("7 more annotation(s) not shown (4 error(s), 3 notice(s))")


def test_no_note_when_everything_fits() -> None:
    cmds = parse(render(Report(findings=_many(Severity.NOTICE, 10)), "github"))
    assert len(cmds) == 10
    assert all(c.properties["title"] == "weak_key" for c in cmds)


def test_repo_relative_paths_from_github_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "infra" / "prod").mkdir(parents=True)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    finding = Finding("weak_key", Severity.ERROR, "m", Location("main.tf", 2, 1))
    cmds = parse(render(Report(findings=[finding]), "github", root=str(tmp_path / "infra/prod")))
    assert cmds[0].properties["file"] == "infra/prod/main.tf"


def test_step_summary_lists_every_finding_and_error(report: Report, source_root: Path) -> None:
    findings = _many(Severity.WARNING, 40)
    md = step_summary(Report(findings=findings, errors=report.errors), root=str(source_root))
    assert md.startswith("## certfit: 40 issue(s) (40 warning(s)), 2 input error(s)")
    rows = [line for line in md.splitlines() if line.startswith("| Warning |")]
    assert len(rows) == 40
    assert "Unclosed configuration block" in md


def test_step_summary_escapes_pipes_and_stays_under_one_mebibyte() -> None:
    msg = "a|b " + "x" * 2000
    findings = [
        Finding("weak_key", Severity.ERROR, msg, Location("a.tf", i + 1, 1)) for i in range(800)
    ]
    md = step_summary(Report(findings=findings))
    assert len(md.encode()) <= 1024 * 1024
    assert "a\\|b" in md
    assert "more finding(s) not listed" in md
