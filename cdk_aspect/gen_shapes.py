"""Regenerate `cdk_aspect/shapes.py` from aws-cdk-lib's own generated L1 converters (dev tool).

After an aws-cdk-lib upgrade: `python -m cdk_aspect.gen_shapes > /tmp/shapes.py`, then move it
into cdk_aspect/ (the package itself imports shapes.py). It reads
the `convert...ToCloudFormation` and `...Validator` functions of the L1 modules the Aspect
collects, so the Python renderer uses the CDK's own property names rather than a guessed
camelCase -> PascalCase (which is wrong for acronyms). tests/cdk/test_render.py proves the
result equal to the jsii rendering.
"""

from __future__ import annotations

import pprint
import re
import sys
import tarfile
from pathlib import Path
from typing import Any

import aws_cdk

# CloudFormation type -> (module folder, props converter name)
TYPES = {
    "AWS::CertificateManager::Certificate": ("aws-certificatemanager", "CfnCertificateProps"),
    "AWS::IAM::ServerCertificate": ("aws-iam", "CfnServerCertificateProps"),
    "AWS::ElasticLoadBalancingV2::Listener": ("aws-elasticloadbalancingv2", "CfnListenerProps"),
    "AWS::ElasticLoadBalancingV2::ListenerCertificate": (
        "aws-elasticloadbalancingv2",
        "CfnListenerCertificateProps",
    ),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": (
        "aws-elasticloadbalancingv2",
        "CfnLoadBalancerProps",
    ),
    "AWS::ElasticLoadBalancing::LoadBalancer": ("aws-elasticloadbalancing", "CfnLoadBalancerProps"),
    "AWS::CloudFront::Distribution": ("aws-cloudfront", "CfnDistributionProps"),
    "AWS::ApiGateway::DomainName": ("aws-apigateway", "CfnDomainNameProps"),
    "AWS::ApiGatewayV2::DomainName": ("aws-apigatewayv2", "CfnDomainNameProps"),
}

_SCALARS = {
    "cdk().stringToCloudFormation": "s",
    "cdk().numberToCloudFormation": "n",
    "cdk().booleanToCloudFormation": "b",
    "cdk().objectToCloudFormation": "o",
    "cdk().cfnTagToCloudFormation": "tag",
}


def _split_top(body: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in body:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        parts.append(cur)
    return parts


def _mapper(expr: str) -> Any:
    """A spec for a JS mapper expression; None for what the Python renderer leaves to jsii."""
    if expr in _SCALARS:
        return _SCALARS[expr]
    for wrapper, kind in (("cdk().listMapper(", "list"), ("cdk().hashMapper(", "map")):
        if expr.startswith(wrapper) and expr.endswith(")"):
            inner = _mapper(expr[len(wrapper) : -1])
            return None if inner is None else (kind, inner)
    m = re.fullmatch(r"convert(\w+)ToCloudFormation", expr)
    return ("struct", m.group(1)) if m else None


def shapes_for(js: str, root: str, out: dict[str, Any], required: dict[str, Any]) -> None:
    if root in out:
        return
    r = re.escape(root)
    m = re.search(
        rf"function convert{r}ToCloudFormation\(properties\)\{{return cdk\(\)\."
        rf"canInspect\(properties\)\?\({r}Validator\(properties\)\.assertSuccess\(\),"
        r"\{(.*?)\}\):properties\}",
        js,
    )
    if m is None:
        raise SystemExit(f"no converter for {root}")
    v = re.search(rf"function {r}Validator\(properties\)\{{(.*?)\}}function ", js)
    if v is None:
        raise SystemExit(f"no validator for {root}")
    required[root] = sorted(
        set(re.findall(r'propertyValidator\("(\w+)",cdk\(\)\.requiredValidator\)', v.group(1)))
    )
    fields = []
    for part in _split_top(m.group(1)):
        fm = re.fullmatch(r"([\w]+):(.*)\(properties\.(\w+)\)", part)
        if fm is None:
            raise SystemExit(f"cannot read {part!r} in {root}")
        spec = _mapper(fm.group(2))
        fields.append((fm.group(1), fm.group(3), spec))
    out[root] = fields

    def walk(spec: Any) -> None:
        if isinstance(spec, tuple):
            if spec[0] == "struct":
                shapes_for(js, spec[1], out, required)
            else:
                walk(spec[1])

    for _, _, spec in fields:
        walk(spec)


def main() -> None:
    tgz = next((Path(aws_cdk.__file__).parent / "_jsii").glob("aws-cdk-lib@*.jsii.tgz"))
    shapes: dict[str, Any] = {}
    required: dict[str, Any] = {}
    by_type: dict[str, str] = {}
    with tarfile.open(tgz) as tar:
        for rtype, (folder, props) in TYPES.items():
            name = folder.removeprefix("aws-")
            member = tar.extractfile(f"package/{folder}/lib/{name}.generated.js")
            assert member is not None
            js = member.read().decode()
            prefix = folder.replace("-", "_") + "."
            by_type[rtype] = prefix + props
            sub: dict[str, Any] = {}
            req: dict[str, Any] = {}
            shapes_for(js, props, sub, req)
            shapes.update({prefix + k: _qualify(v, prefix) for k, v in sub.items()})
            required.update({prefix + k: v for k, v in req.items()})
    sys.stdout.write(
        "# ruff: noqa: E501\n"
        '"""CloudFormation property shapes of the L1 types the Aspect collects, generated by\n'
        f"`python -m cdk_aspect.gen_shapes` from {tgz.name}; do not edit by hand.\n\n"
        "A field is (CloudFormation name, jsii name, spec); spec: 's' string, 'n' number,\n"
        "'b' boolean, 'o' any object, 'tag' a CfnTag, ('list'|'map', spec), ('struct', name),\n"
        'or None: a shape the Python renderer leaves to jsii."""\n\n'
        "# fmt: off\n"
        f"AWS_CDK_LIB = {tgz.name.removesuffix('.jsii.tgz').split('@')[1]!r}\n"
        f"PROPS_BY_TYPE = {pprint.pformat(by_type, width=100)}\n"
        f"REQUIRED = {pprint.pformat(required, width=100)}\n"
        f"SHAPES = {pprint.pformat(shapes, width=100)}\n"
    )


def _qualify(fields: list[Any], prefix: str) -> list[Any]:
    def q(spec: Any) -> Any:
        if isinstance(spec, tuple):
            if spec[0] == "struct":
                return ("struct", prefix + spec[1])
            return (spec[0], q(spec[1]))
        return spec

    return [(cfn, key, q(spec)) for cfn, key, spec in fields]


if __name__ == "__main__":
    main()
