"""Evaluating CloudFormation intrinsic functions as far as a template alone allows.

A value is a plain Python value, a `ResourceRef` (what `Ref`/`Fn::GetAtt` on a resource of the
same template gives: the front end follows it to the certificate or load balancer it names), or
an `Unknown` that says why it cannot be known before deploy. Unknown is never a pass and never
a fail: a binding whose certificate is Unknown becomes an unresolved binding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from linter import limits
from linter.taint import COUNTER, Tainted, note, note_source, taint


@dataclass(frozen=True)
class Unknown:
    """A value only known at deploy time; `reason` says what and how to make it known."""

    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class Imported(Unknown):
    """A value another stack exports (`Fn::ImportValue`, or the CDK's cross-region reader):
    unknown to this template alone, followed when the exporting template is read too."""

    export: str = ""


@dataclass(frozen=True)
class SsmValue(Unknown):
    """A value CloudFormation reads from an SSM parameter at deploy time (an
    `AWS::SSM::Parameter::Value<...>` parameter, or a `{{resolve:ssm:...}}` reference):
    unknown here, read with `--aws`."""

    parameter: str = ""


_SSM_REFERENCE = re.compile(r"^\{\{resolve:ssm:(?P<name>[^:}]+)(?::\d+)?\}\}$")


def ssm_reference(value: object) -> SsmValue | None:
    """`{{resolve:ssm:name}}` (or `name:version`) as a whole string, else None. Secure
    references (`ssm-secure`) are never read."""
    if isinstance(value, str):
        m = _SSM_REFERENCE.match(value.strip())
        if m:
            return SsmValue(
                f"{{{{resolve:ssm:{m['name']}}}}} is read from SSM at deploy time; pass "
                "--aws to read it, or map the certificate ARN in .certfit.hcl",
                parameter=m["name"],
            )
    return None


CROSS_REGION_READER = "Custom::CrossRegionExportReader"
CROSS_REGION_WRITER = "Custom::CrossRegionExportWriter"


@dataclass(frozen=True)
class ResourceRef:
    """`Ref` (attribute None) or `Fn::GetAtt` on a resource of this template."""

    logical_id: str
    attribute: str | None = None

    def __str__(self) -> str:
        if self.attribute:
            return f"{self.logical_id}.{self.attribute}"
        return self.logical_id


def _shown(text: str) -> str:
    """Template text for a message: short, and never PEM material (it may be a private key)."""
    if "-----BEGIN" in text:
        return "<PEM text>"
    return text if len(text) <= 80 else text[:77] + "..."


NO_VALUE = object()  # AWS::NoValue: the property is left out

_SSM_TYPE = re.compile(r"^AWS::SSM::Parameter::Value<")
# A name holds no `$`: an unclosed `${` then stops at the next `$`, where `[^}]*` scanned the
# rest of the text from every unclosed `${` (quadratic).
_SUB_VAR = re.compile(r"\$\{([^}!$][^}$]*)\}")


@dataclass
class Scope:
    """What a template gives `Ref`/`Fn::*` to work with."""

    resources: Mapping[str, Any]
    parameters: Mapping[str, Any]
    conditions: Mapping[str, Any]
    mappings: Mapping[str, Any]
    parameter_values: Mapping[str, str]
    region: str | None = None
    account: str | None = None
    bounds: limits.Limits | None = None  # the run's limits (default: the current ones)

    def __post_init__(self) -> None:
        self._conditions_seen: dict[str, bool | Unknown] = {}
        self._condition_depth = 0
        self._mapped: dict[tuple[Any, ...], Any] = {}  # Fn::FindInMap entries, evaluated once
        # id(function node) -> (node, its value, the limit it went past or None)
        self._calls: dict[int, tuple[Any, Any, str | None]] = {}
        self._bounds = self.bounds or limits.current()
        self._work = 0  # steps left for the evaluation in progress (limits.work)
        self._evaluating = False
        # The first limit the evaluation in progress went past: the caller reports it.
        self.exceeded: str | None = None
        self.exceeded_node: Any = None

    # ------------------------------------------------------------------ refs

    def pseudo(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name == "AWS::Region" and self.region:
            return self.region
        if name == "AWS::AccountId" and self.account:
            return self.account
        if name == "AWS::Partition" and self.region:
            if self.region.startswith("cn-"):
                return "aws-cn"
            return "aws-us-gov" if self.region.startswith("us-gov-") else "aws"
        if name == "AWS::URLSuffix" and self.region:
            return "amazonaws.com.cn" if self.region.startswith("cn-") else "amazonaws.com"
        return Unknown(f"{name} is only known at deploy time (give the stack an environment)")

    def parameter(self, name: str) -> Any:
        decl = self.parameters.get(name)
        decl = decl if isinstance(decl, Mapping) else {}
        ptype = str(decl.get("Type", "String"))
        hidden = False  # given on the command line, or NoEcho: tainted, never shown
        if name in self.parameter_values:
            raw: Any = self.parameter_values[name]
            hidden = True
        elif _SSM_TYPE.match(ptype):
            default = decl.get("Default")
            return SsmValue(
                f"parameter {name} is read from SSM at deploy time; "
                f"pass --parameter {name}=VALUE (or --aws) to check it",
                parameter=default if isinstance(default, str) else "",
            )
        elif "Default" in decl:
            raw = decl["Default"]
            hidden = str(decl.get("NoEcho", "")).lower() == "true"
        else:
            return Unknown(f"parameter {name} has no default; pass --parameter {name}=VALUE")
        value: Any
        if ptype.startswith("List<") or ptype == "CommaDelimitedList":
            value = raw if isinstance(raw, list) else [s.strip() for s in str(raw).split(",")]
        else:
            value = raw if isinstance(raw, list | dict) else str(raw)
        if hidden:
            note_source(f"parameter {name}")
            return taint(value, f"parameter {name}")
        return value

    def ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            return Unknown(f"Ref to a computed name {name!r}")
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in self.parameters:
            return self.parameter(name)
        if name in self.resources:
            return ResourceRef(name)
        return Unknown(f"Ref to {name}, which this template does not define")

    # ------------------------------------------------------------------ conditions

    def condition(self, name: str) -> bool | Unknown:
        if name in self._conditions_seen:
            return self._conditions_seen[name]
        if name not in self.conditions:
            return Unknown(f"condition {name} is not defined")
        if self._condition_depth >= self._bounds.depth:  # a chain of conditions naming the next
            return self._past("depth", f"conditions nest more than {self._bounds.depth} deep")
        self._conditions_seen[name] = Unknown(f"condition {name} refers to itself")
        self._condition_depth += 1
        try:
            result = self._truth(self.evaluate(self.conditions[name]), f"condition {name}")
        finally:
            self._condition_depth -= 1
        self._conditions_seen[name] = result
        return result

    @staticmethod
    def _truth(value: Any, what: str) -> bool | Unknown:
        if isinstance(value, Unknown):
            return Unknown(f"{what} cannot be decided: {value.reason}")
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return Unknown(f"{what} is not a boolean")

    # ------------------------------------------------------------------ evaluation

    def evaluate(self, value: Any, depth: int = 0) -> Any:
        """The value with every intrinsic evaluated (or replaced by Unknown).

        A result whose evaluation met a tainted value (a --parameter, a NoEcho default) is
        tainted, whatever intrinsic made it (see linter.taint). Each outermost evaluation has a
        budget of steps (limits.work): once spent, every step left is an Unknown at once, so no
        template makes it run for ever."""
        if not self._evaluating:
            self._evaluating = True
            self._work = self._bounds.work
            self.exceeded, self.exceeded_node = None, None
            try:
                return self._tainted(value, depth)
            except RecursionError:  # nested past what Python follows: Unknown, and reported
                text = "nested too deeply for certfit to evaluate"
                self.exceeded = self.exceeded or text
                return Unknown(text)
            finally:
                self._evaluating = False
        return self._tainted(value, depth)

    def _tainted(self, value: Any, depth: int) -> Any:
        before = COUNTER.count
        v = self._evaluate(value, depth)
        if isinstance(v, Tainted):
            note(v)
        elif COUNTER.count != before:
            v = taint(v, COUNTER.last)
        return v

    def _past(self, name: str, message: str) -> Unknown:
        text = f"{message} (limit {name}; {limits.raise_hint(name)})"
        self.exceeded = self.exceeded or text
        return Unknown(text)

    def _evaluate(self, value: Any, depth: int) -> Any:
        self._work -= 1
        if self._work < 0:
            return self._past("work", f"evaluating this took more than {self._bounds.work:,} steps")
        if depth > 100:
            return Unknown("expression nested too deeply")
        if isinstance(value, list):
            items = [self.evaluate(v, depth + 1) for v in value]
            return [v for v in items if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            fn = _FUNCTIONS.get(key)
            if fn is not None:
                # A function's value depends only on the template (and this scope's
                # parameters, conditions and environment): evaluated once, an Fn::Sub whose
                # variables are Fn::Subs is linear instead of exponential. A result that ran
                # out of work is kept too, so the next property that reaches it does not
                # spend the budget again. A result made from a tainted value is kept tainted:
                # a hit does not evaluate the arguments that would taint it again.
                hit = self._calls.get(id(value))
                if hit is not None:
                    if hit[2] is not None:  # past a limit: the caller reports it here too
                        self.exceeded, self.exceeded_node = hit[2], value
                    return hit[1]
                before, tainted_before = self.exceeded, COUNTER.count
                result = fn(self, arg, depth + 1)
                if COUNTER.count != tainted_before and not isinstance(result, Tainted):
                    result = taint(result, COUNTER.last)
                past = self.exceeded if before is None else None
                if past is not None:
                    self.exceeded_node = value  # the outermost function node that went past
                self._calls[id(value)] = (value, result, past)
                return result
            if isinstance(key, str) and key.startswith("Fn::"):
                # a function certfit does not evaluate (a rule function, a newer one): unknown
                return Unknown(f"{key} is not evaluated by certfit")
        out = {}
        for k, v in value.items():
            ev = self.evaluate(v, depth + 1)
            if ev is not NO_VALUE:
                out[k] = ev
        return out

    def _fn_ref(self, arg: Any, depth: int) -> Any:
        return self.ref(arg)

    def _fn_getatt(self, arg: Any, depth: int) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or len(arg) != 2:
            return Unknown("malformed Fn::GetAtt")
        name, attr = arg[0], self.evaluate(arg[1], depth)
        if isinstance(name, str) and name in self.resources and isinstance(attr, str):
            res = self.resources[name]
            if isinstance(res, Mapping) and res.get("Type") == CROSS_REGION_READER:
                return Imported(
                    f"{attr} is a cross-region reference written by another stack",
                    export=attr,
                )
            return ResourceRef(name, attr)
        return Unknown(f"Fn::GetAtt {name}.{attr}: not a resource of this template")

    def _fn_if(self, arg: Any, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 3:
            return Unknown("malformed Fn::If")
        decided = self.condition(str(arg[0]))
        if isinstance(decided, Unknown):
            return decided
        return self.evaluate(arg[1] if decided else arg[2], depth)

    def _fn_condition(self, arg: Any, depth: int) -> Any:
        return self.condition(str(arg))

    def _fn_equals(self, arg: Any, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return Unknown("malformed Fn::Equals")
        a, b = (self.evaluate(x, depth) for x in arg)
        for v in (a, b):
            if isinstance(v, Unknown | ResourceRef):
                return v if isinstance(v, Unknown) else Unknown(f"{v} is a deploy-time value")
        return str(a) == str(b) if not isinstance(a, list | dict) else a == b

    def _bools(self, arg: Any, depth: int, fn: str) -> list[bool | Unknown] | Unknown:
        if not isinstance(arg, list):
            return Unknown(f"malformed {fn}")
        return [self._truth(self.evaluate(x, depth), fn) for x in arg]

    def _fn_and(self, arg: Any, depth: int) -> Any:
        return self._junction(arg, depth, "Fn::And", decisive=False)

    def _fn_or(self, arg: Any, depth: int) -> Any:
        return self._junction(arg, depth, "Fn::Or", decisive=True)

    def _junction(self, arg: Any, depth: int, fn: str, decisive: bool) -> Any:
        """Fn::And / Fn::Or: one decisive value (False for And, True for Or) settles it even
        beside Unknowns; otherwise an Unknown stays unknown."""
        vals = self._bools(arg, depth, fn)
        if isinstance(vals, Unknown):
            return vals
        if any(v is decisive for v in vals):
            return decisive
        unknown = next((v for v in vals if isinstance(v, Unknown)), None)
        return unknown if unknown else not decisive

    def _fn_not(self, arg: Any, depth: int) -> Any:
        vals = self._bools(arg, depth, "Fn::Not")
        if isinstance(vals, Unknown) or len(vals) != 1:
            return vals if isinstance(vals, Unknown) else Unknown("malformed Fn::Not")
        return vals[0] if isinstance(vals[0], Unknown) else not vals[0]

    def _fn_sub(self, arg: Any, depth: int) -> Any:
        if isinstance(arg, list) and len(arg) == 2:
            text, variables = arg[0], arg[1] if isinstance(arg[1], dict) else {}
        else:
            text, variables = arg, {}
        if not isinstance(text, str):
            return Unknown("malformed Fn::Sub")
        unknown: list[Unknown] = []
        size = [len(text)]  # of the result so far: stop before building one too large

        def replace(m: re.Match[str]) -> str:
            name = m.group(1).strip()
            if name in variables:
                value = self.evaluate(variables[name], depth)
            elif "." in name and name.split(".", 1)[0] in self.resources:
                value = self._fn_getatt(name, depth)
            else:
                value = self.ref(name)
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                shown = str(value)
                size[0] += len(shown)
                if size[0] > self._bounds.string_size:
                    raise _TooLarge
                return shown
            unknown.append(value if isinstance(value, Unknown) else Unknown(f"${{{name}}}"))
            return m.group(0)

        try:
            result = _SUB_VAR.sub(replace, text).replace("${!", "${")
        except _TooLarge:
            return self._past(
                "string_size", f"Fn::Sub makes a string of over {size[0]:,} characters"
            )
        if unknown:
            return Unknown(f"Fn::Sub '{_shown(text)}' depends on {unknown[0].reason}")
        return result

    def _fn_join(self, arg: Any, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return Unknown("malformed Fn::Join")
        sep, items = self.evaluate(arg[0], depth), self.evaluate(arg[1], depth)
        if isinstance(items, Unknown):
            return items
        if not isinstance(sep, str) or not isinstance(items, list):
            return Unknown("malformed Fn::Join")
        for v in items:
            if isinstance(v, Unknown):
                return Unknown(f"Fn::Join depends on {v.reason}")
            if not isinstance(v, str | int | float):
                return Unknown(f"Fn::Join depends on {v}, a deploy-time value")
        parts = [str(v) for v in items]
        size = sum(map(len, parts)) + len(sep) * max(len(parts) - 1, 0)
        if size > self._bounds.string_size:
            return self._past("string_size", f"Fn::Join makes a string of {size:,} characters")
        return sep.join(parts)

    def _fn_select(self, arg: Any, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return Unknown("malformed Fn::Select")
        index, items = self.evaluate(arg[0], depth), self.evaluate(arg[1], depth)
        for v in (index, items):
            if isinstance(v, Unknown):
                return v
        try:
            return items[int(index)]
        except (TypeError, ValueError, IndexError, KeyError):
            return Unknown("Fn::Select index out of range")

    def _fn_split(self, arg: Any, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return Unknown("malformed Fn::Split")
        sep, text = self.evaluate(arg[0], depth), self.evaluate(arg[1], depth)
        if isinstance(text, Unknown):
            return text
        if not isinstance(sep, str) or not isinstance(text, str):
            return Unknown("Fn::Split of a deploy-time value")
        return text.split(sep)

    def _fn_findinmap(self, arg: Any, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) < 3:
            return Unknown("malformed Fn::FindInMap")
        keys = [self.evaluate(x, depth) for x in arg[:3]]
        for k in keys:
            if isinstance(k, Unknown):
                return Unknown(f"Fn::FindInMap key depends on {k.reason}")
        try:
            entry = self.mappings[keys[0]][keys[1]][keys[2]]
        except (KeyError, TypeError):
            if len(arg) > 3 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
                return self.evaluate(arg[3]["DefaultValue"], depth)
            return Unknown(f"Fn::FindInMap {keys}: no such entry")
        # Each entry is evaluated once: an entry that names itself (twice, inside Fn::Join)
        # is otherwise 2^depth evaluations.
        memo = tuple((type(k), k) for k in keys)
        if memo in self._mapped:
            return self._mapped[memo]
        self._mapped[memo] = Unknown(f"Fn::FindInMap {keys} refers to itself")
        result = self._mapped[memo] = self.evaluate(entry, depth)
        return result

    def _fn_importvalue(self, arg: Any, depth: int) -> Any:
        name = self.evaluate(arg, depth)
        reason = (
            f"Fn::ImportValue {name}: exported by another stack; lint that stack's template "
            "too, or map the certificate ARN in .certfit.hcl"
        )
        return Imported(reason, export=name) if isinstance(name, str) else Unknown(reason)

    def _fn_opaque(self, arg: Any, depth: int) -> Any:
        return Unknown("a value computed at deploy time")


class _TooLarge(Exception):
    pass


_FUNCTIONS = {
    "Ref": Scope._fn_ref,
    "Fn::GetAtt": Scope._fn_getatt,
    "Fn::If": Scope._fn_if,
    "Condition": Scope._fn_condition,
    "Fn::Equals": Scope._fn_equals,
    "Fn::And": Scope._fn_and,
    "Fn::Or": Scope._fn_or,
    "Fn::Not": Scope._fn_not,
    "Fn::Sub": Scope._fn_sub,
    "Fn::Join": Scope._fn_join,
    "Fn::Select": Scope._fn_select,
    "Fn::Split": Scope._fn_split,
    "Fn::FindInMap": Scope._fn_findinmap,
    "Fn::ImportValue": Scope._fn_importvalue,
    "Fn::Base64": Scope._fn_opaque,
    "Fn::GetAZs": Scope._fn_opaque,
    "Fn::Cidr": Scope._fn_opaque,
    "Fn::Transform": Scope._fn_opaque,
    "Fn::ToJsonString": Scope._fn_opaque,
    "Fn::Length": Scope._fn_opaque,
}
