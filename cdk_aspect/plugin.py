"""`CertFitValidation`: the same rules as a CDK policy-validation plugin, for users who prefer
the CDK's validation report to annotations:

    Validations.of(app).add_plugins(CertFitValidation())

It reads the synthesized templates once (so, unlike the Aspect, it sees property overrides), with
the same CloudFormation front end `certfit cdk.out/` uses. The report fails (and `cdk synth`
with it) when an error-severity finding remains; warnings and notices are listed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii

from cdk_aspect.judge import Judge
from linter import __version__
from linter.cloudformation import load_template
from linter.model import Finding, Model, Severity
from linter.options import CertificateMapping, LoadOptions
from linter.reporters.escaping import display
from linter.safe_files import SafeReader


def _logical_ids(path: Path) -> dict[str, str]:
    """Construct path -> logical id, from the template's aws:cdk:path metadata."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for lid, res in (doc.get("Resources") or {}).items():
        md = res.get("Metadata") if isinstance(res, Mapping) else None
        if isinstance(md, Mapping) and isinstance(md.get("aws:cdk:path"), str):
            out[md["aws:cdk:path"]] = lid
    return out


_CDK_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "info"}


@jsii.implements(cdk.IPolicyValidationPlugin)
class CertFitValidation:
    """Options as `CertFitChecks` (see `cdk_aspect.judge.Judge`)."""

    def __init__(
        self,
        *,
        as_of: date | str | None = None,
        min_severity: Severity | str = Severity.NOTICE,
        certificates: Mapping[str, str | CertificateMapping] | None = None,
        config: str | Path | bool | None = None,
        root: str | Path | None = None,
        expiry_days: int | None = None,
        fail_on_unresolved: bool = False,
        fail_at: Severity | str | None = None,
    ) -> None:
        self.judge = Judge(
            as_of=as_of,
            min_severity=min_severity,
            certificates=certificates,
            config=config,
            root=root,
            expiry_days=expiry_days,
            fail_on_unresolved=fail_on_unresolved,
            fail_at=fail_at,
        )
        self.findings: list[Finding] = []

    @property
    def name(self) -> str:
        return "certfit"

    @property
    def version(self) -> str:
        return __version__

    @property
    def rule_ids(self) -> list[str]:
        from linter.rules import RULE_NAMES

        return list(RULE_NAMES)

    def validate(self, context: Any) -> cdk.PolicyValidationPluginReport:
        violations = []
        failed = False
        for template in context.template_paths:
            path = Path(template)
            # The cloud assembly may live outside the project root (cdk synth -o ...): allow
            # reading the templates themselves, nothing else.
            reader = SafeReader(self.judge.root, extra_roots=(path.parent,))
            options = LoadOptions(
                reader=reader,
                certificate_mappings=self.judge.options.certificate_mappings,
            )
            model: Model = load_template(path, options)
            ids = _logical_ids(path)
            for finding in self.judge.judge(model, reader):
                self.findings.append(finding)
                failed = failed or self.judge.fails(finding)
                loc = finding.location
                violations.append(
                    cdk.PolicyViolation(
                        rule_name=finding.rule,
                        description=display(finding.message),
                        fix=finding.link or None,
                        severity=_CDK_SEVERITY[finding.severity],
                        violating_resources=[
                            cdk.PolicyViolatingResource(
                                resource_logical_id=ids.get(loc.construct_path or "", "")
                                or (loc.construct_path or "template"),
                                template_path=str(path),
                                locations=[f"line {loc.line}" if loc.line else "template"],
                            )
                        ],
                    )
                )
        return cdk.PolicyValidationPluginReport(success=not failed, violations=violations)
