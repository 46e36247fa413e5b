"""Suppressions in cdk-nag's habit: per construct, with a reason, applying to its children.

`record_suppression` adds a mutating Aspect to the construct, so resources added after the call
are covered too; it writes `Metadata.certfit.suppressions` on every relevant CfnResource below,
with `scope` = the construct's path. The CloudFormation front end turns that metadata into one
`linter.model.Suppression` per scope, so the Aspect and `certfit cdk.out/` honour the same list
(through `linter.ignores`, which also reports one that matches nothing). `suppressed` applies the
config file's suppressions, which span the whole app.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import aws_cdk as cdk
import jsii
from constructs import IConstruct

from cdk_aspect.collect import note_suppression, resource_type
from linter.cloudformation import METADATA_KEY, RELEVANT_TYPES
from linter.model import Finding, Suppression


@jsii.implements(cdk.IAspect)
class _Recorder:
    def __init__(self, rules: str, reason: str, scope: str) -> None:
        self.rules, self.reason, self.scope = rules, reason, scope

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, cdk.CfnResource) or resource_type(node) not in RELEVANT_TYPES:
            return
        # Called on the app (path ""): scope each stack's resources to their stack.
        scope = self.scope or node.node.path.split("/", 1)[0]
        entry = {"rule": self.rules, "reason": self.reason, "scope": scope}
        current: Any = node.get_metadata(METADATA_KEY)
        items = list(current.get("suppressions", [])) if isinstance(current, dict) else []
        if entry not in items:
            items.append(entry)
            node.add_metadata(METADATA_KEY, {"suppressions": items})


def record_suppression(construct: IConstruct, rules: str, reason: str) -> None:
    note_suppression()
    recorder = _Recorder(rules, reason, construct.node.path)
    cdk.Aspects.of(construct).add(recorder, priority=cdk.AspectPriority.MUTATING)


def _applies(finding: Finding, sup: Suppression) -> bool:
    if "all" not in sup.rules and finding.rule not in sup.rules:
        return False
    loc = finding.location
    if sup.construct_path:
        path = loc.construct_path or ""
        return path == sup.construct_path or path.startswith(sup.construct_path.rstrip("/") + "/")
    return bool(sup.file) and loc.file == sup.file


def suppressed(finding: Finding, suppressions: Iterable[Suppression]) -> bool:
    """True when a suppression covers the finding: its rule (or "all"), and its construct path
    at or under the suppression's, or, for a file-wide one, its file."""
    return any(_applies(finding, s) for s in suppressions)
