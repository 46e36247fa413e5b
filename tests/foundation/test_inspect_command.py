"""`certfit inspect`: the table, tflint-shaped JSON, exit codes, and no key material out."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.pki import NOW, chain, issue, pem_bundle
from linter.cli import main


@pytest.fixture()
def pems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    ec = issue(key_spec="EC_prime256v1", not_before=NOW - dt.timedelta(days=3650))
    (tmp_path / "ec.pem").write_bytes(ec.cert_pem)
    (tmp_path / "ec.key").write_bytes(ec.key_pem("sec1"))
    (tmp_path / "rsa4096.pem").write_bytes(issue(key_spec="RSA_4096").cert_pem)
    (tmp_path / "rsa2048.pem").write_bytes(issue(key_spec="RSA_2048").cert_pem)
    (tmp_path / "ed25519.pem").write_bytes(issue(key_spec="ED25519").cert_pem)
    leaf, inter, root = chain("RSA_2048")
    (tmp_path / "leaf.pem").write_bytes(leaf.cert_pem)
    (tmp_path / "chain.pem").write_bytes(pem_bundle(inter, root))
    return tmp_path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(["inspect", *argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_table_answers_can_it_go_on_an_nlb(pems: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["inspect", "rsa4096.pem"])
    out = capsys.readouterr().out
    nlb = next(line for line in out.splitlines() if line.strip().startswith("NLB"))
    assert nlb.split()[2:] == ["NO", "BROKEN", "LATER"]
    alb = next(line for line in out.splitlines() if line.strip().startswith("ALB"))
    assert alb.split()[2:] == ["ok", "ok"]
    assert "RSA 4096 (RSA_4096)" in out
    assert code == 2


def test_json_follows_tflint_shape_with_details(pems: Path, capsys) -> None:
    code, doc = run_json(capsys, "rsa4096.pem", "--target", "nlb", "--source", "acm-import")
    assert code == 2
    assert set(doc) == {"issues", "errors"}
    (issue_,) = doc["issues"]
    assert issue_["rule"] == {
        "name": "unsupported_key_algorithm",
        "severity": "error",
        "link": "https://github.com/certfit/certfit/blob/main/docs/rules/unsupported_key_algorithm.md",
    }
    assert issue_["range"]["filename"] == "rsa4096.pem"
    assert set(issue_["range"]) >= {"filename", "start", "end"}
    details = issue_["details"]
    assert details["target"] == "nlb"
    assert details["key_algorithm"] == "RSA_4096"
    assert details["key"] == "RSA 4096"
    assert details["as_of"] == dt.datetime.now(dt.UTC).date().isoformat()


def test_clean_certificate_exits_zero(pems: Path, capsys) -> None:
    code, doc = run_json(capsys, "rsa2048.pem", "--target", "alb", "--target", "nlb")
    assert (code, doc["issues"], doc["errors"]) == (0, [], [])


def test_incident_as_of_2020_and_today(pems: Path, capsys) -> None:
    code, doc = run_json(
        capsys,
        "ec.pem",
        "--key",
        "ec.key",
        "--target",
        "alb",
        "--source",
        "acm-import",
        "--as-of",
        "2020-04-13",
    )
    assert code == 2
    assert [i["rule"]["name"] for i in doc["issues"]] == ["unsupported_key_algorithm"]
    assert doc["issues"][0]["details"]["as_of"] == "2020-04-13"
    code, doc = run_json(
        capsys,
        "ec.pem",
        "--key",
        "ec.key",
        "--target",
        "alb",
        "--source",
        "iam",
        "--as-of",
        "2020-04-13",
    )
    assert (code, doc["issues"]) == (0, [])
    code, doc = run_json(
        capsys, "ec.pem", "--key", "ec.key", "--target", "alb", "--source", "acm-import"
    )
    assert (code, doc["issues"]) == (0, [])


def test_ed25519_cannot_be_imported_into_acm(pems: Path, capsys) -> None:
    _, doc = run_json(capsys, "ed25519.pem", "--source", "acm-import", "--target", "alb")
    targets = {i["details"]["target"] for i in doc["issues"]}
    assert "acm-import" in targets
    assert all(i["details"]["key_algorithm"] is None for i in doc["issues"])


def test_chain_is_checked(pems: Path, capsys) -> None:
    code, doc = run_json(capsys, "leaf.pem", "--chain", "chain.pem", "--target", "alb")
    assert (code, doc["issues"]) == (0, [])


def test_missing_file_is_an_error_exit_1(pems: Path, capsys) -> None:
    code, doc = run_json(capsys, "nope.pem")
    assert code == 1
    assert doc["errors"][0]["range"]["filename"] == "nope.pem"


def test_no_private_key_material_in_any_output(pems: Path) -> None:
    key_body = b"".join((pems / "ec.key").read_bytes().splitlines()[1:-1]).decode()
    for fmt in ("default", "json"):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "linter.cli",
                "inspect",
                "ec.pem",
                "--key",
                "ec.key",
                "--format",
                fmt,
            ],
            cwd=pems,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode in (0, 2), proc.stderr
        for chunk in (key_body[i : i + 16] for i in range(0, len(key_body) - 16, 16)):
            assert chunk not in proc.stdout and chunk not in proc.stderr


def _catalogue_ids() -> list[str]:
    """The target ids the rule's catalogue names (its target and service tables)."""
    import re

    page = Path(__file__).resolve().parents[2] / "docs" / "rules" / "unsupported_key_algorithm.md"
    found = re.findall(r"^\| [^|]*\(`([a-z][a-z0-9-]*)`\) \|", page.read_text(), re.M)
    return [i for i in found if i != "id"]  # the header row: "Target (`id`)"


