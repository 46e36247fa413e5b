"""`certfit`: the command line, shaped like tflint's so it drops into the same pipelines.

Imports here are kept to the standard library and the small shared modules: front ends, the
engine and the reporters load only when a run needs them, so `certfit --version` is instant
and the CLI never imports aws-cdk-lib or boto3.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import threading
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from linter import __version__

if TYPE_CHECKING:
    from linter.config import Config
    from linter.lint import LintRequest
    from linter.report import Report

FORMATS = ("default", "compact", "json", "checkstyle", "junit", "sarif", "github")
SEVERITIES = ("error", "warning", "notice")

EXAMPLES = """\
examples:
  certfit                                  lint the Terraform root module here
  certfit --recursive                      every root module, template and cdk.out below
  certfit infra/prod --var-file prod.tfvars
  certfit plan.json                        a plan from `terraform show -json plan.out`
  certfit cdk.out                          every stack of a synthesised CDK app
  certfit template.yaml --parameter Env=prod
  certfit --as-of 2020-04-13               judge as AWS stood on that date
  certfit -f sarif > certfit.sarif         for GitHub code scanning
  certfit inspect cert.pem                 what AWS would say about one certificate
  certfit --aws                            also ask AWS (read-only) about ARNs the code names
  certfit audit --region eu-west-1         judge what is already deployed

