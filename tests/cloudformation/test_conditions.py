"""Fn::And / Fn::Or / Fn::Not over known and unknown parameters."""

from linter.cloudformation.intrinsics import Scope, Unknown

PARAMS = {"Env": {"Type": "String", "Default": "prod"}, "Later": {"Type": "String"}}
PROD = {"Fn::Equals": [{"Ref": "Env"}, "prod"]}
DEV = {"Fn::Equals": [{"Ref": "Env"}, "dev"]}
LATER = {"Fn::Equals": [{"Ref": "Later"}, "x"]}  # no default: unknown


def evaluate(expr: object) -> object:
    return Scope({}, PARAMS, {}, {}, {}).evaluate(expr)


def test_and_or_with_known_values() -> None:
    assert evaluate({"Fn::And": [PROD, PROD]}) is True
    assert evaluate({"Fn::And": [PROD, DEV]}) is False
    assert evaluate({"Fn::Or": [DEV, PROD]}) is True
    assert evaluate({"Fn::Or": [DEV, DEV]}) is False
    assert evaluate({"Fn::Not": [DEV]}) is True


def test_a_decisive_value_settles_it_beside_an_unknown() -> None:
    assert evaluate({"Fn::And": [DEV, LATER]}) is False
    assert evaluate({"Fn::Or": [PROD, LATER]}) is True
    assert isinstance(evaluate({"Fn::And": [PROD, LATER]}), Unknown)
    assert isinstance(evaluate({"Fn::Or": [DEV, LATER]}), Unknown)
    assert isinstance(evaluate({"Fn::Not": [LATER]}), Unknown)
