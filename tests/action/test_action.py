"""The composite action, run the way a GitHub runner runs it: each step's script under
`bash --noprofile --norc -eo pipefail`, inputs substituted into `env:`, with GITHUB_ACTIONS,
GITHUB_STEP_SUMMARY, GITHUB_OUTPUT and GITHUB_PATH as temp files; the printed workflow commands
are parsed back the way the runner reads them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.cli.conftest import make_pki, template_text
from tests.reporters.workflow_commands import Command, parse

REPO = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = REPO / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"
_EXPR = re.compile(r"\$\{\{\s*([a-z.\-]+)\s*\}\}")


@dataclass
class ActionRun:
    exit_code: int  # of the job step: the first failing step's status, else 0
    outputs: dict[str, str]
    stdout: str
    commands: list[Command]
    summary: str
    steps_run: int


def run_action(workspace: Path, inputs: dict[str, str], tmp: Path) -> ActionRun:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    values = {k: v.get("default", "") for k, v in action["inputs"].items()}
    values.update(inputs)
    files = {n: tmp / n for n in ("summary.md", "output.txt", "path.txt")}
    for f in files.values():
        f.write_text("")
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp),
        "GITHUB_ACTIONS": "true",
        "GITHUB_ACTION_PATH": str(REPO),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(files["summary.md"]),
        "GITHUB_OUTPUT": str(files["output.txt"]),
        "GITHUB_PATH": str(files["path.txt"]),
        "RUNNER_TEMP": str(tmp),
        "CERTFIT_CACHE_DIR": str(tmp / "cache"),
        "PYTHONPATH": str(REPO),
    }
    step_outputs: dict[str, dict[str, str]] = {}

    def expand(text: str) -> str:
        def one(m: re.Match[str]) -> str:
            ref = m[1].split(".")
            if ref[0] == "inputs":
                return values[ref[1]]
            if ref[0] == "steps":
                return step_outputs.get(ref[1], {}).get(ref[3], "")
            raise AssertionError(f"unsupported expression {m[0]}")

        return _EXPR.sub(one, text)

    stdout, code, count = [], 0, 0
    for step in action["runs"]["steps"]:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"]  # inputs reach scripts only through env
        script = tmp / "step.sh"
        script.write_text(step["run"])
        step_env = {**env, **{k: expand(str(v)) for k, v in step.get("env", {}).items()}}
        cwd = workspace / expand(step.get("working-directory", "."))
        before = files["output.txt"].read_text()
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=cwd,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        count += 1
        stdout.append(proc.stdout)
        new = files["output.txt"].read_text()[len(before) :]
        if "id" in step:
            step_outputs[step["id"]] = dict(
                line.split("=", 1) for line in new.splitlines() if "=" in line
            )
        if proc.returncode != 0:
            code = proc.returncode
            break
    outputs = {k: expand(v["value"]) for k, v in action["outputs"].items()}
    out = "".join(stdout)
    return ActionRun(code, outputs, out, parse(out), files["summary.md"].read_text(), count)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checked-out repository with the template under infra/."""
    ws = tmp_path / "ws"
    (ws / "infra").mkdir(parents=True)
    (ws / ".git").mkdir()
    (ws / "infra" / "stack.yaml").write_text(template_text(make_pki()))
    return ws


def test_action_annotates_summarises_and_writes_sarif(workspace: Path, tmp_path: Path) -> None:
    result = run_action(
        workspace,
        {
            "working-directory": "infra",
            "args": "stack.yaml 'odd, name: 100%.yaml' --parameter \"Env=prod $(touch pwned)\"",
            "sarif-file": "results/certfit.sarif",
        },
        tmp_path,
    )
    assert "already installed" in result.stdout  # the install step found this checkout's certfit
    assert result.outputs == {"exit-code": "3"}  # issues and an input error
    assert result.exit_code == 3 and result.steps_run == 2
    assert not (workspace / "infra" / "pwned").exists()  # args are split, never run

    by_title = {c.properties.get("title"): c for c in result.commands}
    error = by_title["unsupported_key_algorithm"]
    assert error.name == "error"
    assert error.properties["file"] == "infra/stack.yaml"  # relative to the repository
    assert int(error.properties["line"]) > 1
    assert "Network Load Balancer" in error.message
    # the missing file's name comes back intact through the property and message escaping
    missing = by_title["certfit: input error"]
    assert missing.properties["file"] == "infra/odd, name: 100%.yaml"
    assert missing.message == "path not found\ninfra/odd, name: 100%.yaml does not exist"
    assert [c.name for c in result.commands] == ["error", "error", "warning", "notice"]

    assert "| Error | [`unsupported_key_algorithm`](" in result.summary
    assert "`infra/stack.yaml:" in result.summary

    sarif = json.loads((workspace / "results" / "certfit.sarif").read_text())
    schema = json.loads(SARIF_SCHEMA.read_text())
    assert list(jsonschema.Draft4Validator(schema).iter_errors(sarif)) == []
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris == {"infra/stack.yaml"}


