"""What a CDK cloud assembly says about a stack beyond its template: which construct each
resource came from, and the rules acknowledged on constructs.

The CDK writes every construct's metadata into the stack's metadata file (`<Stack>.metadata.json`,
named by the manifest's `additionalMetadataFile`; older versions inline it as the artifact's
`metadata`), keyed by `/` + construct path:

- `aws:cdk:logicalId`: the resource's logical id, so a template written without `aws:cdk:path`
  (a plain `app.synth()`, as unit tests run it) still names its constructs;
- `aws:cdk:acknowledged-rules`: `{id: reason}` from `Validations.of(scope).acknowledge(...)`.

`tree.json` (each L1 node's `aws:cdk:cloudformation:logicalId`) is the fallback for the ids.
Only the ids certfit owns count (`certfit::<rule>`, as the CDK prints it, and the Aspect's warning
id `certfit:<rule>`, which the CDK records as `Annotation::certfit:<rule>`); another tool's
acknowledgements are its own business.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.model import InputError, Location, Model, Severity, Suppression
from linter.safe_files import SafeReader, UnsafePath

ACKNOWLEDGED_RULES = "aws:cdk:acknowledged-rules"  # Validations.ACKNOWLEDGED_RULES_METADATA_KEY
LOGICAL_ID = "aws:cdk:logicalId"
PLUGIN_NAMESPACE = "certfit"  # CertFitValidation.name: the CDK prints `certfit::<rule>`
_MAX_BYTES = 64 * 1024 * 1024
_MAX_TREE_DEPTH = 200


def acknowledged_rule(ack_id: str) -> str | None:
    """The certfit rule an acknowledgement id names, or None when it is not certfit's."""
    text = ack_id.strip()
    if text.lower().startswith("annotation::"):  # aws-cdk-lib < 2.262.1 wrote it lowercase
        text = text.split("::", 1)[1]
    for prefix in (f"{PLUGIN_NAMESPACE}::", f"{PLUGIN_NAMESPACE}:"):
        if text.startswith(prefix):
            rule = text[len(prefix) :].strip()
            return rule or None
    return None


@dataclass(frozen=True)
class Acknowledgement:
    """One certfit id acknowledged on a construct (and so on everything below it)."""

    construct_path: str  # without the leading "/"
    id: str  # as recorded (`certfit::weak_key`, `Annotation::certfit:weak_key`)
    rule: str
    reason: str


@dataclass
class CdkStackMetadata:
    """What the assembly says about one stack: logical id -> construct path, and the certfit
    acknowledgements recorded on the stack's constructs. `file` is where it was read."""

    file: str = ""
    paths: dict[str, str] = field(default_factory=dict)
    acknowledgements: list[Acknowledgement] = field(default_factory=list)


def add_acknowledgements(model: Model, acks: list[Acknowledgement], file: str) -> None:
    """Each acknowledgement as a suppression of its construct and everything below it (the
    CDK's own reading); one without a reason is not taken, and said (`file`: where it was
    recorded, for both)."""
    for ack in acks:
        location = Location(file, construct_path=ack.construct_path or None)
        if not ack.reason.strip():
            model.errors.append(
                InputError(
                    "invalid acknowledgement",
                    f"{ack.id} on {ack.construct_path or 'the app'} has no reason; "
                    "give one, it is what the report keeps",
                    location,
                    Severity.WARNING,
                )
            )
            continue
        model.suppressions.append(
            Suppression(
                rules=frozenset({ack.rule}),
                reason=ack.reason,
                location=location,
                construct_path=ack.construct_path,
                kind="acknowledgement",
                id=ack.id,
            )
        )


def acknowledgements_in(path: str, entries: Any) -> Iterator[Acknowledgement]:
    """The certfit acknowledgements among one construct's metadata entries."""
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, Mapping) or entry.get("type") != ACKNOWLEDGED_RULES:
            continue
        data = entry.get("data")
        for ack_id, reason in data.items() if isinstance(data, Mapping) else []:
            rule = acknowledged_rule(str(ack_id))
            if rule is not None:
                yield Acknowledgement(path.lstrip("/"), str(ack_id), rule, str(reason or ""))


def from_metadata(by_path: Any, template_ids: set[str] | None = None) -> CdkStackMetadata:
    """Parse a stack's metadata (`{"/path": [entries]}`). A logical id claimed by two paths
    (a nested stack's resource may share its parent's id) is left out: the path is then
    unknown, never wrong. `template_ids` keeps only the ids the template has."""
    out = CdkStackMetadata()
    seen: dict[str, str | None] = {}
    for path, entries in by_path.items() if isinstance(by_path, Mapping) else []:
        if not isinstance(path, str):
            continue
        out.acknowledgements.extend(acknowledgements_in(path, entries))
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, Mapping) and entry.get("type") == LOGICAL_ID:
                lid = entry.get("data")
                if isinstance(lid, str) and (template_ids is None or lid in template_ids):
                    seen[lid] = None if lid in seen else path.lstrip("/")
    out.paths = {lid: path for lid, path in seen.items() if path}
    return out


def _read_json(path: Path, reader: SafeReader) -> Any:
    try:
        real = reader.resolve(path)
        if not real.is_file() or real.stat().st_size > _MAX_BYTES:
            return None
        return json.loads(reader.read_bytes(path))
    except (UnsafePath, OSError, ValueError, RecursionError):
        return None


def tree_logical_ids(directory: Path, reader: SafeReader) -> dict[str, dict[str, str]]:
    """Stack path -> {logical id: construct path}, from the assembly's `tree.json` (only the
    main file: a tree split into `trees-N.json` forests is read as far as it goes)."""
    doc = _read_json(directory / "tree.json", reader)
    root = doc.get("tree") if isinstance(doc, Mapping) else None
    found: dict[str, dict[str, str]] = {}
    stack: list[tuple[Any, str, int]] = [(root, "", 0)]
    while stack:
        node, owner, depth = stack.pop()
        if not isinstance(node, Mapping) or depth > _MAX_TREE_DEPTH:
            continue
        path = node.get("path") if isinstance(node.get("path"), str) else ""
        info = node.get("constructInfo")
        fqn = info.get("fqn") if isinstance(info, Mapping) else None
        if fqn in ("aws-cdk-lib.Stack", "aws-cdk-lib.NestedStack"):
            owner = str(path)
        attrs = node.get("attributes")
        lid = attrs.get("aws:cdk:cloudformation:logicalId") if isinstance(attrs, Mapping) else None
        if isinstance(lid, str) and owner:
            found.setdefault(owner, {})[lid] = str(path)
        children = node.get("children")
        for child in children.values() if isinstance(children, Mapping) else []:
            stack.append((child, owner, depth + 1))
    return found


def read_stack_metadata(
    directory: Path,
    artifact: Mapping[str, Any],
    reader: SafeReader,
    template_ids: set[str] | None = None,
) -> CdkStackMetadata | None:
    """The metadata of one `aws:cloudformation:stack` artifact of the manifest in `directory`."""
    name = artifact.get("additionalMetadataFile")
    if isinstance(name, str) and name and "/" not in name and "\\" not in name:
        path = directory / name
        by_path = _read_json(path, reader)
        if by_path is None:
            return None
        meta = from_metadata(by_path, template_ids)
        meta.file = reader.relative(path)
        return meta
    inline = artifact.get("metadata")
    if isinstance(inline, Mapping):
        meta = from_metadata(inline, template_ids)
        meta.file = reader.relative(directory / "manifest.json")
        return meta
    return None
