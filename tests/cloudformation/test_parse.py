"""Templates parse to plain values that remember where each key was written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.cloudformation.loader import load_template
from linter.cloudformation.parse import TemplateSyntaxError, load_json, load_text, load_yaml
from linter.options import LoadOptions

YAML = """\
AWSTemplateFormatVersion: 2010-09-09
Resources:
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LB
      Certificates:
        - CertificateArn: !GetAtt Server.Arn
      SslPolicy: !If [Modern, !Sub "${Prefix}-TLS13", !ImportValue shared-policy]
      Protocol: !Select [0, !Split [",", "TLS,HTTPS"]]
      Port: !FindInMap [Ports, !Ref "AWS::Region", tls]
"""


def test_yaml_short_tags_become_the_long_forms_cloudformation_reads() -> None:
    doc = load_yaml(YAML)
    props = doc["Resources"]["Listener"]["Properties"]
    assert doc["AWSTemplateFormatVersion"] == "2010-09-09"
    assert props["LoadBalancerArn"] == {"Ref": "LB"}
    assert props["Certificates"][0]["CertificateArn"] == {"Fn::GetAtt": ["Server", "Arn"]}
    assert props["SslPolicy"] == {
        "Fn::If": ["Modern", {"Fn::Sub": "${Prefix}-TLS13"}, {"Fn::ImportValue": "shared-policy"}]
    }
    assert props["Protocol"] == {"Fn::Select": [0, {"Fn::Split": [",", "TLS,HTTPS"]}]}
    assert props["Port"] == {"Fn::FindInMap": ["Ports", {"Ref": "AWS::Region"}, "tls"]}


def test_yaml_remembers_lines_of_keys_and_list_items() -> None:
    doc = load_yaml(YAML)
    props = doc["Resources"]["Listener"]["Properties"]
    assert doc["Resources"].where("Listener") == (3, 3)
    assert props.where("Certificates") == (7, 7)
    assert props["Certificates"].where(0) == (8, 11)
    assert props["Certificates"][0].where("CertificateArn") == (8, 11)


def test_json_remembers_lines_and_matches_the_json_module() -> None:
    text = json.dumps(
        {
            "Resources": {
                "A": {"Type": "X", "Properties": {"List": [1, 2.5, "s\u00e9", None, True]}}
            }
        },
        indent=2,
    )
    doc = load_json(text)
    assert doc == json.loads(text)
    lines = text.splitlines()
    line, col = doc["Resources"]["A"]["Properties"].where("List")
    assert lines[line - 1][col - 1 :].startswith('"List"')
    line, col = doc["Resources"]["A"]["Properties"]["List"].where(2)
    assert lines[line - 1][col - 1 :].startswith('"s\\u00e9"')


@pytest.mark.parametrize(
    ("text", "suffix", "line"),
    [
        ('{\n  "Resources": {\n    "A": [1, 2,]\n  }\n}\n', ".json", 3),
        ("Resources:\n  A: [1, 2\n  B: 3\n", ".yaml", 3),
    ],
)
def test_syntax_errors_say_where(text: str, suffix: str, line: int) -> None:
    with pytest.raises(TemplateSyntaxError) as info:
        load_text(text, suffix)
    assert info.value.line == line


def test_yaml_never_builds_python_objects() -> None:
    with pytest.raises(TemplateSyntaxError):
        load_yaml("Resources: !!python/object/apply:os.system ['echo unsafe']\n")


def test_json_positions_can_be_limited_to_the_resources_that_need_them() -> None:
    doc = {
        "Parameters": {"P": {"Type": "String"}},
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": [{"Key": "k"}]}},
            "Cert": {"Type": "AWS::CertificateManager::Certificate", "Properties": {"X": [1]}},
        },
    }
    text = json.dumps(doc, indent=2)
    fast = load_json(text, keep=lambda r: r.get("Type", "").startswith("AWS::Certificate"))
    assert fast == doc
    line, _ = fast["Resources"]["Cert"]["Properties"].where("X")
    assert '"X"' in text.splitlines()[line - 1]
    assert not hasattr(fast["Resources"]["Queue"], "where")  # read by the C decoder


# Every short tag CloudFormation documents, intrinsic and rule functions alike. cfn-lint's loader
# (decode/cfn_yaml.py) turns any `!Name` into `Fn::Name` (`Ref`, `Condition` as they are).
SHORT_TAGS = [
    "And",
    "Base64",
    "Cidr",
    "Contains",
    "EachMemberEquals",
    "EachMemberIn",
    "Equals",
    "FindInMap",
    "ForEach",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "RefAll",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
    "ValueOf",
    "ValueOfAll",
]


@pytest.mark.parametrize("name", [*SHORT_TAGS, "SomeFutureFunction"])
@pytest.mark.parametrize("node", ["scalar", "[a, b]", "{k: v}"])
def test_every_short_tag_reads_as_its_long_form(name: str, node: str) -> None:
    doc = load_yaml(f"Rules:\n  R:\n    Assertions:\n      - Assert: !{name} {node}\n")
    [assertion] = doc["Rules"]["R"]["Assertions"]
    expected = {"scalar": "scalar", "[a, b]": ["a", "b"], "{k: v}": {"k": "v"}}[node]
    assert assertion["Assert"] == {f"Fn::{name}": expected}


def test_ref_condition_and_getatt_keep_their_forms() -> None:
    doc = load_yaml("A: !Ref X\nB: !Condition C\nC: !GetAtt R.Arn\nD: !GetAtt [R, Arn]\n")
    assert doc == {
        "A": {"Ref": "X"},
        "B": {"Condition": "C"},
        "C": {"Fn::GetAtt": ["R", "Arn"]},
        "D": {"Fn::GetAtt": ["R", "Arn"]},
    }


RULES_TEMPLATE = """\
Parameters:
  Env:
    Type: String
    Default: prod
