"""`certfit cdk.out/` on an assembly written by a plain `app.synth()` (no aws:cdk:path in the
templates): construct paths come from the stack metadata file (or tree.json), and the CDK's
acknowledgements recorded there silence findings, stay in the JSON under `suppressed`, and are
said when they match nothing. The assembly is written by hand in the CDK's shapes (2.275)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from linter.cli import main

RULE = "unsupported_key_algorithm"
REASON = "partner NLB, accepted until June"
LID = "NlbTlsA1B2C3D4"


def _write(path: Path, doc: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1))


def _assembly(
    root: Path, acknowledged: dict[str, dict[str, str]], with_metadata_ids: bool = True
) -> Path:
    out = root / "cdk.out"
    _write(
        out / "manifest.json",
        {
            "version": "55.0.0",
            "artifacts": {
                "S": {
                    "type": "aws:cloudformation:stack",
                    "environment": "aws://unknown-account/unknown-region",
                    "properties": {"templateFile": "S.template.json"},
                    "additionalMetadataFile": "S.metadata.json",
                    "displayName": "S",
                },
                "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
            },
        },
    )
    _write(
        out / "S.template.json",
        {
            "Resources": {
                "Cert": {
                    "Type": "AWS::CertificateManager::Certificate",
                    "Properties": {"DomainName": "a.example.com", "KeyAlgorithm": "RSA_4096"},
                },
                LID: {
                    "Type": "AWS::ElasticLoadBalancingV2::Listener",
                    "Properties": {"Protocol": "TLS", "Certificates": [{"CertificateArn": "x"}]},
                },
            }
        },
    )
    metadata: dict[str, list[dict[str, Any]]] = {
        "/S": [{"type": "aws:cdk:acknowledged-rules", "data": {"AwsSolutions-VPC7": "not ours"}}]
    }
    if with_metadata_ids:
        metadata["/S/Cert"] = [{"type": "aws:cdk:logicalId", "data": "Cert"}]
        metadata["/S/Nlb/Tls/Resource"] = [{"type": "aws:cdk:logicalId", "data": LID}]
    for path, acks in acknowledged.items():
        metadata.setdefault(path, []).append({"type": "aws:cdk:acknowledged-rules", "data": acks})
    _write(out / "S.metadata.json", metadata)
    cfn = "aws:cdk:cloudformation"
    _write(
        out / "tree.json",
        {
            "version": "tree-0.1",
            "tree": {
                "id": "App",
                "path": "",
                "children": {
                    "S": {
                        "id": "S",
                        "path": "S",
                        "constructInfo": {"fqn": "aws-cdk-lib.Stack"},
                        "children": {
                            "Cert": {
                                "id": "Cert",
                                "path": "S/Cert",
                                "attributes": {f"{cfn}:type": "x", f"{cfn}:logicalId": "Cert"},
                            }
                        },
                    }
                },
            },
        },
    )
    return out


def _run(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, dict[str, Any]]:
    (root / ".git").mkdir(exist_ok=True)  # the project's work tree: paths are shown from it
    monkeypatch.chdir(root)
    code = main(["cdk.out", "-f", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_acknowledged_on_an_ancestor_is_suppressed_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _assembly(tmp_path, {"/S": {f"certfit::{RULE}": REASON}})
    code, report = _run(tmp_path, capsys, monkeypatch)
    assert RULE not in {i["rule"]["name"] for i in report["issues"]}
    assert code == 0, report
    (silenced,) = report["suppressed"]
    assert silenced["rule"]["name"] == RULE
    assert silenced["range"]["filename"] == "cdk.out/S.template.json"
    assert silenced["suppression"] == {
        "kind": "acknowledgement",
        "id": f"certfit::{RULE}",
        "reason": REASON,
        "construct_path": "S",
    }


def test_the_aspects_id_form_counts_and_a_stale_one_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _assembly(
        tmp_path,
        {
            "/S/Cert": {f"Annotation::certfit:{RULE}": REASON},  # Acknowledgment(id="certfit:...")
            "/S/Nlb": {"certfit::weak_key": "old key"},
        },
    )
    code, report = _run(tmp_path, capsys, monkeypatch)
    assert [s["rule"]["name"] for s in report["suppressed"]] == [RULE]
    unused = [i for i in report["issues"] if i["rule"]["name"] == "unused_ignore"]
    assert [i["message"] for i in unused] == [
        "Acknowledgement certfit::weak_key on construct S/Nlb matches no finding; remove it "
        "(reason given: old key)"
    ]
    assert unused[0]["range"]["filename"] == "cdk.out/S.metadata.json"
    assert code == 0


def test_an_acknowledgement_elsewhere_silences_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _assembly(tmp_path, {"/S/Nlb": {f"certfit::{RULE}": REASON}})  # the finding is on S/Cert
    code, report = _run(tmp_path, capsys, monkeypatch)
    assert code == 2
    assert RULE in {i["rule"]["name"] for i in report["issues"]}
    assert "suppressed" not in report


def test_construct_paths_from_tree_json_when_the_metadata_has_no_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _assembly(tmp_path, {"/S/Cert": {f"certfit::{RULE}": REASON}}, with_metadata_ids=False)
    code, report = _run(tmp_path, capsys, monkeypatch)
    assert [s["rule"]["name"] for s in report["suppressed"]] == [RULE]
    assert code == 0
