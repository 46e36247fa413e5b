"""Finding and reading templates: single files and whole `cdk.out` cloud assemblies."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from linter.cloudformation.cdk_metadata import (
    CdkStackMetadata,
    read_stack_metadata,
    tree_logical_ids,
)
from linter.cloudformation.parse import TemplateLimitError, TemplateSyntaxError, load_text
from linter.cloudformation.resources import (
    RELEVANT_TYPES,
    TemplateSource,
    model_from_template,
    model_from_templates,
)
from linter.cloudformation.sniff import looks_like_template
from linter.limits import raise_hint
from linter.model import InputError, Location, Model
from linter.options import LoadOptions
from linter.safe_files import SafeReader, UnsafePath

TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template", ".cfn")
_SNIFF_BYTES = 64 * 1024


def _needs_positions(resource: Any) -> bool:
    rtype = resource.get("Type") if isinstance(resource, Mapping) else None
    return isinstance(rtype, str) and rtype in RELEVANT_TYPES  # a Type may be any JSON value


def is_cloudformation_template(path: Path, reader: SafeReader | None = None) -> bool:
    """True for a JSON/YAML file whose top level has `Resources` or `AWSTemplateFormatVersion`.

    Terraform plan JSON (`terraform show -json`) has neither, and `terraform_version` besides;
    it is never claimed. Read through `reader` (default: one confined to the file's
    directory), so sniffing never reads a file the run may not read, nor blocks on a FIFO."""
    path = Path(path)
    if path.suffix.lower() not in TEMPLATE_SUFFIXES:
        return False
    reader = reader or SafeReader(os.path.dirname(os.path.abspath(path)))
    try:
        head = reader.read_head(path, _SNIFF_BYTES).decode("utf-8", errors="replace")
    except (OSError, UnsafePath):
        return False
    if "Resources" not in head and "AWSTemplateFormatVersion" not in head:
        return False
    try:
        doc = load_text(reader.read_text(path), path.suffix)
    except TemplateLimitError:
        return True  # it says it is a template: reading it reports the limit at its line
    except (TemplateSyntaxError, UnicodeDecodeError, RecursionError):
        return looks_like_template(head)  # a broken template: loading it reports where
    except (OSError, UnsafePath):
        return False
    if not isinstance(doc, Mapping) or "terraform_version" in doc or "format_version" in doc:
        return False
    return isinstance(doc.get("Resources"), Mapping) or "AWSTemplateFormatVersion" in doc


def _read_template(
    path: Path, options: LoadOptions, model: Model
) -> tuple[Mapping[str, Any] | None, str]:
    rel = options.reader.relative(path)
    try:
        text = options.reader.read_bytes(path).decode("utf-8")
    except (UnsafePath, OSError, UnicodeDecodeError) as exc:
        model.errors.append(InputError("cannot read template", str(exc), Location(rel)))
        return None, rel
    try:
        doc = load_text(text, path.suffix, _needs_positions)
    except TemplateSyntaxError as exc:
        model.errors.append(
            InputError(
                "template does not parse", f"{rel}: {exc}", Location(rel, exc.line, exc.column)
            )
        )
        return None, rel
    except RecursionError:
        model.errors.append(
            InputError("template does not parse", "nested too deeply", Location(rel))
        )
        return None, rel
    if not isinstance(doc, Mapping):
        model.errors.append(
            InputError("not a template", f"{rel} is not a JSON/YAML mapping", Location(rel, 1))
        )
        return None, rel
    return doc, rel


def load_template(path: Path, options: LoadOptions) -> Model:
    """The Model of one CloudFormation template file (JSON or YAML)."""
    model = Model()
    doc, rel = _read_template(Path(path), options, model)
    if doc is not None:
        model.extend(model_from_template(doc, TemplateSource(rel), options))
    return model


def _environment(env: Any) -> tuple[str | None, str | None]:
    """(region, account) from `aws://ACCOUNT/REGION`; unknown-* parts are None."""
    if not isinstance(env, str) or not env.startswith("aws://"):
        return None, None
    account, _, region = env[len("aws://") :].partition("/")
    return (
        None if region.startswith("unknown-") or not region else region,
        None if account.startswith("unknown-") or not account else account,
    )


def _asset_templates(
    directory: Path, options: LoadOptions, model: Model | None = None
) -> dict[str, str]:
    """Asset hash -> file, from the assembly's `*.assets.json`: how a nested stack's
    TemplateURL names its template when asset metadata (aws:asset:path) is off."""
    found: dict[str, str] = {}
    for manifest in sorted(directory.glob("*.assets.json")):  # names only: read below
        try:
            doc = json.loads(options.reader.read_bytes(manifest))
        except (UnsafePath, OSError) as exc:  # a link out of the root, a FIFO, too large
            if model is not None:
                rel = options.reader.relative(manifest)
                model.errors.append(
                    InputError("cannot read asset manifest", str(exc), Location(rel))
                )
            continue
        except (ValueError, RecursionError):
            continue
        files = doc.get("files") if isinstance(doc, Mapping) else None
        for asset_hash, asset in (files or {}).items():
            source = asset.get("source") if isinstance(asset, Mapping) else None
            path = source.get("path") if isinstance(source, Mapping) else None
            if isinstance(path, str) and path.endswith(".json"):
                found[str(asset_hash)] = path
    return found


def _nested_template(res: Mapping[str, Any], assets: dict[str, str]) -> str | None:
    md = res.get("Metadata")
    asset = md.get("aws:asset:path") if isinstance(md, Mapping) else None
    if isinstance(asset, str) and asset.endswith(".json"):
        return asset
    props = res.get("Properties")
    url = json.dumps(props.get("TemplateURL")) if isinstance(props, Mapping) else ""
    return next((path for h, path in assets.items() if h in url), None)


class _Seen:
    """What one cdk.out load has read: each assembly directory and each template once (a
    manifest may name `.` as a nested assembly, a nested stack may name its own template),
    and at most `limits.instances` stacks in all."""

    def __init__(self, options: LoadOptions) -> None:
        self.allowed = options.limits.instances
        self.paths: set[str] = set()
        self.stacks = 0

    def first(self, path: Path) -> bool:
        key = os.path.realpath(path)
        if key in self.paths:
            return False
        self.paths.add(key)
        return True


def _load_stack(
    directory: Path,
    template_file: str,
    region: str | None,
    account: str | None,
    options: LoadOptions,
    model: Model,
    assets: dict[str, str],
    found: list[tuple[Mapping[str, Any], TemplateSource]],
    seen: _Seen,
    depth: int = 0,
    artifact: Mapping[str, Any] | None = None,
) -> None:
    path = directory / template_file
    if not seen.first(path):
        return  # read already: as a top-level stack, or a nested stack naming it again
    seen.stacks += 1
    if seen.stacks > seen.allowed:
        if seen.stacks == seen.allowed + 1:
            model.errors.append(
                InputError(
                    "input past a limit",
                    f"this cloud assembly has more than {seen.allowed:,} stacks; the rest are "
                    f"not read ({raise_hint('instances')})",
                    Location(options.reader.relative(path)),
                )
            )
        return
    doc, rel = _read_template(path, options, model)
    if doc is None:
        return
    cdk = _stack_metadata(directory, artifact, doc, options) if artifact is not None else None
    found.append((doc, TemplateSource(rel, region, account, cdk=cdk)))
    # Nested stacks: the CDK writes their templates next to the parent's, as file assets.
    resources = doc.get("Resources")
    if depth > 10 or not isinstance(resources, Mapping):
        return
    for res in resources.values():
        if not isinstance(res, Mapping) or res.get("Type") != "AWS::CloudFormation::Stack":
            continue
        nested = _nested_template(res, assets)
        if nested is not None:
            _load_stack(
                directory, nested, region, account, options, model, assets, found, seen, depth + 1
            )


def _stack_metadata(
    directory: Path, artifact: Mapping[str, Any], doc: Mapping[str, Any], options: LoadOptions
) -> CdkStackMetadata | None:
    """Construct paths and acknowledgements of a stack, from the assembly (tree.json names the
    constructs when the metadata file does not)."""
    resources = doc.get("Resources")
    ids = {str(k) for k in resources} if isinstance(resources, Mapping) else set()
    meta = read_stack_metadata(directory, artifact, options.reader, ids)
    name = artifact.get("displayName")
    if isinstance(name, str) and (meta is None or not meta.paths):
        from_tree = tree_logical_ids(directory, options.reader).get(name, {})
        if from_tree:
            meta = meta or CdkStackMetadata()
            meta.paths = {lid: path for lid, path in from_tree.items() if lid in ids}
    return meta


def load_cdk_out(directory: Path, options: LoadOptions) -> Model:
    """The Model of every stack in a cloud assembly (`cdk.out`), nested stages included."""
    model = Model()
    found: list[tuple[Mapping[str, Any], TemplateSource]] = []
    _load_assembly(Path(directory), options, model, found, 0, _Seen(options))
    # All stacks at once, so that cross-stack references are followed.
    model.extend(model_from_templates(found, options))
    return model


def load_cdk_stacks(templates: list[Path], options: LoadOptions) -> Model:
    """The Model of some stacks of cloud assemblies (what a CDK validation plugin is given),
    read as `load_cdk_out` reads them: with each stack's environment, nested stacks, construct
    paths and acknowledgements from its manifest."""
    model = Model()
    found: list[tuple[Mapping[str, Any], TemplateSource]] = []
    manifests: dict[Path, dict[str, Mapping[str, Any]]] = {}
    assets_of: dict[Path, dict[str, str]] = {}  # each assembly's *.assets.json read once
    seen = _Seen(options)  # each template once, as load_cdk_out reads them
    for template in templates:
        directory = template.parent
        if directory not in manifests:
            manifests[directory] = _stack_artifacts(directory, options)
            assets_of[directory] = _asset_templates(directory, options)
        artifact = manifests[directory].get(template.name)
        region, account = _environment(artifact.get("environment")) if artifact else (None, None)
        assets = assets_of[directory]
        _load_stack(
            directory,
            template.name,
            region,
            account,
            options,
            model,
            assets,
            found,
            seen,
            artifact=artifact or {},
        )
    model.extend(model_from_templates(found, options))
    return model


def cdk_stack_paths(templates: list[Path], options: LoadOptions) -> list[str]:
    """The construct paths of the stacks these templates belong to (the manifest's
    displayName, e.g. `Prod/Api`), so that a plugin can look above them (Stages, the App)."""
    paths = []
    for template in templates:
        artifact = _stack_artifacts(template.parent, options).get(template.name) or {}
        name = artifact.get("displayName")
        paths.append(name if isinstance(name, str) else template.name.split(".")[0])
    return paths


def _stack_artifacts(directory: Path, options: LoadOptions) -> dict[str, Mapping[str, Any]]:
    """Template file name -> its stack artifact, from the assembly's manifest.json."""
    try:
        manifest = json.loads(options.reader.read_bytes(directory / "manifest.json"))
    except (UnsafePath, OSError, ValueError):
        return {}
    artifacts = manifest.get("artifacts") if isinstance(manifest, Mapping) else None
    out: dict[str, Mapping[str, Any]] = {}
    for artifact in artifacts.values() if isinstance(artifacts, Mapping) else []:
        props = artifact.get("properties") if isinstance(artifact, Mapping) else None
        if isinstance(props, Mapping) and isinstance(props.get("templateFile"), str):
            out[props["templateFile"]] = artifact
    return out


