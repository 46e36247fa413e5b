"""The README's rules table is generated from docs/rules and kept current; the CI docs and
README show only flags the CLI has."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from linter.cli import build_parser
from linter.rules import RULE_NAMES
from tests.cli.conftest import REPO

SCRIPT = REPO / "scripts" / "rules_table.py"


def test_readme_rules_table_is_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, cwd=REPO
    )
    assert proc.returncode == 0, proc.stdout


def test_table_lists_every_rule_with_its_severity() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme[
        readme.index("<!-- rules-table:start -->") : readme.index("<!-- rules-table:end -->")
    ]
    rows = re.findall(r"^\| \[`(\w+)`\]\(docs/rules/\1\.md\) \| (\w+) \|", section, re.M)
    assert sorted(name for name, _ in rows) == sorted(RULE_NAMES), (
        "every rule needs docs/rules/<name>.md and a row: run python scripts/rules_table.py"
    )
    assert dict(rows)["unused_ignore"] == "Notice"


def test_generator_rewrites_a_stale_table(tmp_path: Path) -> None:
    (tmp_path / "docs" / "rules").mkdir(parents=True)
    (tmp_path / "docs" / "rules" / "a_rule.md").write_text(
        "# a_rule\n\nCatches a | b.\n\n| Severity | Enabled by default | Since |\n"
        "|---|---|---|\n| Warning | Yes | 0.1.0 |\n"
    )
    (tmp_path / "README.md").write_text(
        "intro\n<!-- rules-table:start -->\nold\n<!-- rules-table:end -->\nrest\n"
    )
    check = [sys.executable, str(SCRIPT), "--root", str(tmp_path), "--check"]
    assert subprocess.run(check, capture_output=True).returncode == 1
    subprocess.run([sys.executable, str(SCRIPT), "--root", str(tmp_path)], check=True)
    text = (tmp_path / "README.md").read_text()
    assert "| [`a_rule`](docs/rules/a_rule.md) | Warning | Yes | Catches a \\| b. |" in text
    assert text.startswith("intro\n") and text.endswith("<!-- rules-table:end -->\nrest\n")
    assert subprocess.run(check, capture_output=True).returncode == 0


def _audit_flags() -> set[str]:
    """`certfit audit`'s own flags, from its parser."""
    import argparse

    from linter import audit_cmd
    from linter.cli import FORMATS

    parser = argparse.ArgumentParser()
    audit_cmd.configure_parser(parser, FORMATS)
    return {o for a in parser._actions for o in a.option_strings}


def test_docs_use_only_flags_the_cli_has() -> None:
    known = {o for a in build_parser()._actions for o in a.option_strings}
    for doc in ("README.md", "docs/ci.md"):
        text = (REPO / doc).read_text()
        # flags in commands and tables: --word-word after a space, backtick or bracket
        used = set(re.findall(r"(?<=[\s`\[(])(--[a-z][a-z-]+)", text))
        # scripts/rules_table.py, fixtures.generate, `cdk synth --strict`
        other_tools = {"--check", "--into", "--strict"}
        inspect = {"--key", "--chain", "--target", "--source"}  # `certfit inspect`'s own
        unknown = used - known - other_tools - inspect - _audit_flags()
        assert not unknown, (doc, unknown)
