"""Turning one CDK stack into the resources the CloudFormation front end reads.

Every jsii call is a round trip to the node process, so a stack is collected once: one
`find_all`, the resource type from the Python class where jsii gave us a specific L1 class
(no round trip), and only the resources the front end reads are resolved, in one `resolve` call
for the whole stack, then rendered to CloudFormation names in Python (render.py; jsii only for
what its table cannot prove). Per resource that leaves three round trips: its logical id
token, its properties and its path (through `toString`).

Known gaps: property overrides (`add_property_override`) live in a private field the jsii API
does not expose, so the Aspect does not see them; `certfit cdk.out/` and `CertFitValidation`
(the same rules, on the synthesized templates) do. Certfit metadata is read only after a
`CertFitChecks.suppress(...)` in the same process (metadata added by hand is for the CLI).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import aws_cdk as cdk

from cdk_aspect.render import render_properties
from linter.cloudformation import LINK_TYPES, METADATA_KEY, RELEVANT_TYPES

COLLECTED_TYPES = RELEVANT_TYPES | LINK_TYPES

_TYPE_BY_CLASS: dict[type, str | None] = {}
_SUPPRESSIONS_RECORDED = [False]


def note_suppression() -> None:
    """A suppression was recorded in this process: resources may carry certfit metadata."""
    _SUPPRESSIONS_RECORDED[0] = True


def resource_type(res: cdk.CfnResource) -> str:
    """The CloudFormation type, from the L1 class's constant when jsii gave us one."""
    cls = type(res)
    if cls not in _TYPE_BY_CLASS:
        _TYPE_BY_CLASS[cls] = None
        if cls is not cdk.CfnResource and "CFN_RESOURCE_TYPE_NAME" in dir(cls):
            try:
                _TYPE_BY_CLASS[cls] = str(cls.CFN_RESOURCE_TYPE_NAME)  # type: ignore[attr-defined]
            except Exception:  # a proxy class without the constant: ask the resource
                _TYPE_BY_CLASS[cls] = None
    known = _TYPE_BY_CLASS[cls]
    return known if known is not None else res.cfn_resource_type


def _is_cdk_l1(res: cdk.CfnResource, rtype: str) -> bool:
    """An aws-cdk-lib L1 class itself (not a Python subclass that may override its methods),
    so its rendering and `toString` are the CDK's own."""
    cls = type(res)
    return _TYPE_BY_CLASS.get(cls) == rtype and cls.__module__.startswith("aws_cdk.")


def construct_path(res: cdk.CfnResource, rtype: str) -> str:
    """`res.node.path` in one round trip instead of two: an L1's `toString()` is
    `<path> [<type>]` (CfnResource.toString)."""
    if _is_cdk_l1(res, rtype):
        text = res.to_string()
        suffix = f" [{rtype}]"
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return res.node.path


def render(res: cdk.CfnResource, rtype: str, props: dict[str, Any]) -> dict[str, Any]:
    """The CloudFormation rendering of resolved properties: in Python where `shapes.py`
    proves it the CDK's (no round trip), else by the resource itself."""
    if _is_cdk_l1(res, rtype):
        rendered = render_properties(rtype, props)
        if rendered is not None:
            return rendered
    try:
        return cast(dict[str, Any], res._render_properties(props))
    except Exception:  # a value the renderer rejects: read it as given
        return props


@dataclass
class StackResources:
    """The relevant resources of one stack, in template shape, and where each came from."""

    stack: cdk.Stack
    template: dict[str, dict[str, Any]] = field(default_factory=dict)  # logical id -> resource
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # exported outputs
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    constructs: dict[str, cdk.CfnResource] = field(default_factory=dict)  # construct path -> L1

    def as_template(self) -> dict[str, Any]:
        return {
            "Parameters": self.parameters,
            "Conditions": self.conditions,
            "Resources": self.template,
            "Outputs": self.outputs,
        }


def jsii_ref(obj: Any) -> str:
    """A stable identity for a jsii object."""
    return str(getattr(getattr(obj, "__jsii_ref__", None), "ref", id(obj)))


