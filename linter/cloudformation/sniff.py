"""Whether a JSON/YAML file that does not parse was meant to be a CloudFormation template.

A template with a syntax error must be reported with its file and line, never skipped as "not
a template"; a broken YAML file that is no template (a Helm chart, a workflow, a manifest) stays
none of certfit's business. Only what a template has at its top level counts: an
`AWSTemplateFormatVersion` key, or a `Resources` key whose entries have `Type: AWS::...` (or
Alexa::, Custom::), in YAML (at the start of a line) or JSON.
"""

from __future__ import annotations

import re


def _key(name: str) -> re.Pattern[str]:
    """`name` as a key at the start of a line (YAML, JSON) or after `{` or `,` (JSON)."""
    return re.compile(r"""(?:^|[{,])[ \t]*["']?""" + name + r"""["']?[ \t]*:""", re.M)


_VERSION = _key("AWSTemplateFormatVersion")
_RESOURCES = _key("Resources")
_RESOURCE_TYPE = re.compile(r"""["']?Type["']?[ \t]*:[ \t]*["']?(?:AWS|Alexa|Custom)::""")


def looks_like_template(head: str) -> bool:
    """`head`: the start of the file. True when its top-level keys are a template's."""
    if _VERSION.search(head):
        return True
    return bool(_RESOURCES.search(head) and _RESOURCE_TYPE.search(head))
