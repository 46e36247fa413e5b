"""What the Aspect and the validation plugin share: options, the config file, and judging a
model exactly as `certfit` would (engine, recorded suppressions, config suppressions)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from cdk_aspect.suppress import suppressed
from linter.model import Finding, InputError, Model, Severity, Suppression
from linter.options import CertificateMapping, LoadOptions
from linter.reporters.escaping import display
from linter.safe_files import SafeReader

MESSAGE_PREFIX = "[certfit]"


def format_message(finding: Finding) -> str:
    """The annotation text: prefix and rule first, so users and tests can grep for it. The
    CDK prints it to the console, often a CI log: escaped like every human format (no value
    can start a line of its own there, see linter/reporters/escaping.py)."""
    text = f"{MESSAGE_PREFIX} {finding.rule}: {finding.message}"
    return display(f"{text} ({finding.link})" if finding.link else text)


def _severity(value: Severity | str) -> Severity:
    return value if isinstance(value, Severity) else Severity(value.lower())


class Judge:
    """as_of: judge as AWS stood on that date (default: today, or the config's `as_of`).
    min_severity: report only findings at or above it ("error", "warning", "notice").
    certificates: ARN -> ACM key algorithm name (or a CertificateMapping), for certificates
        managed outside the app; merged over the config file's `certificate` blocks.
    config: path of a .certfit.hcl; None finds one as the CLI does (./.certfit.hcl, ...);
        False reads none.
    root: where PEM files may be read (default: $CERTFIT_ROOT, else the git work tree holding
        the current directory, else the current directory).
    fail_on_unresolved: report unresolved certificates as errors (they fail `cdk synth`).
    fail_at: the lowest severity reported as an error annotation, which fails `cdk synth`
        (default: the config's minimum_failure_severity when it sets one, else "error": the
        CDK's habit, where warnings fail only under --strict).
    aws: ask AWS, read-only, about certificates the app only names by ARN, SSM parameter or
        export (as `certfit --aws`; needs `pip install 'certfit[aws]'`).
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
    ) -> None:
        from linter.engine import Settings
        from linter.roots import command_line_root, default_root

        self.aws = aws
        self._live: object | None = None

        # As the CLI: the app's git work tree (else the current directory) confines the PEM
        # files a config names; $CERTFIT_ROOT or `root=` set it. The config cannot widen it.
        self.root = (
            Path(root) if root else command_line_root(None, os.environ) or default_root(os.getcwd())
        )
        self.min_severity = _severity(min_severity)
        self.fail_on_unresolved = fail_on_unresolved
        self.fail_at: Severity | None = _severity(fail_at) if fail_at is not None else None
        self.options = LoadOptions.for_root(self.root)
        self.settings = Settings()
        self.config_suppressions: list[Suppression] = []
        self.config_errors: list[InputError] = []
        if config is not False:
            self._read_config(None if config in (None, True) else Path(str(config)))
        for arn, value in (certificates or {}).items():
            self.options.certificate_mappings[arn] = (
                value
                if isinstance(value, CertificateMapping)
                else CertificateMapping(arn, key_algorithm=value, source="CertFitChecks")
            )
        if self.fail_at is None:
            self.fail_at = Severity.ERROR
        if as_of is not None:
            self.settings.as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        if expiry_days is not None:
            self.settings.expiry_days = expiry_days

    def _read_config(self, path: Path | None) -> None:
        from linter.config import load_config
        from linter.rules import RULE_NAMES

        cfg = load_config(path, self.root, known_rules=RULE_NAMES)
        self.options.certificate_mappings.update(cfg.certificate_mappings)
        self.options.kubernetes_service_lb = cfg.kubernetes_service_lb
        self.config_suppressions.extend(cfg.suppressions)
        if cfg.as_of is not None:
            self.settings.as_of = cfg.as_of
        if cfg.expiry_days is not None:
            self.settings.expiry_days = cfg.expiry_days
        self.settings.disabled_rules = cfg.disabled_rules(RULE_NAMES)
        self.settings.severity_overrides = cfg.severity_overrides()
        self.fail_on_unresolved = self.fail_on_unresolved or bool(cfg.fail_on_unresolved)
        self.aws = self.aws or bool(cfg.aws)
        if self.fail_at is None and cfg.minimum_failure_severity is not None:
            self.fail_at = cfg.minimum_failure_severity
        self.config_errors.extend(cfg.errors)

    def judge(
        self,
        model: Model,
        reader: SafeReader | None = None,
        silenced: list[Finding] | None = None,
    ) -> list[Finding]:
        """The findings to report for one stack's model; what suppressions and
        acknowledgements silenced goes to `silenced` (details["suppressed"] says why)."""
        from linter import ignores
        from linter.engine import evaluate

        if self.aws:
            self._resolve_live(model)
        # Suppressions and acknowledgements recorded for these stacks go through the CLI's
        # own code (an unused one is reported, as `certfit cdk.out/` does); the config's apply
        # app-wide.
        found = ignores.apply(
            evaluate(model, self.settings), model, reader or self.options.reader, silenced
        )
        kept = []
        for finding in found:
            if self.fail_on_unresolved and finding.rule == "unresolved_certificate":
                finding.severity = Severity.ERROR
            if finding.severity.rank < self.min_severity.rank:
                continue
            if suppressed(finding, self.config_suppressions):
                continue
            kept.append(finding)
        return kept

    def _resolve_live(self, model: Model) -> None:
        """aws=True: what AWS knows, asked once per ARN for the whole app."""
        from linter.aws import AwsUnavailable
        from linter.aws.resolve import resolve_models

        if self._live is None:
            try:
                from linter.aws.clients import Clients
                from linter.aws.lookups import Aws

                self._live = Aws(Clients(), self.options.cache_dir)
            except AwsUnavailable as exc:
                self.aws = False
                self.config_errors.append(InputError("aws=True is unavailable", str(exc)))
                return
        from linter.aws.lookups import Aws

        assert isinstance(self._live, Aws)
        resolve_models([model], self._live, self.options)

    def fails(self, finding: Finding) -> bool:
        """Whether the finding is reported as an error annotation (failing `cdk synth`)."""
        return finding.severity.rank >= (self.fail_at or Severity.ERROR).rank

    def take_config_errors(self) -> list[InputError]:
        """The config file's problems, once (they are said on the first stack only)."""
        errors, self.config_errors = self.config_errors, []
        return errors
