"""Kubernetes objects in CloudFormation: the CDK's `eks.KubernetesManifest` /
`cluster.add_manifest(...)`, a `Custom::AWSCDK-EKS-KubernetesResource` whose `Manifest` is a
JSON string, usually an `Fn::Join` whose pieces hold `Ref`s to certificates of the same stack.

Each non-literal piece is replaced by a marker before the JSON is read, and a certificate
annotation that is exactly one marker is followed to what the piece refers to; the objects go
through the shared Kubernetes interpretation, so a manifest in a stack means what it means in a
YAML file or in Terraform.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from linter.cloudformation.intrinsics import Unknown
from linter.kubernetes.interpret import (
    K8sObject,
    Value,
    annotation_maps,
    objects_from_chart_values,
    objects_from_manifest,
)
from linter.model import Certificate, InputError, Location, Severity

if TYPE_CHECKING:
    from linter.cloudformation.resources import _Builder

K8S_RESOURCE = "Custom::AWSCDK-EKS-KubernetesResource"
HELM_RESOURCE = "Custom::AWSCDK-EKS-HelmChart"  # cluster.add_helm_chart: Values is JSON
_MARKER = "__certfit_piece_{}__"
_MARKER_RE = re.compile(r"__certfit_piece_(\d+)__")


class ManifestPieces:
    """The pieces of one `Manifest` that are not literal text, by marker number."""

    def __init__(self) -> None:
        self.pieces: list[Any] = []

    def text(self, builder: _Builder, raw: Any) -> str | None:
        """The manifest's JSON text with markers for deploy-time pieces, or None."""
        if isinstance(raw, str):
            return raw
        join = raw.get("Fn::Join") if isinstance(raw, Mapping) and len(raw) == 1 else None
        if not (isinstance(join, list) and len(join) == 2 and isinstance(join[1], list)):
            value = builder.scope.evaluate(raw)
            return value if isinstance(value, str) else None
        sep = join[0] if isinstance(join[0], str) else ""
        parts: list[str] = []
        for piece in join[1]:
            if isinstance(piece, str):
                parts.append(piece)
                continue
            value = builder.scope.evaluate(piece)
            if isinstance(value, str):
                parts.append(value)
            else:  # a ResourceRef, an import or an Unknown: what certificate_ref follows
                self.pieces.append(value)
                parts.append(_MARKER.format(len(self.pieces) - 1))
        return sep.join(parts)

    def resolve(
        self, builder: _Builder, value: Any, location: Location, what: str
    ) -> tuple[Certificate | None, str | None]:
        if not isinstance(value, str):
            return None, f"{what} is not a string of certificate ARNs"
        m = _MARKER_RE.fullmatch(value)
        if m is not None:
            return builder.certificate_ref(self.pieces[int(m.group(1))], location, what)
        if _MARKER_RE.search(value):
            return None, f"{what} is built from deploy-time values: {_MARKER_RE.sub('…', value)}"
        return builder.certificate_ref(value, location, what)


def manifest_objects(builder: _Builder, lid: str, pieces: ManifestPieces) -> list[K8sObject]:
    """The Kubernetes objects of one KubernetesResource, located at its Manifest property
    (with the construct path, so the CDK puts findings on the construct). Deploy-time pieces
    are recorded in `pieces` (one per template, so markers are unique across manifests)."""
    raw = builder.props(lid).get("Manifest")
    location = builder.loc(lid, "Manifest")
    text = pieces.text(builder, raw)
    if text is None:
        reason = builder.scope.evaluate(raw)
        if isinstance(reason, Unknown):
            builder.model.errors.append(
                InputError(
                    "Kubernetes manifest not read",
                    f"{builder.address(lid)}: Manifest is not known before deploy "
                    f"({reason.reason}); its Services and Ingresses are not checked",
                    location,
                    Severity.WARNING,
                )
            )
        return []
    try:
        docs = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        why = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        builder.model.errors.append(
            InputError(
                "Kubernetes manifest does not parse",
                f"{builder.address(lid)}: Manifest is not JSON ({why})",
                location,
            )
        )
        return []
    objects: list[K8sObject] = []
    for doc in docs if isinstance(docs, list) else [docs]:
        objects.extend(
            objects_from_manifest(
                doc,
                lambda _c, _k: location,
                address=lambda kind, name: f"{builder.address(lid)} {kind} {name}",
            )
        )
    return objects


def helm_chart_objects(builder: _Builder, lid: str, pieces: ManifestPieces) -> list[K8sObject]:
    """The Services and Ingresses a HelmChart's `Values` annotate (the chart is not
    rendered: see `objects_from_chart_values`)."""
    raw = builder.props(lid).get("Values")
    if raw is None:
        return []
    location = builder.loc(lid, "Values")
    text = pieces.text(builder, raw)
    try:
        values = json.loads(text) if text is not None else None
    except (json.JSONDecodeError, RecursionError):
        values = None
    if values is None:
        return []  # Values not known before deploy or not JSON: nothing to say about keys
    groups = {
        path: {str(k): Value(v, location) for k, v in mapping.items()}
        for path, mapping in annotation_maps(values)
    }
    return objects_from_chart_values(groups, location, builder.address(lid))