def test_format_input_chooses_the_log_and_annotations_still_come(
    workspace: Path, tmp_path: Path
) -> None:
    result = run_action(workspace, {"working-directory": "infra", "format": "compact"}, tmp_path)
    assert result.outputs == {"exit-code": "2"}
    assert "3 issue(s) found:" in result.stdout
    assert re.search(r"^infra/stack\.yaml:\d+:\d+: Error - ", result.stdout, re.M)
    assert len(result.commands) == 3
    assert result.summary.startswith("## certfit: 3 issue(s)")


def test_clean_run_outputs_zero(workspace: Path, tmp_path: Path) -> None:
    result = run_action(
        workspace, {"working-directory": "infra", "args": "--force", "format": "github"}, tmp_path
    )
    assert (result.exit_code, result.outputs) == (0, {"exit-code": "0"})
    assert len(result.commands) == 3  # github format: annotations once, not twice


def test_unbalanced_quotes_in_args_fail_clearly(workspace: Path, tmp_path: Path) -> None:
    result = run_action(workspace, {"args": "--var 'x"}, tmp_path)
    assert result.outputs == {"exit-code": "1"}
    assert result.commands[0].message == "cannot split the args input: check its quotes"


def test_version_input_is_checked_before_anything_is_installed(
    workspace: Path, tmp_path: Path
) -> None:
    result = run_action(workspace, {"version": "1.0; rm -rf /\n::warning::injected"}, tmp_path)
    assert result.steps_run == 1 and result.exit_code == 1
    assert [c.name for c in result.commands] == ["error"]  # the input's own line is not echoed
    assert "is not a version number" in result.commands[0].message


def test_pre_commit_hook_runs_certfit_on_the_repository(workspace: Path, tmp_path: Path) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "certfit")
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["require_serial"] is True
    assert hook["entry"] == "certfit"
    files = re.compile(hook["files"])
    for name in (
        "main.tf",
        "prod.tfvars",
        "certs/a.pem",
        "stack.yaml",
        "cdk.out/x.template.json",
        ".certfit.hcl",
        "certs/a.crt",
        "certs/a.key",
    ):
        assert files.search(name), name
    assert not files.search("README.md")
    # what pre-commit runs: the entry with the hook's args, in the repository, no file names
    proc = subprocess.run(
        [str(Path(sys.executable).parent / hook["entry"]), *hook["args"], "infra"],
        cwd=workspace,
        env={**os.environ, "HOME": str(tmp_path), "CERTFIT_CACHE_DIR": str(tmp_path / "c")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout.startswith("3 issue(s) found:")


@pytest.mark.parametrize("fmt", ["", "compact", "github", "json"])
def test_the_log_is_inside_stop_commands_and_only_certfit_annotations_follow(
    workspace: Path, tmp_path: Path, fmt: str
) -> None:
    """A pull request names a file `evil\\n::error ...` and writes a certificate ARN holding
    workflow commands: whatever the format, the runner acts on certfit's annotations only."""
    from tests.reporters.test_hostile_output import hostile_tree
    from tests.reporters.workflow_commands import read_log

    hostile_tree(workspace / "hostile")
    runs = []
    for n in range(2):
        tmp = tmp_path / f"run{n}"
        tmp.mkdir()
        result = run_action(
            workspace, {"working-directory": "hostile", "format": fmt, "args": "--force"}, tmp
        )
        assert result.outputs == {"exit-code": "0"}
        runs.append(read_log(result.stdout))
    for log in runs:
        assert len(log.tokens) == 1 and re.fullmatch(r"[0-9a-f]{32}", log.tokens[0])
        assert log.resumed
        assert {c.name for c in log.commands} == {"error", "notice"}
        titles = {c.properties["title"] for c in log.commands}
        assert titles <= {
            "listener_missing_certificate",
            "unresolved_certificate",
            "unused_ignore",
            "certfit: input error",
        }
        assert len(log.commands) == 6
        if fmt != "github":  # the log itself is inside the span, hostile text and all
            assert any("add-mask" in line for line in log.stopped[0])
    assert runs[0].tokens != runs[1].tokens
