"""Smoke run of benchmarks/scanner_speed.py on a tiny generated tree (no timing asserted): it
reads every `.tf` file, and its count of the paths blocks took adds up to the blocks the
state machine alone finds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import generate, scanner_speed
from linter.terraform.scanner import scan


def test_scanner_speed_counts_every_file_and_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = generate.monorepo(200, seed=3)
    tree.write(tmp_path / "tree")
    assert scanner_speed.main([str(tmp_path / "tree"), "--rounds", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    files = scanner_speed.read_tree(str(tmp_path / "tree"))
    assert report["files"] == len(files) == len([p for p in tree.files if p.endswith(".tf")])
    blocks = sum(len(scan(text, path, fast=False)[0]) for path, text in files)
    assert report["matched_whole"] + report["bracket_stack"] + report["state_machine"] == blocks
    # The generator writes what real trees hold: the state machine reads none of it.
    assert report["state_machine"] == 0 and report["matched_whole"] > 0.9 * blocks
