"""Structure hostile to the scanner's fast path (one regex match per top-level block, generated
for a bounded nesting): floods of openers, quotes, interpolations, comment and heredoc markers,
a multi-megabyte line, thousands of blocks each just past the bound. The match must fail fast
or read on in linear time, the state machine then gives its error, and the run goes on: each
file is an error naming it and its line, and a planted finding next to them is still found."""

from __future__ import annotations

from pathlib import Path

from linter.terraform.scanner import scan
from tests.security.bounded import PLANTED_RULE, PLANTED_TF, run_bounded

N = 100_000
HOSTILE = {
    # file: (text, line of the error)
    "braces.tf": ('resource "a" "b" {\n' + "{" * N, 1),
    "closed_deep.tf": ("locals {\n  x = " + "[" * N + "]" * N + "\n}\n}\n", 4),
    "quotes.tf": ("locals {\n  x = " + '"' * (N + 1) + "\n}\n", 2),
    "interpolations.tf": ('locals {\n  x = "' + '${"' * 3000 + "\n}\n", 2),
    "comments.tf": ("locals {\n  x = 1 " + "/*" * N, 2),
    "heredocs.tf": ("locals {\n  x = " + "<<EOT\n" * N, 2),
    "long_line.tf": ('locals {\n  x = "' + "x" * 4_000_000 + "\n}\n", 2),
    "past_the_bound.tf": (('a "b" {\n  x = [[[[[[1]]]]]]\n}\n' * 20_000) + "}\n", 60_001),
}


def test_hostile_structure_is_one_error_per_file_at_its_line(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    for name, (text, _) in HOSTILE.items():
        (root / name).write_text(text)
    (root / "planted.tf").write_text(PLANTED_TF)
    run = run_bounded(root, ".")
    errors = {e["range"]["filename"]: e["range"]["start"]["line"] for e in run.report["errors"]}
    assert errors == {name: line for name, (_, line) in HOSTILE.items()}
    assert [i["range"]["filename"] for i in run.issues(PLANTED_RULE)] == ["planted.tf"]


def test_hostile_structure_reads_as_the_state_machine_alone() -> None:
    for name, (text, line) in HOSTILE.items():
        blocks, err = scan(text, name)
        ref_blocks, ref_err = scan(text, name, fast=False)
        assert err is not None and ref_err is not None, name
        assert (str(err), err.line, err.column) == (str(ref_err), ref_err.line, ref_err.column)
        assert err.line == line, name
        assert [(b.line, b.end) for b in blocks] == [(b.line, b.end) for b in ref_blocks], name