def test_every_target_the_catalogue_names_can_be_inspected(pems: Path, capsys) -> None:
    ids = _catalogue_ids()
    assert {"alb", "nlb", "acm-import", "acm-request", "iam"} <= set(ids)
    for target in ids:
        code, doc = run_json(capsys, "rsa2048.pem", "--target", target)
        assert doc["errors"] == [], target
        assert code in (0, 2), target


def test_service_targets_judge_the_key_against_the_service(pems: Path, capsys) -> None:
    code = main(["inspect", "rsa4096.pem", "--target", "acm-request", "--target", "acm-import"])
    out = capsys.readouterr().out
    rows = {
        line.split("  ")[1].strip(): line.split()[-1]
        for line in out.splitlines()
        if line.startswith("  ACM ")
    }
    assert rows == {"ACM request": "NO", "ACM import": "ok"}
    assert code == 2
    code, doc = run_json(capsys, "rsa4096.pem", "--target", "acm-request", "--source", "iam")
    assert [(i["details"]["target"], i["rule"]["severity"]) for i in doc["issues"]] == [
        ("acm-request", "error")
    ]
    code, doc = run_json(capsys, "ed25519.pem", "--target", "acm-import", "--source", "iam")
    assert {i["details"]["target"] for i in doc["issues"]} >= {"acm-import"}
    code, doc = run_json(capsys, "rsa2048.pem", "--target", "iam")
    assert (code, doc["issues"]) == (0, [])


def test_rsa_1024_is_ok_on_alb_with_the_weak_key_warning(pems: Path, capsys) -> None:
    (pems / "rsa1024.pem").write_bytes(issue(key_spec="RSA_1024").cert_pem)
    main(["inspect", "rsa1024.pem"])
    out = capsys.readouterr().out
    alb = next(line for line in out.splitlines() if line.strip().startswith("ALB"))
    assert alb.split()[2:] == ["ok", "ok"]
    assert any(line.startswith("Warning:") and "(weak_key)" in line for line in out.splitlines())
    assert "Application Load Balancer" not in out  # no unsupported_key_algorithm finding on ALB


def test_table_shows_the_other_acm_consumers(
    pems: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Amplify, Transfer Family FTPS and AppSync/Cognito rows: EC P-256 fits all three from
    ACM; an RSA 3072 key fits Amplify and AppSync/Cognito but not Transfer Family."""
    (pems / "rsa3072.pem").write_bytes(issue(key_spec="RSA_3072").cert_pem)
    main(["inspect", "rsa3072.pem"])
    out = capsys.readouterr().out

    def row(label: str) -> list[str]:
        line = next(x for x in out.splitlines() if x.strip().startswith(label))
        return line[len(line) - len(line.lstrip()) + len(label) :].split()

    assert row("Transfer FTPS")[0] == "NO"
    assert row("Amplify Hosting")[0] == "ok"
    assert row("AppSync/Cognito")[0] == "ok"
    main(["inspect", "ec.pem", "--target", "transfer-ftps", "--source", "acm-import"])
    assert "Transfer FTPS       ok" in capsys.readouterr().out
