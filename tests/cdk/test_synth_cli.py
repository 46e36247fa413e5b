"""End to end with the real npm `aws-cdk` CLI (node_modules/.bin/cdk, installed by `make test`
through `npm ci`): `cdk synth` fails on a bad certificate with our message, passes once it is
fixed or suppressed, and `certfit` on the cdk.out reports what the Aspect reported."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fixtures.cdk.generate import write_tls_app_certs

REPO = Path(__file__).resolve().parents[2]
CDK = REPO / "node_modules" / ".bin" / "cdk"
APP = REPO / "fixtures" / "cdk" / "tls_app"
CERTFIT = Path(sys.executable).with_name("certfit")
VARIANTS = ("bad", "fixed", "suppressed")  # the Aspect
PLUGIN_VARIANTS = ("plugin", "acknowledged")  # the validation plugin
JSON_SEVERITY = {"error": "error", "warning": "warning", "info": "notice"}  # tflint's JSON names
RULE = "unsupported_key_algorithm"
REASON = "legacy clients pin this key; the listener is replaced in Q3"
LEVELS = {"aws:cdk:error": "error", "aws:cdk:warning": "warning", "aws:cdk:info": "notice"}

pytestmark = [pytest.mark.synth, pytest.mark.cdk]


class Synthesized:
    def __init__(self, directory: Path, proc: subprocess.CompletedProcess[str]) -> None:
        self.directory = directory
        self.code = proc.returncode
        self.output = proc.stdout + proc.stderr

    @property
    def outdir(self) -> Path:
        return self.directory / "cdk.out"

    def aspect_findings(self) -> set[tuple[str, str, str, str]]:
        """(rule, severity, construct path, message) of every certfit annotation."""
        found = set()
        for meta in self.outdir.glob("*.metadata.json"):
            for path, entries in json.loads(meta.read_text()).items():
                for entry in entries:
                    data = entry.get("data")
                    if entry["type"] in LEVELS and str(data).startswith("[certfit] "):
                        rule, _, message = data[len("[certfit] ") :].partition(": ")
                        message = message.rsplit(" (https://", 1)[0]
                        found.add((rule, LEVELS[entry["type"]], path.lstrip("/"), message))
        return found


@pytest.fixture(scope="module")
def synths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synthesized]:
    """The three variants of the fixture app, synthesized by the CLI in parallel."""
    assert CDK.exists(), "run `make test` (or `npm ci`) to install the pinned aws-cdk CLI"
    env = {
        **os.environ,
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CDK_VALIDATION": "false",  # the CDK's schema validation is not under test (14 s)
        "CDK_DISABLE_VERSION_CHECK": "1",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    procs = {}
    for variant in VARIANTS + PLUGIN_VARIANTS:
        directory = tmp_path_factory.mktemp(f"tls_app_{variant}")
        for name in ("app.py", "cdk.json", ".certfit.hcl"):
            shutil.copy(APP / name, directory / name)
        write_tls_app_certs(directory / "certs")
        procs[variant] = (
            directory,
            subprocess.Popen(
                [
                    str(CDK),
                    "synth",
                    "--app",
                    f"{sys.executable} app.py",
                    "-c",
                    f"variant={variant}",
                    "-o",
                    "cdk.out",
                    "-q",
                    "--no-notices",
                ],
                cwd=directory,
                env=env,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            ),
        )
    results = {}
    for variant, (directory, proc) in procs.items():
        out, err = proc.communicate(timeout=300)
        results[variant] = Synthesized(
            directory, subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        )
    return results


def test_synth_fails_on_the_bad_certificate(synths: dict[str, Synthesized]) -> None:
    bad = synths["bad"]
    assert bad.code != 0, bad.output
    assert "[certfit] unsupported_key_algorithm" in bad.output
    assert "TlsApp/Nlb/Tls/Resource" in bad.output
    assert "RSA 4096" in bad.output


def test_synth_passes_once_fixed_or_suppressed(synths: dict[str, Synthesized]) -> None:
    for variant in ("fixed", "suppressed"):
        result = synths[variant]
        assert result.code == 0, result.output
        assert "unsupported_key_algorithm" not in result.output
        # The certificate nobody described is still said, as a notice that does not fail.
        assert "[certfit] unresolved_certificate" in result.output


def test_certfit_on_cdk_out_reports_what_the_aspect_reported(
    synths: dict[str, Synthesized],
) -> None:
    for variant in VARIANTS:
        result = synths[variant]
        proc = subprocess.run(
            [str(CERTFIT), "cdk.out", "-f", "json", "--root", "."],
            cwd=result.directory,
            text=True,
            capture_output=True,
            timeout=120,
        )
        report = json.loads(proc.stdout)
        assert report["errors"] == [], report["errors"]
        cli = {
            (i["rule"]["name"], JSON_SEVERITY.get(i["rule"]["severity"], ""), i["message"])
            for i in report["issues"]
        }
        aspect = {(rule, sev, msg) for rule, sev, _, msg in result.aspect_findings()}
        assert cli == aspect, variant
        expected_code = 2 if variant == "bad" else 0
        assert proc.returncode == expected_code, (variant, proc.stdout)
    bad = {(rule, path) for rule, _, path, _ in synths["bad"].aspect_findings()}
    assert ("unsupported_key_algorithm", "TlsApp/Nlb/Tls/Resource") in bad


def _certfit_json(directory: Path) -> tuple[int, dict[str, Any]]:
    proc = subprocess.run(
        [str(CERTFIT), "cdk.out", "-f", "json", "--root", "."],
        cwd=directory,
        text=True,
        capture_output=True,
        timeout=120,
    )
    return proc.returncode, json.loads(proc.stdout)


def test_plugin_fails_synth_naming_the_listener(synths: dict[str, Synthesized]) -> None:
    result = synths["plugin"]
    assert result.code != 0, result.output
    assert "Acknowledge with 'certfit::unsupported_key_algorithm'" in result.output
    report = json.loads((result.outdir / "validation-report.json").read_text())
    (certfit,) = [r for r in report["pluginReports"] if r["pluginName"] == "certfit"]
    assert certfit["conclusion"] == "failure"
    (violation,) = [v for v in certfit["violations"] if v["ruleName"] == RULE]
    (construct,) = violation["violatingConstructs"]
    template = json.loads((result.outdir / "TlsApp.template.json").read_text())
    logical_id = construct["cloudFormationResource"]["logicalId"]
    assert template["Resources"][logical_id]["Type"] == "AWS::ElasticLoadBalancingV2::Listener"
    assert construct["constructPath"] == "TlsApp/Nlb/Tls/Resource"
    assert construct["cloudFormationResource"]["propertyPaths"] == [
        "/Properties/Certificates/0/CertificateArn"
    ]


def test_acknowledged_the_cdk_way_passes_and_the_cli_agrees(
    synths: dict[str, Synthesized],
) -> None:
    result = synths["acknowledged"]
    assert result.code == 0, result.output
    report = json.loads((result.outdir / "validation-report.json").read_text())
    (certfit,) = [r for r in report["pluginReports"] if r["pluginName"] == "certfit"]
    assert certfit["conclusion"] == "success"
    (acked,) = certfit["suppressedViolations"]
    assert acked["ruleName"] == RULE and acked["acknowledgedAt"] == "TlsApp/Nlb/Tls"
    assert acked["reason"] == REASON
    # The stale acknowledgement on the VPC is said, where it was made.
    stale = [v for v in certfit["violations"] if v["ruleName"] == "unused_ignore"]
    assert [c["constructPath"] for v in stale for c in v["violatingConstructs"]] == ["TlsApp/Vpc"]

    code, cli = _certfit_json(result.directory)
    assert code == 0, cli
    assert RULE not in {i["rule"]["name"] for i in cli["issues"]}
    (suppressed,) = cli["suppressed"]
    assert suppressed["rule"]["name"] == RULE
    assert suppressed["suppression"] == {
        "kind": "acknowledgement",
        "id": "certfit::unsupported_key_algorithm",
        "reason": REASON,
        "construct_path": "TlsApp/Nlb/Tls",
    }
    unused = [i["message"] for i in cli["issues"] if i["rule"]["name"] == "unused_ignore"]
    assert len(unused) == 1 and "certfit::weak_key on construct TlsApp/Vpc" in unused[0]
