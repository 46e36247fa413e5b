"""One run: find what each path is, hand it to its front end, judge, filter, report.

Discovery follows what a user points at, like tflint: a directory is a Terraform root module
(with `--recursive`, every root module below it); a directory holding a cloud assembly's
`manifest.json` is `cdk.out`; a JSON file is a Terraform plan (`terraform show -json`) or a
CloudFormation template; a YAML file is a template. Front ends are imported only when needed,
so `certfit --version` stays fast and the CDK is never imported here.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.config import Config
from linter.model import Finding, InputError, Location, Model, Severity
from linter.options import LoadOptions
from linter.report import Report
from linter.safe_files import SafeReader, UnsafePath

if TYPE_CHECKING:
    from linter.engine import Settings

TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template", ".cfn")
MANIFEST_SUFFIXES = (".json", ".yaml", ".yml")  # Kubernetes manifests
UNRESOLVED = "unresolved_certificate"

Progress = Callable[[str], None]


@dataclass
class LintRequest:
    """Everything a run needs, after flags, config and defaults are layered."""

    paths: list[Path]  # absolute
    options: LoadOptions
    config: Config = field(default_factory=Config)
    recursive: bool = False
    as_of: date | None = None
    expiry_days: int = 30
    fail_on_unresolved: bool = False
    aws: bool = False  # --aws: resolve what the code only names, read-only
    aws_cache_ttl: int | None = None  # seconds; None: the default
    root_override: Path | None = None  # --root or $CERTFIT_ROOT (see linter/roots.py)


@dataclass
class Unit:
    """One thing to load: kind is terraform (a root module), terraform_tree (every root module
    below `path`, whose directories holding .tf files are `dirs`), cdk_out, plan, template or
    kubernetes."""

    kind: str
    path: Path
    dirs: list[Path] | None = None


class FrontEndMissing(Exception):
    pass


def _front_end(module: str, *names: str) -> tuple[Any, ...]:
    """Import front-end functions lazily; a missing or broken one is a clear input error."""
    import importlib

    try:
        mod = importlib.import_module(module)
        return tuple(getattr(mod, n) for n in names)
    except (ImportError, AttributeError) as exc:
        raise FrontEndMissing(
            f"this installation cannot read it: {module} is unavailable ({exc})"
        ) from exc


def _is_cloud_assembly(directory: Path, reader: SafeReader) -> bool:
    """A directory holding a cloud assembly's manifest.json. A manifest that is a link out of
    the root, a FIFO or too large is claimed too, unread: the front end reports why."""
    manifest = directory / "manifest.json"
    if not os.path.lexists(manifest):
        return False
    try:
        doc = json.loads(reader.read_bytes(manifest))
    except (OSError, ValueError, UnsafePath, RecursionError):
        return True  # claimed as an assembly; its front end reports what is wrong with it
    return isinstance(doc, dict) and ("artifacts" in doc or "version" in doc)


def _has_tf(directory: Path) -> bool:
    """Terraform reads .tf and .tf.json (CDKTF writes the latter) alike."""
    try:
        return any(e.name.endswith((".tf", ".tf.json")) for e in os.scandir(directory))
    except OSError:
        return False


def _classify_file(path: Path, reader: SafeReader | None = None) -> str | None:
    """What kind of input a file is; sniffing reads it, so a link out of the root is not."""
    if reader is not None:
        try:
            reader.resolve(path)
        except UnsafePath:
            return None
    suffix = path.suffix.lower()
    if suffix == ".json":
        (is_plan_json,) = _front_end("linter.terraform.plan", "is_plan_json")
        if is_plan_json(path, reader):
            return "plan"
    if suffix in TEMPLATE_SUFFIXES:
        (is_template,) = _front_end("linter.cloudformation", "is_cloudformation_template")
        if is_template(path, reader):
            return "template"
    if suffix in MANIFEST_SUFFIXES:
        (is_manifest,) = _front_end("linter.kubernetes", "is_kubernetes_manifest")
        if is_manifest(path, reader):
            return "kubernetes"
    return None


# Not walked by --recursive (nor hidden directories); `venv` is not read for templates, and
# `cdk.out` not for Terraform (an assembly is read through its manifest).
_SKIP_DIRS = frozenset({".terraform", ".git", "node_modules", ".venv", "__pycache__"})
WalkEntry = tuple[str, list[str], list[str]]


def walk_once(top: Path, reader: SafeReader) -> list[WalkEntry]:
    """The one walk of a --recursive target, shared by every front end (it follows no link
    and stays inside the root: SafeReader.walk)."""
    return [(d, list(dn), fn) for d, dn, fn in reader.walk(top, _SKIP_DIRS)]


def terraform_dirs(listing: list[WalkEntry]) -> list[Path]:
    """The walked directories holding .tf or .tf.json files, outside any `cdk.out`."""
    out: list[Path] = []
    skipped: set[str] = set()
    top = listing[0][0] if listing else ""
    for dirpath, _dirnames, filenames in listing:
        parent = os.path.dirname(dirpath)
        if parent in skipped or (dirpath != top and os.path.basename(dirpath) == "cdk.out"):
            skipped.add(dirpath)
            continue
        if any(f.endswith((".tf", ".tf.json")) for f in filenames):
            out.append(Path(dirpath))
    return out


_MAX_TEMPLATE_BYTES = 2 * 1024 * 1024  # CloudFormation's own limit is 1 MB


def _templates_and_assemblies(
    top: Path, reader: SafeReader, errors: list[InputError], listing: list[WalkEntry]
) -> list[Unit]:
    """For --recursive: every cdk.out assembly, CloudFormation template and Kubernetes manifest
    (a YAML/JSON file with a `kind: Service` or `kind: Ingress` line) below `top`. Plans are
    generated files and are linted only when named. Files inside an assembly are read through
    it, never twice. The walk follows no link (see SafeReader.walk)."""
    units: list[Unit] = []
    sniffers: dict[str, Any] = {}

    def sniffer(module: str, name: str) -> Any:
        """A front end's sniffing function, looked up once per walk, not once per file."""
        if module not in sniffers:
            try:
                (sniffers[module],) = _front_end(module, name)
            except FrontEndMissing:
                sniffers[module] = None
        return sniffers[module]

    top_real = str(reader.resolve(top))
    skipped: set[str] = set()  # directories not walked for templates, and those below them
    for dirpath, dirnames, filenames in listing:
        parent = os.path.dirname(dirpath)
        if parent in skipped or (dirpath != top_real and os.path.basename(dirpath) == "venv"):
            skipped.add(dirpath)
            continue
        here = Path(dirpath)
        listed = "manifest.json" in filenames or "manifest.json" in dirnames
        if dirpath != top_real and listed and _is_cloud_assembly(here, reader):
            units.append(Unit("cdk_out", here))
            skipped.add(dirpath)
            continue
        for name in sorted(n for n in filenames if n.lower().endswith(TEMPLATE_SUFFIXES)):
            child = here / name
            suffix = child.suffix.lower()
            if suffix not in TEMPLATE_SUFFIXES:
                continue
            try:
                st = child.stat()
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):  # a FIFO or device: said, not skipped
                rel = reader.relative(child)
                errors.append(
                    InputError(
                        "cannot read input",
                        f"{rel} is not a regular file (a FIFO or device); not read",
                        Location(rel),
                    )
                )
                continue
            is_template = sniffer("linter.cloudformation", "is_cloudformation_template")
            if st.st_size <= _MAX_TEMPLATE_BYTES and is_template and is_template(child, reader):
                units.append(Unit("template", child))
            elif suffix in MANIFEST_SUFFIXES:
                # Rendered charts can be larger than any template; the sniff has its own cap.
                is_manifest = sniffer("linter.kubernetes", "is_kubernetes_manifest")
                if is_manifest and is_manifest(child, reader):
                    units.append(Unit("kubernetes", child))
                    continue
            if st.st_size > _MAX_TEMPLATE_BYTES:
                # Too large to load, but said when its start is a template's: not skipped.
                looks = sniffer("linter.cloudformation.sniff", "looks_like_template")
                try:
                    head = reader.read_head(child, 64 * 1024).decode("utf-8", errors="replace")
                except (OSError, UnsafePath):
                    continue
                if looks and looks(head):
                    rel = reader.relative(child)
                    errors.append(
                        InputError(
                            "template not read",
                            f"{rel} is {st.st_size:,} bytes, over the {_MAX_TEMPLATE_BYTES:,}-byte "
                            "limit for a template (CloudFormation's own is 1 MB); not read",
                            Location(rel),
                        )
                    )
    return units


