"""Flags users reach for first: --version, --help, --chdir, --as-of, formats and imports."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from linter.cli import cache_dir
from tests.cli.conftest import REPO, Run
from tests.reporters.workflow_commands import parse


def test_version_from_the_console_script(
    certfit_process: Callable[..., Run], tmp_path: Path
) -> None:
    run = certfit_process("--version", cwd=tmp_path)
    assert (run.code, run.out) == (0, "certfit 0.1.0\n")


def test_help_has_examples(certfit: Callable[..., Run], tmp_path: Path) -> None:
    run = certfit("--help", cwd=tmp_path)
    assert run.code == 0
    assert "examples:" in run.out and "--recursive" in run.out and "exit status" in run.out


def test_cli_imports_neither_the_cdk_nor_boto3(project: Path) -> None:
    code = (
        "import sys, os; os.chdir(sys.argv[1]); from linter.cli import main;"
        "main(['--version']); light = 'hcl2' not in sys.modules and 'linter.engine' not in "
        "sys.modules; main(['-f', 'json', '--force']);"
        "heavy = [m for m in ('aws_cdk', 'boto3', 'botocore', 'jsii') if m in sys.modules];"
        "print(light, heavy, file=sys.stderr)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(project)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.stderr.strip().splitlines()[-1] == "True []"


def test_chdir_runs_from_another_directory(
    certfit: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    run = certfit("--chdir", str(project), "-f", "compact", cwd=tmp_path)
    assert run.code == 2
    assert "stack.yaml:" in run.out
    assert certfit("--chdir", str(project / "nope"), cwd=tmp_path).code == 1


def test_as_of_is_passed_to_the_rules(certfit: Callable[..., Run], project: Path) -> None:
    out = json.loads(certfit("-f", "json", "--as-of", "2020-04-13", cwd=project).out)
    dates = {i["details"].get("as_of") for i in out["issues"]}
    assert dates == {"2020-04-13"}


def test_every_format_from_the_command_line(
    certfit: Callable[..., Run], certfit_process: Callable[..., Run], project: Path
) -> None:
    for fmt in ("default", "compact", "json", "checkstyle", "junit", "sarif", "github"):
        run = (certfit_process if fmt == "default" else certfit)("-f", fmt, cwd=project)
        assert run.code == 2, (fmt, run.err)
        assert "BEGIN" not in run.out  # no PEM lines in any view
        assert "unsupported_key_algorithm" in run.out
        assert run.err == ""


def test_default_format_has_no_colour_when_not_a_terminal(
    certfit: Callable[..., Run], project: Path
) -> None:
    run = certfit(cwd=project)
    assert "\x1b[" not in run.out
    assert "  on stack.yaml line " in run.out
    assert "Fix: " in run.out


def test_under_github_actions_annotations_come_with_the_default_output(
    certfit: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    run = certfit(cwd=project, env=env)
    assert "  on stack.yaml line " in run.out  # the default view
    annotations = parse(run.out)
    assert [a.name for a in annotations] == ["error", "warning", "notice"]
    assert summary.read_text().startswith("## certfit: 3 issue(s)")
    # an explicit machine format stays machine-readable: no annotations mixed in
    summary.unlink()
    as_json = certfit("-f", "json", cwd=project, env=env)
    assert json.loads(as_json.out)["issues"]
    assert not summary.exists()


def test_sarif_file_beside_another_format(
    certfit: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    run = certfit("-f", "compact", "--sarif-file", str(tmp_path / "out.sarif"), cwd=project)
    assert run.out.startswith("3 issue(s) found:")
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 3


def test_cache_directory_choice() -> None:
    home = Path.home()
    assert cache_dir({"CERTFIT_CACHE_DIR": "/c"}) == Path("/c")
    assert cache_dir({"XDG_CACHE_HOME": "/x", "CERTFIT_CACHE_DIR": ""}) == Path("/x/certfit")
    assert cache_dir({}) == home / ".cache" / "certfit"


def test_rule_selection_flags(certfit: Callable[..., Run], project: Path) -> None:
    def rules(*args: str) -> set[str]:
        return {
            i["rule"]["name"]
            for i in json.loads(certfit("-f", "json", *args, cwd=project).out)["issues"]
        }

    assert rules("--only", "certificate_expiring") == {"certificate_expiring"}
    assert "unsupported_key_algorithm" not in rules("--disable-rule", "unsupported_key_algorithm")
    (project / ".certfit.hcl").write_text(
        'rule "weak_key" {\n  enabled = false\n}\n'
        'rule "certificate_expiring" {\n  enabled = false\n}\n'
    )
    assert "certificate_expiring" in rules("--enable-rule", "certificate_expiring")
    bad = certfit("--only", "weak_keys", cwd=project)
    assert bad.code == 1 and "no rule named weak_keys" in bad.err
