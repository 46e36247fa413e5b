"""Inline ignores in tflint's grammar, and suppressions recorded elsewhere.

    # certfit-ignore: weak_key, certificate_expiring # reason
    // certfit-ignore: all
    # certfit-ignore-file: unresolved_certificate      (in the comments at the top of a file)

A line ignore applies to a finding whose location (or a module call that led to it) starts on
the comment's line or the line below. Comments are found by text, not by a language's lexer, so
the same grammar works in HCL, YAML and anything else with `#` or `//` comments. Suppressions
(`Model.suppressions`: CDK `suppress(...)`, the CDK's own
`Validations.of(scope).acknowledge`, config `suppress { }` blocks) apply by construct path (and
below) or by file. An ignore or suppression that matches nothing becomes an
`unused_ignore` notice, so stale ignores do not pile up silently.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from linter.model import Finding, Location, Model, Severity, Suppression
from linter.safe_files import SafeReader, UnsafePath

RULE = "unused_ignore"
LINK = "https://github.com/certfit/certfit/blob/main/docs/rules/unused_ignore.md"

_ANNOTATION = re.compile(
    r"(?P<lead>#|//|/\*)\s*certfit-ignore(?P<file>-file)?:\s*(?P<rules>[^\n*/#]*)"
    r"(?:#\s*(?P<reason>[^\n]*))?"
)
# Files that hold material, not configuration: never read for comments.
_NO_COMMENTS = (".pem", ".crt", ".cer", ".key", ".der", ".p12", ".pfx", ".json")
_MAX_BYTES = 8 * 1024 * 1024


@dataclass
class Annotation:
    file: str
    line: int
    column: int
    end_column: int
    rules: tuple[str, ...]
    reason: str
    file_level: bool
    misplaced: bool = False  # a file-level ignore below the top of the file
    used: set[str] = field(default_factory=set)

    def matches(self, rule: str) -> bool:
        return rule in self.rules or "all" in self.rules

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.column, self.line, self.end_column)


def parse_annotations(text: str, file: str) -> list[Annotation]:
    """Every certfit-ignore comment in `text`. File-level ones count only in the leading block
    of comments and blank lines, as tflint's `tflint-ignore-file` does."""
    out: list[Annotation] = []
    in_header = True
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        is_comment = stripped.startswith(("#", "//", "/*", "*")) or not stripped
        if "certfit-ignore" in line:
            for m in _ANNOTATION.finditer(line):
                rules = tuple(r.strip() for r in m["rules"].split(",") if r.strip())
                file_level = m["file"] is not None
                out.append(
                    Annotation(
                        file=file,
                        line=number,
                        column=m.start() + 1,
                        end_column=len(line.rstrip()) + 1,
                        rules=rules,
                        reason=(m["reason"] or "").strip().removesuffix("*/").strip(),
                        file_level=file_level,
                        misplaced=file_level and not in_header,
                    )
                )
        if not is_comment:
            in_header = False
    return out


def _source_files(findings: list[Finding], model: Model) -> list[str]:
    """Files that may hold ignores: every file the findings or the model point at."""
    files: dict[str, None] = {}

    def add(loc: Location | None) -> None:
        if loc is not None and loc.file and not loc.file.lower().endswith(_NO_COMMENTS):
            files.setdefault(loc.file, None)

    for f in findings:
        add(f.location)
        for c in f.callers:
            add(c)
    for cert in model.certificates:
        add(cert.location)
    for ep in model.endpoints:
        add(ep.location)
        for c in ep.callers:
            add(c)
    for b in model.bindings:
        add(b.location)
        for c in b.callers:
            add(c)
    return list(files)


def _read(reader: SafeReader, file: str) -> str | None:
    if file == "<stdin>":  # manifests piped in: their own text, never a file of that name
        from linter.kubernetes import stdin_text

        return stdin_text()
    try:  # one confined read (a FIFO, a link out of the root or a huge file is refused)
        data = reader.read_bytes(file)
    except (OSError, UnsafePath):
        return None
    return None if len(data) > _MAX_BYTES else data.decode("utf-8", errors="replace")


def _suppression_matches(s: Suppression, f: Finding, root: Path) -> bool:
    if not (f.rule in s.rules or "all" in s.rules):
        return False
    if s.construct_path is not None:
        path = f.location.construct_path
        return path is not None and (
            s.construct_path == ""  # the CDK app itself: everything in it
            or path == s.construct_path
            or path.startswith(s.construct_path.rstrip("/") + "/")
        )
    if s.file is not None:
        if os.path.isabs(s.file):  # a config read without knowing the root keeps it absolute
            return os.path.normpath(s.file) == os.path.normpath(root / f.location.file)
        return f.location.file == s.file
    return True


def _known_rules() -> set[str] | None:
    try:
        from linter.rules import RULE_NAMES
    except ImportError:
        return None
    return set(RULE_NAMES)


