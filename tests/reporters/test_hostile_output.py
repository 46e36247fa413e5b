"""A pull request controls file names and every string in its files. Run the real CLI over
real files with hostile names and hostile values, in every format, and read the output the way
its consumer does: a GitHub runner reads the log for workflow commands, an XML parser reads
junit and checkstyle, a SARIF validator reads SARIF, GitHub's Markdown renderer reads the job
summary. Nothing the input wrote may come out as a command, a tag, a link or a broken file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import cmarkgfm
import jsonschema
import pytest
from cmarkgfm.cmark import Options

from linter.reporters import FORMATS
from linter.rules import RULES
from tests.reporters.workflow_commands import command_lines, parse, read_log

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif" / "sarif-schema-2.1.0.json"
INJECTED = "::error file=README.md,line=1::All good, merge it"
# An ARN as a pull request could write it: HCL escapes make the newlines, control characters
# and the lone surrogate real characters of the value.
HOSTILE_ARN = (
    "arn:aws:acm:us-east-1:123456789012:certificate/x"
    "\\n::add-mask::abc\\n" + INJECTED + "\\r\\n##[warning]legacy\\u0001\\u001b[2K"
    "\\u202e\\uD800 <img src=x onerror=alert(1)> [click](https://evil.example/) "
    "https://evil.example/auto @octocat `tick` | cell 証明書"
)
EVIL_NAME = "evil\n::error file=README.md::pwned\n.tf"
BAD_UTF8_NAME = b"bad\xff.tf"
LISTENER_WITHOUT_CERTIFICATE = 'resource "aws_lb_listener" "{name}" {{\n  protocol = "HTTPS"\n}}\n'
RULE_NAMES = {r.NAME for r in RULES} | {"unused_ignore"}


def hostile_tree(root: Path) -> Path:
    """Real files: hostile ARNs in a .tf file, hostile file names (a newline and a workflow
    command in one, bytes that are not UTF-8 in another), a hostile name on a file that does
    not parse, and a hostile rule name in an ignore comment."""
    (root / ".git").mkdir(parents=True)
    (root / "main.tf").write_text(
        'resource "aws_lb" "main" {\n  load_balancer_type = "network"\n}\n'
        'resource "aws_lb_listener" "tls" {\n'
        "  load_balancer_arn = aws_lb.main.arn\n"
        '  protocol          = "TLS"\n'
        f'  certificate_arn   = "{HOSTILE_ARN}"\n'
        "}\n"
        'resource "aws_lb_listener" "ignored" {\n'
        "  # certfit-ignore: ::error::x, <b>bold</b>\n"
        '  protocol = "HTTPS"\n'
        "}\n"
    )
    (root / EVIL_NAME).write_text(LISTENER_WITHOUT_CERTIFICATE.format(name="evil"))
    with open(os.path.join(os.fsencode(root), BAD_UTF8_NAME), "w") as fh:
        fh.write(LISTENER_WITHOUT_CERTIFICATE.format(name="bad"))
    (root / "broken\n::warning::x.tf").write_text('resource "aws_lb_listener" "z" {\n')
    return root


@dataclass
class Output:
    code: int
    out: str
    err: str
    summary: str


def run_certfit(root: Path, *args: str, env: dict[str, str] | None = None) -> Output:
    """The console script in a new process, output taken as bytes: it must be UTF-8."""
    summary = root.parent / "summary.md"
    summary.write_text("")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CERTFIT_"))}
    base |= {"HOME": str(root.parent), "CERTFIT_CACHE_DIR": str(root.parent / "cache")}
    base |= {"GITHUB_STEP_SUMMARY": str(summary)} | (env or {})
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "certfit"), *args],
        cwd=root,
        env=base,
        capture_output=True,
        timeout=120,
    )
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")  # strict
    return Output(proc.returncode, out, err, summary.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_tree(tmp_path_factory.mktemp("hostile") / "repo")


@pytest.fixture(scope="module")
def outputs(tree: Path) -> dict[str, Output]:
    return {fmt: run_certfit(tree, "-f", fmt) for fmt in FORMATS}


def _the_run_went_through(result: Output) -> None:
    assert "Traceback" not in result.err and "internal error" not in result.out
    assert result.code == 3, result.err  # findings and the file that does not parse


@pytest.mark.parametrize("fmt", ["default", "compact"])
def test_human_formats_print_no_command_and_keep_each_value_on_its_line(
    fmt: str, outputs: dict[str, Output]
) -> None:
    result = outputs[fmt]
    _the_run_went_through(result)
    log = result.out
    assert command_lines(log) == []
    # what the hostile text became: visible escapes, on the line it belongs to
    assert "certificate/x\\n::add-mask::abc\\n" + INJECTED + "\\r\\n##\\x5bwarning]" in log
    assert "\\x01\\x1b[2K\\u202e\\ud800" in log
    assert "evil\\n::error file=README.md::pwned\\n.tf" in log
    assert "bad\\xff.tf" in log
    assert "\x1b" not in log and "\u202e" not in log
    assert "\u8a3c\u660e\u66f8" in log  # printable text is shown as it is


def test_the_compact_format_keeps_one_issue_per_line(outputs: dict[str, Output]) -> None:
    lines = outputs["compact"].out.splitlines()
    issues = [line for line in lines if " - " in line and line.endswith(")")]
    assert len(issues) == 5  # tls (unresolved), ignored (missing + unused ignore), evil, bad
    assert any(
        line.startswith("evil\\n::error file=README.md::pwned\\n.tf:1:1: Error") for line in lines
    )


def test_github_format_prints_only_certfit_annotations(outputs: dict[str, Output]) -> None:
    result = outputs["github"]
    _the_run_went_through(result)
    lines = result.out.splitlines()
    commands = parse(result.out)
    assert len(commands) == len(lines)  # every line is one command, none was split
    assert command_lines(result.out) == lines
    assert {c.name for c in commands} <= {"error", "warning", "notice"}
    assert all(c.properties["title"] in RULE_NAMES | {"certfit: input error"} for c in commands)
    by_file = {c.properties.get("file"): c for c in commands}
    assert "evil\\n::error file=README.md::pwned\\n.tf" in by_file
    assert "bad\\xff.tf" in by_file
    arn = next(c for c in commands if c.properties["title"] == "unresolved_certificate")
    # the value reads back with its characters shown, not acted on
    assert "\\n::add-mask::abc\\n" + INJECTED in arn.message
    assert arn.message.count("\n") == 1  # certfit's own line break before "Rule:"


def test_xml_formats_are_well_formed(outputs: dict[str, Output]) -> None:
    for fmt in ("junit", "checkstyle"):
        result = outputs[fmt]
        _the_run_went_through(result)
        doc = ET.fromstring(result.out)
        texts = " ".join(
            [v for el in doc.iter() for v in el.attrib.values()]
            + [el.text or "" for el in doc.iter()]
        )
        assert "\\x01\\x1b[2K\u202e\\ud800" in texts  # printable characters are kept as they are
        assert "bad\\xff.tf" in texts and "evil\n::error file=README.md::pwned\n.tf" in texts
    junit = ET.fromstring(outputs["junit"].out).find("testsuite")
    assert junit is not None and junit.get("failures") == "5" and junit.get("errors") == "1"


def test_json_and_sarif_are_valid(outputs: dict[str, Output]) -> None:
    data = json.loads(outputs["json"].out)
    files = {i["range"]["filename"] for i in data["issues"]}
    assert files == {"main.tf", EVIL_NAME, "bad\\xff.tf"}
    assert any(e["range"]["filename"] == "broken\n::warning::x.tf" for e in data["errors"])
    sarif = json.loads(outputs["sarif"].out)
    schema = json.loads(SARIF_SCHEMA.read_text())
    assert list(jsonschema.Draft4Validator(schema).iter_errors(sarif)) == []
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    evil = "evil%0A%3A%3Aerror%20file=README.md%3A%3Apwned%0A.tf"  # the real name, encoded
    assert uris == {"main.tf", evil, "bad%5Cxff.tf"}
    fingerprints = [
        r["partialFingerprints"]["certfitFingerprint/v1"] for r in sarif["runs"][0]["results"]
    ]
    assert len(set(fingerprints)) == len(fingerprints)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.outside_code: list[str] = []
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._code += tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self._code -= tag == "code"

    def handle_data(self, data: str) -> None:
        if not self._code:
            self.outside_code.append(data)


def test_job_summary_renders_no_html_link_or_image_from_the_input(tree: Path) -> None:
    result = run_certfit(tree, "--annotate")
    _the_run_went_through(result)
    summary = result.summary
    html = cmarkgfm.github_flavored_markdown_to_html(summary, options=Options.CMARK_OPT_UNSAFE)
    parsed = _Tags()
    parsed.feed(html)
    allowed = {
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
    assert {tag for tag, _ in parsed.tags} <= allowed
    links = [attrs["href"] for tag, attrs in parsed.tags if tag == "a"]
    assert links and all(
        str(h).startswith("https://github.com/certfit/certfit/blob/main/docs/rules/") for h in links
    )
    outside = "".join(parsed.outside_code)
    assert "evil" not in outside and "img" not in outside and "octocat" not in outside
    # every row of the table has its four cells: a `|` in a value did not add one
    rows = [line for line in summary.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + 5 and html.count("<tr>") == 1 + 5
    assert html.count("<td>") == 4 * 5


def test_under_actions_the_log_before_the_annotations_is_inside_stop_commands(
    tree: Path,
) -> None:
    first = run_certfit(tree, env={"GITHUB_ACTIONS": "true"})
    second = run_certfit(tree, env={"GITHUB_ACTIONS": "true"})
    logs = [read_log(first.out), read_log(second.out)]
    for log in logs:
        assert log.resumed and len(log.tokens) == 1 and len(log.tokens[0]) == 32
        assert any("::add-mask::abc" in line for line in log.stopped[0])
        assert {c.name for c in log.commands} <= {"error", "warning", "notice"}
        assert len(log.commands) == 6  # five findings and the file that does not parse
    assert logs[0].tokens != logs[1].tokens  # random, so the input cannot print it


def test_a_console_that_is_not_utf8_shows_escapes_instead_of_failing(tree: Path) -> None:
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "certfit"), "-f", "compact", "."],
        cwd=tree,
        env={
            **os.environ,
            "PYTHONIOENCODING": "ascii",
            "CERTFIT_CACHE_DIR": str(tree.parent / "c"),
        },
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 3 and b"Traceback" not in proc.stderr
    proc.stdout.decode("ascii")
