"""`CertFitChecks`: certfit's rules inside `cdk synth`.

The Aspect visits `CfnResource`s only (`Stack.of(app)` raises). The first resource of a stack
registers a validation on that stack; the first validation to run (after every aspect, mutating
ones on subtrees included, and the app's preparation) resolves each registered stack's relevant
resources in one round trip per stack, feeds them all to the same CloudFormation builder the
CLI uses on `cdk.out` (so cross-stack references are followed alike), runs the engine once,
and puts each finding back on its construct: errors with `add_error`
(the CLI's `cdk synth` exits non-zero), warnings with `add_warning_v2` (fail under `--strict`,
can be acknowledged), notices with `add_info`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from constructs import IConstruct, IValidation

from cdk_aspect.acknowledge import install as _note_acknowledgements
from cdk_aspect.acknowledge import noted_for
from cdk_aspect.collect import (
    collect_stack,
    jsii_ref,
    own_resources,
)
from cdk_aspect.judge import MESSAGE_PREFIX, Judge, format_message
from cdk_aspect.suppress import record_suppression
from linter.cloudformation import TemplateSource, model_from_templates
from linter.cloudformation.cdk_metadata import CdkStackMetadata
from linter.model import Finding, InputError, Severity
from linter.options import CertificateMapping
from linter.report import Report
from linter.reporters.escaping import display

_note_acknowledgements()  # Validations.of(scope).acknowledge(...) from here on is seen


def _env(token: str | None) -> str | None:
    return None if token is None or cdk.Token.is_unresolved(token) else token


def annotation_id(rule: str) -> str:
    """The id of a warning, for `Annotations.of(scope).acknowledge_warning(id, reason)`."""
    return f"certfit:{rule}"


@jsii.implements(IValidation)
class _JudgeStacks:
    """Runs in `cdk synth`'s validation phase; reports through annotations, returns nothing
    (a returned error would abort synthesis with a stack trace instead of a report)."""

    def __init__(self, checks: CertFitChecks) -> None:
        self.checks = checks

    def validate(self) -> list[str]:
        self.checks.judge_pending()
        return []


@jsii.implements(cdk.IAspect)
class CertFitChecks:
    """Add with `Aspects.of(app).add(CertFitChecks(), priority=AspectPriority.READONLY)`, or
    `CertFitChecks().add_to(app)` for an app with Stages (the App's aspects do not reach them).

    Options: see `cdk_aspect.judge.Judge` (the validation plugin takes the same), and
    report_file: the JSON report written into the cloud assembly (None: none).
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
        fail_at: Severity | str | None = None,
        aws: bool = False,
        report_file: str | None = "certfit-report.json",
    ) -> None:
        self.report_file = report_file
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
        self._seen: set[str] = set()  # jsii refs of resources whose stack is registered
        self._stacks: set[str] = set()  # jsii refs of registered stacks
        self._pending: list[cdk.Stack] = []  # registered, not judged yet
        self.findings: list[Finding] = []  # everything reported, for tests and reports
        self.suppressed: list[Finding] = []  # silenced (details["suppressed"] says how)

    @property
    def settings(self) -> Any:
        return self.judge.settings

    # ------------------------------------------------------------------ IAspect

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, cdk.CfnResource):
            return
        if jsii_ref(node) in self._seen:
            return
        stack = cdk.Stack.of(node)
        self._seen.add(jsii_ref(node))
        if jsii_ref(stack) in self._stacks:
            return  # a resource added to a registered stack after its registration
        self._stacks.add(jsii_ref(stack))
        self._seen.update(jsii_ref(c) for c in own_resources(stack))
        self._pending.append(stack)
        # Judge in the validation phase, after every aspect (mutating ones on subtrees
        # included) and the app's preparation (cross-stack references) have run.
        stack.node.add_validation(_JudgeStacks(self))

    # ------------------------------------------------------------------ judging

    def judge_pending(self) -> None:
        """Judge every stack registered since the last call, together (so cross-stack
        references are followed), once. Called by the first stack's validation."""
        stacks, self._pending = self._pending, []
        if not stacks:
            return
        collected = [collect_stack(stack) for stack in stacks]
        acknowledgements, scopes = noted_for(stacks)
        templates = [
            (
                c.as_template(),
                TemplateSource(
                    file=c.stack.template_file,
                    region=_env(c.stack.region),
                    account=_env(c.stack.account),
                    # The CDK's acknowledgements, said once (with the first stack).
                    cdk=CdkStackMetadata(c.stack.template_file, {}, acknowledgements)
                    if i == 0 and acknowledgements
                    else None,
                ),
            )
            for i, c in enumerate(collected)
        ]
        model = model_from_templates(templates, self.judge.options)
        constructs: dict[str, IConstruct] = dict(scopes)
        for c in collected:
            constructs.update(c.constructs)
        fallback = stacks[0]
        silenced: list[Finding] = []
        kept = self.judge.judge(model, silenced=silenced)
        self.suppressed.extend(silenced)
        for finding in kept:
            self.findings.append(finding)
            node = constructs.get(finding.location.construct_path or "")
            self._report(finding, node, fallback, self.judge.fails(finding))
        errors = [*self.judge.take_config_errors(), *model.errors]
        for error in errors:
            path = error.location.construct_path if error.location else None
            cdk.Annotations.of(constructs.get(path or "") or fallback).add_warning_v2(
                "certfit:input", display(f"{MESSAGE_PREFIX} {error.summary}: {error.message}")
            )
        if self.report_file:
            self._write_report(stacks[0], kept, errors, silenced)

    def _write_report(
        self,
        stack: cdk.Stack,
        findings: list[Finding],
        errors: list[InputError],
        silenced: list[Finding],
    ) -> None:
        """cdk-nag's habit: a report in the cloud assembly (certfit's JSON format), one per
        assembly (the app's, or a Stage's)."""
        from linter.reporters import render

        stage = cdk.Stage.of(stack)
        if stage is None or not self.report_file:
            return
        outdir = Path(stage.outdir)
        report = Report(
            findings=findings,
            errors=errors,
            as_of=self.judge.settings.as_of_date,
            root=".",
            suppressed=silenced,
        )
        try:
            outdir.mkdir(parents=True, exist_ok=True)
            (outdir / self.report_file).write_text(render(report, "json"))
        except OSError as exc:
            cdk.Annotations.of(stack).add_warning_v2(
                "certfit:report", f"{MESSAGE_PREFIX} cannot write {self.report_file}: {exc}"
            )

    @staticmethod
    def _report(finding: Finding, node: IConstruct | None, stack: cdk.Stack, fails: bool) -> None:
        annotations = cdk.Annotations.of(node or stack)
        message = format_message(finding)
        if fails:
            annotations.add_error(message)
        elif finding.severity is Severity.WARNING:
            annotations.add_warning_v2(annotation_id(finding.rule), message)
        else:
            annotations.add_info(message)

    def add_to(self, scope: IConstruct) -> CertFitChecks:
        """Add to `scope` and to every Stage below it: aspects added to an App do not reach
        the stacks of its Stages (each Stage is synthesized on its own). Call it once the
        Stages exist, e.g. just before `app.synth()`."""
        targets = [scope, *(c for c in scope.node.find_all() if isinstance(c, cdk.Stage))]
        for target in dict.fromkeys(targets):
            cdk.Aspects.of(target).add(self, priority=cdk.AspectPriority.READONLY)
        return self

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


__all__ = ["CertFitChecks", "annotation_id", "format_message"]
