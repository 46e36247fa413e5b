"""certfit never reads outside the project root unless the command line says so, never follows
a link out of it, never blocks on a FIFO or a device, and never reads a file past the size
limit; each hostile tree still reports its one real finding."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.confinement.conftest import (
    CANARY,
    FORMATS,
    TLS_LISTENER_WITHOUT_CERT,
    Run,
    errors,
    listener_reading,
    rules,
)

Certfit = Callable[..., Run]


def _no_canary_in_any_format(certfit: Certfit, *args: str, cwd: Path, **kw: object) -> None:
    for fmt in FORMATS:
        run = certfit(*args, cwd=cwd, fmt=fmt, annotate=True, **kw)
        assert CANARY not in run.everything, fmt
        assert "Traceback" not in run.err, run.err


def _problems(run: Run) -> str:
    """Every message of a JSON run (findings and errors), to look for the refusal."""
    doc = json.loads(run.out)
    return "\n".join([i["message"] for i in doc["issues"]] + [e["message"] for e in doc["errors"]])


# -- a committed config file may narrow the root, never widen it ---------------------------------


def test_a_committed_config_cannot_widen_the_root(
    certfit: Certfit, project: Path, outside: Path
) -> None:
    (project / ".certfit.hcl").write_text('config {\n  root = "/"\n}\n')
    with (project / "main.tf").open("a") as f:
        f.write(listener_reading(f'file("{outside / "secret.txt"}")', "secret"))
        f.write(listener_reading('file("/proc/self/environ")', "environ"))
    env = {"MY_SECRET_TOKEN": CANARY}
    run = certfit(cwd=project, env=env)
    assert "listener_missing_certificate" in rules(run)
    assert any("only narrow" in e for e in errors(run)), errors(run)
    assert "outside the project root" in _problems(run)
    _no_canary_in_any_format(certfit, cwd=project, env=env)


def test_a_committed_config_may_narrow_the_root(certfit: Certfit, project: Path) -> None:
    (project / "infra").mkdir()
    (project / "secret.txt").write_text(CANARY)
    (project / ".certfit.hcl").write_text('config {\n  root = "infra"\n}\n')
    (project / "infra" / "main.tf").write_text(
        TLS_LISTENER_WITHOUT_CERT + listener_reading('file("../secret.txt")')
    )
    run = certfit("infra", cwd=project)
    assert rules(run).count("listener_missing_certificate") == 1
    assert "outside the project root" in _problems(run)
    assert CANARY not in run.everything


def test_the_command_line_widens_the_root(certfit: Certfit, project: Path, outside: Path) -> None:
    (outside / "arn.txt").write_text("arn:aws:acm:us-east-1:123456789012:certificate/abc")
    with (project / "main.tf").open("a") as f:
        f.write(listener_reading(f'trimspace(file("{outside / "arn.txt"}"))'))
    refused = certfit(cwd=project)
    assert "outside the project root" in _problems(refused)
    widened = certfit("--root", str(outside.parent), cwd=project)
    assert "outside the project root" not in _problems(widened)
    by_env = certfit(cwd=project, env={"CERTFIT_ROOT": str(outside.parent)})
    assert "outside the project root" not in _problems(by_env)


def test_a_config_file_linked_out_of_the_root_is_not_read(
    certfit: Certfit, project: Path, outside: Path
) -> None:
    (outside / "config.hcl").write_text(f"{CANARY} = here\n{{{{ {CANARY}\n")
    os.symlink(outside / "config.hcl", project / ".certfit.hcl")
    run = certfit(cwd=project)
    assert "listener_missing_certificate" in rules(run)
    assert any("outside the project root" in e for e in errors(run)), errors(run)
    _no_canary_in_any_format(certfit, cwd=project)


def test_varfile_named_by_the_config_is_confined(
    certfit: Certfit, project: Path, outside: Path
) -> None:
    (outside / "secret.tfvars").write_text(f'arn = "{CANARY}"\n')
    (project / ".certfit.hcl").write_text(
        f'config {{\n  varfile = ["{outside / "secret.tfvars"}"]\n}}\n'
    )
    with (project / "main.tf").open("a") as f:
        f.write('variable "arn" {}\n' + listener_reading("var.arn"))
    run = certfit(cwd=project)
    assert "listener_missing_certificate" in rules(run)
    assert "outside the project root" in _problems(run)
    _no_canary_in_any_format(certfit, cwd=project)


def test_pem_file_named_by_the_config_is_confined(
    certfit: Certfit, project: Path, outside: Path
) -> None:
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    (project / ".certfit.hcl").write_text(
        f'certificate "{arn}" {{\n  pem_file = "{outside / "secret.txt"}"\n}}\n'
    )
    with (project / "main.tf").open("a") as f:
        f.write(listener_reading(f'"{arn}"'))
    run = certfit(cwd=project)
    assert "listener_missing_certificate" in rules(run)
    assert "outside the project root" in _problems(run)
    _no_canary_in_any_format(certfit, cwd=project)


# -- links out of the root ---------------------------------------------------------------------


def test_recursive_root_discovery_does_not_read_links_out_of_the_root(
    certfit: Certfit, project: Path, outside: Path
) -> None:
    """A .tf link to a file outside that "calls" ../b must not hide b's root module."""
    (project / "main.tf").unlink()
    for name in ("a", "b"):
        (project / name).mkdir()
        (project / name / "main.tf").write_text(TLS_LISTENER_WITHOUT_CERT)
    (outside / "calls.tf").write_text('module "m" {\n  source = "../b"\n}\n')
    os.symlink(outside / "calls.tf", project / "a" / "link.tf")
    run = certfit("--recursive", cwd=project)
    files = sorted(i["range"]["filename"] for i in json.loads(run.out)["issues"])
    assert files == ["a/main.tf", "b/main.tf"]
    assert any("outside the project root" in e for e in errors(run))


