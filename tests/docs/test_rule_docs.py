"""The rule docs say what the code and the data do.

Every rule has a page with the same headings and a severity that matches its module; the
unsupported_key_algorithm matrix, its unconfirmed facts and timeline, and ssl_policy_mismatch's
policy table are checked against data/aws_compat.toml; and each example marked
`<!-- example NAME: file=... -->` / `<!-- output NAME: [with=OTHER] [as_of=DATE] [path=P]
[args="..."] -->` is run through the real CLI (in a fresh directory holding the example's files,
OTHER's files too, and the certificates MATERIAL makes for NAME),
so the output lines a reader copies from the docs are the ones certfit prints.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from fixtures.pki import Issued, issue, make_key
from linter import cli, compat
from linter.compat import Status
from linter.model import ENDPOINT_TARGETS
from linter.rules import RULES, link_for

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "rules"
HEADINGS = (
    "## What it checks",
    "## Why",
    "## Example",
    "## How to fix",
    "## Configuration",
    "## Sources",
)
ACM_NAMES = (
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
)
# Keys ACM has no name for, as the data's key ids spell them.
NON_ACM_KEYS = ("ED25519", "ED448", "RSA_8192", "EC_secp224r1", "EC_secp256k1", "DSA_2048")
# setup-tflint's problem matcher: what CI users parse compact output with.
COMPACT = re.compile(r"^(.+):(\d+):(\d+):\s(Error|Warning|Notice)\s-\s(.+)\s\((.+)\)$")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)


def page(name: str) -> str:
    return (DOCS / f"{name}.md").read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under `heading` up to the next heading of the same or a higher level (lines in
    fenced code blocks, such as `# certfit-ignore` comments, are not headings)."""
    level = len(heading.split(" ", 1)[0])
    out: list[str] = []
    inside, fenced = False, False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        is_heading = not fenced and re.match(r"^(#+) ", line)
        if inside and is_heading and len(is_heading.group(1)) <= level:
            break
        if inside:
            out.append(line)
        if line == heading and not fenced:
            inside = True
    assert inside, f"no heading {heading!r}"
    return "\n".join(out) + "\n"


