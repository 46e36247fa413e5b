"""SARIF output validates against the SARIF 2.1.0 schema and carries what code scanning needs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from linter.model import Finding, Location, Severity
from linter.report import Report
from linter.reporters import render

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif"  # vendored, see its README
SCHEMA_FILE = SCHEMA / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_FILE.read_text())
    return jsonschema.Draft4Validator(schema)


def test_sarif_validates_against_schema(
    report: Report, source_root: Path, validator: jsonschema.Draft4Validator
) -> None:
    doc = json.loads(render(report, "sarif", root=str(source_root)))
    errors = sorted(validator.iter_errors(doc), key=str)
    assert errors == []
    assert doc["version"] == "2.1.0"


def test_schema_check_catches_a_broken_document(validator: jsonschema.Draft4Validator) -> None:
    # the validation above can fail: a level SARIF does not know is rejected
    doc = json.loads(render(Report(findings=[_finding()]), "sarif"))
    doc["runs"][0]["results"][0]["level"] = "notice"
    assert list(validator.iter_errors(doc))


def _finding(line: int = 3, rule: str = "weak_key") -> Finding:
    return Finding(rule, Severity.NOTICE, "m", Location("main.tf", line, 3), link="https://x/y")


def test_rules_have_help_and_links_results_have_levels(report: Report, source_root: Path) -> None:
    run = json.loads(render(report, "sarif", root=str(source_root)))["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {f.rule for f in report.findings}
    for rule in rules.values():
        assert rule["helpUri"].endswith(f"/docs/rules/{rule['id']}.md")
        assert rule["help"]["text"] and rule["shortDescription"]["text"]
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["unresolved_certificate"] == "note"
    assert levels["unsupported_key_algorithm"] == "error"
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "://" not in uri


def test_uris_are_relative_to_the_repository(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    (tmp_path / ".git").mkdir()
    (tmp_path / "infra").mkdir()
    doc = json.loads(render(Report(findings=[_finding()]), "sarif", root=str(tmp_path / "infra")))
    loc = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "infra/main.tf"


def test_fingerprint_survives_lines_added_above(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    body = 'resource "x" "y" {\n  certificate_arn = var.arn\n}\n'
    (tmp_path / "main.tf").write_text(body)
    before = json.loads(render(Report(findings=[_finding(2)]), "sarif", root=str(tmp_path)))
    (tmp_path / "main.tf").write_text("# a comment\n\n" + body)
    after = json.loads(render(Report(findings=[_finding(4)]), "sarif", root=str(tmp_path)))
    fp = [d["runs"][0]["results"][0]["partialFingerprints"] for d in (before, after)]
    assert fp[0] == fp[1]
    two = Report(findings=[_finding(2), _finding(2)])
    results = json.loads(render(two, "sarif", root=str(tmp_path)))["runs"][0]["results"]
    assert results[0]["partialFingerprints"] != results[1]["partialFingerprints"]


def test_results_are_capped_at_githubs_limit_errors_first(
    monkeypatch: pytest.MonkeyPatch, validator: jsonschema.Draft4Validator
) -> None:
    from linter.reporters import sarif

    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    findings = [
        Finding("weak_key", s, f"{s.value} {i}", Location("a.tf", 10 * i + n, 1))
        for n, s in enumerate((Severity.NOTICE, Severity.ERROR))
        for i in range(3)
    ]
    doc = json.loads(render(Report(findings=findings), "sarif"))
    results = doc["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "error", "error"]
    note = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
    assert note["message"]["text"].startswith("3 more finding(s) not included")
    assert list(validator.iter_errors(doc)) == []