def test_a_cdk_out_manifest_linked_out_of_the_root_is_never_opened(
    certfit: Certfit, project: Path, outside: Path
) -> None:
    """Sniffing a manifest is reading it: a link out of the root is claimed unread (and
    refused by the front end), never opened to decide what the directory is."""
    os.mkfifo(outside / "manifest.fifo")  # opening it for reading would block the run
    (project / "cdk.out").mkdir()
    os.symlink(outside / "manifest.fifo", project / "cdk.out" / "manifest.json")
    (outside / "other.json").write_text(json.dumps({"note": CANARY}))  # read, not a manifest
    (project / "app.out").mkdir()
    os.symlink(outside / "other.json", project / "app.out" / "manifest.json")
    for args in (("--recursive",), (".", "cdk.out", "app.out")):
        run = certfit(*args, cwd=project)
        assert "listener_missing_certificate" in rules(run)
        assert CANARY not in run.everything
        refused = [e for e in errors(run) if "outside the project root" in e]
        assert any("app.out" in e for e in refused), errors(run)


def test_recursive_walks_do_not_follow_directory_links_or_loop(
    certfit: Certfit, project: Path, outside: Path
) -> None:
    (outside / "main.tf").write_text(TLS_LISTENER_WITHOUT_CERT)
    os.symlink(outside, project / "elsewhere")
    (project / "sub").mkdir()
    os.symlink(project, project / "sub" / "loop")
    run = certfit("--recursive", cwd=project)
    files = sorted(i["range"]["filename"] for i in json.loads(run.out)["issues"])
    assert files == ["main.tf"]


def test_a_link_loop_is_an_error_not_a_hang(certfit: Certfit, project: Path) -> None:
    os.symlink(project / "loop2.pem", project / "loop1.pem")
    os.symlink(project / "loop1.pem", project / "loop2.pem")
    with (project / "main.tf").open("a") as f:
        f.write(listener_reading('file("loop1.pem")'))
    run = certfit(cwd=project)
    assert "listener_missing_certificate" in rules(run)
    assert "loop1.pem" in _problems(run)


