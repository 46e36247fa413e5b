"""One escaping step for every reporter (linter/reporters/escaping.py), checked class by class
through `render`, the entry point the CLI uses: what a value may hold (newlines, control and
format characters, lone surrogates, `::` and `##[`, Markdown and HTML) never changes what the
output is, only how the value reads."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import cmarkgfm
import pytest

from linter.model import Finding, InputError, Location, Severity
from linter.report import Report
from linter.reporters import FORMATS, render
from linter.reporters.escaping import defuse_commands, display, md_code, portable
from linter.reporters.github import step_summary
from tests.reporters.workflow_commands import command_lines, parse

HUMAN = ("default", "compact")
XML = ("junit", "checkstyle")


def _report(message: str = "m", file: str = "main.tf", **extra: object) -> Report:
    finding = Finding(
        "weak_key", Severity.ERROR, message, Location(file, 1, 1), link="https://x.example/r"
    )
    for key, value in extra.items():
        setattr(finding, key, value)
    return Report(findings=[finding], errors=[InputError("bad input", message, Location(file))])


def test_display_shows_every_unprintable_character_as_an_escape() -> None:
    assert display("a\nb\rc\td") == "a\\nb\\rc\\td"
    assert display("\x00\x1b[2K\x7f\x85") == "\\x00\\x1b[2K\\x7f\\x85"
    assert display("\u202eevil\u200b\u2028\ufeff") == "\\u202eevil\\u200b\\u2028\\ufeff"
    assert display("\ud800") == "\\ud800"
    assert display("bad\udcff.tf") == "bad\\xff.tf"  # a file name byte that is not UTF-8
    assert display("\xa0::x") == "\\xa0::x"  # a space the runner would trim
    assert display("x ##[error]y") == "x ##\\x5berror]y"
    assert display("é 証明書 🔒 C:\\path") == "é 証明書 🔒 C:\\path"  # printable text as is


def test_display_output_is_printable_for_every_code_point() -> None:
    everything = "".join(map(chr, range(0x110000)))
    shown = display(everything)
    assert shown.isprintable()
    assert display(shown) == shown  # idempotent: escaping twice changes nothing
    shown.encode("utf-8")


def test_portable_keeps_what_json_and_xml_carry_and_escapes_the_rest() -> None:
    assert portable("a\nb\tc\r \u202e é") == "a\nb\tc\r \u202e é"
    assert (
        portable("\x01\x0b\x7f\x9f\ud800\udcff\ufffe") == "\\x01\\x0b\\x7f\\x9f\\ud800\\xff\\ufffe"
    )
    everything = "".join(map(chr, range(0x110000)))
    out = portable(everything)
    out.encode("utf-8")
    element = ET.Element("a", {"b": out})
    element.text = out
    back = ET.fromstring(ET.tostring(element, encoding="unicode"))
    assert back.get("b") == out  # (element text would read CR back as LF: XML's line ends)


@pytest.mark.parametrize("fmt", HUMAN)
def test_a_newline_in_a_message_forges_no_command(fmt: str) -> None:
    message = "arn:x\n::add-mask::abc\n::error file=README.md,line=1::All good, merge it"
    out = render(_report(message), fmt)
    assert command_lines(out) == []
    assert "arn:x\\n::add-mask::abc\\n::error file=README.md,line=1::All good" in out


@pytest.mark.parametrize("fmt", HUMAN)
def test_a_newline_in_a_file_name_forges_no_command(fmt: str) -> None:
    out = render(_report(file="evil\n::error file=README.md::pwned\n.tf"), fmt)
    assert command_lines(out) == []
    assert "evil\\n::error file=README.md::pwned\\n.tf" in out


@pytest.mark.parametrize("fmt", HUMAN)
def test_a_value_at_the_start_of_a_line_cannot_start_a_command(fmt: str) -> None:
    # the default format prints an input error's message on a line of its own; compact
    # starts each line with the file name; the runner trims leading whitespace first
    report = _report("  ::error::from the message", file="::warning::a.tf")
    out = render(report, fmt)
    assert command_lines(out) == []
    shown = {"compact": "\\x3a:warning::a.tf:1:1: Error", "default": "\n  \\x3a:error::from"}
    assert shown[fmt] in out


@pytest.mark.parametrize("fmt", [*HUMAN, "github"])
def test_the_legacy_command_syntax_is_broken_anywhere_in_a_line(fmt: str) -> None:
    out = render(_report("x ##[add-mask]secret ##[error]fake"), fmt)
    assert "##[" not in out
    assert "##\\x5badd-mask]secret" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_lone_surrogate_or_a_non_utf8_file_name_renders(fmt: str) -> None:
    out = render(_report("x\ud800y", file="bad\udcff.tf"), fmt)
    out.encode("utf-8")
    assert "xff.tf" in out  # the byte shown as \\xff (or its URI encoding in SARIF)


@pytest.mark.parametrize("fmt", XML)
def test_control_characters_keep_xml_well_formed(fmt: str) -> None:
    out = render(_report("a\x01b\x1bc\ufffe", file="f\x02.tf"), fmt)
    doc = ET.fromstring(out)
    texts = [v for el in doc.iter() for v in el.attrib.values()]
    assert any("a\\x01b\\x1bc\\ufffe" in t for t in texts)
    out.encode("ascii")  # well-formed in any stream encoding: non-ASCII as references


def test_xml_keeps_non_ascii_text_as_character_references() -> None:
    doc = ET.fromstring(render(_report("証明書 é"), "checkstyle"))
    error = doc.find("file/error")
    assert error is not None and error.get("message") == "証明書 é"


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_keep_newlines_and_escape_what_json_cannot_carry(fmt: str) -> None:
    data = json.loads(render(_report("line one\nline two\x01\ud800"), fmt))
    text = json.dumps(data, ensure_ascii=False)
    assert "line one\\nline two\\\\x01\\\\ud800" in text
    text.encode("utf-8")


def test_every_string_field_is_escaped_including_nested_details_and_locations() -> None:
    report = _report(
        "m",
        related=(Location("rel\n::error::r.tf", 2, 1),),
        callers=(Location("caller\n::error::c.tf", 3, 1, construct_path="App/\n::error::x"),),
        details={"fix": "do\n::error::this", "nested": [{"k\n::x": "v\n::y"}]},
    )
    report.findings[0].location = Location("a.tf", 1, 1, construct_path="App\n::error::Stack")
    for fmt in (*HUMAN, "github"):
        out = render(report, fmt)
        assert "\n::error" not in out.replace("\n::error file=a.tf", "").replace(
            "\n::error title=", ""
        )
    json_text = render(report, "json")
    assert json.loads(json_text)["issues"][0]["details"]["nested"] == [{"k\n::x": "v\n::y"}]


def test_excerpt_escapes_the_source_line_and_keeps_the_underline_in_place(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('x = "\x1b[2K\u202e" # ##[error]\n')
    report = Report(
        findings=[Finding("weak_key", Severity.ERROR, "m", Location("main.tf", 1, 5, 1, 12))]
    )
    out = render(report, "default", root=str(tmp_path))
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith("     1: "))
    assert lines[i] == '     1: x = "\\x1b[2K\\u202e" # ##\\x5berror]'
    carets = lines[i + 1]
    assert carets.index("^") == len("     1: x = ")
    assert lines[i][carets.index("^") : len(carets)] == '"\\x1b[2K\\u202e"'


def test_excerpt_is_read_from_the_file_whose_name_was_escaped(tmp_path: Path) -> None:
    (tmp_path / "tab\there.tf").write_text('certificate_arn = "x"\n')
    report = Report(
        findings=[Finding("weak_key", Severity.ERROR, "m", Location("tab\there.tf", 1, 1))]
    )
    out = render(report, "default", root=str(tmp_path))
    assert "on tab\\there.tf line 1" in out
    assert '     1: certificate_arn = "x"' in out


def test_sarif_fingerprint_reads_the_real_file_behind_an_escaped_name(tmp_path: Path) -> None:
    (tmp_path / "a\x01.tf").write_text("one\n")
    (tmp_path / "b\x01.tf").write_text("two\n")
    findings = [
        Finding("weak_key", Severity.ERROR, "m", Location(name, 1, 1))
        for name in ("a\x01.tf", "b\x01.tf")
    ]
    results = json.loads(render(Report(findings=findings), "sarif", root=str(tmp_path)))["runs"][0][
        "results"
    ]
    prints = [r["partialFingerprints"]["certfitFingerprint/v1"] for r in results]
    assert len(set(prints)) == 2


def _html(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(
        markdown, options=cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE
    )


@pytest.mark.parametrize(
    "value",
    [
        "<img src=x onerror=alert(1)>",
        "[click](https://evil.example/)",
        "https://evil.example/auto www.evil.example",
        "`",
        "``a``",
        "` x `",
        " lead and trail ",
        "a | b",
        "a \\| b",
        "*bold* _it_ ~~s~~ # h",
        "&amp; &lt;",
        "`" * 16 + " x",
    ],
)
def test_md_code_shows_the_value_as_text_in_a_table_cell(value: str) -> None:
    html = _html(f"| h |\n|---|\n| {md_code(value, in_table=True)} |\n")
    body = html.split("<tbody>")[1]
    assert body.count("<td>") == 1
    assert "<img" not in body and "<a " not in body and "<em>" not in body
    cell = body.split("<td>")[1].split("</td>")[0]
    import html as h

    assert h.unescape(cell.removeprefix("<code>").removesuffix("</code>")) == value


def test_job_summary_shows_html_and_links_from_messages_as_text() -> None:
    message = "<img src=x> [a](https://evil.example/) https://evil.example/ | cell `x`"
    summary = step_summary(_report(message, file="x<b>.tf"))
    html = _html(summary)
    assert "<img" not in html and 'href="https://evil.example' not in html
    assert html.count("<td>") == 4  # one row, four cells: the `|` in the message is escaped
    assert "&lt;img src=x&gt;" in html


def test_job_summary_links_a_rule_only_to_a_plain_https_url() -> None:
    report = _report()
    report.findings[0].link = "javascript:alert(1)"
    assert "javascript" not in step_summary(report)


def test_defuse_commands_breaks_what_the_runner_would_read() -> None:
    text = "ok\n  ::error::x\n\xa0::warning::y\nz ##[error]w\nnot :: here\n"
    out = defuse_commands(text)
    assert command_lines(out) == []
    assert out == "ok\n  \\x3a:error::x\n\xa0\\x3a:warning::y\nz ##\\x5berror]w\nnot :: here\n"


def test_github_annotations_parse_back_with_the_value_escaped() -> None:
    cmds = parse(render(_report("a\r\nb%0A::error::c,d"), "github"))
    finding = next(c for c in cmds if c.properties["title"] == "weak_key")
    assert finding.message.startswith("a\\r\\nb%0A::error::c,d\nRule: weak_key")
    assert len(cmds) == 2


def test_inspect_table_shows_a_hostile_subject_on_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fixtures.pki import issue
    from linter.cli import main

    monkeypatch.chdir(tmp_path)
    cn = "x\n::error::All good\x1b[8m"
    (tmp_path / "cert.pem").write_bytes(issue(cn, "RSA_2048").cert_pem)
    main(["inspect", "cert.pem"])
    out = capsys.readouterr().out
    assert command_lines(out) == []
    assert "CN=x\\n::error::All good\\x1b[8m" in out


def test_a_backtick_run_too_long_for_a_code_span_is_shown_escaped() -> None:
    # found by `make fuzz` (Hypothesis): cmark-gfm opens no code span with a fence of more than
    # 80 backticks, so the value around the run was rendered as Markdown, links included
    where = Location("https://evil.example/ *em*", 1, 1, construct_path="`" * 200)
    summary = step_summary(Report(findings=[Finding("weak_key", Severity.ERROR, "m", where)]))
    html = _html(summary)
    assert "<em>" not in html and 'href="https://evil' not in html
    assert "\\x60" * 200 in html
