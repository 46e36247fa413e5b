"""A --recursive run surveys every directory once, then loads only the root modules that reach
something: its findings and errors must be those of loading every root module, each file's
error must be said once, and a file no root module reaches must still be checked."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from linter.engine import Settings, evaluate
from linter.lint import LintRequest, lint, terraform_dirs, walk_once
from linter.model import Model
from linter.options import LoadOptions
from linter.safe_files import SafeReader
from linter.terraform import find_root_modules, load_terraform
from linter.terraform.modules import forget_files
from linter.terraform.survey import load_tree
from tests.terraform.conftest import write_tree

LISTENER = """
resource "aws_lb_listener" "l" {
  protocol        = "HTTPS"
  certificate_arn = "arn:aws:acm:eu-west-1:111122223333:certificate/x"
}
"""
BROKEN = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n'  # never closed


def _run(top: Path, jobs: str = "1") -> tuple[list[str], list[tuple[str, str, str]]]:
    """(rules of the findings, (summary, file, message) of the errors) of a --recursive run."""
    options = LoadOptions.for_root(top, environ={"CERTFIT_JOBS": jobs})
    report = lint(LintRequest(paths=[top], options=options, recursive=True))
    errors = [(e.summary, e.location.file if e.location else "", e.message) for e in report.errors]
    return sorted(f.rule for f in report.findings), errors


def _model_facts(models: list[Model]) -> tuple[list[tuple[str, ...]], set[tuple[str, ...]]]:
    found = sorted(
        (f.rule, f.message, str(f.location)) for m in models for f in evaluate(m, Settings())
    )
    errors = {(e.summary, e.message, str(e.location)) for m in models for e in m.errors}
    return found, errors


def test_a_broken_file_in_a_shared_module_is_reported_once(tmp_path: Path) -> None:
    call = 'module "common" {\n  source = "../common"\n}\n'
    write_tree(
        tmp_path,
        {"a/main.tf": call, "b/main.tf": call + LISTENER, "common/main.tf": BROKEN},
    )
    for jobs in ("1", "2"):
        _, errors = _run(tmp_path, jobs)
        assert [(s, f) for s, f, _ in errors] == [("file does not parse", "common/main.tf")]


def test_a_file_no_root_module_reaches_is_still_checked(tmp_path: Path) -> None:
    # a and b call each other, so neither is a root module and neither is ever loaded
    write_tree(
        tmp_path,
        {
            "a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
            "b/main.tf": 'module "a" {\n  source = "../a"\n}\n',
            "b/broken.tf": BROKEN,
            "live/main.tf": LISTENER,
        },
    )
    assert find_root_modules(tmp_path) == [tmp_path / "live"]
    rules, errors = _run(tmp_path)
    assert rules  # the listener is still judged
    assert [(s, f) for s, f, _ in errors] == [("file does not parse", "b/broken.tf")]


def test_a_root_module_reaching_nothing_still_reports_its_module_cycle(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "live/main.tf": 'module "m" {\n  source = "../m"\n}\n',
            "m/main.tf": 'module "n" {\n  source = "../n"\n}\n',
            "n/main.tf": 'module "m" {\n  source = "../m"\n}\n',
        },
    )
    forget_files()
    dirs = terraform_dirs(walk_once(tmp_path, SafeReader(tmp_path)))
    options = LoadOptions.for_root(tmp_path)
    models, plan, _ = load_tree(tmp_path, dirs, options, jobs=1)
    assert plan.roots == [tmp_path / "live"] and plan.to_load == []  # answered without loading
    reference = load_terraform(tmp_path / "live", options)
    assert [e.summary for e in reference.errors] == ["module cycle"]
    assert _model_facts(models)[1] == _model_facts([reference])[1]


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_survey_finds_what_loading_every_root_module_finds(
    trees: Path, tmp_path: Path, jobs: int
) -> None:
    """The fixture trees, plus root modules that reach nothing (one through a module cycle,
    one with a broken file, one through a remote module): the same findings and the same
    errors as loading every root module."""
    top = tmp_path / "repo"
    shutil.copytree(trees / "terraform", top, symlinks=True)
    write_tree(
        top,
        {
            "quiet/main.tf": 'module "m" {\n  source = "../quiet_m"\n}\n',
            "quiet_m/main.tf": 'module "n" {\n  source = "../quiet_n"\n}\n',
            "quiet_n/main.tf": 'module "m" {\n  source = "../quiet_m"\n}\n',
            "quiet_broken/main.tf": BROKEN,
            "quiet_remote/main.tf": 'module "r" {\n  source = "org/x/aws"\n}\n',
        },
    )
    reader = SafeReader(top)
    options = LoadOptions.for_root(top)
    dirs = terraform_dirs(walk_once(top, reader))
    forget_files()
    reference = [load_terraform(r, options) for r in find_root_modules(top, reader)]
    forget_files()
    models, plan, _ = load_tree(top, dirs, options, jobs=jobs)
    assert {top / "quiet", top / "quiet_broken", top / "quiet_remote"} <= set(plan.roots)
    assert not {top / "quiet", top / "quiet_broken", top / "quiet_remote"} & set(plan.to_load)
    assert _model_facts(models) == _model_facts(reference)


def test_a_run_reads_each_file_once(tmp_path: Path) -> None:
    files = {f"svc{i}/main.tf": 'module "m" {\n  source = "../mod"\n}\n' for i in range(10)}
    files["mod/main.tf"] = LISTENER
    files["mod/other.tf"] = 'resource "aws_s3_bucket" "b" {}\n'
    write_tree(tmp_path, files)
    forget_files()
    dirs = terraform_dirs(walk_once(tmp_path, SafeReader(tmp_path)))
    models, plan, stats = load_tree(tmp_path, dirs, LoadOptions.for_root(tmp_path), jobs=1)
    assert len(plan.to_load) == 10  # every root reaches the listener
    assert stats.files_read == len(files)
    assert sum(len(m.bindings) for m in models) == 10


@pytest.mark.parametrize("jobs", [1, 2])
def test_models_judged_where_they_were_loaded_give_the_findings_of_judging_them_here(
    trees: Path, jobs: int
) -> None:
    top = trees / "terraform"
    dirs = terraform_dirs(walk_once(top, SafeReader(top)))
    settings = Settings(disabled_rules={"weak_key"})
    models, _, _ = load_tree(top, dirs, LoadOptions.for_root(top), jobs=jobs, settings=settings)
    early = [evaluate(m, settings) for m in models]
    assert any(early)
    assert all("judged" not in m.__dict__ for m in models)  # used once, then gone
    late = [evaluate(m, settings) for m in models]  # judged again, here
    assert [[(f.rule, f.message, f.location) for f in fs] for fs in early] == [
        [(f.rule, f.message, f.location) for f in fs] for fs in late
    ]
    assert all(f.rule != "weak_key" for fs in early for f in fs)


def test_modules_beside_the_target_are_surveyed_when_reached(tmp_path: Path) -> None:
    """`certfit --recursive live` in a repository whose modules live beside `live/`: they are
    not below the target, so the plan reads them when a root module's call reaches them."""
    (tmp_path / ".git").mkdir()
    write_tree(
        tmp_path,
        {
            "live/web/main.tf": 'module "lb" {\n  source = "../../modules/lb"\n}\n',
            "live/quiet/main.tf": 'module "q" {\n  source = "../../modules/quiet"\n}\n',
            "modules/lb/main.tf": 'resource "aws_lb_listener" "l" {\n  protocol = "HTTPS"\n}\n',
            "modules/quiet/main.tf": 'resource "aws_s3_bucket" "b" {}\n',
            "modules/quiet/broken.tf": BROKEN,
            "modules/unused/broken.tf": BROKEN,  # nothing below live/ reaches it: not read
        },
    )
    options = LoadOptions.for_root(tmp_path, environ={"CERTFIT_JOBS": "1"})
    report = lint(LintRequest(paths=[tmp_path / "live"], options=options, recursive=True))
    assert [(f.rule, f.location.file) for f in report.findings] == [
        ("listener_missing_certificate", "modules/lb/main.tf")
    ]
    assert not [f for f in report.findings if f.location.file.startswith("live/quiet")]
    assert [(e.summary, e.location.file if e.location else "") for e in report.errors] == [
        ("file does not parse", "modules/quiet/broken.tf")
    ]


