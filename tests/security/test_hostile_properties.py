"""Property: whatever hostile structure a front end is fed (deep nesting, alias bombs, cycles,
huge counts, doubling strings, overflowing numbers, self-referring mappings and assemblies),
the real CLI ends in bounded time and memory (subprocess timeout and RLIMIT_AS), prints no
traceback and no internal error, names the hostile file in what it reports, and still reports
the known-good finding planted in another file of the same run.

The cases are generated: hypothesis picks the kind, the sizes and the numbers."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.security import hostile
from tests.security.bounded import PLANTED_RULE, PLANTED_TF, Bounded, run_bounded
from tests.security.conftest import HOSTILE


@dataclass
class Case:
    files: dict[str, str]  # path -> text; the hostile file first
    args: tuple[str, ...]  # what to lint
    planted: str  # the file the planted finding is in

    @property
    def hostile(self) -> str:
        return next(iter(self.files))


def _check(case: Case) -> None:
    top = Path(tempfile.mkdtemp(prefix="certfit-hostile-"))
    try:
        root = top / "repo"
        for name, text in case.files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        run: Bounded = run_bounded(root, *case.args)
        named = [str((e.get("range") or {}).get("filename", "")) for e in run.report["errors"]]
        named += [i["range"]["filename"] for i in run.report["issues"]]
        assert case.hostile in named, f"{case.hostile} is named nowhere: {run.out[:2000]}"
        planted = [i["range"]["filename"] for i in run.issues(PLANTED_RULE)]
        assert case.planted in planted, run.out[:2000]
    finally:
        shutil.rmtree(top, ignore_errors=True)


# -- Terraform HCL ----------------------------------------------------------------------------

NUMBERS = st.sampled_from(
    ["1e999", "1e999 - 1e999", "-1e999", "1e9", "123456789012345678901234567890", "-3", "2.5"]
)


def _listener(name: str, arn: str) -> str:
    return (
        f'resource "aws_lb_listener" "{name}" {{\n  protocol = "HTTPS"\n  port = 443\n'
        f"  certificate_arn = {arn}\n}}\n"
    )


@st.composite
def terraform_cases(draw: Callable[..., object]) -> Case:
    kind = draw(st.sampled_from(["double", "count", "deep", "cycle", "template", "lists"]))
    files: dict[str, str]
    if kind == "double":
        n = int(draw(st.integers(24, 64)))  # type: ignore[call-overload]
        files = {"hostile.tf": hostile.doubling_locals(n) + _listener("x", f"local.s{n}")}
    elif kind == "count":
        number = str(draw(NUMBERS))
        files = {"hostile.tf": f'resource "aws_lb_listener" "x" {{\n  count = {number}\n}}\n'}
    elif kind == "deep":
        depth = int(draw(st.integers(300, 5000)))  # type: ignore[call-overload]
        where = draw(st.sampled_from(["attr", "tfvars", "json"]))
        deep = "[" * depth + "]" * depth
        if where == "attr":
            files = {"hostile.tf": _listener("x", deep)}
        elif where == "tfvars":
            files = {
                "terraform.tfvars": f"v = {deep}\n",
                "vars.tf": 'variable "v" {}\n' + _listener("x", "var.v"),
            }
        else:
            files = {
                "hostile.tf.json": '{"locals": {"x": ' + deep + "}}",
                "uses.tf": _listener("x", "local.x"),
            }
    elif kind == "cycle":
        length = int(draw(st.integers(1, 4)))  # type: ignore[call-overload]
        files = {
            f"m{i}/main.tf": f'module "next" {{\n  source = "../m{(i + 1) % length}"\n}}\n'
            for i in reversed(range(length))  # the last one closes the cycle: named first
        }
        files["main.tf"] = 'module "m0" {\n  source = "./m0"\n}\n' + PLANTED_TF
        return Case(files, (".",), "main.tf")
    elif kind == "template":
        fanout = int(draw(st.integers(1, 4)))  # type: ignore[call-overload]
        files = {
            "loop.tpl": '${templatefile("loop.tpl", {})}' * fanout,
            "hostile.tf": _listener("x", 'templatefile("loop.tpl", {})'),
        }
        files = {"hostile.tf": files["hostile.tf"], "loop.tpl": files["loop.tpl"]}
    else:
        n = int(draw(st.integers(20, 70)))  # type: ignore[call-overload]
        lines = ["locals {", '  l0 = ["a"]']
        lines += [f"  l{i} = concat(local.l{i - 1}, local.l{i - 1})" for i in range(1, n + 1)]
        files = {"hostile.tf": "\n".join([*lines, "}", ""]) + _listener("x", f"local.l{n}[0]")}
    return Case({**files, "planted.tf": PLANTED_TF}, (".",), "planted.tf")


@HOSTILE
@given(terraform_cases())
def test_terraform_front_end_is_bounded(case: Case) -> None:
    _check(case)


# -- plan JSON ----------------------------------------------------------------------------------


@st.composite
def plan_cases(draw: Callable[..., object]) -> Case:
    depth = int(draw(st.integers(500, 20000)))  # type: ignore[call-overload]
    where = draw(st.sampled_from(["planned_values", "configuration", "variables"]))
    text = '{"format_version": "1.2", "' + str(where) + '": ' + "[" * depth + "]" * depth + "}"
    return Case({"plan.json": text, "planted.tf": PLANTED_TF}, ("plan.json", "."), "planted.tf")


@HOSTILE
@given(plan_cases())
def test_plan_front_end_is_bounded(case: Case) -> None:
    _check(case)


# -- CloudFormation YAML / JSON -----------------------------------------------------------------


@st.composite
def template_cases(draw: Callable[..., object]) -> Case:
    kind = draw(st.sampled_from(["bomb", "deep", "findinmap", "sub", "join", "conditions"]))
    if kind == "bomb":
        levels = int(draw(st.integers(5, 12)))  # type: ignore[call-overload]
        fanout = int(draw(st.integers(6, 12)))  # type: ignore[call-overload]
        as_key = bool(draw(st.booleans()))
        name, text = "hostile.yaml", hostile.yaml_alias_bomb(levels, fanout, as_key)
    elif kind == "deep":
        depth = int(draw(st.integers(300, 5000)))  # type: ignore[call-overload]
        form = draw(st.sampled_from(["flow", "block", "json", "json-listener"]))
        if form == "json":  # outside what is read: an error only past what Python follows
            name, text = "hostile.json", hostile.deep_json_template(depth + 2000)
        elif form == "json-listener":
            name = "hostile.json"
            text = hostile.deep_json_template(depth, str(hostile.LISTENER["Type"]))
        else:  # block nesting grows the file quadratically: kept under the 2 MB sniff size
            name, text = "hostile.yaml", hostile.deep_yaml(min(depth, 1000), form == "flow")
    elif kind == "findinmap":
        name, text = "hostile.json", json.dumps(hostile.findinmap_self_join(), indent=1)
    elif kind == "sub":
        depth = int(draw(st.integers(8, 40)))  # type: ignore[call-overload]
        fanout = int(draw(st.integers(2, 10)))  # type: ignore[call-overload]
        name, text = "hostile.json", json.dumps(hostile.sub_fanout(depth, fanout), indent=1)
    elif kind == "join":
        levels = int(draw(st.integers(20, 30)))  # type: ignore[call-overload]
        name, text = "hostile.json", json.dumps(hostile.join_doubling(levels), indent=1)
    else:
        length = int(draw(st.integers(150, 5000)))  # type: ignore[call-overload]
        name, text = "hostile.json", json.dumps(hostile.condition_chain(length), indent=1)
    files = {name: text, "planted.json": hostile.PLANTED_TEMPLATE}
    recursive = bool(draw(st.booleans()))
    return Case(files, ("--recursive", ".") if recursive else (".",), "planted.json")


@HOSTILE
@given(template_cases())
def test_cloudformation_front_end_is_bounded(case: Case) -> None:
    _check(case)


# -- cdk.out ------------------------------------------------------------------------------------


@st.composite
def assembly_cases(draw: Callable[..., object]) -> Case:
    kind = draw(st.sampled_from(["dot", "nested", "deep"]))
    stack = {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.json"}}
    artifacts: dict[str, object] = {"S": stack}
    resources: dict[str, object] = {"L": hostile.LISTENER}
    if kind == "dot":
        for i in range(int(draw(st.integers(1, 6)))):  # type: ignore[call-overload]
            target = draw(st.sampled_from([".", "./", "../cdk.out"]))
            artifacts[f"a{i}"] = {
                "type": "cdk:cloud-assembly",
                "properties": {"directoryName": target},
            }
    elif kind == "nested":
        for i in range(int(draw(st.integers(1, 8)))):  # type: ignore[call-overload]
            resources[f"N{i}"] = {
                "Type": "AWS::CloudFormation::Stack",
                "Metadata": {"aws:asset:path": "S.json"},
                "Properties": {},
            }
    if kind == "deep":
        depth = int(draw(st.integers(1000, 20000)))  # type: ignore[call-overload]
        manifest = '{"version": "36.0.0", "artifacts": ' + "[" * depth + "]" * depth + "}"
        hostile_name = "cdk.out/manifest.json"
    else:
        manifest = json.dumps({"version": "36.0.0", "artifacts": artifacts})
        hostile_name = "cdk.out/S.json"  # the stack's own finding, reported once
    files = {
        hostile_name: manifest if kind == "deep" else json.dumps({"Resources": resources}),
        "cdk.out/manifest.json": manifest,
        "planted.json": hostile.PLANTED_TEMPLATE,
    }
    return Case(files, ("cdk.out", "planted.json"), "planted.json")


@HOSTILE
@given(assembly_cases())
def test_cdk_out_front_end_is_bounded(case: Case) -> None:
    _check(case)
