"""`CertFitChecks`: certfit's rules inside `cdk synth`.

The Aspect visits `CfnResource`s only (`Stack.of(app)` raises), collects a stack the first time
it meets one of its resources, feeds the resolved resources to the same CloudFormation builder
the CLI uses on `cdk.out`, runs the engine once per stack, and puts each finding back on its
construct: errors with `add_error` (the CLI's `cdk synth` exits non-zero), warnings with
`add_warning_v2` (fail under `--strict`, can be acknowledged), notices with `add_info`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from constructs import IConstruct, IValidation

from cdk_aspect.collect import (
    StackResources,
    collect_stack,
    jsii_ref,
    own_resources,
    resource_type,
)
from cdk_aspect.suppress import record_suppression, suppressed
from linter.cloudformation import RELEVANT_TYPES, TemplateSource, model_from_resources
from linter.model import Finding, InputError, Severity, Suppression
from linter.options import CertificateMapping, LoadOptions

MESSAGE_PREFIX = "[certfit]"


def _severity(value: Severity | str) -> Severity:
    return value if isinstance(value, Severity) else Severity(str(value).lower())


def _env(token: str | None) -> str | None:
    return None if token is None or cdk.Token.is_unresolved(token) else token


def annotation_id(rule: str) -> str:
    """The id of a warning, for `Annotations.of(scope).acknowledge_warning(id, reason)`."""
    return f"certfit:{rule}"


def format_message(finding: Finding) -> str:
    text = f"{MESSAGE_PREFIX} {finding.rule}: {finding.message}"
    return f"{text} ({finding.link})" if finding.link else text


@jsii.implements(IValidation)
class _JudgeStack:
    """Runs in `cdk synth`'s validation phase; reports through annotations, returns nothing
    (a returned error would abort synthesis before the other stacks are judged)."""

    def __init__(self, checks: CertFitChecks, stack: cdk.Stack) -> None:
        self.checks, self.stack = checks, stack

    def validate(self) -> list[str]:
        self.checks.judge_stack(self.stack)
        return []


@jsii.implements(cdk.IAspect)
class CertFitChecks:
    """Add with `Aspects.of(app).add(CertFitChecks(), priority=AspectPriority.READONLY)`.

    as_of: judge as AWS stood on that date (default: today, or the config's `as_of`).
    min_severity: report only findings at or above it ("error", "warning", "notice").
    certificates: ARN -> ACM key algorithm name (or a CertificateMapping), for certificates
        managed outside the app; merged over the config file's `certificate` blocks.
    config: path of a .certfit.hcl; None finds one as the CLI does (./.certfit.hcl, ...);
        False reads none.
    root: where PEM files may be read (default: the current directory).
    """

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
    ) -> None:
        from linter.engine import Settings

        self.root = Path(root or os.getcwd())
        self.min_severity = _severity(min_severity)
        self.fail_on_unresolved = fail_on_unresolved
        self.options = LoadOptions.for_root(self.root)
        self.config_suppressions: list[Suppression] = []
        self.config_errors: list[InputError] = []
        settings = Settings()
        if config is not False:
            self._read_config(None if config in (None, True) else Path(str(config)), settings)
        for arn, value in (certificates or {}).items():
            mapping = (
                value
                if isinstance(value, CertificateMapping)
                else CertificateMapping(arn, key_algorithm=value, source="CertFitChecks")
            )
            self.options.certificate_mappings[arn] = mapping
        if as_of is not None:
            settings.as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        if expiry_days is not None:
            settings.expiry_days = expiry_days
        self.settings = settings
        self._seen: set[str] = set()  # jsii refs of constructs whose stack is registered
        self.findings: list[Finding] = []  # everything reported, for tests and reports

    def _read_config(self, path: Path | None, settings: Any) -> None:
        try:
            from linter.config import load_config
            from linter.rules import RULE_NAMES
        except ImportError:  # pragma: no cover - the CLI's config module is optional here
            return
        cfg = load_config(path, self.root, known_rules=RULE_NAMES)
        self.options.certificate_mappings.update(cfg.certificate_mappings)
        self.config_suppressions.extend(cfg.suppressions)
        if cfg.as_of is not None:
            settings.as_of = cfg.as_of
        if cfg.expiry_days is not None:
            settings.expiry_days = cfg.expiry_days
        settings.disabled_rules = cfg.disabled_rules(RULE_NAMES)
        settings.severity_overrides = cfg.severity_overrides()
        if cfg.fail_on_unresolved:
            self.fail_on_unresolved = True
        self.config_errors.extend(cfg.errors)

    # ------------------------------------------------------------------ IAspect

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, cdk.CfnResource):
            return
        if jsii_ref(node) in self._seen:
            return
        stack = cdk.Stack.of(node)
        self._seen.update(jsii_ref(c) for c in own_resources(stack))
        # Judge in the stack's validation, after every aspect (mutating ones on subtrees
        # included) and the app's preparation have run: once per stack, nothing missed.
        stack.node.add_validation(_JudgeStack(self, stack))

    # ------------------------------------------------------------------ judging

    def judge_stack(self, stack: cdk.Stack) -> None:
        collected = collect_stack(stack)
        if collected.template:
            self._judge(collected)

    def _judge(self, collected: StackResources) -> None:
        from linter import ignores
        from linter.engine import evaluate

        stack = collected.stack
        source = TemplateSource(
            file=stack.template_file,
            region=_env(stack.region),
            account=_env(stack.account),
        )
        model = model_from_resources(collected.template, source, self.options)
        # The suppressions recorded in this stack's metadata go through the CLI's own code (an
        # unused one is reported, as `certfit cdk.out/` does); the config's apply app-wide.
        findings = ignores.apply(evaluate(model, self.settings), model, self.options.reader)
        for finding in findings:
            if self.fail_on_unresolved and finding.rule == "unresolved_certificate":
                finding.severity = Severity.ERROR
            if finding.severity.rank < self.min_severity.rank:
                continue
            if suppressed(finding, self.config_suppressions):
                continue
            self.findings.append(finding)
            node = collected.constructs.get(finding.location.construct_path or "")
            self._report(finding, node, stack)
        for error in [*self.config_errors, *model.errors]:
            path = error.location.construct_path if error.location else None
            cdk.Annotations.of(collected.constructs.get(path or "") or stack).add_warning_v2(
                "certfit:input", f"{MESSAGE_PREFIX} {error.summary}: {error.message}"
            )
        self.config_errors = []  # said once, on the first stack

    @staticmethod
    def _report(finding: Finding, node: IConstruct | None, stack: cdk.Stack) -> None:
        annotations = cdk.Annotations.of(node or stack)
        message = format_message(finding)
        if finding.severity is Severity.ERROR:
            annotations.add_error(message)
        elif finding.severity is Severity.WARNING:
            annotations.add_warning_v2(annotation_id(finding.rule), message)
        else:
            annotations.add_info(message)

    # ------------------------------------------------------------------ suppressions

    @staticmethod
    def suppress(construct: IConstruct, rule: str | Iterable[str], reason: str) -> None:
        """Suppress `rule` (a name, several, or "all") on `construct` and everything below it.

        A reason is required. Recorded in the template metadata of each relevant resource below
        (Metadata.certfit.suppressions), so `certfit cdk.out/` honours it too."""
        rules = [rule] if isinstance(rule, str) else list(rule)
        if not reason or not reason.strip():
            raise ValueError("CertFitChecks.suppress needs a reason")
        if not rules or not all(isinstance(r, str) and r.strip() for r in rules):
            raise ValueError("CertFitChecks.suppress needs at least one rule name")
        record_suppression(construct, ",".join(r.strip() for r in rules), reason.strip())


__all__ = ["RELEVANT_TYPES", "CertFitChecks", "annotation_id", "format_message", "resource_type"]
