"""Exit codes as tflint's users expect them: 0 clean, 1 input error, 2 issues, 3 both."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Run


def test_issues_exit_2_and_every_kind_is_found(certfit: Callable[..., Run], project: Path) -> None:
    run = certfit("-f", "json", cwd=project)
    assert run.code == 2, run.err
    rules = {i["rule"]["name"]: i for i in json.loads(run.out)["issues"]}
    assert set(rules) == {
        "unsupported_key_algorithm",
        "certificate_expiring",
        "unresolved_certificate",
    }
    assert rules["unsupported_key_algorithm"]["range"]["filename"] == "stack.yaml"
    assert run.err == ""  # no progress line or noise in a machine format


def test_force_exits_0(certfit: Callable[..., Run], project: Path) -> None:
    assert certfit("--force", cwd=project).code == 0


def test_notices_alone_do_not_fail_unless_asked(certfit: Callable[..., Run], project: Path) -> None:
    run = certfit("--minimum-failure-severity", "error", cwd=project)
    assert run.code == 2  # the NLB error
    only_notice = project / "notice"
    only_notice.mkdir()
    text = (project / "stack.yaml").read_text()
    external = text[text.index("  ExternalListener:") :]
    (only_notice / "t.yaml").write_text("Resources:\n" + external)
    assert certfit("notice/t.yaml", cwd=project).code == 0
    assert certfit("notice/t.yaml", "--minimum-failure-severity", "notice", cwd=project).code == 2
    assert certfit("notice/t.yaml", "--minimum-failure-severity=info", cwd=project).code == 2


def test_fail_on_unresolved_turns_the_notice_into_an_error(
    certfit: Callable[..., Run], project: Path
) -> None:
    run = certfit("-f", "compact", "--fail-on-unresolved", cwd=project)
    line = next(x for x in run.out.splitlines() if x.endswith("(unresolved_certificate)"))
    assert ": Error - " in line
    assert run.code == 2


def test_missing_path_exits_1_and_names_it(certfit: Callable[..., Run], project: Path) -> None:
    (project / "stack.yaml").unlink()
    (project / "empty").mkdir()
    run = certfit("-f", "compact", "nowhere", cwd=project)
    assert run.code == 1
    assert "nowhere does not exist" in run.out
    run = certfit("-f", "compact", "empty", cwd=project)
    assert run.code == 1
    assert "empty holds no .tf files" in run.out


def test_input_error_and_issues_exit_3(certfit: Callable[..., Run], project: Path) -> None:
    run = certfit("stack.yaml", "nowhere", cwd=project)
    assert run.code == 3
    assert "unsupported_key_algorithm" in run.out


def test_broken_template_is_an_input_error_with_its_line(
    certfit: Callable[..., Run], project: Path
) -> None:
    (project / "broken.yaml").write_text("Resources:\n  A:\n    Type: [unclosed\n")
    run = certfit("-f", "json", "broken.yaml", "stack.yaml", cwd=project)
    assert run.code == 3
    doc = json.loads(run.out)
    assert doc["errors"][0]["range"]["filename"] == "broken.yaml"
    assert doc["issues"]  # the good file is still judged


def test_usage_error_exits_1_not_2(certfit: Callable[..., Run], project: Path) -> None:
    run = certfit("--format", "yaml", cwd=project)
    assert run.code == 1
    assert "invalid choice" in run.err
    assert certfit("--var", "novalue", cwd=project).code == 1
    assert certfit("--as-of", "yesterday", cwd=project).code == 1


def test_a_path_named_outside_the_root_is_still_read(
    certfit: Callable[..., Run], project: Path
) -> None:
    """The user named it (issue 10): --root confines what the code names, not the targets."""
    inner = project / "inner"
    inner.mkdir()
    run = certfit("-f", "compact", "--root", str(inner), "stack.yaml", cwd=project)
    assert run.code == 2
    assert "outside the project root" not in run.out
    assert "stack.yaml:" in run.out


def test_recursive_finds_templates_and_cdk_out_too(
    certfit: Callable[..., Run], project: Path
) -> None:
    (project / "cfn").mkdir()
    (project / "stack.yaml").rename(project / "cfn" / "stack.yaml")
    (project / "cfn" / "not-a-template.yaml").write_text("name: ci\non: push\n")
    (project / ".github" / "workflows").mkdir(parents=True)
    (project / ".github" / "workflows" / "x.yml").write_text("Resources: {}\n")
    listener = {
        "Type": "AWS::ElasticLoadBalancingV2::Listener",
        "Properties": {
            "Protocol": "TLS",
            "Port": 443,
            "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/n/1",
            "Certificates": [{"CertificateArn": "arn:aws:acm:us-east-1:1:certificate/cdk"}],
        },
    }
    out = project / "app" / "cdk.out"
    out.mkdir(parents=True)
    (out / "S.template.json").write_text(json.dumps({"Resources": {"L": listener}}))
    (out / "manifest.json").write_text(
        json.dumps(
            {
                "version": "36.0.0",
                "artifacts": {
                    "S": {
                        "type": "aws:cloudformation:stack",
                        "environment": "aws://1/us-east-1",
                        "properties": {"templateFile": "S.template.json"},
                    }
                },
            }
        )
    )
    run = certfit("-f", "json", "--recursive", cwd=project)
    doc = json.loads(run.out)
    files = {i["range"]["filename"] for i in doc["issues"]}
    assert files == {"cfn/stack.yaml", "app/cdk.out/S.template.json"}
    assert doc["errors"] == []