exit status: 0 no issues, 1 an input error, 2 issues found, 3 both (--force: always 0).
Notices (e.g. unresolved_certificate) do not fail unless --minimum-failure-severity=notice
or --fail-on-unresolved. Configuration: .certfit.hcl (see --config).
Docs: https://github.com/certfit/certfit#readme
"""


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error, which tflint's users read as "issues found"."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def _key_value(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    key, _, value = text.partition("=")
    if not key.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return key.strip(), value


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2020-04-13, got {text!r}") from None


def _whole_number(unit: str) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = -1
        if value < 0:
            raise argparse.ArgumentTypeError(f"expected a whole number of {unit}, got {text!r}")
        return value

    return parse


_days = _whole_number("days")
_seconds = _whole_number("seconds")


def _size(text: str) -> int:
    from linter.safe_files import parse_size

    try:
        return parse_size(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a size like 64M, got {text!r}") from None


def _severity(text: str) -> str:
    text = text.lower()
    text = "notice" if text == "info" else text  # tflint spells it info
    if text not in SEVERITIES:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(SEVERITIES)}")
    return text


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="certfit",
        description=(
            "Catch TLS certificates that AWS load balancers, CloudFront or API Gateway "
            "cannot use, before deploy. Reads Terraform, plan JSON, CloudFormation and cdk.out."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="module directories, files or cdk.out (default .); - reads Kubernetes manifests "
        "from standard input",
    )
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("-f", "--format", choices=FORMATS, help="output format (default: default)")
    p.add_argument("-c", "--config", metavar="FILE", help="config file (default .certfit.hcl)")
    p.add_argument("--chdir", metavar="DIR", help="switch to DIR before doing anything")
    p.add_argument(
        "--recursive",
        action="store_true",
        help="lint every Terraform root module, CloudFormation template and cdk.out below",
    )
    p.add_argument(
        "--root",
        metavar="DIR",
        help="project root: what the code names is read only inside it (default: each "
        "target's git work tree, else its directory; also $CERTFIT_ROOT)",
    )
    p.add_argument(
        "--max-file-size",
        type=_size,
        metavar="SIZE",
        help="largest file certfit reads, e.g. 64M (default 16M; also $CERTFIT_MAX_FILE_SIZE)",
    )
    p.add_argument(
        "--var",
        action="append",
        type=_key_value,
        default=[],
        metavar="NAME=VALUE",
        help="set a Terraform variable",
    )
    p.add_argument("--var-file", action="append", default=[], metavar="FILE", help="a .tfvars file")
    p.add_argument(
        "--parameter",
        action="append",
        type=_key_value,
        default=[],
        metavar="KEY=VALUE",
        help="set a CloudFormation parameter",
    )
    p.add_argument(
        "--call-module-type",
        choices=("all", "local", "none"),
        help="module calls to follow (default local; all = also .terraform/modules)",
    )
    p.add_argument("--as-of", type=_as_of, metavar="DATE", help="judge as AWS stood on DATE")
    p.add_argument(
        "--expiry-days", type=_days, metavar="N", help="certificate_expiring's window (30)"
    )
    p.add_argument("--no-cache", action="store_true", help="do not use the parse cache")
    p.add_argument(
        "--aws",
        action="store_true",
        help="ask AWS (read-only, standard credentials) about certificates the code only names",
    )
    p.add_argument(
        "--aws-cache-ttl",
        type=_seconds,
        metavar="SECONDS",
        help="how long --aws answers stay in the cache directory (default 300; 0: not cached)",
    )
    p.add_argument(
        "--limit",
        action="append",
        type=_key_value,
        default=[],
        metavar="NAME=N",
        help="raise a safety limit (docs/security.md, Limits); also CERTFIT_LIMIT_NAME=N",
    )
    p.add_argument(
        "--minimum-failure-severity",
        type=_severity,
        metavar="{error,warning,notice}",
        help="lowest severity that fails the run (default warning)",
    )
    p.add_argument(
        "--fail-on-unresolved",
        action="store_true",
        help="certificates that cannot be resolved fail the run (as errors)",
    )
    p.add_argument(
        "--enable-rule", action="append", default=[], metavar="RULE", help="enable a rule"
    )
    p.add_argument(
        "--disable-rule", action="append", default=[], metavar="RULE", help="disable a rule"
    )
    p.add_argument(
        "--only", action="append", default=[], metavar="RULE", help="run only these rules"
    )
    p.add_argument("--force", action="store_true", help="exit 0 even when issues are found")
    p.add_argument("--no-color", action="store_true", help="no colour in the default format")
    p.add_argument(
        "--annotate",
        action="store_true",
        help="also print GitHub annotations and append the job summary to "
        "$GITHUB_STEP_SUMMARY (automatic under GitHub Actions when no --format is given)",
    )
    p.add_argument(
        "--sarif-file",
        metavar="FILE",
        help="also write SARIF 2.1.0 to FILE (for github/codeql-action/upload-sarif)",
    )
    p.add_argument(
        "--annotations-file",
        metavar="FILE",
        help="write the GitHub annotations to FILE instead of the log, and append the job "
        "summary (the action prints FILE after the log's ::stop-commands:: span)",
    )
    return p


def _inspect(argv: Sequence[str]) -> int:
    try:
        from linter import inspect_cmd
    except ImportError as exc:
        print(f"certfit inspect: unavailable in this installation ({exc})", file=sys.stderr)
        return 1
    parser = _Parser(prog="certfit inspect", formatter_class=argparse.RawDescriptionHelpFormatter)
    inspect_cmd.configure_parser(parser)
    args = parser.parse_args(list(argv))
    return int(inspect_cmd.run(args))


def _audit(argv: Sequence[str]) -> int:
    from linter import audit_cmd

    parser = _Parser(prog="certfit audit")
    audit_cmd.configure_parser(parser, FORMATS)
    return audit_cmd.run(parser.parse_args(list(argv)))


def cache_dir(environ: dict[str, str] | os._Environ[str]) -> Path:
    if environ.get("CERTFIT_CACHE_DIR"):
        return Path(environ["CERTFIT_CACHE_DIR"])
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "certfit"


class _Progress:
    """A progress line on a terminal, shown only once a run has taken a second."""

    def __init__(self, stream: IO[str], enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.text = "starting"
        self.shown = False
        self.start = time.monotonic()
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None
        if enabled:
            self._schedule(1.0)

    def _schedule(self, delay: float) -> None:
        self.timer = threading.Timer(delay, self._tick)
        self.timer.daemon = True
        self.timer.start()

    def _tick(self) -> None:
        with self.lock:
            if not self.enabled:
                return
            from linter.reporters.escaping import display

            elapsed = time.monotonic() - self.start
            self.stream.write(f"\r\x1b[Kcertfit: {display(self.text)} ({elapsed:.0f}s)")
            self.stream.flush()
            self.shown = True
        self._schedule(0.5)

    def __call__(self, text: str) -> None:
        self.text = text

    def stop(self) -> None:
        with self.lock:
            self.enabled = False
            if self.timer is not None:
                self.timer.cancel()
            if self.shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()


def use_color(no_color_flag: bool, environ: Any, stream: IO[str]) -> bool:
    """Colour only on a terminal, and never with --no-color, NO_COLOR (no-color.org: any
    non-empty value) or TERM=dumb."""
    if no_color_flag or environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def progress_enabled(fmt: str, stream: IO[str]) -> bool:
    """A progress line only for a person: the default format, on a terminal."""
    return fmt == "default" and stream.isatty()


def _relative_config_paths(config: Config, reader: Any) -> None:
    """Config paths were resolved against the config file; findings speak root-relative."""
    from dataclasses import replace

    for arn, mapping in list(config.certificate_mappings.items()):
        if mapping.pem_file:
            config.certificate_mappings[arn] = replace(
                mapping, pem_file=reader.relative(mapping.pem_file)
            )
    config.suppressions = [
        replace(s, file=reader.relative(s.file)) if s.file else s for s in config.suppressions
    ]


def _never_fail_to_encode() -> None:
    """A console that is not UTF-8 (a Windows runner, LANG=C on an old system) shows a
    character it cannot encode as a backslash escape instead of ending the run. certfit's
    own output holds no unencodable text (reporters/escaping.py): this is for the console."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def entry() -> NoReturn:
    """The console script: `main`, then exit without tearing the interpreter down. A large
    run holds millions of objects (every file's scan) that die with the process anyway;
    freeing them one by one took about a second on the 50,000-file tree. Exit handlers still
    run and the output is flushed first; `main` itself returns, for callers in-process."""
    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that left, a closed stream
            code = code or 1
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _never_fail_to_encode()
    if argv and argv[0] == "inspect":
        return _inspect(argv[1:])
    if argv and argv[0] == "audit":
        return _audit(argv[1:])
    args = build_parser().parse_args(argv)
    if args.version:
        print(f"certfit {__version__}")
        return 0
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("certfit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `certfit | head`: the reader left; no traceback at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _run(args: argparse.Namespace) -> int:
    environ = os.environ
    if args.chdir:
        try:
            os.chdir(args.chdir)
        except OSError as exc:
            print(f"certfit: error: --chdir {args.chdir}: {exc.strerror}", file=sys.stderr)
            return 1
    cwd = Path.cwd()

    from linter.config import load_config
    from linter.lint import exit_code, known_rules, lint
    from linter.model import Severity
    from linter.reporters import render

    rules = known_rules()
    config = load_config(args.config, cwd, environ, rules)
    fmt = args.format or config.format or "default"
    unknown = [r for r in (*args.enable_rule, *args.disable_rule, *args.only) if r not in rules]
    if unknown:
        print(
            f"certfit: error: no rule named {', '.join(unknown)}; rules: {', '.join(rules)}",
            file=sys.stderr,
        )
        return 1
    _rule_flags(config, args)
    from linter.limits import Limits

    _, problems = Limits.from_sources(environ, dict(args.limit))
    if problems:
        print(f"certfit: error: {'; '.join(problems)}", file=sys.stderr)
        return 1

    from linter.roots import command_line_root, default_root

    paths = [cwd / p for p in (args.paths or ["."])]
    # Where locations are shown from; each target's own root confines what its code names.
    root = command_line_root(args.root, environ) or default_root(paths[0])
    request = build_request(args, config, cwd, root, environ)

    progress = _Progress(sys.stderr, enabled=progress_enabled(fmt, sys.stderr))
    try:
        report = lint(request, progress)
    finally:
        progress.stop()

    in_actions = environ.get("GITHUB_ACTIONS") == "true"
    out = sys.stdout
    # Under Actions a person reads the log: add annotations unless a format was asked for.
    auto = in_actions and not args.format and fmt in ("default", "compact")
    annotate = fmt == "github" or args.annotate or auto or bool(args.annotations_file)
    annotations = render(report, "github", root=str(root)) if annotate else ""
    if fmt == "github":
        log = "" if args.annotations_file else annotations
    else:
        log = render(report, fmt, root=str(root), color=use_color(args.no_color, environ, out))
        if annotate and not args.annotations_file:
            log = _without_commands(log)  # the annotations follow in the same stream
    out.write(log)
    if fmt == "checkstyle" and report.errors:
        from linter.reporters._common import error_text
        from linter.reporters.escaping import display

        for err in report.errors:  # tflint prints input errors beside checkstyle on stderr
            print(f"Error: {display(error_text(err))}", file=sys.stderr)
    if annotate:
        if args.annotations_file:
            try:
                Path(args.annotations_file).write_text(annotations, encoding="utf-8")
            except OSError as exc:
                print(
                    f"certfit: cannot write {args.annotations_file}: {exc.strerror}",
                    file=sys.stderr,
                )
                return 1 if not (args.force or config.force) else 0
        elif fmt != "github":
            out.write(annotations)
        _append_step_summary(report, str(root), environ)
    out.flush()
    if args.sarif_file:
        try:
            Path(args.sarif_file).write_text(render(report, "sarif", root=str(root)))
        except OSError as exc:
            print(f"certfit: cannot write {args.sarif_file}: {exc.strerror}", file=sys.stderr)
            return 1 if not (args.force or config.force) else 0

    minimum = Severity(args.minimum_failure_severity or _config_minimum(config))
    force = args.force or bool(config.force)
    return exit_code(report, minimum, force)


def build_request(
    args: argparse.Namespace, config: Config, cwd: Path, root: Path, environ: Any
) -> LintRequest:
    """Flags over the config over the defaults: what this run reads and how it judges."""
    from linter.limits import Limits
    from linter.lint import LintRequest
    from linter.options import LoadOptions
    from linter.roots import command_line_root
    from linter.safe_files import SafeReader, max_bytes_from

    var_files = [cwd / v for v in args.var_file]
    reader = SafeReader(
        root,
        extra_roots=tuple(var_files),  # named on the command line: always readable
        max_bytes=args.max_file_size or max_bytes_from(environ),
    )
    _relative_config_paths(config, reader)
    options = LoadOptions(
        reader=reader,
        variables={**config.variables, **dict(args.var)},
        var_files=[*config.var_files, *var_files],
        parameters=dict(args.parameter),
        call_module_type=args.call_module_type or config.call_module_type or "local",
        cache_dir=None if args.no_cache else cache_dir(environ),
        certificate_mappings=config.certificate_mappings,
        environ=dict(environ),
        kubernetes_service_lb=config.kubernetes_service_lb,
        limits=Limits.from_sources(environ, dict(getattr(args, "limit", [])))[0],
    )
    return LintRequest(
        # "-" is standard input: Kubernetes manifests piped from helm template / kustomize.
        paths=[Path("-") if p == "-" else (cwd / p) for p in (args.paths or ["."])],
        options=options,
        config=config,
        recursive=args.recursive,
        as_of=args.as_of or config.as_of,
        expiry_days=args.expiry_days
        if args.expiry_days is not None
        else (config.expiry_days if config.expiry_days is not None else 30),
        fail_on_unresolved=args.fail_on_unresolved or bool(config.fail_on_unresolved),
        aws=args.aws or bool(config.aws),
        aws_cache_ttl=args.aws_cache_ttl,
        root_override=command_line_root(args.root, environ),
    )


def _without_commands(log: str) -> str:
    """`log` inside a `::stop-commands::<random token>` span, for a log that certfit's own
    annotations follow in the same stream: whatever the log shows, a runner reads none of it
    as a workflow command (the escaping in reporters/escaping.py already sees to that; this is
    the runner's own guarantee on top)."""
    import secrets

    if not log:
        return log
    token = secrets.token_hex(16)
    end = "" if log.endswith("\n") else "\n"
    return f"::stop-commands::{token}\n{log}{end}::{token}::\n"


def _rule_flags(config: Config, args: argparse.Namespace) -> None:
    """--only, --enable-rule and --disable-rule over the config's rule blocks, as tflint."""
    from linter.config import RuleConfig

    if args.only:
        config.disabled_by_default = True
        config.rules = {name: RuleConfig(enabled=True) for name in args.only}
    for name in args.enable_rule:
        config.rules.setdefault(name, RuleConfig()).enabled = True
    for name in args.disable_rule:
        config.rules.setdefault(name, RuleConfig()).enabled = False


def _config_minimum(config: Config) -> str:
    return config.minimum_failure_severity.value if config.minimum_failure_severity else "warning"


def _append_step_summary(report: Report, root: str, environ: Any) -> None:
    path = environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    from linter.reporters.github import step_summary

    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(step_summary(report, root=root))
    except OSError as exc:
        print(f"certfit: cannot write the job summary to {path}: {exc}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
