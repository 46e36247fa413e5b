"""A plan's findings land on the `.tf` attribute that makes the binding when the configuration
is beside the plan: a useful pull-request annotation instead of `plan.json` line 1, column N."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/4096"

ROOT_TF = """\
provider "aws" {
  region = "eu-west-1"
}

variable "cert" {}

resource "aws_lb" "edge" {
  name               = "edge"
  load_balancer_type = "network"
}

module "tls" {
  source          = "./modules/tls"
  for_each        = toset(["api"])
  lb              = aws_lb.edge.arn
  certificate_arn = var.cert
}
"""

MODULE_TF = """\
variable "lb" {}
variable "certificate_arn" {}

resource "aws_lb_listener" "this" {
  load_balancer_arn = var.lb
  protocol          = "TLS"
  port              = 443
  certificate_arn   = var.certificate_arn
}
"""


def plan_json() -> dict:
    """What `terraform show -json` writes for the configuration above (one line, as it does)."""
    listener = 'module.tls["api"].aws_lb_listener.this'
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "variables": {"cert": {"value": ARN}},
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_lb.edge",
                        "mode": "managed",
                        "type": "aws_lb",
                        "name": "edge",
                        "values": {"name": "edge", "load_balancer_type": "network"},
                    }
                ],
                "child_modules": [
                    {
                        "address": 'module.tls["api"]',
                        "resources": [
                            {
                                "address": listener,
                                "mode": "managed",
                                "type": "aws_lb_listener",
                                "name": "this",
                                "values": {
                                    "protocol": "TLS",
                                    "port": 443,
                                    "certificate_arn": ARN,
                                },
                            }
                        ],
                    }
                ],
            }
        },
        "resource_changes": [
            {
                "address": listener,
                "change": {"actions": ["create"], "after_unknown": {"load_balancer_arn": True}},
            }
        ],
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}
            },
            "root_module": {
                "resources": [
                    {
                        "address": "aws_lb.edge",
                        "mode": "managed",
                        "type": "aws_lb",
                        "name": "edge",
                        "expressions": {"load_balancer_type": {"constant_value": "network"}},
                    }
                ],
                "module_calls": {
                    "tls": {
                        "source": "./modules/tls",
                        "expressions": {
                            "lb": {"references": ["aws_lb.edge.arn", "aws_lb.edge"]},
                            "certificate_arn": {"references": ["var.cert"]},
                        },
                        "module": {
                            "resources": [
                                {
                                    "address": "aws_lb_listener.this",
                                    "mode": "managed",
                                    "type": "aws_lb_listener",
                                    "name": "this",
                                    "expressions": {
                                        "load_balancer_arn": {"references": ["var.lb"]},
                                        "certificate_arn": {"references": ["var.certificate_arn"]},
                                    },
                                }
                            ]
                        },
                    }
                },
            },
        },
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "infra"
    (root / ".git").mkdir(parents=True)
    (root / "modules" / "tls").mkdir(parents=True)
    (root / "plan.json").write_text(json.dumps(plan_json()))
    (root / ".certfit.hcl").write_text(
        f'certificate "{ARN}" {{\n  key_algorithm = "RSA_4096"\n}}\n'
    )
    return root


def lint(cwd: Path, *args: str) -> dict:
    from linter.cli import main

    out = io.StringIO()
    with pytest.MonkeyPatch.context() as m:
        m.chdir(cwd)
        m.setenv("CERTFIT_CACHE_DIR", str(cwd.parent / "cache"))
        with contextlib.redirect_stdout(out):
            main(["-f", "json", *args])
    return json.loads(out.getvalue())


def the_error(report: dict) -> dict:
    [err] = [i for i in report["issues"] if i["rule"]["name"] == "unsupported_key_algorithm"]
    return err


def test_without_the_code_beside_it_the_plan_line_is_all_there_is(project: Path) -> None:
    err = the_error(lint(project, "plan.json"))
    assert err["range"]["filename"] == "plan.json" and err["range"]["start"]["line"] == 1


def test_with_the_code_beside_it_the_finding_is_on_the_attribute_with_its_callers(
    project: Path,
) -> None:
    (project / "main.tf").write_text(ROOT_TF)
    (project / "modules" / "tls" / "main.tf").write_text(MODULE_TF)

    err = the_error(lint(project, "plan.json"))

    assert err["range"]["filename"] == "modules/tls/main.tf"
    assert (err["range"]["start"]["line"], err["range"]["start"]["column"]) == (8, 3)
    assert [(c["filename"], c["start"]["line"]) for c in err["callers"]] == [("main.tf", 12)]
    assert ("plan.json", 1) in [(r["filename"], r["start"]["line"]) for r in err["related"]]
    # The plan's values won: var.cert has no value in the code, the plan knows it.
    assert err["details"]["target"] == "nlb" and err["details"]["key_algorithm"] == "RSA_4096"


def test_chdir_names_the_configuration_when_the_plan_is_elsewhere(
    project: Path, tmp_path: Path
) -> None:
    (project / "main.tf").write_text(ROOT_TF)
    (project / "modules" / "tls" / "main.tf").write_text(MODULE_TF)
    plans = project / "plans"
    plans.mkdir()
    (project / "plan.json").rename(plans / "plan.json")

    err = the_error(lint(tmp_path, "--chdir", str(project), "plans/plan.json"))

    assert err["range"]["filename"] == "modules/tls/main.tf"