def test_a_worker_is_sent_the_facts_of_what_its_root_modules_reach(tmp_path: Path) -> None:
    from linter.terraform.survey import reachable, survey
    from linter.workers import Shares

    write_tree(
        tmp_path,
        {
            "root/main.tf": 'module "a" {\n  source = "../a"\n}\n',
            "a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
            "b/main.tf": LISTENER,
            "other/main.tf": LISTENER,
        },
    )
    dirs = terraform_dirs(walk_once(tmp_path, SafeReader(tmp_path)))
    with Shares(1) as shares:
        facts, _, _ = survey(tmp_path, dirs, LoadOptions.for_root(tmp_path), shares)
    assert set(reachable([tmp_path / "root"], facts)) == {
        str(tmp_path / d) for d in ("root", "a", "b")
    }


def test_only_the_scans_the_loads_read_are_kept(tmp_path: Path) -> None:
    from linter.terraform import modules

    files = {f"quiet{i}/main.tf": 'resource "aws_s3_bucket" "b" {}\n' for i in range(9)}
    files["web/main.tf"] = 'module "lb" {\n  source = "../lb"\n}\n'
    files["lb/main.tf"] = LISTENER
    write_tree(tmp_path, files)
    forget_files()
    dirs = terraform_dirs(walk_once(tmp_path, SafeReader(tmp_path)))
    _, plan, stats = load_tree(tmp_path, dirs, LoadOptions.for_root(tmp_path), jobs=1)
    assert plan.to_load == [tmp_path / "web"] and stats.files_read == len(files)
    kept = sorted(os.path.relpath(path, tmp_path) for path, _ in modules._FILES)
    assert kept == ["lb/main.tf", "web/main.tf"]


def test_each_run_reads_with_its_own_root(tmp_path: Path) -> None:
    """Two runs in one process, over two trees confined to themselves: the second is read
    with its own reader (a survey's loader is never carried over to the next run)."""
    for name in ("first", "second"):
        top = tmp_path / name
        write_tree(top, {f"d{i}/main.tf": LISTENER for i in range(3)})
        write_tree(top, {"d0/broken.tf": BROKEN})
        dirs = terraform_dirs(walk_once(top, SafeReader(top)))
        models, plan, _ = load_tree(top, dirs, LoadOptions.for_root(top), jobs=1)
        assert {e.location.file for m in models for e in m.errors if e.location} == {
            "d0/broken.tf"  # relative to this run's root
        }
        assert len(plan.to_load) == 3