# -- FIFOs, devices and large files --------------------------------------------------------------

CFN_LISTENER = {
    "Resources": {
        "Nlb": {
            "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "Properties": {"Type": "network"},
        },
        "Tls": {
            "Type": "AWS::ElasticLoadBalancingV2::Listener",
            "Properties": {"LoadBalancerArn": {"Ref": "Nlb"}, "Protocol": "TLS", "Port": 443},
        },
    }
}


def _assembly(directory: Path, stacks: dict[str, str]) -> None:
    directory.mkdir()
    artifacts = {
        name: {"type": "aws:cloudformation:stack", "properties": {"templateFile": file}}
        for name, file in stacks.items()
    }
    (directory / "manifest.json").write_text(
        json.dumps({"version": "36.0.0", "artifacts": artifacts})
    )


def _fifo_tree(kind: str, project: Path) -> tuple[list[str], str]:
    """A tree where `kind` names a FIFO; returns the arguments and the FIFO's name."""
    main = project / "main.tf"
    if kind == "file()":
        os.mkfifo(project / "pipe.pem")
        main.write_text(TLS_LISTENER_WITHOUT_CERT + listener_reading('file("pipe.pem")'))
        return [], "pipe.pem"
    if kind == "varfile":
        os.mkfifo(project / "pipe.tfvars")
        (project / ".certfit.hcl").write_text('config {\n  varfile = ["pipe.tfvars"]\n}\n')
        main.write_text(
            TLS_LISTENER_WITHOUT_CERT + 'variable "arn" {}\n' + listener_reading("var.arn")
        )
        return [], "pipe.tfvars"
    if kind == "--var-file":
        os.mkfifo(project / "cli.tfvars")
        main.write_text(
            TLS_LISTENER_WITHOUT_CERT + 'variable "arn" {}\n' + listener_reading("var.arn")
        )
        return ["--var-file", "cli.tfvars"], "cli.tfvars"
    if kind == "modules.json":
        (project / ".terraform" / "modules").mkdir(parents=True)
        os.mkfifo(project / ".terraform" / "modules" / "modules.json")
        main.write_text(
            TLS_LISTENER_WITHOUT_CERT
            + 'module "m" {\n  source = "example/lb/aws"\n}\n'
            + listener_reading("module.m.arn")
        )
        return ["--call-module-type", "all"], "modules.json"
    if kind == "*.tf --recursive":
        (project / "other").mkdir()
        os.mkfifo(project / "other" / "pipe.tf")
        return ["--recursive"], "pipe.tf"
    if kind == "*.yaml --recursive":
        os.mkfifo(project / "template.yaml")
        return ["--recursive"], "template.yaml"
    cdk_out = project / "cdk.out"
    if kind == "assets.json":
        _assembly(cdk_out, {"Stack": "Stack.template.json"})
        (cdk_out / "Stack.template.json").write_text(json.dumps(CFN_LISTENER))
        os.mkfifo(cdk_out / "Stack.assets.json")
        return ["cdk.out"], "Stack.assets.json"
    assert kind == "templateFile"
    _assembly(cdk_out, {"Stack": "Stack.template.json", "Pipe": "Pipe.template.json"})
    (cdk_out / "Stack.template.json").write_text(json.dumps(CFN_LISTENER))
    os.mkfifo(cdk_out / "Pipe.template.json")
    return ["cdk.out"], "Pipe.template.json"


