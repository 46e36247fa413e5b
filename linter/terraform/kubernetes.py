"""Kubernetes objects in Terraform: `kubernetes_service(_v1)`, `kubernetes_ingress(_v1)`,
`kubernetes_ingress_class(_v1)` and `kubernetes_manifest`, as `K8sObject`s for the shared
interpretation (`linter/kubernetes/interpret.py`).

Only turns HCL into the objects' fields (snake_case attributes to the API's field names) with
their locations; what a Service or Ingress becomes is decided in the interpretation, the same
for YAML manifests, Terraform and the CDK.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from linter.kubernetes.interpret import (
    UNKNOWN_ANNOTATIONS,
    K8sObject,
    Value,
    annotation_maps,
    objects_from_chart_values,
    objects_from_manifest,
)
from linter.model import Location
from linter.terraform.blocks import Attr, Block
from linter.terraform.modules import ResourceInstance

SERVICE_TYPES = {"kubernetes_service", "kubernetes_service_v1"}
INGRESS_TYPES = {"kubernetes_ingress", "kubernetes_ingress_v1"}
CLASS_TYPES = {"kubernetes_ingress_class", "kubernetes_ingress_class_v1"}
MANIFEST_TYPES = {"kubernetes_manifest"}
K8S_TYPES = SERVICE_TYPES | INGRESS_TYPES | CLASS_TYPES | MANIFEST_TYPES | {"helm_release"}

# provider attribute -> API field
_FIELDS = {
    "type": "type",
    "load_balancer_class": "loadBalancerClass",
    "ingress_class_name": "ingressClassName",
    "controller": "controller",
}


def _key_location(inst: ResourceInstance, attr: Attr, key: str) -> Location:
    """The line of `key` inside a map attribute (an annotation), else the attribute's."""
    base = inst.location(attr)
    m = re.search(r'(?:"|\b)' + re.escape(key) + r'(?:"|\b)', attr.expr)
    if m is None:
        return base
    before = attr.expr[: m.start()]
    newlines = before.count("\n")
    if newlines == 0:
        return base
    column = m.start() - before.rfind("\n")
    return Location(base.file, base.line + newlines, column)


def _annotations(inst: ResourceInstance, meta: Block | None, obj: K8sObject) -> None:
    attr = meta.attrs.get("annotations") if meta is not None else None
    if attr is None:
        return
    value = inst.scope().eval_attr(attr, inst.file)
    if isinstance(value, Mapping):
        for key, v in value.items():
            obj.annotations[str(key)] = Value(v, _key_location(inst, attr, str(key)))
    else:  # not known before apply: the interpretation says what it cannot tell
        obj.fields[UNKNOWN_ANNOTATIONS] = Value(value, inst.location(attr))


def _objects_from_blocks(inst: ResourceInstance, blk: Block) -> list[K8sObject]:
    kind = (
        "Service"
        if inst.type in SERVICE_TYPES
        else "Ingress"
        if inst.type in INGRESS_TYPES
        else "IngressClass"
    )
    meta = blk.block("metadata")
    name: Any = None
    if meta is not None and "name" in meta.attrs:
        name = inst.scope().eval_attr(meta.attrs["name"], inst.file)
    obj = K8sObject(
        kind=kind,
        name=name if isinstance(name, str) else inst.address,
        address=inst.address,
        location=inst.location(),
        callers=inst.mod.callers,
    )
    _annotations(inst, meta, obj)
    spec = blk.block("spec")
    if spec is not None:
        for attr_name, field_name in _FIELDS.items():
            if attr_name in spec.attrs:
                attr = spec.attrs[attr_name]
                value = inst.scope().eval_attr(attr, inst.file)
                obj.fields[field_name] = Value(value, inst.location(attr))
        if spec.all("tls"):
            obj.fields["tls"] = Value(True, inst.location(spec.all("tls")[0]))
        params = spec.block("parameters")
        if params is not None and "name" in params.attrs:
            pname = inst.scope().eval_attr(params.attrs["name"], inst.file)
            obj.fields["parameters"] = Value({"name": pname}, inst.location(params))
    return [obj]


