"""Inline ignores in tflint's grammar with our prefix, suppressions, and unused_ignore."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from linter.ignores import apply, parse_annotations
from linter.model import Finding, Location, Model, Severity, Suppression
from linter.safe_files import SafeReader
from tests.cli.conftest import Run

TF = """\
# certfit-ignore-file: weak_key
/* header comment */

resource "aws_lb_listener" "a" {
  # certfit-ignore: unsupported_key_algorithm, ssl_policy_mismatch # known, replacing in Q3
  certificate_arn = var.a
  ssl_policy      = "x" // certfit-ignore: all
}

resource "aws_lb_listener" "b" {
  certificate_arn = var.b # certfit-ignore: certificate_expiring
  # certfit-ignore-file: unresolved_certificate
}
"""


def _f(rule: str, line: int, file: str = "main.tf", **kw: object) -> Finding:
    return Finding(rule, Severity.ERROR, f"{rule} at {line}", Location(file, line, 3), **kw)  # type: ignore[arg-type]


def _apply(tmp_path: Path, findings: list[Finding], model: Model | None = None) -> list[Finding]:
    (tmp_path / "main.tf").write_text(TF)
    return apply(findings, model or Model(), SafeReader(tmp_path))


def test_grammar_is_tflints() -> None:
    a = parse_annotations(TF, "main.tf")
    assert [(x.line, x.rules, x.file_level, x.misplaced) for x in a] == [
        (1, ("weak_key",), True, False),
        (5, ("unsupported_key_algorithm", "ssl_policy_mismatch"), False, False),
        (7, ("all",), False, False),
        (11, ("certificate_expiring",), False, False),
        (12, ("unresolved_certificate",), True, True),
    ]
    assert a[1].reason == "known, replacing in Q3"


def test_line_above_same_line_all_and_file(tmp_path: Path) -> None:
    findings = [
        _f("unsupported_key_algorithm", 6),  # ignored by the line above
        _f("ssl_policy_mismatch", 6),  # same comment, second rule
        _f("certificate_expiring", 7),  # `all` on the same line
        _f("weak_key", 10),  # ignore-file at the top
        _f("certificate_expiring", 11),  # same-line ignore
        _f("unsupported_key_algorithm", 11),  # not named on its line: kept
        _f("unresolved_certificate", 11),  # ignore-file below the top does not count
    ]
    kept = _apply(tmp_path, findings)
    real = [(f.rule, f.location.line) for f in kept if f.rule != "unused_ignore"]
    assert real == [("unresolved_certificate", 11), ("unsupported_key_algorithm", 11)]
    unused = [f for f in kept if f.rule == "unused_ignore"]
    assert [(f.location.line, f.severity) for f in unused] == [(12, Severity.NOTICE)]
    assert "only counts in the comments at the top" in unused[0].message


def test_an_ignore_that_matches_nothing_is_reported(tmp_path: Path) -> None:
    kept = _apply(tmp_path, [_f("unsupported_key_algorithm", 6)])
    unused = {f.location.line: f.message for f in kept if f.rule == "unused_ignore"}
    assert set(unused) == {1, 5, 7, 11, 12}
    assert unused[5] == "certfit-ignore: ssl_policy_mismatch matches no finding here; remove it"
    assert unused[7].startswith("certfit-ignore: all matches no finding")
    assert all(f.link.endswith("/docs/rules/unused_ignore.md") for f in kept[1:])


def test_unknown_rule_name_in_an_ignore(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("# certfit-ignore: weak_keys\nx = 1\n")
    kept = apply([_f("weak_key", 2)], Model(), SafeReader(tmp_path))
    assert [f.rule for f in kept] == ["unused_ignore", "weak_key"]  # sorted by line
    assert "unknown rule(s) weak_keys" in kept[0].message


def test_ignore_on_the_module_call_covers_findings_inside_the_module(tmp_path: Path) -> None:
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "main.tf").write_text('resource "x" "y" {\n  a = 1\n}\n')
    (tmp_path / "main.tf").write_text(
        '# certfit-ignore: weak_key # legacy module\nmodule "m" {\n  source = "./mod"\n}\n'
    )
    inside = _f("weak_key", 2, "mod/main.tf", callers=(Location("main.tf", 2, 1),))
    assert apply([inside], Model(), SafeReader(tmp_path)) == []


def test_yaml_comments_work_too(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "Resources:\n  L:\n    Properties:\n"
        "      # certfit-ignore: weak_key\n      Certificates: []\n"
    )
    assert apply([_f("weak_key", 5, "t.yaml")], Model(), SafeReader(tmp_path)) == []


WEAK = frozenset({"weak_key"})


def test_suppressions_by_construct_path_prefix_and_by_file(tmp_path: Path) -> None:
    cdk = Location("cdk.out/S.template.json", 9, 1, construct_path="App/Stack/Legacy/Listener")
    other = Location("cdk.out/S.template.json", 20, 1, construct_path="App/Stack/LegacyTwo")
    model = Model(
        suppressions=[
            Suppression(frozenset({"weak_key"}), "old", Location("app.py", 3), "App/Stack/Legacy"),
            Suppression(frozenset({"all"}), "vendored", Location(".certfit.hcl", 7), file="v.tf"),
            Suppression(
                frozenset({"weak_key"}), "stale", Location(".certfit.hcl", 12), file="x.tf"
            ),
        ]
    )
    findings = [
        Finding("weak_key", Severity.WARNING, "a", cdk),
        Finding("weak_key", Severity.WARNING, "b", other),  # a sibling, not below the path
        Finding("certificate_expiring", Severity.WARNING, "c", Location("v.tf", 1, 1)),
    ]
    kept = apply(findings, model, SafeReader(tmp_path))
    assert [(f.rule, f.message[:1]) for f in kept if f.rule != "unused_ignore"] == [
        ("weak_key", "b")
    ]
    unused = [f for f in kept if f.rule == "unused_ignore"]
    assert [f.location for f in unused] == [Location(".certfit.hcl", 12)]
    assert "reason given: stale" in unused[0].message


def test_ignores_end_to_end(certfit: Callable[..., Run], project: Path) -> None:
    lines = (project / "stack.yaml").read_text().splitlines()
    at = next(i for i, x in enumerate(lines) if "!GetAtt BigCert.Arn" in x)
    lines.insert(at, "        # certfit-ignore: unsupported_key_algorithm # replaced next sprint")
    lines.insert(0, "# certfit-ignore-file: weak_key")
    (project / "stack.yaml").write_text("\n".join(lines) + "\n")
    run = certfit("-f", "json", cwd=project)
    rules = [
        (i["rule"]["name"], i["range"]["start"]["line"]) for i in json.loads(run.out)["issues"]
    ]
    assert "unsupported_key_algorithm" not in {r for r, _ in rules}
    assert ("unused_ignore", 1) in rules
    assert run.code == 2  # the expiring certificate still fails


def test_unused_ignore_can_be_switched_off(certfit: Callable[..., Run], project: Path) -> None:
    text = (project / "stack.yaml").read_text()
    (project / "stack.yaml").write_text("# certfit-ignore-file: weak_key\n" + text)
    (project / ".certfit.hcl").write_text('rule "unused_ignore" {\n  enabled = false\n}\n')
    run = certfit("-f", "json", cwd=project)
    assert "unused_ignore" not in {i["rule"]["name"] for i in json.loads(run.out)["issues"]}


def test_config_suppression_by_file_without_rebasing(tmp_path: Path) -> None:
    """load_config keeps a suppress block's file absolute (it does not know the root); the CDK
    Aspect passes it on as is, and it must still match root-relative findings."""
    from linter.config import load_config

    (tmp_path / ".certfit.hcl").write_text(
        'suppress {\n  rules = ["weak_key"]\n  file = "legacy/main.tf"\n  reason = "r"\n}\n'
    )
    config = load_config(None, tmp_path, {"HOME": str(tmp_path / "h")}, ("weak_key",))
    finding = Finding("weak_key", Severity.WARNING, "w", Location("legacy/main.tf", 3, 1))
    model = Model(suppressions=list(config.suppressions))
    assert apply([finding], model, SafeReader(tmp_path)) == []