def discover(
    path: Path, recursive: bool, rel: str, reader: SafeReader
) -> tuple[list[Unit], list[InputError]]:
    """What `path` holds, as units to load; or an error saying why it holds nothing."""
    if not path.exists():
        return [], [InputError("path not found", f"{rel} does not exist", Location(rel))]
    if not path.is_file() and not path.is_dir():  # a FIFO or device named on the command line
        return [], [
            InputError(
                "cannot read input",
                f"{rel} is neither a regular file nor a directory; not read",
                Location(rel),
            )
        ]
    if path.is_file():
        if path.suffix == ".tf":
            # tflint lints modules, not files: lint the module the file belongs to.
            return [Unit("terraform", path.parent)], []
        try:
            kind = _classify_file(path, reader)
        except FrontEndMissing as exc:
            return [], [InputError("cannot read input", f"{rel}: {exc}", Location(rel))]
        if kind is None:
            return [], [
                InputError(
                    "unrecognised input",
                    f"{rel} is neither a Terraform plan (terraform show -json), a "
                    "CloudFormation template nor a Kubernetes manifest with a Service or Ingress",
                    Location(rel),
                )
            ]
        return [Unit(kind, path)], []
    if _is_cloud_assembly(path, reader):
        return [Unit("cdk_out", path)], []
    if recursive:
        listing = walk_once(path, reader)
        tf_dirs = terraform_dirs(listing)
        walk_errors: list[InputError] = []
        tree = [Unit("terraform_tree", path, tf_dirs)] if tf_dirs else []
        return tree + _templates_and_assemblies(path, reader, walk_errors, listing), walk_errors
    if _has_tf(path):
        return [Unit("terraform", path)], []
    # A directory of templates or plans (no .tf files): read each one that is recognised.
    units: list[Unit] = []
    for child in sorted(path.iterdir()):
        if child.suffix.lower() in TEMPLATE_SUFFIXES and reader.is_file(child):
            try:
                kind = _classify_file(child, reader)
            except FrontEndMissing:
                kind = None
            if kind is not None:
                units.append(Unit(kind, child))
    if not units:
        return [], [
            InputError(
                "nothing to lint",
                f"{rel} holds no .tf files, CloudFormation templates, plan JSON or cdk.out "
                "manifest (use --recursive to lint every root module below it)",
                Location(rel),
            )
        ]
    return units, []


