"""CloudFormation property names for the collected L1 types, rendered in Python.

`CfnResource._render_properties` is one jsii round trip per resource. For the types in
`shapes.py` (generated from aws-cdk-lib's own converters) the same rendering is done here:
identity for scalars, the CDK's names for struct keys, `{Key, Value}` for tags, intrinsics
(`{"Ref": ...}`, `{"Fn::...": ...}`) and dynamic references passed through as the CDK does.
Whatever the CDK's validator could reject, and any shape not in the table, returns None so
the caller asks jsii: the result is the jsii rendering or nothing.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata
from typing import Any

from cdk_aspect import shapes

PROPS_BY_TYPE: dict[str, str] = shapes.PROPS_BY_TYPE
REQUIRED: dict[str, list[str]] = shapes.REQUIRED
SHAPES: dict[str, list[tuple[str, str, Any]]] = shapes.SHAPES  # type: ignore[assignment]


class _Unsupported(Exception):
    """Leave this resource to jsii."""


def _opaque(x: Any) -> bool:
    """What the CDK's `canInspect` refuses to look into: an intrinsic or a dynamic reference."""
    if isinstance(x, dict):
        return len(x) == 1 and all(k == "Ref" or k[:4] == "Fn::" for k in x)
    return isinstance(x, str) and x.startswith("{{resolve:") and x.endswith("}}")


def _value(spec: Any, x: Any) -> Any:
    if x is None:
        raise _Unsupported  # null handling is left to the CDK
    if spec == "s":
        if isinstance(x, str) or _opaque(x):
            return x
    elif spec == "n":
        if (isinstance(x, (int, float)) and not isinstance(x, bool)) or _opaque(x):
            return x
    elif spec == "b":
        if isinstance(x, bool) or _opaque(x):
            return x
    elif spec == "o":
        if isinstance(x, (dict, list)) or _opaque(x):
            return x
    elif _opaque(x):
        return x
    elif spec == "tag":
        if (
            isinstance(x, dict)
            and set(x) == {"key", "value"}
            and isinstance(x["key"], str)
            and isinstance(x["value"], str)
        ):
            return {"Key": x["key"], "Value": x["value"]}
    elif isinstance(spec, tuple) and spec[0] == "list":
        if isinstance(x, list):
            return [_value(spec[1], e) for e in x]
    elif isinstance(spec, tuple) and spec[0] == "map":
        if isinstance(x, dict):
            return {k: _value(spec[1], v) for k, v in x.items()}
    elif isinstance(spec, tuple) and spec[0] == "struct" and isinstance(x, dict):
        return _struct(spec[1], x)
    raise _Unsupported


def _struct(name: str, props: dict[str, Any]) -> dict[str, Any]:
    # The CDK's converters emit only the names they know and its validators do not look at
    # other keys (an L2 may pass one, e.g. CloudFront's pathPattern on the default behavior).
    if not all(k in props for k in REQUIRED[name]):
        raise _Unsupported
    fields = SHAPES[name]
    out: dict[str, Any] = {}
    for cfn_name, key, spec in fields:
        if key in props:
            if spec is None:
                raise _Unsupported
            out[cfn_name] = _value(spec, props[key])
    return out


@cache
def table_matches_installed_cdk() -> bool:
    """The table is only the CDK's own for the aws-cdk-lib it was generated from: another
    version may have other properties, so there jsii renders everything."""
    try:
        return metadata.version("aws-cdk-lib") == shapes.AWS_CDK_LIB
    except metadata.PackageNotFoundError:
        return False


def render_properties(resource_type: str, props: dict[str, Any]) -> dict[str, Any] | None:
    """The CloudFormation rendering of an L1's resolved properties, or None: ask jsii."""
    name = PROPS_BY_TYPE.get(resource_type)
    if name is None or not isinstance(props, dict) or not table_matches_installed_cdk():
        return None
    try:
        return _struct(name, props)
    except _Unsupported:
        return None
