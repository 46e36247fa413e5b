"""The CDK's native acknowledgements, as the Aspect sees them.

`Validations.of(scope).acknowledge(Acknowledgment(id=..., reason=...))` records the id as
`aws:cdk:acknowledged-rules` construct metadata. The validation plugin and `certfit cdk.out/`
read it from the cloud assembly; the Aspect judges before the assembly is written, and reading
every construct's metadata through jsii costs about 1 ms per construct (seconds on a large app).
So this module notes each acknowledgement as it is made, from Python, by wrapping
`Validations.of` (to learn the scope) and `Validations.acknowledge` (to learn the ids); the
original methods run unchanged. It is installed when `cdk_aspect` is imported: an
acknowledgement made before that, or from another language, is not seen by the Aspect (the
plugin and the CLI still see it).
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from constructs import IConstruct

from cdk_aspect.collect import jsii_ref
from linter.cloudformation.cdk_metadata import Acknowledgement, acknowledged_rule

_SCOPE_ATTR = "_certfit_scope"


@dataclass
class _Noted:
    scope: IConstruct
    id: str
    rule: str
    reason: str
    path: str | None = None  # filled on first use (round trips)
    root: str | None = None  # the app it belongs to (a process may build several)


NOTED: list[_Noted] = []


def _recorded_id(ack_id: str) -> str:
    """The id as the CDK records it: without a `prefix::`, it is an annotation's."""
    return ack_id if "::" in ack_id else f"Annotation::{ack_id}"


def install() -> None:
    """Wrap `cdk.Validations.of` and `.acknowledge` once per process."""
    validations: Any = cdk.Validations
    if getattr(validations, "_certfit_noted", False):
        return
    original_of = validations.of.__func__
    original_ack = validations.acknowledge

    @functools.wraps(original_of)
    def of(cls: Any, scope: IConstruct) -> Any:
        result = original_of(cls, scope)
        with contextlib.suppress(AttributeError):  # a proxy without attributes: not noted
            setattr(result, _SCOPE_ATTR, scope)
        return result

    @functools.wraps(original_ack)
    def acknowledge(self: Any, *rules: Any) -> None:
        original_ack(self, *rules)  # the CDK's own checks first (an invalid id raises)
        scope = getattr(self, _SCOPE_ATTR, None)
        if scope is None:
            return
        for rule in rules:
            name = acknowledged_rule(str(rule.id))
            if name is not None:
                NOTED.append(_Noted(scope, _recorded_id(str(rule.id)), name, str(rule.reason)))

    validations.of = classmethod(of)
    validations.acknowledge = acknowledge
    validations._certfit_noted = True


def noted_for(
    stacks: list[cdk.Stack],
) -> tuple[list[Acknowledgement], dict[str, IConstruct]]:
    """The acknowledgements made on these stacks, below them or above them (App, Stages), and
    the construct each sits on (so that an unused one is said there)."""
    found: list[Acknowledgement] = []
    scopes: dict[str, IConstruct] = {}
    if not NOTED or not stacks:
        return found, scopes
    root = jsii_ref(stacks[0].node.root)
    stack_paths = [s.node.path for s in stacks]
    for noted in NOTED:
        if noted.path is None:
            noted.path = noted.scope.node.path
            noted.root = jsii_ref(noted.scope.node.root)
        path = noted.path
        if noted.root != root or not any(
            path == s or path.startswith(s + "/") or path == "" or s.startswith(path + "/")
            for s in stack_paths
        ):
            continue
        found.append(Acknowledgement(path, noted.id, noted.rule, noted.reason))
        scopes[path] = noted.scope
    return found, scopes
