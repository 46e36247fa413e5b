"""`certfit inspect CERT.pem`: can this certificate go on an NLB? Answered from the PEM files.

Inspects the material once, then judges it against every target (or the named ones) for each
certificate source (ACM import, IAM upload), with the same engine and rules as a lint run. The
default view is a table a person reads at a glance; `--format json` is tflint's shape.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from linter import compat, material
from linter.compat import TARGET_LABELS, Status
from linter.engine import RuleContext, Settings, evaluate
from linter.model import (
    ENDPOINT_TARGETS,
    Binding,
    Certificate,
    Delivery,
    Endpoint,
    InputError,
    Location,
    Model,
    Pem,
    Severity,
    Target,
)
from linter.report import Report
from linter.rules import unsupported_key_algorithm
from linter.safe_files import read_named

SOURCES = {"acm-import": Delivery.ACM_IMPORT, "iam": Delivery.IAM}
SHORT_TARGETS = {
    "alb": "ALB (HTTPS)",
    "nlb": "NLB (TLS)",
    "clb": "Classic LB",
    "cloudfront": "CloudFront",
    "apigateway-regional": "API GW regional",
    "apigateway-edge": "API GW edge",
    "amplify": "Amplify Hosting",
    "transfer-ftps": "Transfer FTPS",
    "cloudfront-backed": "AppSync/Cognito",
    "apigateway-private": "API GW private",
    "acm-import": "ACM import",
    "acm-request": "ACM request",
    "iam": "IAM upload",
}
# The services a certificate must first get into: judged on the key alone, whatever the source.
SERVICE_DELIVERY = {
    Target.ACM_IMPORT: Delivery.ACM_IMPORT,
    Target.ACM_REQUEST: Delivery.ACM_REQUEST,
    Target.IAM: Delivery.IAM,
}
MATERIAL_RULES = {"invalid_certificate_material", "weak_key", "certificate_expiring"}


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Inspect a certificate (and its key and chain) and judge it against every AWS target."
    )
    parser.epilog = (
        "examples:\n"
        "  certfit inspect app.pem --key app.key --chain chain.pem\n"
        "  certfit inspect app.pem --target nlb --source acm-import\n"
        "  certfit inspect app.pem --as-of 2020-04-13 --format json\n"
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("certificate", help="PEM certificate (a bundle: leaf first, then chain)")
    parser.add_argument("--key", help="PEM private key (checked against the certificate)")
    parser.add_argument("--chain", help="PEM certificate chain")
    targets = [t.value for t in (*ENDPOINT_TARGETS, *SERVICE_DELIVERY)]
    parser.add_argument(
        "--target",
        action="append",
        choices=targets,
        help="judge only these (repeatable; acm-import, acm-request and iam judge the key "
        "against what that service lets in)",
    )
    parser.add_argument(
        "--source",
        action="append",
        choices=sorted(SOURCES),
        help="how the certificate gets to AWS (repeatable; default: both)",
    )
    parser.add_argument(
        "--as-of", type=date.fromisoformat, help="judge as AWS was on this date (YYYY-MM-DD)"
    )
    parser.add_argument("--expiry-days", type=int, default=30, help="expiry warning window")
    parser.add_argument("-f", "--format", choices=["default", "json"], default="default")


def _read(path: str | None, what: str, errors: list[InputError]) -> Pem | None:
    """The user named this file on the command line: that is being told to read it."""
    if path is None:
        return None
    try:
        data = read_named(path)
    except OSError as exc:
        errors.append(
            InputError(f"cannot read the {what}", f"{path}: {exc.strerror or exc}", Location(path))
        )
        return None
    return Pem(data, Location(path, 1, 1))


def build_models(
    cert: Pem, chain: Pem | None, key: Pem | None, targets: list[Target], sources: list[str]
) -> list[tuple[str, Model]]:
    """One model per source: the certificate delivered that way, bound to every target."""
    models = []
    for source in sources:
        c = Certificate(
            cert.location.file,
            SOURCES[source],
            cert.location,
            certificate_pem=cert,
            chain_pem=chain,
            private_key_pem=key,
        )
        endpoints = [Endpoint(TARGET_LABELS[t.value], t, cert.location) for t in targets]
        bindings = [Binding(e, c, cert.location) for e in endpoints]
        models.append((source, Model([c], endpoints, bindings)))
    return models


def inspect_files(
    certificate: str,
    key: str | None = None,
    chain: str | None = None,
    targets: list[str] | None = None,
    sources: list[str] | None = None,
    settings: Settings | None = None,
) -> tuple[Report, dict[str, dict[str, str]], material.Inspection | None]:
    """The report, a verdict table {target: {source: cell}}, and the inspection."""
    settings = settings or Settings()
    errors: list[InputError] = []
    cert_pem = _read(certificate, "certificate", errors)
    key_pem = _read(key, "private key", errors)
    chain_pem = _read(chain, "certificate chain", errors)
    report = Report(errors=errors, as_of=settings.as_of_date)
    if cert_pem is None:
        return report, {}, None
    named = [Target(t) for t in dict.fromkeys(targets)] if targets else list(ENDPOINT_TARGETS)
    chosen = [t for t in named if t in ENDPOINT_TARGETS]
    services = [t for t in named if t in SERVICE_DELIVERY]
    sources = sources or list(SOURCES)
    # Material once, as "ACM and IAM"; then key compatibility per source.
    material_model = Model(
        [
            Certificate(
                certificate,
                Delivery.EXTERNAL,
                cert_pem.location,
                certificate_pem=cert_pem,
                chain_pem=chain_pem,
                private_key_pem=key_pem,
            )
        ]
    )
    if sources == ["acm-import"]:
        material_model.certificates[0].delivery = Delivery.ACM_IMPORT
    elif sources == ["iam"]:
        material_model.certificates[0].delivery = Delivery.IAM
    material_settings = Settings(
        settings.as_of, settings.expiry_days, settings.disabled_rules | _all_but(MATERIAL_RULES)
    )
    report.findings.extend(evaluate(material_model, material_settings))
    compat_settings = Settings(
        settings.as_of, settings.expiry_days, settings.disabled_rules | MATERIAL_RULES
    )
    table: dict[str, dict[str, str]] = {t.value: {} for t in chosen}
    data = compat.load()
    _judge_services(cert_pem, services, sources, compat_settings, report, table)
    for source, model in build_models(cert_pem, chain_pem, key_pem, chosen, sources):
        report.findings.extend(evaluate(model, compat_settings))
        ctx = RuleContext(model, compat_settings, data)
        cert = model.certificates[0]
        k = ctx.key_of(cert)
        for t in chosen:
            if k is None:
                table[t.value][source] = "?"
                continue
            v = unsupported_key_algorithm.endpoint_verdict(ctx, t.value, cert.delivery, k)
            table[t.value][source] = _cell(v)
    report.findings.sort(key=lambda f: f.sort_key())
    insp = RuleContext(material_model, settings, data).inspection(material_model.certificates[0])
    return report, table, insp


def _judge_services(
    cert_pem: Pem,
    services: list[Target],
    sources: list[str],
    settings: Settings,
    report: Report,
    table: dict[str, dict[str, str]],
) -> None:
    """Rows for the services themselves (`--target acm-import` ...): the key against what the
    service lets in. Their findings come from the same rule; a service already judged as the
    certificate's source (ACM import, IAM) is not reported twice."""
    data = compat.load()
    for target in services:
        delivery = SERVICE_DELIVERY[target]
        cert = Certificate(
            cert_pem.location.file, delivery, cert_pem.location, certificate_pem=cert_pem
        )
        model = Model([cert])
        if not any(SOURCES[s] == delivery for s in sources):
            report.findings.extend(evaluate(model, settings))
        key = RuleContext(model, settings, data).key_of(cert)
        if key is None:
            table[target.value] = {"any": "?"}
            continue
        v = data.verdict(target.value, "any", key.key_id, settings.as_of_date)
        table[target.value] = {"any": _cell(v)}