def table_rows(text: str, header_start: str) -> list[list[str]]:
    """Cells of the Markdown table whose header row starts with `header_start`."""
    lines = [line.strip() for line in text.splitlines()]
    first = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[first + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def code_id(cell: str) -> str:
    m = re.search(r"`([^`]+)`", cell)
    assert m, f"no `id` in {cell!r}"
    return m.group(1)


def rule_param() -> list[ModuleType]:
    return list(RULES)


def rule_id(rule: ModuleType) -> str:
    return str(rule.NAME)


# ---------------------------------------------------------------------------------------------
# Every page
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", rule_param(), ids=rule_id)
def test_page_has_the_required_headings_in_order(rule: ModuleType) -> None:
    text = page(rule.NAME)
    lines = text.splitlines()
    assert lines[0] == f"# {rule.NAME}"
    assert lines[1] == "" and lines[2].strip(), "a one-line summary follows the title"
    positions = [text.find(f"\n{h}\n") for h in HEADINGS]
    assert all(p > 0 for p in positions), dict(zip(HEADINGS, positions, strict=True))
    assert positions == sorted(positions)
    h2 = [line for line in lines if line.startswith("## ")]
    assert h2 == list(HEADINGS), "no other second-level headings"


@pytest.mark.parametrize("rule", rule_param(), ids=rule_id)
def test_severity_table_matches_the_module(rule: ModuleType) -> None:
    rows = table_rows(page(rule.NAME), "| Severity | Enabled by default | Since |")
    assert len(rows) == 1
    severity, enabled, since = rows[0]
    assert severity.split()[0] == rule.SEVERITY.title
    assert enabled == "Yes"
    assert since == "0.1.0"


@pytest.mark.parametrize("rule", rule_param(), ids=rule_id)
def test_every_output_link_opens_the_page(rule: ModuleType) -> None:
    link = link_for(rule.NAME)
    prefix = "https://github.com/certfit/certfit/blob/main/"
    assert link.startswith(prefix)
    assert (ROOT / link.removeprefix(prefix)).is_file()
    assert link.endswith(f"docs/rules/{rule.NAME}.md")


@pytest.mark.parametrize("rule", rule_param(), ids=rule_id)
def test_configuration_shows_disable_severity_and_inline_ignore(rule: ModuleType) -> None:
    conf = section(page(rule.NAME), "## Configuration")
    assert re.search(rf'rule "{rule.NAME}" \{{\s*enabled = false\s*\}}', conf)
    assert re.search(rf'rule "{rule.NAME}" \{{\s*severity = "(error|warning|notice)"', conf)
    assert re.search(rf"# certfit-ignore: {rule.NAME} # \S", conf), "an ignore with a reason"


@pytest.mark.parametrize("rule", rule_param(), ids=rule_id)
def test_example_output_lines_are_compact_lines_of_this_rule(rule: ModuleType) -> None:
    example = section(page(rule.NAME), "## Example")
    lines = [
        line
        for block in FENCE.findall(example)
        for line in block.splitlines()
        if line.endswith(")") and re.match(r"^[\w./-]+:\d+:\d+: ", line)
    ]
    assert lines, "the example shows certfit's output"
    for line in lines:
        m = COMPACT.match(line)
        assert m, line
        assert m.group(6) == rule.NAME, line


@pytest.mark.parametrize("rule", rule_param(), ids=rule_id)
def test_relative_links_resolve(rule: ModuleType) -> None:
    for target in re.findall(r"\]\((?!https?://|#)([^)#]+)", page(rule.NAME)):
        assert (DOCS / target).resolve().exists() or target == "unused_ignore.md", target


# ---------------------------------------------------------------------------------------------
# unsupported_key_algorithm: the matrix, the unconfirmed facts, the timeline, the sources
# ---------------------------------------------------------------------------------------------

SOURCE_COLUMNS = {
    "ACM, imported": "acm-imported",
    "ACM, issued by ACM": "acm-issued",
    "IAM server certificate": "iam",
}


def parse_cell(cell: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for part in cell.split("<br>"):
        m = re.fullmatch(r"\*\*(.+?):\*\*\s*(.+)", part.strip())
        assert m, f"cannot read {part!r}"
        groups[m.group(1)] = [k.strip() for k in m.group(2).split(",")]
    return groups


def check_cell(
    data: compat.CompatData, target: str, source: str, cell: str, today: dt.date
) -> None:
    where = f"{target} / {source}"
    if cell == "n/a":
        for key in ACM_NAMES:
            assert data.verdict(target, source, key, today).status == Status.NO_DATA, where
        return
    groups = parse_cell(cell)
    listed = [k for keys in groups.values() for k in keys]
    assert sorted(listed) == sorted(ACM_NAMES), f"{where}: every ACM key exactly once"
    for label, keys in groups.items():
        for key in keys:
            v = data.verdict(target, source, key, today)
            if label == "accepted":
                assert v.status == Status.ACCEPTED, (where, key, v.status)
            elif label == "unconfirmed":
                assert v.status == Status.UNCONFIRMED, (where, key, v.status)
            elif label == "rejected":
                assert v.status == Status.REJECTED and not v.silent, (where, key, v.status)
                assert v.confirmed, f"{where} / {key}: an unconfirmed rejection is a warning"
            elif label == "rejected, unconfirmed":
                assert v.status == Status.REJECTED and not v.confirmed, (where, key, v.status)
            elif label == "rejected at use, not at attach":
                assert v.status == Status.REJECTED and v.silent, (where, key, v.status)
            elif label == "ACM cannot issue":
                assert source == "acm-issued", where
                issuable = data.verdict("acm-request", "any", key, today)
                assert issuable.status == Status.REJECTED, (where, key)
                assert v.status != Status.ACCEPTED, (where, key)
            else:
                pytest.fail(f"{where}: unknown label {label!r}")


def test_matrix_says_what_the_data_says_today() -> None:
    data = compat.load()
    text = page("unsupported_key_algorithm")
    matrix = section(text, "### The matrix today")
    assert f"checked {data.checked}" in matrix, "the page is regenerated when the data is"
    header = next(line for line in matrix.splitlines() if line.startswith("| Target (`id`) |"))
    columns = [c.strip() for c in header.strip().strip("|").split("|")][1:]
    sources = [SOURCE_COLUMNS[c] for c in columns]
    rows = table_rows(matrix, "| Target (`id`) |")
    today = dt.date.today()
    targets = [code_id(r[0]) for r in rows]
    assert sorted(targets) == sorted(t.value for t in ENDPOINT_TARGETS)
    for row in rows:
        for source, cell in zip(sources, row[1:], strict=True):
            check_cell(data, code_id(row[0]), source, cell, today)


def test_service_table_says_what_the_data_says_today() -> None:
    data = compat.load()
    rows = table_rows(page("unsupported_key_algorithm"), "| Service (`id`) | Keys |")
    assert sorted(code_id(r[0]) for r in rows) == sorted(compat.SERVICE_TARGETS)
    for row in rows:
        check_cell(data, code_id(row[0]), "any", row[1], dt.date.today())


def test_keys_without_an_acm_name_are_rejected_except_unconfirmed_iam_upload() -> None:
    data = compat.load()
    text = page("unsupported_key_algorithm")
    assert "are **rejected** by every target above and by ACM import" in text
    assert "The IAM upload of such a key is **unconfirmed**" in text
    today = dt.date.today()
    for target in ENDPOINT_TARGETS:
        for source in SOURCE_COLUMNS.values():
            for key in NON_ACM_KEYS:
                status = data.verdict(target.value, source, key, today).status
                assert status in (Status.REJECTED, Status.NO_DATA), (target, source, key)
    for key in NON_ACM_KEYS:
        assert data.verdict("acm-import", "any", key, today).status == Status.REJECTED
        assert data.verdict("acm-request", "any", key, today).status == Status.REJECTED
        assert data.verdict("iam", "any", key, today).status == Status.UNCONFIRMED


def test_unconfirmed_keys_table_lists_every_unconfirmed_fact() -> None:
    data = compat.load()
    text = section(page("unsupported_key_algorithm"), "### Unconfirmed facts")
    expected = set()
    for f in data.facts:
        if f.unconfirmed:
            expected.add((f.target, f.source, f.since.isoformat(), frozenset(f.unconfirmed)))
        if f.others == Status.UNCONFIRMED:
            expected.add((f.target, f.source, f.since.isoformat(), frozenset({"others"})))
        if not f.confirmed:
            expected.add((f.target, f.source, f.since.isoformat(), frozenset({"all"})))
    found = set()
    for target, source, since, keys, _why in table_rows(
        text, "| Target | Source | Since | Unconfirmed keys |"
    ):
        if keys.startswith("any key without an ACM name"):
            key_set = frozenset({"others"})
        elif keys == "all":
            key_set = frozenset({"all"})
        else:
            key_set = frozenset(k.strip() for k in keys.split(","))
        found.add((code_id(target), code_id(source), since, key_set))
    assert found == expected


def test_approximate_dates_table_lists_every_fact_with_an_unconfirmed_date() -> None:
    data = compat.load()
    text = section(page("unsupported_key_algorithm"), "### Unconfirmed facts")
    expected = {
        (f.target, f.source, f.since.isoformat()) for f in data.facts if not f.date_confirmed
    }
    rows = table_rows(text, "| Target | Source | Since | Unconfirmed |")
    assert {(code_id(t), code_id(s), since) for t, s, since, _ in rows} == expected


def test_unconfirmed_policies_are_named_in_both_pages() -> None:
    data = compat.load()
    unconfirmed = [p for p in data.policies if not p.confirmed]
    assert unconfirmed, "the data marks the 2026 policies unconfirmed"
    uka = section(page("unsupported_key_algorithm"), "### Unconfirmed facts")
    spm = page("ssl_policy_mismatch")
    for p in unconfirmed:
        assert f"`{p.pattern}`" in uka
        assert f"`{p.pattern}`" in section(spm, "### Unconfirmed facts") or f"`{p.pattern}`" in spm


def test_policy_table_matches_the_data() -> None:
    data = compat.load()
    rows = table_rows(page("ssl_policy_mismatch"), "| Policy pattern | Since | Allowed keys |")
    found = {
        (code_id(pattern), since, frozenset(k.strip() for k in allowed.split(",")), confirmed)
        for pattern, since, allowed, confirmed in rows
    }
    expected = {
        (p.pattern, p.since.isoformat(), frozenset(p.allowed), "yes" if p.confirmed else "no")
        for p in data.policies
    }
    assert found == expected


def test_timeline_has_every_date_the_data_has() -> None:
    data = compat.load()
    rows = table_rows(page("unsupported_key_algorithm"), "| Date | Change | In the data |")
    dates = [r[0] for r in rows]
    assert dates == sorted(dates), "in order"
    wanted = {f.since.isoformat() for f in data.facts} | {
        p.since.isoformat() for p in data.policies
    }
    assert wanted <= set(dates), sorted(wanted - set(dates))


def test_sources_cite_every_source_the_data_uses() -> None:
    data = compat.load()
    uka = section(page("unsupported_key_algorithm"), "## Sources")
    spm = section(page("ssl_policy_mismatch"), "## Sources")
    for f in data.facts:
        for s in f.sources:
            assert s.url in uka, (f.target, f.source, s.key)
    for p in data.policies:
        for s in p.sources:
            assert s.url in spm, (p.pattern, s.key)


# ---------------------------------------------------------------------------------------------
# The examples run: what the page shows is what certfit prints
# ---------------------------------------------------------------------------------------------

UTC = dt.UTC
CA_DATES = (dt.datetime(2019, 1, 1, tzinfo=UTC), dt.datetime(2035, 1, 1, tzinfo=UTC))
LEAF_DATES = (dt.datetime(2020, 1, 1, tzinfo=UTC), dt.datetime(2030, 1, 1, tzinfo=UTC))


def _ca() -> tuple[Issued, Issued]:
    root = issue(
        "Example Root CA", "RSA_2048", ca=True, not_before=CA_DATES[0], not_after=CA_DATES[1]
    )
    inter = issue(
        "Example Intermediate CA",
        "RSA_2048",
        issuer=root,
        ca=True,
        not_before=CA_DATES[0],
        not_after=CA_DATES[1],
    )
    return root, inter


def _leaf_files(
    tmp: Path, stem: str, key_spec: str, not_after: dt.datetime = LEAF_DATES[1]
) -> None:
    root, inter = _ca()
    leaf = issue(
        f"{stem}.example.com", key_spec, issuer=inter, not_before=LEAF_DATES[0], not_after=not_after
    )
    certs = tmp / "certs"
    certs.mkdir(exist_ok=True)
    (certs / f"{stem}.crt").write_bytes(leaf.cert_pem)
    (certs / f"{stem}.key").write_bytes(leaf.key_pem())
    (certs / "chain.pem").write_bytes(inter.cert_pem + root.cert_pem)


def _invalid_files(tmp: Path) -> None:
    _root, inter = _ca()
    app = issue(
        "app.example.com",
        "RSA_2048",
        issuer=inter,
        not_before=LEAF_DATES[0],
        not_after=LEAF_DATES[1],
    )
    other = issue("other.example.com", "RSA_2048", key=make_key("RSA_3072"))
    other_root = issue("Other Root CA", "RSA_2048", ca=True)
    certs = tmp / "certs"
    certs.mkdir()
    (certs / "app.crt").write_bytes(app.cert_pem)
    (certs / "app.key").write_bytes(other.key_pem())
    (certs / "chain.pem").write_bytes(other_root.cert_pem)
    (certs / "app-enc.key").write_bytes(app.key_pem(password=b"example passphrase"))
    (certs / "app.der").write_bytes(app.cert_der)


MATERIAL: dict[str, Callable[[Path], None]] = {
    "incident": lambda tmp: _leaf_files(tmp, "shop", "EC_prime256v1"),
    "incident-fix": lambda tmp: _leaf_files(tmp, "shop", "EC_prime256v1"),
    "nlb": lambda tmp: _leaf_files(tmp, "api", "RSA_4096"),
    "nlb-iam": lambda tmp: _leaf_files(tmp, "api", "RSA_4096"),
    "cnsa2": lambda tmp: _leaf_files(tmp, "pay", "EC_prime256v1"),
    "legacy": lambda tmp: _leaf_files(tmp, "legacy", "RSA_1024"),
    "expiring": lambda tmp: _leaf_files(
        tmp, "www", "RSA_2048", not_after=dt.datetime(2026, 12, 12, tzinfo=UTC)
    ),
    "invalid": _invalid_files,
}

MARKER = re.compile(
    r"^<!-- (example|output) ([\w-]+):\s*(.*?)\s*-->\n```[^\n]*\n(.*?)^```", re.M | re.S
)


def examples() -> Iterator[tuple[str, str, dict[str, str], str, str]]:
    """(rule, name, files, output options, output block) for each marked output."""
    for rule in RULES:
        if not (DOCS / f"{rule.NAME}.md").is_file():
            continue  # test_page_has_the_required_headings_in_order fails for it, on its own
        files: dict[str, dict[str, str]] = {}
        for kind, name, opts, body in MARKER.findall(page(rule.NAME)):
            if kind == "example":
                file = dict(o.split("=", 1) for o in shlex.split(opts))["file"]
                files.setdefault(name, {})[file] = body
            else:
                with_ = dict(o.split("=", 1) for o in shlex.split(opts)).get("with")
                merged = {**files.get(with_ or "", {}), **files.get(name, {})}
                yield rule.NAME, name, merged, opts, body


EXAMPLES = list(examples())


def test_every_page_has_a_runnable_example() -> None:
    assert {rule for rule, *_ in EXAMPLES} == {r.NAME for r in RULES}


@pytest.mark.parametrize(
    ("rule", "name", "files", "opts", "shown"),
    EXAMPLES,
    ids=[f"{r}:{n}:{i}" for i, (r, n, *_) in enumerate(EXAMPLES)],
)
def test_example_prints_what_the_page_shows(
    rule: str,
    name: str,
    files: dict[str, str],
    opts: str,
    shown: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert files, f"no example files for {name}"
    for file, body in files.items():
        (tmp_path / file).write_text(body, encoding="utf-8")
    options = dict(o.split("=", 1) for o in shlex.split(opts))
    make = MATERIAL.get(name) or MATERIAL.get(options.get("with", ""))
    if make is not None:
        make(tmp_path)
    args = ["-f", "compact", "--no-cache", "--root", str(tmp_path)]
    args += ["--as-of", options.get("as_of", "2026-11-30")]
    args += shlex.split(options.get("args", ""))
    args.append(options.get("path", "."))
    monkeypatch.chdir(tmp_path)
    cli.main(args)
    printed = capsys.readouterr().out.replace(str(tmp_path), "/work/app")
    actual = sorted(line for line in printed.splitlines() if line.endswith(f" ({rule})"))
    expected = sorted(
        line for line in shown.splitlines() if COMPACT.match(line) and line.endswith(f" ({rule})")
    )
    assert actual == expected
