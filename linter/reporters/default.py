"""The format a person reads: what is wrong, where (with the line, the attribute underlined),
and how to fix it. Modelled on tflint's and Terraform's diagnostics."""

from __future__ import annotations

from linter.model import Finding, InputError, Location, Severity
from linter.report import Report
from linter.reporters._common import issues_sorted, source_cache, source_lines
from linter.reporters.escaping import defuse_commands, display, display_span, escape_report

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_UNDERLINE = "\x1b[4m"
_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.NOTICE: "\x1b[36m"}


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *codes: str) -> str:
        if not self.color or not text:
            return text
        return "".join(codes) + text + _RESET


# An excerpt shows a whole line up to this width, else a window of it around the flagged
# range: a one-line JSON template or a minified file must not be printed whole.
EXCERPT_WIDTH = 160
_BEFORE = 40  # characters of context kept before the flagged range in a window
_ELLIPSIS = "…"


def _window(text: str, start: int, stop: int) -> tuple[str, int, int]:
    """`text` cut to at most EXCERPT_WIDTH characters (plus ellipses) around [start, stop),
    with the range's offsets in the cut text."""
    if len(text) <= EXCERPT_WIDTH:
        return text, start, stop
    lo = max(0, start - _BEFORE)
    hi = min(len(text), lo + EXCERPT_WIDTH)
    stop = min(stop, hi)
    head = _ELLIPSIS if lo > 0 else ""
    tail = _ELLIPSIS if hi < len(text) else ""
    return head + text[lo:hi] + tail, start - lo + len(head), stop - lo + len(head)


def _excerpt(loc: Location, lines: list[str] | None, paint: _Painter) -> list[str]:
    """The flagged line, numbered, with the range underlined (carets without colour); a long
    line only as a window around the range."""
    if lines is None or not 1 <= loc.line <= len(lines):
        return []
    text = lines[loc.line - 1].replace("\t", " ")
    number = f"{loc.line:>4}: "
    if loc.column >= 1:
        start = loc.column - 1
        if loc.end_line == loc.line and loc.end_column > loc.column:
            stop = loc.end_column - 1
        else:
            stop = len(text.rstrip())
    else:  # no column: the whole statement
        start = len(text) - len(text.lstrip())
        stop = len(text.rstrip())
    start, stop = min(start, len(text)), min(max(stop, start + 1), max(len(text), start + 1))
    text, start, stop = _window(text, start, stop)
    text, start, stop = display_span(text, start, stop)
    if paint.color:
        shown = text[:start] + paint(text[start:stop], _UNDERLINE, _BOLD) + text[stop:]
        return [f"  {number}{shown}"]
    return [f"  {number}{text}", "  " + " " * (len(number) + start) + "^" * (stop - start)]


def _where(loc: Location) -> str:
    where = f"on {loc.file}"
    if loc.line:
        where += f" line {loc.line}"
    return where


def _short(loc: Location) -> str:
    return f"{loc.file}:{loc.line}" if loc.line else loc.file


def _split_fix(f: Finding) -> tuple[str, str | None]:
    """The message and the fix: from details when a rule gives one, else the rules' habit of
    ending a message with "Fix: ...", which a person reads best on its own line."""
    fix = f.details.get("fix") or f.details.get("how_to_fix")
    if isinstance(fix, str) and fix:
        return f.message, fix
    head, sep, tail = f.message.partition(" Fix: ")
    return (head, tail) if sep else (f.message, None)


def _finding(f: Finding, root: str, cache: dict[str, list[str] | None], paint: _Painter) -> str:
    message, fix = _split_fix(f)
    out = [
        paint(f"{f.severity.title}:", _BOLD, _COLORS[f.severity])
        + " "
        + paint(message, _BOLD)
        + f" ({f.rule})",
        "",
        f"  {_where(f.location)}:",
    ]
    if f.location.construct_path:
        out[-1] = f"  {_where(f.location)} (construct {f.location.construct_path}):"
    out += _excerpt(f.location, source_lines(root, f.location.file, cache), paint)
    for caller in f.callers:
        out.append(f"  called from {_short(caller)}")
    if f.related:
        out.append("  related: " + ", ".join(_short(r) for r in f.related))
    out.append("")
    if fix:
        out.append(f"Fix: {fix}")
    if f.link:
        out.append(f"Reference: {f.link}")
    return "\n".join(out) + "\n"


def _error(err: InputError, root: str, cache: dict[str, list[str] | None], paint: _Painter) -> str:
    out = [paint(f"{err.severity.title}:", _BOLD, _COLORS[err.severity]) + " " + err.summary, ""]
    if err.location is not None:
        out.append(f"  {_where(err.location)}:")
        out += _excerpt(err.location, source_lines(root, err.location.file, cache), paint)
        out.append("")
    out.append(err.message)
    return "\n".join(out) + "\n"


def render_default(report: Report, *, root: str = ".", color: bool = False) -> str:
    report, escaper = escape_report(report, display)
    paint = _Painter(color)
    cache = source_cache(root, escaper.renamed())
    findings = issues_sorted(report.findings)
    blocks: list[str] = []
    if findings:
        blocks.append(f"{len(findings)} issue(s) found:\n")
    blocks += [_finding(f, root, cache, paint) for f in findings]
    blocks += [_error(e, root, cache, paint) for e in report.errors]
    return defuse_commands("\n".join(blocks))
