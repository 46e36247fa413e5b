"""A CloudFormation template with a syntax error is an error with its file and line, under
--recursive or named alone; a broken YAML file that is no template stays silent."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Run

BROKEN_YAML = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Lb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Type: network
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties: [unclosed
"""
BROKEN_JSON = """\
{
  "Resources": {
    "Lb": {
      "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
    }
  }
}
"""
NOT_A_TEMPLATE = "replicas: {{ .Values.replicas }}\nResources: [\n"  # a Helm chart's values
LISTENER = """\
resource "aws_lb" "n" {
  load_balancer_type = "network"
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.n.arn
  protocol          = "HTTPS"
}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    files = {
        "infra/main.tf": LISTENER,
        "stacks/web.yaml": BROKEN_YAML,
        "stacks/api.json": BROKEN_JSON,
        "chart/values.yaml": NOT_A_TEMPLATE,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def _errors(run: Run) -> list[tuple[str, str, int]]:
    out = json.loads(run.out)
    return sorted(
        (e["summary"], e["range"]["filename"], e["range"]["start"]["line"]) for e in out["errors"]
    )


def test_recursive_reports_every_broken_template_and_lints_the_rest(
    certfit: Callable[..., Run], repo: Path
) -> None:
    run = certfit("--recursive", ".", "-f", "json", cwd=repo)
    assert _errors(run) == [
        ("template does not parse", "stacks/api.json", 5),
        ("template does not parse", "stacks/web.yaml", 10),
    ]
    issues = json.loads(run.out)["issues"]
    assert [i["rule"]["name"] for i in issues] == ["listener_missing_certificate"]
    assert run.code == 3


def test_a_broken_template_named_alone_says_where(certfit: Callable[..., Run], repo: Path) -> None:
    run = certfit("stacks/web.yaml", "-f", "json", cwd=repo)
    assert _errors(run) == [("template does not parse", "stacks/web.yaml", 10)]
    assert run.code == 1


def test_an_oversized_template_under_recursive_is_said_not_skipped(tmp_path: Path) -> None:
    """A template over the 2 MB cap was skipped without a word under --recursive; a large JSON
    file that is not a template (a lock file) stays silent."""
    import contextlib
    import io

    from linter.cli import main

    (tmp_path / ".git").mkdir()
    resources = {
        f"Topic{i}": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "x" * 200}}
        for i in range(12000)
    }
    (tmp_path / "big.json").write_text(json.dumps({"Resources": resources}))
    (tmp_path / "package-lock.json").write_text(json.dumps({"packages": ["y" * 300] * 12000}))
    assert (tmp_path / "big.json").stat().st_size > 2 * 1024 * 1024
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as m:
        m.chdir(tmp_path)
        m.setenv("CERTFIT_CACHE_DIR", str(tmp_path / "cache"))
        with contextlib.redirect_stdout(out):
            main(["--recursive", "-f", "json", "."])
    errors = json.loads(out.getvalue())["errors"]
    assert [e["range"]["filename"] for e in errors] == ["big.json"], errors
    assert "not read" in errors[0]["message"]
