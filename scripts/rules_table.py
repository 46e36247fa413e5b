"""Regenerate the README's rules table from docs/rules/*.md, so the two never disagree.

Each page gives its name (`# name`), a one-paragraph summary under it, and a
`| Severity | Enabled by default | Since |` table. The table replaces whatever is between
`<!-- rules-table:start -->` and `<!-- rules-table:end -->` in README.md.

    python scripts/rules_table.py           # rewrite README.md
    python scripts/rules_table.py --check   # exit 1 if README.md is out of date (for CI)
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = "<!-- rules-table:start -->"
END = "<!-- rules-table:end -->"
SEVERITY_ORDER = {"Error": 0, "Warning": 1, "Notice": 2}


@dataclass(frozen=True)
class RuleDoc:
    name: str
    summary: str
    severity: str
    enabled: str


def read_doc(path: Path) -> RuleDoc:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("# "):
        raise ValueError(f"{path}: the first line must be '# rule_name'")
    name = lines[0][2:].strip()
    summary: list[str] = []
    for line in lines[1:]:
        if not line.strip():
            if summary:
                break
            continue
        summary.append(line.strip())
    severity = enabled = ""
    for i, line in enumerate(lines):
        if line.startswith("| Severity | Enabled by default |") and i + 2 < len(lines):
            cells = [c.strip() for c in lines[i + 2].strip().strip("|").split("|")]
            severity, enabled = cells[0].split()[0], cells[1]
            break
    if severity not in SEVERITY_ORDER:
        raise ValueError(f"{path}: no '| Severity | Enabled by default | Since |' table")
    return RuleDoc(name, " ".join(summary), severity, enabled)


def table(docs_dir: Path) -> str:
    docs = sorted(
        (read_doc(p) for p in docs_dir.glob("*.md")),
        key=lambda d: (SEVERITY_ORDER[d.severity], d.name),
    )
    rows = [
        "## Rules",
        "",
        "Generated from [docs/rules](docs/rules) by `python scripts/rules_table.py`.",
        "",
        "| Rule | Severity | Enabled | What it catches |",
        "|---|---|---|---|",
    ]
    for d in docs:
        summary = d.summary.replace("|", "\\|")
        rows.append(
            f"| [`{d.name}`](docs/rules/{d.name}.md) | {d.severity} | {d.enabled} | {summary} |"
        )
    return "\n".join(rows) + "\n"


def rewrite(readme: str, generated: str) -> str:
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(readme):
        raise ValueError(f"README.md has no {START} ... {END} section")
    return pattern.sub(lambda _: f"{START}\n{generated}{END}", readme, count=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if README.md is stale")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    readme_path = args.root / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    updated = rewrite(readme, table(args.root / "docs" / "rules"))
    if args.check:
        if updated != readme:
            print("README.md's rules table is out of date: run python scripts/rules_table.py")
            return 1
        return 0
    if updated != readme:
        readme_path.write_text(updated, encoding="utf-8")
        print("README.md: rules table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