def load_unit(unit: Unit, options: LoadOptions) -> Model:
    if unit.kind == "terraform":
        (load,) = _front_end("linter.terraform", "load_terraform")
    elif unit.kind == "cdk_out":
        (load,) = _front_end("linter.cloudformation", "load_cdk_out")
    elif unit.kind == "plan":
        (load,) = _front_end("linter.terraform.plan", "load_plan")
    elif unit.kind == "kubernetes":
        (load,) = _front_end("linter.kubernetes", "load_manifests")
    elif unit.kind == "kubernetes_stdin":
        (load_stdin,) = _front_end("linter.kubernetes", "load_stdin")
        stdin_model: Model = load_stdin(options)
        return stdin_model
    else:
        (load,) = _front_end("linter.cloudformation", "load_template")
    model: Model = load(unit.path, options)
    return model


def load_tree(unit: Unit, options: LoadOptions, settings: Settings | None) -> list[Model]:
    """Every root module below a --recursive target (see linter/terraform/survey.py), each
    judged with `settings` in the process that loaded it when they are given."""
    (load,) = _front_end("linter.terraform.survey", "load_tree")
    (stats,) = _front_end("linter.terraform", "total_stats")
    models, _plan, parse_stats = load(unit.path, unit.dirs or [], options, settings=settings)
    stats.add(parse_stats)
    return list(models)


