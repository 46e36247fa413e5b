""".certfit.hcl: found by --config, then $CERTFIT_CONFIG, then ./, then ~ (tflint's order);
rule switches, severities, mappings and errors that name the file and line."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures.pki import NOW
from linter.config import load_config
from linter.model import Severity
from tests.cli.conftest import Run

ARN = "arn:aws:acm:us-east-1:123456789012:certificate/abc"


def _rules(run: Run) -> set[str]:
    return {i["rule"]["name"] for i in json.loads(run.out)["issues"]}


def _disable(rule: str) -> str:
    return f'rule "{rule}" {{\n  enabled = false\n}}\n'


@pytest.fixture
def four_configs(project: Path, tmp_path: Path) -> dict[str, Path]:
    """A config at each place, each disabling a different rule, so the output tells which
    one was read."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    places = {
        "flag": project / "flag.hcl",
        "env": project / "env.hcl",
        "cwd": project / ".certfit.hcl",
        "home": home / ".certfit.hcl",
    }
    rules = {
        "flag": "unsupported_key_algorithm",
        "env": "certificate_expiring",
        "cwd": "unresolved_certificate",
        "home": "unsupported_key_algorithm",
    }
    for place, path in places.items():
        path.write_text(_disable(rules[place]) + f"# {place}\n")
    return places


ALL = {"unsupported_key_algorithm", "certificate_expiring", "unresolved_certificate"}


def test_config_precedence(
    certfit: Callable[..., Run], project: Path, four_configs: dict[str, Path]
) -> None:
    env = {"CERTFIT_CONFIG": str(four_configs["env"])}
    flag = certfit("-f", "json", "--config", "flag.hcl", cwd=project, env=env)
    assert _rules(flag) == ALL - {"unsupported_key_algorithm"}
    by_env = certfit("-f", "json", cwd=project, env=env)
    assert _rules(by_env) == ALL - {"certificate_expiring"}
    here = certfit("-f", "json", cwd=project)
    assert _rules(here) == ALL - {"unresolved_certificate"}
    four_configs["cwd"].unlink()
    home = certfit("-f", "json", cwd=project)
    assert _rules(home) == ALL - {"unsupported_key_algorithm"}
    four_configs["home"].unlink()
    assert _rules(certfit("-f", "json", cwd=project)) == ALL


def test_named_config_that_is_missing_is_an_error(
    certfit: Callable[..., Run], project: Path
) -> None:
    run = certfit("-f", "compact", "--config", "nope.hcl", cwd=project)
    assert run.code == 3
    assert "nope.hcl (named by --config) does not exist" in run.out
    run = certfit("-f", "compact", cwd=project, env={"CERTFIT_CONFIG": "gone.hcl"})
    assert "named by $CERTFIT_CONFIG" in run.out


def test_severity_and_as_of_from_config(certfit: Callable[..., Run], project: Path) -> None:
    as_of = (NOW + dt.timedelta(days=2)).date().isoformat()  # while the test PEMs are valid
    (project / ".certfit.hcl").write_text(
        f'config {{\n  as_of = "{as_of}"\n  minimum_failure_severity = "error"\n}}\n'
        'rule "unsupported_key_algorithm" {\n  severity = "notice"\n}\n'
    )
    run = certfit("-f", "json", cwd=project)
    issues = json.loads(run.out)["issues"]
    nlb = next(i for i in issues if i["rule"]["name"] == "unsupported_key_algorithm")
    assert nlb["rule"]["severity"] == "info"
    assert {i["details"]["as_of"] for i in issues} == {as_of}
    assert run.code == 0  # nothing at error level left
    # a flag beats the file
    assert certfit("--minimum-failure-severity", "notice", cwd=project).code == 2


