"""Property tests: every format, fed reports whose every string is hostile (workflow commands,
control and format characters, lone surrogates, Markdown and HTML, `::` and `##[` prefixes,
very long text), stays what it claims to be: no exception, UTF-8 encodable, XML well-formed,
JSON and SARIF valid, no line a GitHub runner reads as a command in the human formats, only
certfit's own annotations in the github format, no HTML or foreign link in the job summary.

`make test` runs a bounded, repeatable number of examples (profile `ci`); `make fuzz` runs
many more (profile `fuzz`): see tests/hypothesis_profiles.py.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import cmarkgfm
import jsonschema
from cmarkgfm.cmark import Options
from hypothesis import given
from hypothesis import strategies as st

import tests.hypothesis_profiles  # noqa: F401  (loads the profile)
from linter.model import Finding, InputError, Location, Severity
from linter.report import Report
from linter.reporters import FORMATS, render
from linter.reporters.escaping import display, md_code, portable
from linter.reporters.github import step_summary
from linter.rules import RULES
from tests.reporters.workflow_commands import command_lines, parse_line

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text()
)
SARIF = jsonschema.Draft4Validator(SCHEMA)
DOCS = "https://github.com/certfit/certfit/blob/main/docs/rules/{}.md"
RULE_NAMES = sorted({r.NAME for r in RULES} | {"unused_ignore"})
FRAGMENTS = [
    "\n::error::x",
    "\r\n::add-mask::secret",
    "::warning file=README.md,line=1::All good",
    "  ::notice::n",
    "\xa0::debug::d",
    "##[error]legacy",
    "%0A::error::x",
    "%25",
    ",",
    ":",
    "::",
    "|",
    "`",
    "``",
    "\\",
    "\\|",
    "\x00",
    "\x01",
    "\x0b",
    "\x1b[2K",
    "\x1b]8;;https://evil.example\x07",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\ufffe",
    "\ud800",
    "\udcff",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<!--",
    "]]>",
    "&amp;",
    "&#0;",
    "[click](https://evil.example/)",
    "![i](https://evil.example/i.png)",
    "https://evil.example/auto",
    "www.evil.example",
    "@octocat",
    "#1",
    "*bold*",
    "_it_",
    "~~s~~",
    "# head",
    "- item",
    '"',
    "'",
    "证书",
    "🔒",
]

any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=30)
hostile = st.one_of(
    any_text,
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), any_text), max_size=8).map("".join),
    st.builds(lambda s, n: s * n, st.sampled_from(FRAGMENTS), st.integers(200, 3000)),
)
numbers = st.integers(min_value=0, max_value=10**7)
locations = st.builds(
    Location,
    file=hostile,
    line=numbers,
    column=numbers,
    end_line=numbers,
    end_column=numbers,
    construct_path=st.none() | hostile,
)
details = st.recursive(
    st.none() | st.integers() | st.booleans() | hostile,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile, inner, max_size=3),
    max_leaves=8,
)
rule_names = st.sampled_from(RULE_NAMES) | hostile
findings = st.builds(
    Finding,
    rule=rule_names,
    severity=st.sampled_from(list(Severity)),
    message=hostile,
    location=locations,
    link=st.sampled_from([DOCS.format(n) for n in RULE_NAMES]) | st.just("") | hostile,
    related=st.lists(locations, max_size=2).map(tuple),
    callers=st.lists(locations, max_size=2).map(tuple),
    details=st.dictionaries(hostile, details, max_size=3),
)
errors = st.builds(
    InputError,
    summary=hostile,
    message=hostile,
    location=st.none() | locations,
    severity=st.sampled_from(list(Severity)),
)
reports = st.builds(
    Report,
    findings=st.lists(findings, max_size=5),
    errors=st.lists(errors, max_size=3),
)
ANNOTATIONS = {"error", "warning", "notice"}


def _github_titles(report: Report) -> set[str]:
    # the runner trims the end of the properties (title is last); an empty value is none
    shown = {display(f.rule).rstrip() for f in report.findings}
    return shown | {"certfit: input error", "certfit", ""}


@given(reports)
def test_every_format_stays_valid_for_hostile_reports(report: Report) -> None:
    for fmt in FORMATS:
        out = render(report, fmt)
        out.encode("utf-8")  # no lone surrogate left
        if fmt in ("default", "compact"):
            assert command_lines(out) == []
        elif fmt == "github":
            lines = out.splitlines()
            commands = [parse_line(line) for line in lines]
            assert all(c is not None and c.name in ANNOTATIONS for c in commands)
            titles = {c.properties.get("title", "") for c in commands if c is not None}
            assert titles <= _github_titles(report)
        elif fmt in ("junit", "checkstyle"):
            ET.fromstring(out)
            out.encode("ascii")
        elif fmt == "json":
            data = json.loads(out)
            assert len(data["issues"]) == len(report.findings)
            assert len(data["errors"]) == len(report.errors)
        elif fmt == "sarif":
            doc = json.loads(out)
            assert list(SARIF.iter_errors(doc)) == []
            for result in doc["runs"][0]["results"]:
                uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                assert re.fullmatch(r"[A-Za-z0-9\-._~/!$&'()*+,;=@%]*", uri), uri


@given(reports)
def test_github_annotations_read_back_as_the_displayed_text(report: Report) -> None:
    expected = {
        display(f.message)
        + f"\nRule: {display(f.rule)}"
        + (f" ({display(f.link)})" if f.link else "")
        for f in report.findings
    }
    expected |= {
        f"{display(e.summary)}\n{display(e.message)}" if e.summary else display(e.message)
        for e in report.errors
    }
    for line in render(report, "github").splitlines():
        command = parse_line(line)
        assert command is not None
        if command.properties.get("title") != "certfit":  # the note about a capped list
            assert command.message in expected


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


SUMMARY_TAGS = {
    "h2",
    "h3",
    "p",
    "ul",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "a",
}


@given(reports)
def test_job_summary_has_no_html_or_link_from_the_input(report: Report) -> None:
    summary = step_summary(report)
    assert len(summary.encode("utf-8")) <= 1024 * 1024
    html = cmarkgfm.github_flavored_markdown_to_html(summary, options=Options.CMARK_OPT_UNSAFE)
    parsed = _Html()
    parsed.feed(html)
    assert {tag for tag, _ in parsed.tags} <= SUMMARY_TAGS
    links = {attrs.get("href") for tag, attrs in parsed.tags if tag == "a"}
    assert links <= {f.link for f in report.findings}
    for row in html.split("<tr>")[2:]:  # every row has its four cells
        assert row.count("<td>") == 4


@given(hostile)
def test_display_is_printable_idempotent_and_breaks_legacy_commands(text: str) -> None:
    shown = display(text)
    assert shown.isprintable() and "##[" not in shown
    assert display(shown) == shown
    assert command_lines(shown) == [] or shown.lstrip().startswith("::")


@given(hostile)
def test_portable_text_fits_in_xml(text: str) -> None:
    kept = portable(text)
    element = ET.Element("e", {"a": kept})
    back = ET.fromstring(ET.tostring(element, encoding="unicode"))
    assert back.get("a") == kept
    assert portable(kept) == kept


@given(hostile)
def test_md_code_shows_exactly_the_displayed_value_in_one_cell(text: str) -> None:
    import html as h

    cell = md_code(text, in_table=True)
    rendered = cmarkgfm.github_flavored_markdown_to_html(f"| h |\n|---|\n| {cell} |\n")
    body = rendered.split("<tbody>")[1] if "<tbody>" in rendered else ""
    # a run of backticks too long for a code span fence is shown as escapes
    shown = re.sub("`{17,}", lambda m: "\\x60" * len(m.group(0)), display(text))
    if not shown.strip():
        return  # nothing to show: an empty cell
    assert body.count("<td>") == 1
    inner = body.split("<td>")[1].split("</td>")[0]
    assert inner.startswith("<code>") and inner.endswith("</code>")
    assert h.unescape(inner[len("<code>") : -len("</code>")]) == shown