def _unused(location: Location, message: str, details: dict[str, object]) -> Finding:
    return Finding(RULE, Severity.NOTICE, message, location, link=LINK, details=details)


def _suppressed_copy(f: Finding, how: dict[str, object]) -> Finding:
    """The finding as reports keep it once suppressed: `details.suppressed` says how and why."""
    return dataclasses.replace(f, details={**f.details, "suppressed": how})


def _how(s: Suppression) -> dict[str, object]:
    how: dict[str, object] = {"kind": s.kind, "reason": s.reason}
    if s.id:
        how["id"] = s.id
    if s.construct_path is not None:
        how["construct_path"] = s.construct_path
    elif s.file:
        how["file"] = s.file
    return how


def apply(
    findings: Iterable[Finding],
    model: Model,
    reader: SafeReader,
    suppressed: list[Finding] | None = None,
) -> list[Finding]:
    """The findings that no ignore comment or suppression covers, plus an `unused_ignore`
    notice for each ignore or suppression that covered nothing. When `suppressed` is given,
    each covered finding is added to it (with `details["suppressed"]`: kind, reason, where),
    so reports can keep what was silenced and why."""
    findings = list(findings)
    by_file: dict[str, list[Annotation]] = {}
    for file in _source_files(findings, model):
        text = _read(reader, file)
        if text is not None and "certfit-ignore" in text:
            by_file[file] = parse_annotations(text, file)

    used_suppressions: set[int] = set()
    kept: list[Finding] = []
    for f in findings:
        how: list[dict[str, object]] = []
        if f.rule == RULE or not _ignored(f, by_file, model, used_suppressions, reader.root, how):
            kept.append(f)
        elif suppressed is not None:
            # The closest scope wins, as the CDK picks the closest acknowledgement.
            closest = max(how, key=lambda h: len(str(h.get("construct_path", ""))), default=None)
            suppressed.append(_suppressed_copy(f, closest or {"kind": "ignore"}))

    known = _known_rules()
    for found in by_file.values():
        for a in found:
            kept.extend(_report_annotation(a, known))
    for i, s in enumerate(model.suppressions):
        if i not in used_suppressions:
            scope = f"construct {s.construct_path}" if s.construct_path else f"file {s.file or '*'}"
            if s.kind == "acknowledgement":
                what = f"Acknowledgement {s.id or ', '.join(sorted(s.rules))} on {scope}"
            else:
                what = f"Suppression of {', '.join(sorted(s.rules))} for {scope}"
            details: dict[str, object] = {"rules": sorted(s.rules), "reason": s.reason}
            if s.id:
                details["id"] = s.id
            kept.append(
                _unused(
                    s.location,
                    f"{what} matches no finding; remove it (reason given: {s.reason})",
                    details,
                )
            )
    return sorted(kept, key=Finding.sort_key)


def _ignored(
    f: Finding,
    by_file: dict[str, list[Annotation]],
    model: Model,
    used_supp: set[int],
    root: Path,
    how: list[dict[str, object]],
) -> bool:
    hit = False
    for loc in (f.location, *f.callers):
        for a in by_file.get(loc.file, ()):
            if a.misplaced or not a.matches(f.rule):
                continue
            if a.file_level:
                if loc is not f.location:
                    continue
            elif not loc.line or a.line not in (loc.line, loc.line - 1):
                continue
            a.used.add(f.rule)
            hit = True
            how.append({"kind": "ignore", "reason": a.reason, "file": a.file, "line": a.line})
    for i, s in enumerate(model.suppressions):
        if _suppression_matches(s, f, root):
            used_supp.add(i)
            hit = True
            how.append(_how(s))
    return hit


def _report_annotation(a: Annotation, known: set[str] | None) -> list[Finding]:
    kind = "certfit-ignore-file" if a.file_level else "certfit-ignore"
    details: dict[str, object] = {"rules": list(a.rules)}
    if a.reason:
        details["reason"] = a.reason
    if a.misplaced:
        return [
            _unused(
                a.location,
                f"{kind} only counts in the comments at the top of a file; this one is "
                "ignored. Move it to the top, or use certfit-ignore on the flagged line",
                details,
            )
        ]
    if not a.rules:
        return [_unused(a.location, f"{kind} names no rule; write `{kind}: rule_name`", details)]
    if known is not None:
        unknown = [r for r in a.rules if r != "all" and r not in known]
        if unknown:
            return [
                _unused(
                    a.location,
                    f"{kind} names unknown rule(s) {', '.join(unknown)}; "
                    f"rules are: {', '.join(sorted(known))}",
                    details,
                )
            ]
    if "all" in a.rules:
        unused = [] if a.used else ["all"]
    else:
        unused = [r for r in a.rules if r not in a.used]
    if not unused:
        return []
    return [
        _unused(
            a.location,
            f"{kind}: {', '.join(unused)} matches no finding here; remove it",
            details,
        )
    ]
