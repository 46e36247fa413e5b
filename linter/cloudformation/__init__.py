"""CloudFormation front end: templates (JSON/YAML), whole `cdk.out` assemblies, and the
resolved resources of a CDK stack (for the Aspect), all through the same builder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from linter.cloudformation.loader import (
    is_cloudformation_template,
    load_cdk_out,
    load_cdk_stacks,
    load_template,
)
from linter.cloudformation.resources import (
    LINK_TYPES,
    METADATA_KEY,
    RELEVANT_TYPES,
    TemplateSource,
    model_from_template,
    model_from_templates,
)
from linter.model import Model
from linter.options import LoadOptions


def model_from_resources(
    resources: Mapping[str, Mapping[str, Any]], source: TemplateSource, options: LoadOptions
) -> Model:
    """The Model for one stack given as `{logical_id: {"Type", "Properties", "Metadata"}}`
    with resolved properties: what the CDK Aspect collects, the same shape as a template."""
    return model_from_template({"Resources": resources}, source, options)


__all__ = [
    "LINK_TYPES",
    "METADATA_KEY",
    "RELEVANT_TYPES",
    "TemplateSource",
    "is_cloudformation_template",
    "load_cdk_out",
    "load_cdk_stacks",
    "load_template",
    "model_from_resources",
    "model_from_template",
    "model_from_templates",
]