def target_options(request: LintRequest, path: Path, model: Model) -> LoadOptions:
    """The options a target is loaded with: its reader is confined to the target's root
    (--root, else its git work tree, else its directory; narrowed by the config's `root`),
    and may always read the target itself, which the user named."""
    from dataclasses import replace

    from linter.roots import default_root, narrowed

    base = request.options.reader
    root = request.root_override or default_root(path)
    root, refused = narrowed(root, request.config.root)
    if refused and not any(e.summary == _WIDENING for e in model.errors):
        shown = base.relative(request.config.path) if request.config.path else ".certfit.hcl"
        model.errors.append(
            InputError(
                _WIDENING,
                f'{shown}: root = "{request.config.root}" is outside the project root '
                f"{root}; a config file may only narrow the root (--root or $CERTFIT_ROOT "
                "widen it); ignored",
                Location(shown),
            )
        )
    return replace(request.options, reader=base.rooted_at(root, path))


_WIDENING = "config root refused"


def load_models(request: LintRequest, progress: Progress | None = None) -> list[Model]:
    """One model per unit (root module, template, plan, assembly), judged separately like
    tflint's --recursive runs each module; the first holds discovery errors. A failing unit
    becomes an input error; the others go on."""
    reader = request.options.reader
    model = Model()
    models = [model]
    units: list[tuple[Unit, str, LoadOptions]] = []
    seen: set[tuple[str, Path]] = set()
    for path in request.paths:
        if str(path) == "-":  # standard input: manifests from helm template / kustomize
            if ("kubernetes_stdin", path) not in seen:
                seen.add(("kubernetes_stdin", path))
                units.append((Unit("kubernetes_stdin", path), "-", request.options))
            continue
        rel = reader.relative(path)
        options = target_options(request, path, model)
        found, errors = discover(path, request.recursive, rel, options.reader)
        model.errors.extend(errors)
        for unit in found:
            key = (unit.kind, unit.path.resolve())
            if key not in seen:
                seen.add(key)
                units.append((unit, reader.relative(unit.path), options))
    # Inline ignores (judge) read the files of every target: widen the run's reader to them.
    roots = {o.reader.root for _, _, o in units}
    request.options.reader = reader.widened(*roots, *request.paths)
    tf_units = [(u, rel, o) for u, rel, o in units if u.kind == "terraform"]
    if len(tf_units) > 1:
        # Root modules are independent: a cold run's cost is python-hcl2 on one core, so
        # load them in worker processes; a failure anywhere falls back to one by one, so
        # the failing unit becomes an input error and the others still count.
        if progress is not None:
            progress(f"reading {len(tf_units)} root modules")
        try:
            (load_many,) = _front_end("linter.terraform", "load_many")
            by_options: dict[int, list[Path]] = {}
            for u, _, o in tf_units:  # one batch per target root (usually one)
                by_options.setdefault(id(o), []).append(u.path)
            batches = {id(o): o for _, _, o in tf_units}
            loaded = [m for k, paths in by_options.items() for m in load_many(paths, batches[k])]
            models.extend(loaded)
            units = [(u, rel, o) for u, rel, o in units if u.kind != "terraform"]
        except Exception:  # each unit is retried below and reported on its own
            pass
    for i, (unit, rel, options) in enumerate(units, start=1):
        if progress is not None:
            progress(f"reading {rel or '.'} ({i}/{len(units)})")
        try:
            if unit.kind == "terraform_tree":
                # Judged where loaded, unless --aws fills the models in afterwards.
                early = None if request.aws else settings_for(request)
                models.extend(load_tree(unit, options, early))
                continue
            models.append(load_unit(unit, options))
        except FrontEndMissing as exc:
            model.errors.append(InputError("cannot read input", f"{rel}: {exc}", Location(rel)))
        except Exception as exc:  # a front-end bug must not hide the other paths' findings
            model.errors.append(
                InputError(
                    "internal error",
                    f"certfit failed reading {rel or '.'}: {type(exc).__name__}: {exc}. "
                    "Please report this at https://github.com/certfit/certfit/issues",
                    Location(rel),
                )
            )
    return models