def _load_assembly(
    directory: Path,
    options: LoadOptions,
    model: Model,
    found: list[tuple[Mapping[str, Any], TemplateSource]],
    depth: int,
    seen: _Seen,
) -> None:
    if not seen.first(directory):
        return  # a manifest naming `.` (or an ancestor) as a nested assembly
    manifest_path = directory / "manifest.json"
    rel = options.reader.relative(manifest_path)
    try:
        manifest = json.loads(options.reader.read_bytes(manifest_path))
    except FileNotFoundError:
        # Not an assembly after all: read whatever templates the directory holds.
        for path in sorted(directory.glob("*.template.json")):
            if not seen.first(path):
                continue
            doc, trel = _read_template(path, options, model)
            if doc is not None:
                found.append((doc, TemplateSource(trel)))
        return
    except (UnsafePath, OSError, ValueError) as exc:
        model.errors.append(InputError("cannot read cloud assembly", str(exc), Location(rel)))
        return
    except RecursionError:
        model.errors.append(
            InputError(
                "cannot read cloud assembly",
                "manifest.json is nested too deeply for certfit to read",
                Location(rel),
            )
        )
        return
    artifacts = manifest.get("artifacts") if isinstance(manifest, Mapping) else None
    if not isinstance(artifacts, Mapping):
        return
    assets = _asset_templates(directory, options, model)
    for artifact in artifacts.values():
        if not isinstance(artifact, Mapping):
            continue
        props = artifact.get("properties")
        props = props if isinstance(props, Mapping) else {}
        kind = artifact.get("type")
        if kind == "aws:cloudformation:stack" and isinstance(props.get("templateFile"), str):
            region, account = _environment(artifact.get("environment"))
            _load_stack(
                directory,
                props["templateFile"],
                region,
                account,
                options,
                model,
                assets,
                found,
                seen,
                artifact=artifact,
            )
        elif (
            kind == "cdk:cloud-assembly"
            and isinstance(props.get("directoryName"), str)
            and depth < 20  # a safety net against a manifest that names itself
        ):
            _load_assembly(
                directory / props["directoryName"], options, model, found, depth + 1, seen
            )