def own_constructs(stack: cdk.Stack) -> list[Any]:
    """The constructs whose template is `stack`'s: nested stacks' constructs are their own."""
    everything = stack.node.find_all()
    nested: set[str] = set()
    for child in everything:
        if child is not stack and isinstance(child, cdk.Stack):
            nested.update(jsii_ref(c) for c in child.node.find_all())
    return [c for c in everything if jsii_ref(c) not in nested]


def own_resources(stack: cdk.Stack) -> list[cdk.CfnResource]:
    return [c for c in own_constructs(stack) if isinstance(c, cdk.CfnResource)]


def collect_stack(stack: cdk.Stack) -> StackResources:
    """The stack's relevant resources (and what it exports, for cross-stack references),
    resolved in one round trip and rendered to CloudFormation names."""
    out = StackResources(stack)
    relevant: list[tuple[cdk.CfnResource, str]] = []
    outputs: list[cdk.CfnOutput] = []
    parameters: list[cdk.CfnParameter] = []
    conditions: list[cdk.CfnCondition] = []
    for child in own_constructs(stack):
        if isinstance(child, cdk.CfnOutput):
            outputs.append(child)
        elif isinstance(child, cdk.CfnParameter):
            parameters.append(child)
        elif isinstance(child, cdk.CfnCondition):
            conditions.append(child)
        elif isinstance(child, cdk.CfnResource):
            rtype = resource_type(child)
            if rtype in COLLECTED_TYPES:
                relevant.append((child, rtype))
    if not relevant:
        return out
    # Every attribute read is a round trip: ask for metadata only when this process recorded a
    # suppression, and for resource conditions only when the stack has conditions.
    with_metadata = _SUPPRESSIONS_RECORDED[0]
    raw: dict[str, Any] = {}
    for i, (res, _) in enumerate(relevant):
        # `logical_id` (a token resolved below) honours override_logical_id, as cdk.out and
        # every Ref do; `stack.get_logical_id` would not.
        entry: dict[str, Any] = {"id": res.logical_id, "props": res._cfn_properties}
        if with_metadata:
            entry["certfit"] = res.get_metadata(METADATA_KEY)
        if conditions:
            entry["condition"] = res.cfn_options.condition
        raw[str(i)] = entry
    # Parameters and conditions, so that `Ref`/`Fn::If` resolve as they do in cdk.out.
    raw["parameters"] = [
        {"id": p.logical_id, "type": p.type, "default": p.default, "no_echo": p.no_echo}
        for p in parameters
    ]
    raw["conditions"] = [{"id": c.logical_id, "expression": c.expression} for c in conditions]
    exports = [o for o in outputs if o.export_name]
    raw["outputs"] = [{"name": o.export_name, "value": o.value} for o in exports]
    resolved = stack.resolve(raw)  # one round trip for the whole stack
    for i, (res, rtype) in enumerate(relevant):
        entry = resolved[str(i)]
        path = construct_path(res, rtype)
        props = render(res, rtype, entry.get("props") or {})
        metadata: dict[str, Any] = {"aws:cdk:path": path}
        if entry.get("certfit"):
            metadata[METADATA_KEY] = entry["certfit"]
        resource: dict[str, Any] = {"Type": rtype, "Properties": props, "Metadata": metadata}
        if isinstance(entry.get("condition"), dict) and "Condition" in entry["condition"]:
            resource["Condition"] = entry["condition"]["Condition"]
        out.template[str(entry["id"])] = resource
        out.constructs[path] = res
    for param in resolved.get("parameters") or []:
        decl = {"Type": param.get("type") or "String"}
        if param.get("default") is not None:
            decl["Default"] = param["default"]
        if param.get("no_echo"):  # its default is tainted: used, never shown (linter.taint)
            decl["NoEcho"] = "true"
        out.parameters[str(param["id"])] = decl
    for cond in resolved.get("conditions") or []:
        if cond.get("expression") is not None:
            out.conditions[str(cond["id"])] = cond["expression"]
    for i, exported in enumerate(resolved.get("outputs") or []):
        out.outputs[f"Export{i}"] = {
            "Value": exported.get("value"),
            "Export": {"Name": exported.get("name")},
        }
    return out
