"""A path the user names is always read; the root for what the code names (file(), module
sources, pem_file) is the enclosing git work tree of each target, else the target's directory.
The current directory does not matter."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.confinement.conftest import (
    CANARY,
    TLS_LISTENER_WITHOUT_CERT,
    Run,
    errors,
    listener_reading,
    rules,
)

Certfit = Callable[..., Run]

PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.9.0",
    "planned_values": {
        "root_module": {
            "resources": [
                {
                    "address": "aws_lb.nlb",
                    "mode": "managed",
                    "type": "aws_lb",
                    "name": "nlb",
                    "values": {"load_balancer_type": "network"},
                },
                {
                    "address": "aws_lb_listener.tls",
                    "mode": "managed",
                    "type": "aws_lb_listener",
                    "name": "tls",
                    "values": {"protocol": "TLS", "port": 443, "certificate_arn": None},
                },
            ]
        }
    },
}


def test_a_target_outside_the_current_directory_is_read(
    certfit: Certfit, project: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = certfit(str(project), cwd=elsewhere)
    assert run.code == 2, run.out
    assert rules(run) == ["listener_missing_certificate"]
    assert errors(run) == []


def test_a_plan_outside_the_current_directory_is_read(certfit: Certfit, tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "plan.json").write_text(json.dumps(PLAN))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    run = certfit(str(plans / "plan.json"), cwd=cwd)
    assert errors(run) == []
    assert rules(run) == ["listener_missing_certificate"]


def test_modules_of_the_targets_repository_are_followed_from_anywhere(
    certfit: Certfit, project: Path, tmp_path: Path
) -> None:
    (project / "main.tf").unlink()
    (project / "modules" / "lb").mkdir(parents=True)
    (project / "modules" / "lb" / "main.tf").write_text(TLS_LISTENER_WITHOUT_CERT)
    (project / "infra").mkdir()
    (project / "infra" / "main.tf").write_text('module "lb" {\n  source = "../modules/lb"\n}\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = certfit(str(project / "infra"), cwd=elsewhere)
    assert errors(run) == []
    [issue] = json.loads(run.out)["issues"]
    assert issue["rule"]["name"] == "listener_missing_certificate"
    assert issue["range"]["filename"] == "modules/lb/main.tf"


def test_without_a_repository_the_target_directory_is_the_root(
    certfit: Certfit, tmp_path: Path
) -> None:
    """The current directory no longer widens what a target's code may read."""
    top = tmp_path / "nogit"
    (top / "app").mkdir(parents=True)
    (top / "secret.txt").write_text(CANARY)
    (top / "app" / "main.tf").write_text(
        TLS_LISTENER_WITHOUT_CERT + listener_reading('file("../secret.txt")')
    )
    run = certfit("app", cwd=top)
    assert "listener_missing_certificate" in rules(run)
    assert CANARY not in run.everything
    messages = [i["message"] for i in json.loads(run.out)["issues"]]
    assert any("outside the project root" in m for m in messages), messages


def test_the_refusal_names_the_way_to_widen_once(certfit: Certfit, project: Path) -> None:
    (project / "infra").mkdir()
    (project / "infra" / "main.tf").write_text(
        TLS_LISTENER_WITHOUT_CERT + listener_reading('file("../../x.pem")')
    )
    run = certfit("infra", cwd=project)
    [message] = [
        i["message"] for i in json.loads(run.out)["issues"] if "outside the project" in i["message"]
    ]
    assert message.count("--root") == 1, message
