"""Small pieces every format shares, so that they agree on ranges and names."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from linter.model import Finding, InputError, Location, Severity

# tflint's JSON and checkstyle call a notice "info" (formatter.toSeverity); we keep that so
# tools that already read tflint's output read ours unchanged.
TFLINT_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "info"}


def end_of(loc: Location) -> tuple[int, int]:
    """The end of a range; an unknown end is the start (a point), as tflint does."""
    if loc.end_line:
        return loc.end_line, loc.end_column or loc.column
    return loc.line, loc.column


def json_range(loc: Location) -> dict[str, Any]:
    end_line, end_column = end_of(loc)
    return {
        "filename": loc.file,
        "start": {"line": loc.line, "column": loc.column},
        "end": {"line": end_line, "column": end_column},
    }


def issues_sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)


def error_text(err: InputError) -> str:
    """One line for an input error: `file:line: summary: message` (tflint's shape)."""
    where = str(err.location) + ": " if err.location else ""
    if err.summary and err.message and err.summary != err.message:
        return f"{where}{err.summary}: {err.message}"
    return f"{where}{err.summary or err.message}"


def one_line(text: str) -> str:
    """Text on one line: line-based formats (compact, tables) must not be split."""
    return " ".join(text.split())


def severity_groups(findings: list[Finding]) -> dict[Severity, list[Finding]]:
    groups: dict[Severity, list[Finding]] = {s: [] for s in Severity}
    for f in issues_sorted(findings):
        groups[f.severity].append(f)
    return groups


def repo_prefix(root: str) -> str:
    """`root` relative to the repository holding it ("" when it is the top or none is found),
    so SARIF and annotation paths are repository-relative as GitHub expects. Uses
    $GITHUB_WORKSPACE when the root is inside it, else the nearest parent holding `.git`
    (only its existence is checked; nothing there is read)."""
    start = Path(os.path.realpath(root))
    tops: list[Path] = []
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        tops.append(Path(os.path.realpath(workspace)))
    tops += [p for p in (start, *start.parents) if (p / ".git").exists()]
    for top in tops:
        if top == start or top in start.parents:
            rel = start.relative_to(top).as_posix()
            return "" if rel == "." else rel + "/"
    return ""


REDACTED = "[private key material not shown]"


def redact_private_keys(lines: list[str]) -> list[str]:
    """Lines with the body of every PEM private key replaced: an excerpt or a fingerprint
    must never carry key material, even when a finding points into a key file or heredoc."""
    out: list[str] = []
    inside = False
    for line in lines:
        if "-----BEGIN" in line and "PRIVATE KEY" in line:
            inside = True
            out.append(line)
            continue
        if inside and "-----END" in line:
            inside = False
            out.append(line)
            continue
        out.append(REDACTED if inside else line)
    return out


def source_lines(root: str, file: str, cache: dict[str, list[str] | None]) -> list[str] | None:
    """The lines of a file under `root`, read through SafeReader (never outside the root),
    private key bodies redacted; None when it cannot be read. Cached per render."""
    if file not in cache:
        from linter.safe_files import SafeReader, UnsafePath

        try:
            data = SafeReader(root).read_bytes(file)
            cache[file] = redact_private_keys(data.decode("utf-8", errors="replace").splitlines())
        except (OSError, UnsafePath, ValueError):
            cache[file] = None
    return cache[file]
