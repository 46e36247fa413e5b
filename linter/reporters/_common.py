"""Small pieces every format shares, so that they agree on ranges and names."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

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


def xml_document(top: ET.Element) -> str:
    """An XML document in ASCII, non-ASCII text as character references: well-formed
    whatever encoding the stream it is written to uses (a Windows runner's console is not
    UTF-8). The text is already `portable` (reporters/escaping.py): no character XML 1.0
    forbids is left."""
    ET.indent(top, space="  ")
    body = ET.tostring(top, encoding="unicode").encode("ascii", "xmlcharrefreplace").decode()
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


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
# A run this long of base64 is key or certificate material (PEM lines are 64), never
# configuration a reader needs to see in an excerpt.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{60,}={0,2}")
_INLINE_KEY = re.compile(r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----.*", re.S)
# Files that hold keys or binary material: never shown, whatever their content looks like.
_NEVER_SHOWN = (".key", ".der", ".p12", ".pfx", ".p8", ".pk8", ".jks", ".keystore")


def redact_private_keys(lines: list[str]) -> list[str]:
    """Lines with every private key body (multi-line PEM blocks, keys inline on one line with
    `\\n` escapes) and every long base64 run replaced: an excerpt or a fingerprint must never
    carry key material, even when a finding points into a key file or a heredoc."""
    out: list[str] = []
    inside = False
    for line in lines:
        if inside:
            if "-----END" in line:
                inside = False
                out.append(line)
            else:
                out.append(REDACTED)
            continue
        if "-----BEGIN" in line and "PRIVATE KEY" in line:
            head, _, rest = line.partition("-----BEGIN")
            if "-----END" in rest:  # the whole key on this line
                line = head + REDACTED
            else:
                inside = True
                line = _INLINE_KEY.sub(
                    lambda m: m.group(0)[: m.group(0).index("KEY-----") + 8], line
                )
        out.append(_BASE64_RUN.sub(REDACTED, line))
    return out


# Only configuration source is ever quoted: what certfit parses as code. Values files
# (tfvars, var files), plans and anything read by file() or a mapping's pem_file (keys,
# .git/config, secrets.json) are data, possibly secret: a finding there is shown by file and
# line only. See docs/security.md, "Secrets and tainted values".
_SOURCE_SUFFIXES = (".tf", ".tf.json", ".hcl", ".yaml", ".yml", ".json", ".template")
_DATA_SUFFIXES = (".tfvars", ".tfvars.json")


def is_source_file(file: str, data: bytes) -> bool:
    """May an excerpt of `file` (whose content is `data`) be shown? Source only: Terraform,
    the config, and CloudFormation templates (a `.json`/`.yaml` with `Resources`); never a
    values file, a plan (`format_version`, as `terraform show -json` writes), a JSON or YAML
    file of data (`secrets.json` read with file()), or a file of any other kind."""
    name = file.lower()
    if name.endswith(_DATA_SUFFIXES) or not name.endswith(_SOURCE_SUFFIXES):
        return False
    if name.endswith((".tf", ".tf.json", ".hcl")):
        return True
    head = data[:4096]
    if b'"format_version"' in head or b'"resource_changes"' in head:
        return False
    return b"Resources" in data


def source_lines(root: str, file: str, cache: dict[str, list[str] | None]) -> list[str] | None:
    """The lines of a source file under `root`, read through SafeReader (never outside the
    root), key material redacted; None when it cannot or must not be shown (see
    `is_source_file`). Cached per render."""
    if file not in cache:
        from linter.safe_files import SafeReader, UnsafePath

        cache[file] = None
        if not file.lower().endswith(_NEVER_SHOWN):
            try:
                data = SafeReader(root).read_bytes(file)
                if b"\0" not in data and is_source_file(file, data):
                    cache[file] = redact_private_keys(data.decode("utf-8").splitlines())
            except (OSError, UnsafePath, ValueError):
                pass
    return cache[file]


def source_cache(root: str, renamed: dict[str, str | None]) -> dict[str, list[str] | None]:
    """A cache for `source_lines` in which each escaped file name already holds the lines of
    the file on disk it stands for (reporters see escaped names: see reporters/escaping.py)."""
    cache: dict[str, list[str] | None] = {}
    for shown, real in renamed.items():
        cache[shown] = None if real is None else source_lines(root, real, {})
    return cache
