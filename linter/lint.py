"""One run: find what each path is, hand it to its front end, judge, filter, report.

Discovery follows what a user points at, like tflint: a directory is a Terraform root module
(with `--recursive`, every root module below it); a directory holding a cloud assembly's
`manifest.json` is `cdk.out`; a JSON file is a Terraform plan (`terraform show -json`) or a
CloudFormation template; a YAML file is a template. Front ends are imported only when needed,
so `certfit --version` stays fast and the CDK is never imported here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from linter.config import Config
from linter.model import Finding, InputError, Location, Model, Severity
from linter.options import LoadOptions
from linter.report import Report
from linter.safe_files import SafeReader, UnsafePath

TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template", ".cfn")
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


@dataclass
class Unit:
    """One thing to load: kind is terraform, cdk_out, plan or template."""

    kind: str
    path: Path


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


def _is_cloud_assembly(directory: Path) -> bool:
    manifest = directory / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        doc = json.loads(manifest.read_bytes()[: 8 * 1024 * 1024])
    except (OSError, ValueError, RecursionError):
        return True  # claimed as an assembly; its front end reports what is wrong with it
    return isinstance(doc, dict) and ("artifacts" in doc or "version" in doc)


def _has_tf(directory: Path) -> bool:
    """Terraform reads .tf and .tf.json (CDKTF writes the latter) alike."""
    return any(p.is_file() for pattern in ("*.tf", "*.tf.json") for p in directory.glob(pattern))


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
        if is_plan_json(path):
            return "plan"
    if suffix in TEMPLATE_SUFFIXES:
        (is_template,) = _front_end("linter.cloudformation", "is_cloudformation_template")
        if is_template(path, reader):
            return "template"
    return None


_SKIP_DIRS = {".terraform", ".git", "node_modules", ".venv", "venv", "__pycache__"}
_MAX_TEMPLATE_BYTES = 2 * 1024 * 1024  # CloudFormation's own limit is 1 MB


def _templates_and_assemblies(top: Path, reader: SafeReader | None = None) -> list[Unit]:
    """For --recursive: every cdk.out assembly and CloudFormation template below `top`.
    Plans are generated files and are linted only when named. Files inside an assembly are
    read through it, never twice."""
    import os

    units: list[Unit] = []
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        if here != top and _is_cloud_assembly(here):
            units.append(Unit("cdk_out", here))
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            child = here / name
            if child.suffix.lower() not in TEMPLATE_SUFFIXES:
                continue
            try:
                if child.stat().st_size > _MAX_TEMPLATE_BYTES:
                    continue
                (is_template,) = _front_end("linter.cloudformation", "is_cloudformation_template")
            except (OSError, FrontEndMissing):
                continue
            if is_template(child, reader):
                units.append(Unit("template", child))
    return units


def discover(
    path: Path, recursive: bool, rel: str, reader: SafeReader | None = None
) -> tuple[list[Unit], list[InputError]]:
    """What `path` holds, as units to load; or an error saying why it holds nothing."""
    if not path.exists():
        return [], [InputError("path not found", f"{rel} does not exist", Location(rel))]
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
                    f"{rel} is neither a Terraform plan (terraform show -json) nor a "
                    "CloudFormation template",
                    Location(rel),
                )
            ]
        return [Unit(kind, path)], []
    if _is_cloud_assembly(path):
        return [Unit("cdk_out", path)], []
    if recursive:
        try:
            (find_root_modules,) = _front_end("linter.terraform", "find_root_modules")
        except FrontEndMissing as exc:
            return [], [InputError("cannot read input", f"{rel}: {exc}", Location(rel))]
        modules = [Unit("terraform", Path(m)) for m in find_root_modules(path)]
        return modules + _templates_and_assemblies(path, reader), []
    if _has_tf(path):
        return [Unit("terraform", path)], []
    # A directory of templates or plans (no .tf files): read each one that is recognised.
    units: list[Unit] = []
    for child in sorted(path.iterdir()):
        if child.is_file() and child.suffix.lower() in TEMPLATE_SUFFIXES:
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
    else:
        (load,) = _front_end("linter.cloudformation", "load_template")
    model: Model = load(unit.path, options)
    return model


def load_models(request: LintRequest, progress: Progress | None = None) -> list[Model]:
    """One model per unit (root module, template, plan, assembly), judged separately like
    tflint's --recursive runs each module; the first holds discovery errors. A failing unit
    becomes an input error; the others go on."""
    reader = request.options.reader
    model = Model()
    models = [model]
    units: list[tuple[Unit, str]] = []
    seen: set[tuple[str, Path]] = set()
    for path in request.paths:
        rel = reader.relative(path)
        try:
            reader.resolve(path)
        except Exception as exc:  # UnsafePath: outside the root
            model.errors.append(
                InputError(
                    "path outside the project root",
                    f"{exc}; pass --root to widen where certfit may read",
                    Location(rel),
                )
            )
            continue
        found, errors = discover(path, request.recursive, rel, request.options.reader)
        model.errors.extend(errors)
        for unit in found:
            key = (unit.kind, unit.path.resolve())
            if key not in seen:
                seen.add(key)
                units.append((unit, reader.relative(unit.path)))
    tf_units = [(u, rel) for u, rel in units if u.kind == "terraform"]
    if len(tf_units) > 1:
        # Root modules are independent: a cold run's cost is python-hcl2 on one core, so
        # load them in worker processes; a failure anywhere falls back to one by one, so
        # the failing unit becomes an input error and the others still count.
        if progress is not None:
            progress(f"reading {len(tf_units)} root modules")
        try:
            (load_many,) = _front_end("linter.terraform", "load_many")
            models.extend(load_many([u.path for u, _ in tf_units], request.options))
            units = [(u, rel) for u, rel in units if u.kind != "terraform"]
        except Exception:  # each unit is retried below and reported on its own
            pass
    for i, (unit, rel) in enumerate(units, start=1):
        if progress is not None:
            progress(f"reading {rel or '.'} ({i}/{len(units)})")
        try:
            models.append(load_unit(unit, request.options))
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


def judge(models: list[Model], request: LintRequest) -> tuple[list[Finding], Model]:
    """Rules over each model, then ignores and suppressions, then the config's rule settings.
    Returns the findings and the merged model."""
    from linter import ignores
    from linter.engine import Settings, evaluate

    config = request.config
    settings = Settings(
        as_of=request.as_of,
        expiry_days=request.expiry_days,
        disabled_rules=config.disabled_rules(known_rules()),
        severity_overrides=config.severity_overrides(),
    )
    findings: list[Finding] = []
    model = Model()
    for m in models:
        findings.extend(evaluate(m, settings))
        model.extend(m)
    model.suppressions.extend(config.suppressions)
    findings = ignores.apply(findings, model, request.options.reader)
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
    if progress is not None:
        progress("checking")
    findings, model = judge(models, request)
    errors = [*request.config.errors, *model.errors]
    return Report(
        findings=findings,
        errors=errors,
        as_of=request.as_of,
        root=str(request.options.root),
    )


def exit_code(report: Report, minimum: Severity, force: bool = False) -> int:
    """tflint's codes: 0 clean, 1 input errors, 2 issues at or above `minimum`, 3 both."""
    if force:
        return 0
    errors = any(e.severity == Severity.ERROR for e in report.errors)
    issues = any(f.severity.rank >= minimum.rank for f in report.findings)
    return (1 if errors else 0) | (2 if issues else 0)
