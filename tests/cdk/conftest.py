"""Shared, session-scoped CDK set-up: aws-cdk-lib is imported once (about 2.5 s), each app is
synthesized once, and the CDK's own CloudFormation validation is off (it doubles synth time and
is not what these tests check)."""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CDK_VALIDATION", "false")

import aws_cdk as cdk  # after the variables above: jsii reads them when it starts
import pytest

from cdk_aspect import CertFitChecks
from fixtures.pki import NOW, issue
from tests.cdk import apps

PATH_METADATA = {"aws:cdk:enable-path-metadata": True}  # what `cdk synth` sets


@dataclass
class Synth:
    """An app synthesized with CertFitChecks: its annotations by construct path."""

    app: cdk.App
    outdir: Path
    checks: CertFitChecks
    annotations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def at(self, path: str, level: str | None = None) -> list[str]:
        """certfit's messages on construct `path` ("error", "warning", "info")."""
        return [
            text
            for lvl, text in self.annotations.get(path, [])
            if text.startswith("[certfit]") and (level is None or lvl == level)
        ]

    def certfit_paths(self) -> set[str]:
        return {p for p in self.annotations if self.at(p)}


def synthesize(app: cdk.App, checks: CertFitChecks, outdir: Path) -> Synth:
    cdk.Aspects.of(app).add(checks, priority=cdk.AspectPriority.READONLY)
    assembly = app.synth()
    result = Synth(app, outdir, checks)
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for stack in assembly.stacks:
        for msg in stack.messages:
            level = str(msg.level).rsplit(".", 1)[-1].lower()
            found[msg.id.lstrip("/")].append((level, str(msg.entry.data)))
    result.annotations = dict(found)
    return result


def new_app(outdir: Path) -> cdk.App:
    return cdk.App(
        outdir=str(outdir), context=PATH_METADATA, builtin_cloud_formation_validation=False
    )


@pytest.fixture(scope="session")
def pem_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """PEM files the apps read with Path.read_text(), as real apps do."""
    d = tmp_path_factory.mktemp("pems")
    expired = issue(
        "old.example.com",
        "RSA_2048",
        not_before=NOW - dt.timedelta(days=400),
        not_after=NOW - dt.timedelta(days=10),
    )
    ec256 = issue("iam-ec.example.com", "EC_prime256v1")
    for name, issued in (("expired", expired), ("ec256", ec256)):
        (d / f"{name}.crt.pem").write_bytes(issued.cert_pem)
        (d / f"{name}.key.pem").write_bytes(issued.key_pem())
    return d


@pytest.fixture(scope="session")
def constructs_app(tmp_path_factory: pytest.TempPathFactory, pem_dir: Path) -> Synth:
    """Every construct family in one app, judged as of today with the ARN mappings in code."""
    outdir = tmp_path_factory.mktemp("constructs") / "cdk.out"
    app = new_app(outdir)
    apps.nlb_stack(app)
    apps.alb_stack(app, pem_dir)
    apps.clb_stack(app, pem_dir)
    apps.edge_stack(app)
    apps.cross_stack(app)
    apps.l1_stack(app)
    checks = CertFitChecks(certificates=apps.MAPPINGS, config=False, root=pem_dir)
    return synthesize(app, checks, outdir)
