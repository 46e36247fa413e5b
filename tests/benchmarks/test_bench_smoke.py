"""Smoke run of the benchmark generator and runner at tiny sizes (no timing is asserted: the
real numbers come from `make bench`). What is checked is what a reader of the results relies
on: the trees are valid Terraform of the promised shape, and the runner's table and figures
come from runs that really happened."""

from __future__ import annotations

import json

import hcl2
import pytest
from cryptography import x509

from benchmarks import generate, run


@pytest.fixture(scope="module")
def mono() -> generate.Tree:
    return generate.monorepo(400, seed=7)


def test_monorepo_has_the_requested_size_and_share_of_tls_files(mono: generate.Tree) -> None:
    summary = mono.summary()
    assert 400 <= summary["terraform_files"] <= 410
    assert 0.01 <= summary["relevant_fraction"] <= 0.04
    assert any(p.startswith("modules/") for p in mono.files)
    assert any(p.startswith("live/") and p.endswith("terraform.tfvars") for p in mono.files)


def test_same_seed_same_terraform_other_seed_other_tree(mono: generate.Tree) -> None:
    again = generate.monorepo(400, seed=7)
    other = generate.monorepo(400, seed=8)
    tf = {p: d for p, d in mono.files.items() if p.endswith(".tf")}
    assert tf == {p: d for p, d in again.files.items() if p.endswith(".tf")}
    assert tf != {p: d for p, d in other.files.items() if p.endswith(".tf")}


def test_relevant_and_sampled_files_parse_with_python_hcl2(mono: generate.Tree) -> None:
    relevant = [p for p in mono.tf_files() if generate.RELEVANT.search(mono.files[p].decode())]
    others = [p for p in mono.tf_files() if p not in relevant][::40]
    for path in relevant + others:
        hcl2.loads(mono.files[path].decode())  # raises on invalid HCL


def test_dense_tree_binds_certificates_in_every_file_with_real_pems() -> None:
    tree = generate.dense(12, seed=2)
    summary = tree.summary()
    assert summary["terraform_files"] == 12
    assert summary["relevant_files"] == 12
    pems = [d for p, d in tree.files.items() if p.endswith(".pem") and "-chain" not in p]
    assert pems
    for data in pems:
        x509.load_pem_x509_certificate(data)
    for path in tree.tf_files():
        hcl2.loads(tree.files[path].decode())


def test_quick_run_writes_a_table_from_real_runs(tmp_path) -> None:
    out, work = tmp_path / "results", tmp_path / "work"
    run.main(
        [
            "--quick",
            "--files",
            "40",
            "--dense-files",
            "4",
            "--no-terraform",
            "--out",
            str(out),
            "--work",
            str(work),
        ]
    )
    report = json.loads((out / "results.json").read_text())
    table = (out / "results.md").read_text()
    for name in ("monorepo", "dense"):
        results = report[name]["results"]
        assert set(results) == {
            "certfit cold",
            "certfit warm",
            "read-and-scan floor",
            "python-hcl2 parse-all",
        }
        for row in results.values():
            assert row["n"] == 1 and row["wall_median_s"] > 0
        assert set(results["certfit cold"]["returncodes"]) <= {0, 2}
        assert report[name]["parse_work"]["bytes_in_tree"] > 0
    # The dense tree's certificates are all bound, so certfit must have had something to say.
    assert sum(report["dense"]["findings"].get(s, 0) for s in ("error", "warning", "info")) > 0
    assert "| certfit cold |" in table and "### Targets (issues 6 and 10)" in table
    # Start-up: neither --help nor a tree with nothing about TLS may drag in the CDK or hcl2.
    startup = report["startup"]
    assert len(startup) == 3
    for row in startup.values():
        assert row["heavy_modules"] is not None
        assert not {"aws_cdk", "jsii", "boto3", "hcl2", "lark"} & set(row["heavy_modules"])
    assert not (out / "benchmarks.png").exists()  # --quick never installs or plots
