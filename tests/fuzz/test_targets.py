"""The fuzz targets (fuzz/targets.py) run their seeds cleanly, and catch what they claim to:
`make fuzz` is not part of `make test`, but a broken harness should not wait for it."""

from __future__ import annotations

import itertools

import pytest

from fuzz import targets
from fuzz.seeds import SEEDS
from linter.model import Finding, Location, Severity
from linter.report import Report


@pytest.mark.parametrize("name", list(targets.TARGETS))
def test_each_target_runs_its_first_seeds(name: str) -> None:
    run = targets.one_input(name)
    seeds = list(itertools.islice(SEEDS[name](), 3))
    assert seeds
    for data in seeds:
        run(data)
    run(b"")
    run(b"\xff\x00{[")


def test_an_internal_error_the_terraform_front_end_swallowed_is_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(self: object, inst: object) -> None:
        raise KeyError("boom")

    # below the harness's traceback keeper, as a bug in the front end would be
    monkeypatch.setattr(targets.extract.Extractor, "_instance", targets._keep_traceback(broken))
    run = targets.one_input("terraform_hcl")
    with pytest.raises(targets.CertfitBug, match="KeyError"):
        run(b'resource "aws_lb_listener" "x" {\n  protocol = "HTTPS"\n}\n')


def test_an_output_with_a_command_line_is_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    report = Report(findings=[Finding("weak_key", Severity.ERROR, "m", Location("a.tf", 1, 1))])
    monkeypatch.setattr(targets, "render", lambda r, fmt, root: "::error::forged\n")
    with pytest.raises(targets.CertfitBug, match="command"):
        targets.check_outputs(report, targets.Workspace().root)
