"""GitHub Actions: workflow-command annotations and a job-summary table.

GitHub shows at most 10 errors, 10 warnings and 10 notices per step and drops the rest without
a word, so annotations go out errors first, capped, with a notice saying how many were left
out; the full list goes to the job summary ($GITHUB_STEP_SUMMARY, at most 1 MiB per step).
"""

from __future__ import annotations

import re

from linter.model import Finding, InputError, Location, Severity
from linter.report import Report
from linter.reporters._common import issues_sorted, repo_prefix
from linter.reporters.escaping import display, escape_report, md_code

PER_LEVEL_LIMIT = 10
SUMMARY_LIMIT = 1024 * 1024
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "notice"}


def escape_data(text: str) -> str:
    """Escaping of a workflow command's message (actions/toolkit `escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escaping of a property value (actions/toolkit `escapeProperty`)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: Severity, message: str, loc: Location | None, title: str, prefix: str) -> str:
    props: list[tuple[str, str]] = []
    if loc is not None:
        props.append(("file", prefix + loc.file))
        if loc.line:
            props.append(("line", str(loc.line)))
            if loc.end_line:
                props.append(("endLine", str(loc.end_line)))
            # GitHub ignores columns on multi-line annotations; give them only on one line.
            if loc.column and (not loc.end_line or loc.end_line == loc.line):
                props.append(("col", str(loc.column)))
                if loc.end_column:
                    props.append(("endColumn", str(loc.end_column)))
    props.append(("title", title))
    rendered = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{_COMMAND[level]} {rendered}::{escape_data(message)}"


def _finding_message(f: Finding) -> str:
    return f"{f.message}\nRule: {f.rule}" + (f" ({f.link})" if f.link else "")


def _error_message(err: InputError) -> str:
    return f"{err.summary}\n{err.message}" if err.summary else err.message


def render_github(report: Report, *, root: str = ".") -> str:
    report, _ = escape_report(report, display)
    prefix = display(repo_prefix(root))
    Item = tuple[Severity, str, Location | None, str]
    by_level: dict[Severity, list[Item]] = {s: [] for s in Severity}
    for err in report.errors:  # problems reading the input come first: they hide findings
        by_level[err.severity].append(
            (err.severity, _error_message(err), err.location, "certfit: input error")
        )
    for f in issues_sorted(report.findings):
        by_level[f.severity].append((f.severity, _finding_message(f), f.location, f.rule))

    over = {s: max(0, len(items) - PER_LEVEL_LIMIT) for s, items in by_level.items()}
    caps = dict.fromkeys(Severity, PER_LEVEL_LIMIT)
    if any(over.values()):
        # the note about what was left out is itself a notice: keep a place for it
        caps[Severity.NOTICE] = PER_LEVEL_LIMIT - 1
        over[Severity.NOTICE] = max(0, len(by_level[Severity.NOTICE]) - caps[Severity.NOTICE])

    lines: list[str] = []
    for level in (Severity.ERROR, Severity.WARNING, Severity.NOTICE):
        for sev, message, loc, title in by_level[level][: caps[level]]:
            lines.append(command(sev, message, loc, title, prefix))
    left_out = sum(over.values())
    if left_out:
        counts = ", ".join(
            f"{n} {name}"
            for name, n in (
                ("error(s)", over[Severity.ERROR]),
                ("warning(s)", over[Severity.WARNING]),
                ("notice(s)", over[Severity.NOTICE]),
            )
            if n
        )
        note = (
            f"{left_out} more annotation(s) not shown ({counts}): GitHub shows at most "
            f"{PER_LEVEL_LIMIT} per level in a step. The job summary lists every finding."
        )
        lines.append(command(Severity.NOTICE, note, None, "certfit", prefix))
    return "".join(line + "\n" for line in lines)


_SAFE_LINK = re.compile(r"https://[A-Za-z0-9._~/%#?=&+-]+")


def _rule(f: Finding) -> str:
    """The rule's name linked to its docs; the link only when it is a plain https URL (rules
    set it, but a Markdown link must never be built from text that could close it)."""
    name = md_code(f.rule, in_table=True)
    return f"[{name}]({f.link})" if _SAFE_LINK.fullmatch(f.link) else name


def step_summary(report: Report, *, root: str = ".") -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: every finding and input error, within 1 MiB. Each
    value from the input is a code span (reporters/escaping.py `md_code`): a message cannot
    add links, images, HTML or table cells to the summary."""
    report, _ = escape_report(report, display)
    prefix = display(repo_prefix(root))
    findings = issues_sorted(report.findings)
    counts = ", ".join(f"{report.count(s)} {s.value}(s)" for s in Severity if report.count(s))
    head = f"## certfit: {len(findings)} issue(s)" + (f" ({counts})" if counts else "")
    if report.errors:
        head += f", {len(report.errors)} input error(s)"
    parts = [head + "\n\n"]
    if report.errors:
        parts.append("### Input errors\n\n")
        for err in report.errors:
            where = md_code(f"{prefix}{err.location}") + " " if err.location else ""
            parts.append(f"- {where}{md_code(err.summary)}: {md_code(err.message)}\n")
        parts.append("\n")
    if findings:
        parts.append("| Severity | Rule | Location | Message |\n|---|---|---|---|\n")
    used = sum(len(p.encode()) for p in parts)
    for i, f in enumerate(findings):
        where = md_code(f"{prefix}{f.location}", in_table=True)
        row = (
            f"| {f.severity.title} | {_rule(f)} | {where} | {md_code(f.message, in_table=True)} |\n"
        )
        size = len(row.encode())
        if used + size > SUMMARY_LIMIT - 512:
            parts.append(
                f"\n{len(findings) - i} more finding(s) not listed: the job summary is limited "
                "to 1 MiB per step. Use `--format sarif` or `--format json` for all of them.\n"
            )
            break
        parts.append(row)
        used += size
    if not findings and not report.errors:
        parts.append("No issues found.\n")
    return "".join(parts) + "\n"
