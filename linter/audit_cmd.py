"""`certfit audit`: judge the certificates already attached in an AWS account.

Read-only: it lists, it never changes anything. Same engine, rules, formats, config and exit
codes as a lint run; locations are resource ARNs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def configure_parser(parser: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    parser.description = (
        "Judge every certificate attached to the account's load balancers, CloudFront "
        "distributions and API Gateway domains (read-only; standard AWS credentials)."
    )
    parser.epilog = (
        "examples:\n"
        "  certfit audit                              the default region (AWS_REGION)\n"
        "  certfit audit --region eu-west-1 --region us-east-1 -f sarif\n"
        "\nexit status: as a lint run (0 clean, 1 input errors, 2 issues, 3 both).\n"
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="REGION",
        help="a region to audit (repeatable; default: the SDK's region). CloudFront is global",
    )
    parser.add_argument("-f", "--format", choices=formats, help="output format (default: default)")
    parser.add_argument("-c", "--config", metavar="FILE", help="config file (default .certfit.hcl)")
    parser.add_argument("--as-of", type=_date, metavar="DATE", help="judge as AWS stood on DATE")
    parser.add_argument("--expiry-days", type=int, metavar="N", help="expiry window (30)")
    parser.add_argument(
        "--minimum-failure-severity",
        choices=("error", "warning", "notice"),
        help="lowest severity that fails the run (default warning)",
    )
    parser.add_argument("--force", action="store_true", help="exit 0 even when issues are found")
    parser.add_argument("--no-cache", action="store_true", help="do not cache AWS answers")
    parser.add_argument("--sarif-file", metavar="FILE", help="also write SARIF 2.1.0 to FILE")


def _date(text: str) -> object:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2020-04-13, got {text!r}") from None


def run(args: argparse.Namespace) -> int:
    from linter.aws import AwsUnavailable
    from linter.cli import _Progress, cache_dir, progress_enabled, use_color
    from linter.config import load_config
    from linter.lint import LintRequest, exit_code, judge, known_rules
    from linter.model import Severity
    from linter.options import LoadOptions
    from linter.report import Report
    from linter.reporters import render
    from linter.safe_files import SafeReader

    environ = os.environ
    cwd = Path.cwd()
    config = load_config(args.config, cwd, environ, known_rules())
    fmt = args.format or config.format or "default"
    options = LoadOptions(
        reader=SafeReader(cwd),
        cache_dir=None if args.no_cache else cache_dir(environ),
        certificate_mappings=config.certificate_mappings,
        environ=dict(environ),
    )
    try:
        from linter.aws.audit import audit_model
        from linter.aws.clients import Clients
        from linter.aws.lookups import Aws

        clients = Clients()
    except AwsUnavailable as exc:
        print(f"certfit audit: {exc}", file=sys.stderr)
        return 1
    regions = args.region or [clients.default_region]
    progress = _Progress(sys.stderr, enabled=progress_enabled(fmt, sys.stderr))
    try:
        model = audit_model(Aws(clients, options.cache_dir), regions, options, progress)
    finally:
        progress.stop()
    request = LintRequest(
        paths=[],
        options=options,
        config=config,
        as_of=args.as_of or config.as_of,
        expiry_days=args.expiry_days if args.expiry_days is not None else 30,
    )
    findings, merged = judge([model], request)
    report = Report(
        findings=findings, errors=[*config.errors, *merged.errors], as_of=request.as_of, root=""
    )
    sys.stdout.write(
        render(report, fmt, root=str(cwd), color=use_color(False, environ, sys.stdout))
    )
    if args.sarif_file:
        try:
            Path(args.sarif_file).write_text(render(report, "sarif", root=str(cwd)))
        except OSError as exc:
            print(f"certfit audit: cannot write {args.sarif_file}: {exc.strerror}", file=sys.stderr)
            return 1
    minimum = Severity(args.minimum_failure_severity or "warning")
    return exit_code(report, minimum, args.force or bool(config.force))