def _all_but(keep: set[str]) -> set[str]:
    from linter.rules import RULES

    return {r.NAME for r in RULES} - keep


def _cell(v: compat.Verdict | None) -> str:
    if v is None or v.status == Status.NO_DATA:
        return "n/a"
    if v.status == Status.ACCEPTED:
        return "ok"
    if v.status == Status.UNCONFIRMED:
        return "unconfirmed"
    return "BROKEN LATER" if v.silent else "NO"


def render_table(
    certificate: str,
    report: Report,
    table: dict[str, dict[str, str]],
    insp: material.Inspection | None,
) -> str:
    lines = [f"certificate  {certificate}"]
    if insp is not None and insp.leaf is not None:
        leaf = insp.leaf
        left = (insp.not_after.date() - report.as_of).days if insp.not_after and report.as_of else 0
        lines += [
            f"  subject    {leaf.subject.rfc4514_string()}",
            f"  issuer     {leaf.issuer.rfc4514_string()}",
            f"  key        {_key_text(insp)}",
            f"  valid      {insp.not_before:%Y-%m-%d} .. {insp.not_after:%Y-%m-%d} "
            f"({left} days left as of {report.as_of})",
            f"  signature  {insp.signature_algorithm}",
            f"  chain      {len(insp.chain)} certificate(s)",
        ]
        if insp.private_key_format is not None:
            match = {
                True: "matches the certificate",
                False: "does NOT match the certificate",
                None: "not compared",
            }[insp.private_key_matches]
            lines.append(f"  key file   {insp.private_key_format}, {match}")
    sources = sorted({s for row in table.values() for s in row} - {"any"})
    if table:
        header = {"acm-import": "ACM import", "iam": "IAM"}
        lines += [
            "",
            f"{'as of ' + str(report.as_of):<22}" + "".join(f"{header[s]:<16}" for s in sources),
        ]
        for target, row in table.items():
            # a service row has one verdict ("any" source): the key against the service
            cells = [row["any"]] if "any" in row else [row.get(s, "n/a") for s in sources]
            lines.append(f"  {SHORT_TARGETS[target]:<20}" + "".join(f"{c:<16}" for c in cells))
    if report.findings or report.errors:
        lines.append("")
    for err in report.errors:
        lines.append(f"Error: {err.summary}: {err.message}")
    for f in report.findings:
        lines.append(f"{f.severity.title}: {f.message} ({f.rule})")
    if not report.findings and not report.errors:
        lines += ["", "No issues found."]
    # A certificate's subject and issuer are whatever its maker wrote, newlines included.
    from linter.reporters.escaping import defuse_commands, display

    return defuse_commands("\n".join(display(line) for line in lines) + "\n")


def _key_text(insp: material.Inspection) -> str:
    k = insp.key
    if k is None:
        return "unknown"
    return f"{k.description} ({k.acm_name or 'no ACM name: ACM cannot import it'})"


def exit_code(report: Report) -> int:
    if report.errors and report.findings:
        return 3
    if report.errors:
        return 1
    return 2 if any(f.severity != Severity.NOTICE for f in report.findings) else 0


def run(args: argparse.Namespace) -> int:
    settings = Settings(as_of=args.as_of, expiry_days=args.expiry_days)
    report, table, insp = inspect_files(
        args.certificate, args.key, args.chain, args.target, args.source, settings
    )
    if args.format == "json":
        from linter.reporters import render

        sys.stdout.write(render(report, "json"))
    else:
        sys.stdout.write(render_table(args.certificate, report, table, insp))
    return exit_code(report)
