"""The Aspect renders CloudFormation property names and construct paths in Python (no jsii
round trip); here that rendering is proved equal to the CDK's own, resource by resource, on
the test apps and on the benchmark's app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk

from benchmarks.cdk_bench import build_app
from cdk_aspect.collect import (
    COLLECTED_TYPES,
    _is_cdk_l1,
    construct_path,
    own_resources,
    resource_type,
)
from cdk_aspect.render import render_properties, table_matches_installed_cdk
from cdk_aspect.shapes import PROPS_BY_TYPE
from tests.cdk.conftest import Synth


def _compare(app: cdk.App) -> set[str]:
    """Every collected L1 of `app`: Python rendering == jsii rendering, byte for byte (key order
    included), and the one-round-trip path == node.path. Returns the types rendered in Python."""
    covered: set[str] = set()
    stacks = [c for c in app.node.find_all() if isinstance(c, cdk.Stack)]
    for stack in stacks:
        for res in own_resources(stack):
            rtype = resource_type(res)
            if rtype not in COLLECTED_TYPES:
                continue
            assert construct_path(res, rtype) == res.node.path
            props: Any = stack.resolve(res._cfn_properties) or {}
            ours = render_properties(rtype, props) if _is_cdk_l1(res, rtype) else None
            try:
                theirs = res._render_properties(props)
            except Exception:
                assert ours is None, f"{res.node.path}: the CDK rejects what Python rendered"
                continue
            if ours is not None:
                assert json.dumps(ours) == json.dumps(theirs), res.node.path
                covered.add(rtype)
    return covered


def test_python_rendering_is_the_cdks_on_the_test_apps(constructs_app: Synth) -> None:
    covered = _compare(constructs_app.app)
    # Every L1 family the apps build is rendered in Python, not left to jsii.
    assert covered == set(PROPS_BY_TYPE), covered


def test_python_rendering_is_the_cdks_on_the_benchmark_app(tmp_path: Path) -> None:
    app = build_app(12, str(tmp_path / "cdk.out"), validation=False)
    covered = _compare(app)
    assert covered == {
        "AWS::CertificateManager::Certificate",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ElasticLoadBalancingV2::ListenerCertificate",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
    }


def test_what_the_table_cannot_prove_is_left_to_jsii() -> None:
    assert table_matches_installed_cdk()  # else every test here proves nothing
    listener = "AWS::ElasticLoadBalancingV2::Listener"
    ref = {"Ref": "Lb"}
    given: dict[str, Any] = {"loadBalancerArn": ref, "defaultActions": ref, "port": 443}
    rendered = {"DefaultActions": ref, "LoadBalancerArn": ref, "Port": 443}
    assert render_properties(listener, given) == rendered  # intrinsics pass through
    assert render_properties(listener, {**given, "notAProperty": 1}) == rendered
    assert render_properties(listener, {**given, "port": "443"}) is None  # the CDK refuses it
    assert render_properties(listener, {"loadBalancerArn": ref}) is None  # required is missing
    assert render_properties("AWS::S3::Bucket", {}) is None
    cert = "AWS::CertificateManager::Certificate"
    assert render_properties(cert, {"keyAlgorithm": "RSA_2048"}) is None  # domainName required
