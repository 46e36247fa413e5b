"""Hostile inputs, written small: each stands for an exponential or unbounded amount of work
or memory in a reader that does not bound it. Shared by the regression tests and the
property-based tests (which pick the sizes)."""

from __future__ import annotations

import json
from typing import Any

LISTENER = {
    "Type": "AWS::ElasticLoadBalancingV2::Listener",
    "Properties": {"Protocol": "HTTPS", "Port": 443},
}
PLANTED_TEMPLATE = json.dumps({"Resources": {"Planted": LISTENER}}, indent=1)


def yaml_alias_bomb(levels: int = 9, fanout: int = 10, as_key: bool = False) -> str:
    """The billion laughs in a template: `levels` anchors, each `fanout` aliases of the last."""
    lines = [
        "Resources:",
        "  Bomb:",
        "    Type: AWS::ElasticLoadBalancingV2::Listener",
        "    Properties:",
        "      Protocol: HTTPS",
        "      Port: 443",
        "Metadata:",
        "  l0: &a0 [" + ", ".join(["lol"] * fanout) + "]",
    ]
    for i in range(1, levels + 1):
        lines.append(f"  l{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fanout) + "]")
    if as_key:
        lines += [f"  ? *a{levels}", "  : boom"]
    else:
        lines.append(f"  all: *a{levels}")
    return "\n".join(lines) + "\n"


def deep_yaml(depth: int, flow: bool = True) -> str:
    head = "Resources:\n  Deep:\n    Type: AWS::SNS::Topic\n    Properties:\n      Deep:"
    if flow:
        return head + " " + "[" * depth + "]" * depth + "\n"
    return (
        head
        + "\n"
        + "".join("  " * (i + 4) + "k:\n" for i in range(depth))
        + "  " * (depth + 4)
        + "v\n"
    )


def deep_json(depth: int) -> str:
    return '{"format_version": "1.2", "planned_values": ' + "[" * depth + "]" * depth + "}"


def deep_json_template(depth: int, kind: str = "AWS::SNS::Topic") -> str:
    return (
        f'{{"Resources": {{"Deep": {{"Type": "{kind}", "Properties": {{"D": '
        + "[" * depth
        + "]" * depth
        + "}}}}"
    )


def findinmap_self_join() -> dict[str, Any]:
    """A mapping entry that joins itself twice: 2^depth evaluations without memoising."""
    me = {"Fn::FindInMap": ["M", "K", "V"]}
    return {
        "Mappings": {"M": {"K": {"V": {"Fn::Join": ["", [me, me]]}}}},
        "Resources": {
            "Looped": {
                "Type": "AWS::ElasticLoadBalancingV2::Listener",
                "Properties": {
                    "Protocol": "HTTPS",
                    "Port": 443,
                    "Certificates": [{"CertificateArn": me}],
                },
            }
        },
    }


def sub_fanout(depth: int, fanout: int) -> dict[str, Any]:
    """Fn::Sub whose variable is a Fn::Sub ...: fanout^depth evaluations, no mapping to
    memoise: only a work budget stops it."""
    value: Any = "x"
    for _ in range(depth):
        value = {"Fn::Sub": ["${v}" * fanout, {"v": value}]}
    return {
        "Resources": {
            "Fanned": {
                "Type": "AWS::ElasticLoadBalancingV2::Listener",
                "Properties": {
                    "Protocol": "HTTPS",
                    "Port": 443,
                    "Certificates": [{"CertificateArn": value}],
                },
            }
        }
    }


def join_doubling(levels: int) -> dict[str, Any]:
    """Mapping entries that each join the previous one twice: 2^levels characters."""
    entries: dict[str, Any] = {"V0": "0123456789abcdef"}
    for i in range(1, levels + 1):
        prev = {"Fn::FindInMap": ["M", "K", f"V{i - 1}"]}
        entries[f"V{i}"] = {"Fn::Join": ["", [prev, prev]]}
    return {
        "Mappings": {"M": {"K": entries}},
        "Resources": {
            "Doubled": {
                "Type": "AWS::ElasticLoadBalancingV2::Listener",
                "Properties": {
                    "Protocol": "HTTPS",
                    "Port": 443,
                    "Certificates": [
                        {"CertificateArn": {"Fn::FindInMap": ["M", "K", f"V{levels}"]}}
                    ],
                },
            }
        },
    }


def condition_chain(length: int) -> dict[str, Any]:
    """Conditions that each negate the next: as deep as `length`, in a flat file."""
    conditions: dict[str, Any] = {
        f"C{i}": {"Fn::Not": [{"Condition": f"C{i + 1}"}]} for i in range(length)
    }
    conditions[f"C{length}"] = {"Fn::Equals": ["a", "a"]}
    return {
        "Resources": {"Chained": dict(LISTENER, Condition="C0")},
        "Conditions": conditions,
    }


def doubling_locals(n: int) -> str:
    lines = ["locals {", '  s0 = "0123456789abcdef"']
    lines += [f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"' for i in range(1, n + 1)]
    return "\n".join([*lines, "}", ""])


def deep_hcl(depth: int) -> str:
    return (
        'resource "aws_lb_listener" "deep" {\n  protocol = "HTTPS"\n  port = 443\n'
        f"  certificate_arn = {'[' * depth}{']' * depth}\n}}\n"
    )