Rules:
  ProdOnly:
    RuleCondition: !Equals [!Ref Env, prod]
    Assertions:
      - Assert: !Contains [[prod, staging], !Ref Env]
      - Assert: !EachMemberEquals [!RefAll "AWS::EC2::VPC::Id", vpc-1]
      - Assert: !EachMemberIn [!ValueOfAll ["AWS::EC2::Subnet::Id", VpcId], [vpc-1]]
      - Assert: !Equals [!ValueOf [Env, Tag], prod]
Resources:
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/a/1
      Protocol: HTTPS
      Port: 443
      Certificates:
        - CertificateArn: !ValueOf [Env, CertArn]
"""


def test_a_template_with_rule_functions_is_read_and_an_unknown_function_is_unknown(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES_TEMPLATE)
    model = load_template(path, LoadOptions.for_root(tmp_path))
    assert model.errors == []
    [binding] = model.bindings
    assert binding.endpoint.protocol == "HTTPS"
    assert binding.certificate is None
    assert "Fn::ValueOf" in binding.unresolved_reason


@pytest.mark.parametrize("tag", ["!foo%0A::error::x", "!a%20b", "!x/y", "!Fn::"])
def test_a_tag_that_is_no_function_name_is_a_syntax_error_that_does_not_echo_it(tag: str) -> None:
    with pytest.raises(TemplateSyntaxError) as info:
        load_yaml(f"Resources:\n  A: {tag} value\n")
    assert info.value.line == 2
    assert "error::x" not in str(info.value) and "\n" not in str(info.value)


def test_a_resource_type_that_is_not_a_string_is_no_crash(tmp_path: Path) -> None:
    """Found by `make fuzz` (cloudformation): `"Type": {...}` in a JSON template raised
    TypeError (unhashable) while positions were being kept, and the template was lost."""
    from linter.cloudformation import load_template
    from linter.options import LoadOptions

    template = {
        "Resources": {
            "Odd": {"Type": {"not": "a string"}},
            "Listener": {
                "Type": "AWS::ElasticLoadBalancingV2::Listener",
                "Properties": {"Protocol": "HTTPS", "Port": 443},
            },
        }
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=1))
    model = load_template(path, LoadOptions.for_root(tmp_path))
    assert [e.address for e in model.endpoints] == ["Listener"]
    assert [b.certificate for b in model.bindings] == []  # no certificate: the rule says so