def known_rules() -> tuple[str, ...]:
    from linter.rules import RULE_NAMES

    return RULE_NAMES


def settings_for(request: LintRequest) -> Settings:
    """What the rules judge against in this run (dates, disabled rules, severities)."""
    from linter.engine import Settings

    return Settings(
        as_of=request.as_of,
        expiry_days=request.expiry_days,
        disabled_rules=request.config.disabled_rules(known_rules()),
        severity_overrides=request.config.severity_overrides(),
    )


def judge(
    models: list[Model], request: LintRequest, suppressed: list[Finding] | None = None
) -> tuple[list[Finding], Model]:
    """Rules over each model, then ignores and suppressions, then the config's rule settings.
    Returns the findings and the merged model; silenced findings go to `suppressed`."""
    from linter import ignores
    from linter.engine import evaluate

    config = request.config
    settings = settings_for(request)
    findings: list[Finding] = []
    model = Model()
    for m in models:
        findings.extend(evaluate(m, settings))
        model.extend(m)
    model.suppressions.extend(config.suppressions)
    silenced: list[Finding] = []
    findings = ignores.apply(findings, model, request.options.reader, silenced)
    if suppressed is not None:
        suppressed.extend(f for f in silenced if config.rule_enabled(f.rule))
    result: list[Finding] = []
    seen: set[tuple[Any, ...]] = set()
    overrides = config.severity_overrides()
    for f in findings:
        if not config.rule_enabled(f.rule):
            continue
        if f.rule in overrides:
            f.severity = overrides[f.rule]
        if request.fail_on_unresolved and f.rule == UNRESOLVED:
            f.severity = Severity.ERROR
            f.details = {**f.details, "failed_by": "--fail-on-unresolved"}
        key = (f.rule, f.message, f.location, f.callers)
        if key not in seen:
            seen.add(key)
            result.append(f)
    return sorted(result, key=Finding.sort_key), model


def lint(request: LintRequest, progress: Progress | None = None) -> Report:
    from linter import limits

    with limits.using(request.options.limits):  # what discovery and the front ends bound
        models = load_models(request, progress)
    if request.aws:
        if progress is not None:
            progress("asking AWS")
        models[0].errors.extend(resolve_live(models, request))
    if progress is not None:
        progress("checking")
    suppressed: list[Finding] = []
    findings, model = judge(models, request, suppressed)
    # The same error once: a file shared by several root modules is read by each of them.
    errors = list(dict.fromkeys([*request.config.errors, *model.errors]))
    return Report(
        findings=findings,
        errors=errors,
        as_of=request.as_of,
        root=str(request.options.root),
        suppressed=sorted(suppressed, key=Finding.sort_key),
    )


def resolve_live(models: list[Model], request: LintRequest) -> list[InputError]:
    """`--aws`: fill in from AWS what the front ends could only name. boto3 is imported only
    here, so a run without --aws never loads it or touches the network."""
    try:
        from linter.aws import AwsUnavailable
        from linter.aws.clients import Clients
        from linter.aws.lookups import DEFAULT_CACHE_TTL, Aws
        from linter.aws.resolve import resolve_models

        aws = Aws(
            Clients(),
            request.options.cache_dir,
            DEFAULT_CACHE_TTL if request.aws_cache_ttl is None else request.aws_cache_ttl,
        )
    except AwsUnavailable as exc:
        return [InputError("--aws is unavailable", str(exc), Location("--aws"))]
    resolve_models(models, aws, request.options)
    return []


def exit_code(report: Report, minimum: Severity, force: bool = False) -> int:
    """tflint's codes: 0 clean, 1 input errors, 2 issues at or above `minimum`, 3 both."""
    if force:
        return 0
    errors = any(e.severity == Severity.ERROR for e in report.errors)
    issues = any(f.severity.rank >= minimum.rank for f in report.findings)
    return (1 if errors else 0) | (2 if issues else 0)