@pytest.mark.parametrize(
    "kind",
    [
        "file()",
        "varfile",
        "--var-file",
        "modules.json",
        "*.tf --recursive",
        "*.yaml --recursive",
        "assets.json",
        "templateFile",
    ],
)
def test_a_fifo_is_refused_not_waited_on(certfit: Certfit, project: Path, kind: str) -> None:
    args, fifo = _fifo_tree(kind, project)
    run = certfit(*args, cwd=project)
    assert "listener_missing_certificate" in rules(run), run.err
    if kind != "modules.json":  # a missing download list is only an unresolved module
        problem = [m for m in _problems(run).splitlines() if fifo in m]
        assert problem and "FIFO" in problem[0], _problems(run)


def test_a_device_is_refused_even_inside_a_widened_root(certfit: Certfit, project: Path) -> None:
    with (project / "main.tf").open("a") as f:
        f.write(listener_reading('file("/dev/zero")'))
    run = certfit("--root", "/", cwd=project)
    assert "listener_missing_certificate" in rules(run)
    assert "is a device" in _problems(run)


def test_a_file_over_the_size_limit_is_an_input_error(certfit: Certfit, project: Path) -> None:
    (project / "big.pem").write_bytes(b"A" * (30 * 1024 * 1024))
    with (project / "main.tf").open("a") as f:
        f.write(listener_reading('file("big.pem")'))
    run = certfit(cwd=project)
    assert "listener_missing_certificate" in rules(run)
    problem = [m for m in _problems(run).splitlines() if "big.pem" in m]
    assert problem and "limit" in problem[0] and "--max-file-size" in problem[0], problem
    assert len(run.out) < 100_000
    raised = certfit("--max-file-size", "40M", cwd=project)
    assert "limit" not in _problems(raised)
    by_env = certfit(cwd=project, env={"CERTFIT_MAX_FILE_SIZE": "40M"})
    assert "limit" not in _problems(by_env)


def test_a_committed_config_cannot_raise_the_size_limit(certfit: Certfit, project: Path) -> None:
    (project / ".certfit.hcl").write_text('config {\n  max_file_size = "1G"\n}\n')
    run = certfit(cwd=project)
    assert any("max_file_size" in e and "--max-file-size" in e for e in errors(run)), errors(run)


def test_a_fifo_named_on_the_command_line_is_an_input_error(
    certfit: Certfit, project: Path
) -> None:
    os.mkfifo(project / "plan.json")
    run = certfit(".", "plan.json", cwd=project)
    assert "listener_missing_certificate" in rules(run)
    assert any("plan.json" in e and "not read" in e for e in errors(run)), errors(run)


def test_links_to_system_files_are_refused_in_every_format(certfit: Certfit, project: Path) -> None:
    os.symlink("/proc/self/environ", project / "env.pem")
    os.symlink("/etc/passwd", project / "passwd.pem")
    (project / "certs").mkdir()
    os.symlink("/etc", project / "certs" / "etc")
    with (project / "main.tf").open("a") as f:
        f.write(listener_reading('file("env.pem")', "env"))
        f.write(listener_reading('file("passwd.pem")', "passwd"))
        f.write(listener_reading('file("certs/etc/hostname")', "hostname"))
    env = {"MY_SECRET_TOKEN": CANARY}
    run = certfit(cwd=project, env=env)
    assert "listener_missing_certificate" in rules(run)
    assert _problems(run).count("points outside the project root") == 3
    assert "root:x:0:0" not in run.everything
    _no_canary_in_any_format(certfit, cwd=project, env=env)


def test_a_nul_character_in_a_path_is_refused_not_a_crash(certfit: Certfit, project: Path) -> None:
    """Found by `make fuzz` (terraform_hcl): `file("a\\u0000b")` made the OS raise ValueError,
    reported as an internal error that hid the module's other findings."""
    with (project / "main.tf").open("a") as f:
        f.write(listener_reading('file("a\\u0000b.pem")', "nul"))
    run = certfit(cwd=project)
    assert "internal error" not in run.everything
    assert "listener_missing_certificate" in rules(run)
    assert "NUL character" in _problems(run)
