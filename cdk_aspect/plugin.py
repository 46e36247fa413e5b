"""`CertFitValidation`: the same rules as a CDK policy-validation plugin, for users who prefer
the CDK's validation report to annotations:

    Validations.of(app).add_plugins(CertFitValidation())

It reads the synthesized templates once (so, unlike the Aspect, it sees property overrides), with
the same CloudFormation front end `certfit cdk.out/` uses. The report fails (and `cdk synth`
with it) when an error-severity finding remains; warnings (which fail `cdk synth --strict`) and
notices are listed. Each violation names its resource by logical id and property path; the CDK
finds the construct from the id (path metadata or not) and honours
`Validations.of(scope).acknowledge(...)` of `certfit::<rule>` itself, listing the finding as
suppressed. certfit reads the same acknowledgements from the assembly (and the App's and Stages'
from the construct tree), so it knows what was silenced, takes the Aspect's id form
`certfit:<rule>` too, and says an acknowledgement that matches nothing (`unused_ignore`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from constructs import IConstruct

from cdk_aspect.judge import Judge
from linter import __version__
from linter.cloudformation import load_cdk_stacks
from linter.cloudformation.cdk_metadata import (
    PLUGIN_NAMESPACE,
    Acknowledgement,
    acknowledgements_in,
    add_acknowledgements,
)
from linter.cloudformation.loader import cdk_stack_paths
from linter.model import Finding, Model, Severity
from linter.options import CertificateMapping, LoadOptions
from linter.reporters.escaping import display
from linter.safe_files import SafeReader


def _pointer_parts(pointer: str | None) -> tuple[str | None, str | None]:
    """(logical id, property path) from a template pointer `/Resources/<lid>/<property path>`."""
    if not pointer or not pointer.startswith("/Resources/"):
        return None, None
    lid, _, rest = pointer[len("/Resources/") :].partition("/")
    lid = lid.replace("~1", "/").replace("~0", "~")
    return lid or None, f"/{rest}" if rest else None


def _above_stacks(app: IConstruct, stack_paths: list[str]) -> list[Acknowledgement]:
    """certfit acknowledgements on the App and the Stages that hold the stacks: the CDK writes
    a stack's constructs' metadata into the assembly, not theirs. A few round trips."""
    found: list[Acknowledgement] = []
    seen: set[str] = set()
    for stack_path in stack_paths:
        parts = stack_path.split("/")[:-1]
        node: IConstruct | None = app
        for depth in range(len(parts) + 1):
            path = "/".join(parts[:depth])
            if depth:
                node = node.node.try_find_child(parts[depth - 1]) if node is not None else None
            if node is None or path in seen:
                continue
            seen.add(path)
            entries = [{"type": e.type, "data": e.data} for e in node.node.metadata]
            found.extend(acknowledgements_in(path, entries))
    return found


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
        aws: bool = False,
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
            aws=aws,
        )
        self.findings: list[Finding] = []  # reported, for tests and reports
        self.suppressed: list[Finding] = []  # silenced (details["suppressed"] says how)

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
        templates = [Path(t) for t in context.template_paths]
        # The cloud assembly may live outside the project root (cdk synth -o ...): allow
        # reading the assembly itself, nothing else.
        reader = SafeReader(self.judge.root, extra_roots=tuple({t.parent for t in templates}))
        options = LoadOptions(
            reader=reader,
            certificate_mappings=self.judge.options.certificate_mappings,
            kubernetes_service_lb=self.judge.options.kubernetes_service_lb,
        )
        model: Model = load_cdk_stacks(templates, options)
        # Stack paths from the manifests (displayName), not context.stack_templates: each of
        # its fields is a jsii round trip.
        stack_paths = cdk_stack_paths(templates, options)
        where = reader.relative(templates[0].parent / "manifest.json") if templates else ""
        add_acknowledgements(model, _above_stacks(context.app_construct, stack_paths), where)
        silenced: list[Finding] = []
        kept = self.judge.judge(model, reader, silenced)
        self.findings.extend(kept)
        self.suppressed.extend(silenced)
        failed = any(self.judge.fails(f) for f in kept)
        violations = [self._violation(f) for f in kept]
        # Acknowledged with the id the CDK prints: report it too, so that the CDK lists it
        # under the report's suppressedViolations with its reason (it honours the same
        # acknowledgement). Other suppressions are certfit's own business.
        violations.extend(
            self._violation(f) for f in silenced if _cdk_acknowledged(f, PLUGIN_NAMESPACE)
        )
        # What could not be read (or an acknowledgement without a reason) is said, as the
        # Aspect says it: a warning, never a silent skip.
        for error in [*self.judge.take_config_errors(), *model.errors]:
            loc = error.location
            violations.append(
                cdk.PolicyViolation(
                    rule_name="input",
                    description=display(f"{error.summary}: {error.message}"),
                    severity="warning",
                    violating_resources=[
                        cdk.PolicyViolatingResource(
                            construct_path=(loc.construct_path if loc else None) or None,
                            locations=[str(loc) if loc else "input"],
                        )
                    ],
                )
            )
        return cdk.PolicyValidationPluginReport(success=not failed, violations=violations)

    def _violation(self, finding: Finding) -> cdk.PolicyViolation:
        loc = finding.location
        lid, property_path = _pointer_parts(loc.pointer)
        if lid is not None:
            # The CDK finds the construct from the logical id itself (with or without path
            # metadata), and honours acknowledgements on it and its ancestors.
            resource = cdk.PolicyViolatingResource(
                resource_logical_id=lid,
                template_path=str(Path(self.judge.root, loc.file)),
                locations=[property_path or "/Properties"],
            )
        else:  # an acknowledgement that matched nothing, or a template-wide problem
            resource = cdk.PolicyViolatingResource(
                construct_path=loc.construct_path or None,
                template_path=str(Path(self.judge.root, loc.file)) if loc.file else None,
                locations=[f"line {loc.line}" if loc.line else "template"],
            )
        return cdk.PolicyViolation(
            rule_name=finding.rule,
            description=display(finding.message),
            fix=finding.link or None,
            severity=_CDK_SEVERITY[finding.severity],
            violating_resources=[resource],
        )


def _cdk_acknowledged(finding: Finding, namespace: str) -> bool:
    how = finding.details.get("suppressed")
    return (
        isinstance(how, Mapping)
        and how.get("kind") == "acknowledgement"
        and str(how.get("id", "")).startswith(f"{namespace}::")
    )