def _objects_from_manifest(inst: ResourceInstance, blk: Block) -> list[K8sObject]:
    attr = blk.attrs.get("manifest")
    if attr is None:
        return []
    value = inst.scope().eval_attr(attr, inst.file)
    if not isinstance(value, Mapping):
        return []

    def locate(_container: Any, key: str | None) -> Location:
        return _key_location(inst, attr, key) if key else inst.location(attr)

    objects = objects_from_manifest(
        value, locate, address=lambda kind, name: inst.address, callers=inst.mod.callers
    )
    for o in objects:
        o.location = inst.location(attr)
    return objects


def k8s_objects(inst: ResourceInstance) -> list[K8sObject]:
    """The Kubernetes objects a resource instance declares."""
    blk = inst.block
    if blk is None or inst.mode != "managed":
        return []
    if inst.type in MANIFEST_TYPES:
        return _objects_from_manifest(inst, blk)
    if inst.type in HELM_TYPES:
        return _objects_from_helm(inst, blk)
    return _objects_from_blocks(inst, blk)


# -- helm_release -------------------------------------------------------------------------
# Annotation maps in `set` and `values`, judged as the objects they stand for (see
# `objects_from_chart_values`: charts are not rendered).
HELM_TYPES = {"helm_release"}
_HELM_DOT = re.compile(r"(?<!\\)\.")


def _helm_path(name: str) -> tuple[str, ...]:
    """`a.b\\.c` (Helm's --set syntax) -> ("a", "b.c")."""
    return tuple(part.replace("\\.", ".") for part in _HELM_DOT.split(name))


def _helm_leaves(inst: ResourceInstance, blk: Block) -> list[tuple[tuple[str, ...], Any, Location]]:
    """(path, value, where) for every `set` entry (block or, in provider v3, attribute)."""
    out: list[tuple[tuple[str, ...], Any, Location]] = []
    for sblk in blk.all("set"):
        name_attr, value_attr = sblk.attrs.get("name"), sblk.attrs.get("value")
        if name_attr is None or value_attr is None:
            continue
        name = inst.scope().eval_attr(name_attr, inst.file)
        if isinstance(name, str):
            value = inst.scope().eval_attr(value_attr, inst.file)
            out.append((_helm_path(name), value, inst.location(value_attr)))
    attr = blk.attrs.get("set")
    entries = inst.scope().eval_attr(attr, inst.file) if attr is not None else None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
            key = str(entry["name"]).rsplit(".", 1)[-1]
            loc = _key_location(inst, attr, key) if attr is not None else inst.location()
            out.append((_helm_path(entry["name"]), entry.get("value"), loc))
    return out


def _objects_from_helm(inst: ResourceInstance, blk: Block) -> list[K8sObject]:
    groups: dict[tuple[str, ...], dict[str, Value]] = {}
    for path, value, loc in _helm_leaves(inst, blk):
        if len(path) >= 2 and path[-2] == "annotations":
            groups.setdefault(path[:-2], {})[path[-1]] = Value(value, loc)
    values_attr = blk.attrs.get("values")
    if values_attr is not None:
        _values_annotations(inst, values_attr, groups)
    return objects_from_chart_values(
        groups, inst.location(), inst.address, callers=inst.mod.callers
    )


def _values_annotations(
    inst: ResourceInstance, attr: Attr, groups: dict[tuple[str, ...], dict[str, Value]]
) -> None:
    """Annotation maps in `values = [<YAML text>, ...]` (literal, heredoc, file(), ...)."""
    from linter.kubernetes.yaml_docs import load_documents

    values = inst.scope().eval_attr(attr, inst.file)
    for text in values if isinstance(values, list) else []:
        if not isinstance(text, str):
            continue
        try:
            docs = load_documents(text)
        except Exception:  # not YAML: the chart would refuse it too; nothing to read here
            continue
        for doc in docs:
            for path, mapping in annotation_maps(doc):
                group = groups.setdefault(("values", *path), {})
                for key, value in mapping.items():
                    group[str(key)] = Value(value, _key_location(inst, attr, str(key)))