def test_certificate_mapping_makes_an_unknown_arn_known(
    certfit: Callable[..., Run], project: Path
) -> None:
    (project / ".certfit.hcl").write_text(
        f'certificate "{ARN}" {{\n  key_algorithm = "RSA_4096"\n}}\n'
    )
    issues = json.loads(certfit("-f", "json", cwd=project).out)["issues"]
    lines = {(i["rule"]["name"], i["range"]["start"]["line"]) for i in issues}
    external_line = next(
        n
        for n, text in enumerate((project / "stack.yaml").read_text().splitlines(), 1)
        if ARN in text
    )
    assert ("unresolved_certificate", external_line) not in lines
    assert ("unsupported_key_algorithm", external_line) in lines  # NLB refuses RSA 4096


def test_pem_file_mapping_is_read_inside_the_root(
    certfit: Callable[..., Run], project: Path, pki: dict
) -> None:
    (project / "certs").mkdir()
    (project / "certs" / "ext.pem").write_bytes(pki["rsa4096"].cert_pem)
    (project / ".certfit.hcl").write_text(
        f'certificate "{ARN}" {{\n  pem_file = "certs/ext.pem"\n}}\n'
    )
    issues = json.loads(certfit("-f", "json", cwd=project).out)["issues"]
    names = [i["rule"]["name"] for i in issues]
    assert "unresolved_certificate" not in names
    assert names.count("unsupported_key_algorithm") == 2


def test_bad_config_names_file_and_line(certfit: Callable[..., Run], project: Path) -> None:
    (project / ".certfit.hcl").write_text(
        'config {\n  expiry_days = "soon"\n}\nrule "no_such_rule" {\n  enabled = false\n}\n'
    )
    run = certfit("-f", "compact", cwd=project)
    assert run.code == 3  # the run goes on: issues are still reported
    assert ".certfit.hcl:2:3: Error - invalid config value. expiry_days must be" in run.out
    assert ".certfit.hcl:4:1: Error - unknown rule. no rule named 'no_such_rule'" in run.out


def test_config_that_does_not_parse(tmp_path: Path) -> None:
    (tmp_path / ".certfit.hcl").write_text('rule "x" {\n  enabled = \n')
    config = load_config(None, tmp_path, {"HOME": str(tmp_path / "nohome")})
    assert config.errors[0].summary == "config file does not parse"
    assert config.errors[0].location is not None and config.errors[0].location.line == 2


def test_load_config_values(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.hcl").write_text(
        'config {\n  root = ".."\n  call_module_type = "all"\n  varfile = ["p.tfvars"]\n'
        '  variables = ["env=prod"]\n  expiry_days = 7\n}\n'
        'rule "weak_key" {\n  severity = "error"\n}\n'
        'certificate "arn:aws:iam::1:server-certificate/x" {\n  pem_file = "x.pem"\n}\n'
        'suppress {\n  rules = ["weak_key"]\n  construct_path = "App/Old"\n  reason = "r"\n}\n'
    )
    c = load_config("sub/c.hcl", tmp_path, {}, ("weak_key",))
    assert c.errors == []
    assert c.root == tmp_path
    assert c.call_module_type == "all"
    assert c.var_files == [tmp_path / "sub" / "p.tfvars"]
    assert c.variables == {"env": "prod"}
    assert c.expiry_days == 7
    assert c.severity_overrides() == {"weak_key": Severity.ERROR}
    mapping = c.certificate_mappings["arn:aws:iam::1:server-certificate/x"]
    assert mapping.pem_file == str(tmp_path / "sub" / "x.pem")
    assert c.suppressions[0].construct_path == "App/Old"


def test_no_config_anywhere_is_empty(tmp_path: Path) -> None:
    c = load_config(None, tmp_path, {"HOME": str(tmp_path)})
    assert c.path is None and c.errors == [] and c.rules == {}


def test_the_documented_example_config_is_valid() -> None:
    from linter.rules import RULE_NAMES
    from tests.cli.conftest import REPO

    example = REPO / "docs" / "examples" / "certfit.hcl"
    config = load_config(example, REPO, {}, RULE_NAMES)
    assert config.errors == []
    assert config.rules["certificate_expiring"].severity == Severity.ERROR
    assert len(config.certificate_mappings) == 2
    assert config.suppressions[0].reason.startswith("the legacy stack")
