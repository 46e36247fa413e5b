"""The engine: runs every enabled rule over a model and returns findings.

Front ends describe; the engine judges. Material is inspected once per certificate here, so
rules share one Inspection and never parse PEM themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time

from linter import compat, material
from linter.model import (
    Binding,
    Certificate,
    Endpoint,
    Finding,
    KeyInfo,
    KeySource,
    Location,
    Model,
    Severity,
)


@dataclass
class Settings:
    """What a run is judged against. `as_of` None means now."""

    as_of: date | None = None
    expiry_days: int = 30
    disabled_rules: set[str] = field(default_factory=set)
    severity_overrides: dict[str, Severity] = field(default_factory=dict)

    @property
    def as_of_date(self) -> date:
        return self.as_of or datetime.now(UTC).date()

    @property
    def moment(self) -> datetime:
        """The instant certificates are judged at: now, or noon UTC of `as_of`."""
        if self.as_of is None:
            return datetime.now(UTC)
        return datetime.combine(self.as_of, time(12, 0), tzinfo=UTC)


class RuleContext:
    """What a rule reads: the model, the settings, the data, and shared inspections."""

    def __init__(self, model: Model, settings: Settings, data: compat.CompatData) -> None:
        self.model = model
        self.settings = settings
        self.data = data
        self.as_of = settings.as_of_date
        self._inspections: dict[int, material.Inspection | None] = {}
        self._bindings: dict[int, list[Binding]] = {}
        for b in model.bindings:
            self._bindings.setdefault(id(b.endpoint), []).append(b)

    def certificates(self) -> list[Certificate]:
        """Every certificate, including those only reachable through a binding, once each."""
        seen: dict[int, Certificate] = {id(c): c for c in self.model.certificates}
        for b in self.model.bindings:
            if b.certificate is not None:
                seen.setdefault(id(b.certificate), b.certificate)
        return list(seen.values())

    def bindings_of(self, endpoint: Endpoint) -> list[Binding]:
        return self._bindings.get(id(endpoint), [])

    def inspection(self, cert: Certificate) -> material.Inspection | None:
        """The inspection of the certificate's material, or None when it has none."""
        if id(cert) not in self._inspections:
            result = None
            if cert.certificate_pem is not None or cert.private_key_pem is not None:
                result = material.inspect(
                    cert.certificate_pem,
                    cert.chain_pem,
                    cert.private_key_pem,
                    now=self.settings.moment,
                )
            self._inspections[id(cert)] = result
        return self._inspections[id(cert)]

    def key_of(self, cert: Certificate) -> KeyInfo | None:
        """The key as the material shows it, else as the configuration states it."""
        insp = self.inspection(cert)
        if insp is not None and insp.key is not None:
            if cert.learnt_from_aws == KeySource.AWS_IAM.value:  # the body IAM gave --aws
                return replace(insp.key, learnt_from=KeySource.AWS_IAM)
            return insp.key
        return cert.key


def evaluate_early(model: Model, settings: Settings) -> None:
    """Judge a model where it was loaded (a worker process), so the calling process does not
    judge it again: `evaluate` with the same settings returns these findings, once. Only for
    a model nothing changes after loading (not with --aws, which fills models in later)."""
    model.judged = (settings, evaluate(model, settings))  # type: ignore[attr-defined]


def evaluate(model: Model, settings: Settings | None = None) -> list[Finding]:
    """All findings for the model, each rule at most once per (message, location)."""
    from linter.rules import RULES, link_for

    settings = settings or Settings()
    early = model.__dict__.pop("judged", None)
    if early is not None and early[0] == settings:
        return list(early[1])
    ctx = RuleContext(model, settings, compat.load())
    findings: list[Finding] = []
    seen: set[tuple[object, ...]] = set()
    for rule in RULES:
        if rule.NAME in settings.disabled_rules:
            continue
        for f in rule.check(ctx):
            key = (f.rule, f.message, f.location)
            if key in seen:
                continue
            seen.add(key)
            f.link = f.link or link_for(f.rule)
            f.related = _tidy_related(f.location, f.related)
            if f.rule in settings.severity_overrides:
                f.severity = settings.severity_overrides[f.rule]
            findings.append(f)
    return sorted(findings, key=Finding.sort_key)


def _tidy_related(primary: Location, related: tuple[Location, ...]) -> tuple[Location, ...]:
    """Related locations once each, and none on the finding's own line: one place for every
    rule, so no rule has to filter its own."""

    def line_of(loc: Location) -> tuple[str, int, str | None]:
        return (loc.file, loc.line, loc.construct_path)

    seen = {line_of(primary)}
    out = []
    for loc in related:
        if line_of(loc) not in seen:
            seen.add(line_of(loc))
            out.append(loc)
    return tuple(out)
