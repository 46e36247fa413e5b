"""Terraform inputs that used to hang, blow up or drop every finding of their module: each
now ends in bounded time with an input error at the attribute or call that did it, and the
planted finding beside it is still reported."""

from __future__ import annotations

from pathlib import Path

from tests.security.bounded import PLANTED_RULE, PLANTED_TF, run_bounded


def _errors(run_report: dict, summary: str) -> list[dict]:  # type: ignore[type-arg]
    return [e for e in run_report["errors"] if e["summary"] == summary]


def test_a_module_that_calls_itself_is_one_error_at_the_call(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text('module "again" {\n  source = "./"\n}\n\n' + PLANTED_TF)
    run = run_bounded(root, ".")
    cycles = _errors(run.report, "module cycle")
    assert len(cycles) == 1
    assert cycles[0]["range"]["filename"] == "main.tf"
    assert cycles[0]["range"]["start"]["line"] == 1
    # Once, for the root's listener: not again for module.again.module.again...
    assert [i["message"].split(" ")[0] for i in run.issues(PLANTED_RULE)] == [
        "aws_lb_listener.planted"
    ]


def test_a_cycle_through_two_modules_is_reported_where_it_closes(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    (root / "main.tf").write_text('module "a" {\n  source = "./a"\n}\n')
    (root / "a" / "main.tf").write_text('module "b" {\n  source = "../b"\n}\n\n' + PLANTED_TF)
    (root / "b" / "main.tf").write_text('\nmodule "back" {\n  source = "../a"\n}\n')
    run = run_bounded(root, ".")
    cycles = _errors(run.report, "module cycle")
    assert [(c["range"]["filename"], c["range"]["start"]["line"]) for c in cycles] == [
        ("b/main.tf", 2)
    ]
    assert "module.back calls ../a" in cycles[0]["message"]
    assert len(run.issues(PLANTED_RULE)) == 1


def _doubling_locals(n: int) -> str:
    lines = ["locals {", '  s0 = "0123456789abcdef"']
    lines += [f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"' for i in range(1, n + 1)]
    return "\n".join([*lines, "}", ""])


def test_a_string_doubled_40_times_stops_at_the_string_size_limit(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "locals.tf").write_text(_doubling_locals(40))
    (root / "main.tf").write_text(
        PLANTED_TF
        + """
resource "aws_lb_listener" "doubled" {
  protocol        = "HTTPS"
  port            = 443
  certificate_arn = local.s40
}
"""
    )
    run = run_bounded(root, ".")
    limit = _errors(run.report, "input past a limit")
    assert len(limit) == 1
    assert limit[0]["range"]["filename"] == "locals.tf"
    assert "string_size" in limit[0]["message"]
    # The listener whose certificate became too large is unresolved, never "no certificate".
    assert [i["message"].split(" ")[0] for i in run.issues(PLANTED_RULE)] == [
        "aws_lb_listener.planted"
    ]


def test_a_list_doubled_and_flattened_stops_at_a_limit(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    lines = ["locals {", '  l0 = ["a", "b"]']
    lines += [f"  l{i} = [local.l{i - 1}, local.l{i - 1}]" for i in range(1, 61)]
    lines += ["  flat = flatten(local.l60)", "}", ""]
    (root / "locals.tf").write_text("\n".join(lines))
    (root / "main.tf").write_text(
        PLANTED_TF
        + """
resource "aws_lb_listener" "flat" {
  protocol        = "HTTPS"
  port            = 443
  certificate_arn = join(",", local.flat)
}
"""
    )
    run = run_bounded(root, ".")
    limit = _errors(run.report, "input past a limit")
    assert [e["range"]["filename"] for e in limit] == ["locals.tf"]
    assert len(run.issues(PLANTED_RULE)) == 1


def test_impossible_counts_are_errors_at_their_attribute(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text(
        PLANTED_TF
        + """
resource "aws_lb_listener" "billion" {
  count    = 1e9
  protocol = "HTTPS"
  port     = 443
}

resource "aws_lb_listener" "infinite" {
  count    = 1e999
  protocol = "HTTPS"
  port     = 443
}

resource "aws_lb_listener" "nan" {
  count    = 1e999 - 1e999
  protocol = "HTTPS"
  port     = 443
}
"""
    )
    run = run_bounded(root, ".")
    where = sorted(
        (e["range"]["filename"], e["range"]["start"]["line"]) for e in run.report["errors"]
    )
    assert where == [("main.tf", 7), ("main.tf", 13), ("main.tf", 19)]
    assert "expansion" in " ".join(e["message"] for e in run.report["errors"])
    # Every listener is still judged: each lacks a certificate whatever its count.
    names = sorted(i["message"].split(" ")[0] for i in run.issues(PLANTED_RULE))
    assert names == [
        "aws_lb_listener.billion[?]",
        "aws_lb_listener.infinite[?]",
        "aws_lb_listener.nan[?]",
        "aws_lb_listener.planted",
    ]


def test_a_template_that_includes_itself_stops_at_template_nesting(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "loop.tpl").write_text(
        '${templatefile("loop.tpl", {})}${templatefile("loop.tpl", {})}\n'
    )
    (root / "main.tf").write_text(
        PLANTED_TF
        + """
resource "aws_lb_listener" "templated" {
  protocol        = "HTTPS"
  port            = 443
  certificate_arn = templatefile("loop.tpl", {})
}
"""
    )
    run = run_bounded(root, ".")
    limit = _errors(run.report, "input past a limit")
    assert len(limit) == 1 and "template_nesting" in limit[0]["message"]
    assert limit[0]["range"]["filename"] == "main.tf"
    assert len(run.issues(PLANTED_RULE)) == 1


def test_a_limit_is_raised_from_the_command_line_and_the_environment(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text(
        """
resource "aws_lb_listener" "many" {
  count    = 200
  protocol = "HTTPS"
  port     = 443
}
"""
    )
    low = run_bounded(root, ".", "--limit", "expansion=100")
    assert [e["summary"] for e in low.report["errors"]] == ["input past a limit"]
    env = run_bounded(root, ".", env={"CERTFIT_LIMIT_EXPANSION": "100"})
    assert [e["summary"] for e in env.report["errors"]] == ["input past a limit"]
    env = {"CERTFIT_LIMIT_EXPANSION": "100"}
    raised = run_bounded(root, ".", "--limit", "expansion=1000", env=env)
    assert raised.report["errors"] == []
    assert len(raised.issues(PLANTED_RULE)) == 200


def test_a_committed_config_cannot_raise_a_limit(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".certfit.hcl").write_text("config {\n  limit_expansion = 1000000000\n}\n")
    (root / "main.tf").write_text(
        'resource "aws_lb_listener" "x" {\n  count = 1e9\n  protocol = "HTTPS"\n}\n'
    )
    run = run_bounded(root, ".")
    assert "input past a limit" in [e["summary"] for e in run.report["errors"]]


def test_an_unreadable_tfvars_value_is_unknown_never_no_certificate(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text(
        PLANTED_TF
        + """
variable "cert" {
  type = string
}

resource "aws_lb_listener" "from_tfvars" {
  protocol        = "HTTPS"
  port            = 443
  certificate_arn = var.cert
}
"""
    )
    (root / "terraform.tfvars").write_text('cert = "\\uZZZZ"\n')
    run = run_bounded(root, ".")
    [error] = run.report["errors"]
    assert error["range"]["filename"] == "terraform.tfvars"
    assert (error["range"]["start"]["line"], error["range"]["start"]["column"]) == (1, 9)
    assert [i["message"].split(" ")[0] for i in run.issues(PLANTED_RULE)] == [
        "aws_lb_listener.planted"
    ]
    [unresolved] = run.issues("unresolved_certificate")
    assert "aws_lb_listener.from_tfvars" in unresolved["message"]


def test_an_impossible_index_is_unknown_never_no_certificate(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text(
        PLANTED_TF
        + """
resource "aws_lb_listener" "indexed" {
  protocol        = "HTTPS"
  port            = 443
  certificate_arn = ["arn:aws:acm:eu-west-1:111122223333:certificate/x"][1e999]
}

resource "aws_lb_listener" "nan" {
  protocol        = "HTTPS"
  port            = 443
  certificate_arn = ["arn:aws:acm:eu-west-1:111122223333:certificate/x"][1e999 - 1e999]
}
"""
    )
    run = run_bounded(root, ".")
    assert [i["message"].split(" ")[0] for i in run.issues(PLANTED_RULE)] == [
        "aws_lb_listener.planted"
    ]
    unresolved = " ".join(i["message"] for i in run.issues("unresolved_certificate"))
    assert "aws_lb_listener.indexed" in unresolved and "aws_lb_listener.nan" in unresolved


def test_a_tfvars_file_of_many_values_is_read_in_linear_time(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text(
        PLANTED_TF
        + """
variable "last" {
  type = string
}

resource "aws_lb_listener" "from_tfvars" {
  protocol        = "HTTPS"
  port            = 443
  certificate_arn = var.last
}
"""
    )
    values = "".join(f'v{i} = "x"\n' for i in range(150_000))
    (root / "terraform.tfvars").write_text(values + 'last = "${"\\uZZZZ"}"\n')
    run = run_bounded(root, ".")
    # The bad value is on the last line: it was read, and its line is counted right.
    assert [e["range"]["start"]["line"] for e in run.report["errors"]] == [150_001]
    assert len(run.issues(PLANTED_RULE)) == 1


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_deep_nesting_in_every_terraform_file_kind_is_an_error_naming_it(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text(
        PLANTED_TF
        + f"""
variable "from_tfvars" {{}}
variable "from_json" {{}}

locals {{
  deep = {_deep(3000)}
}}

resource "aws_lb_listener" "deep" {{
  protocol        = "HTTPS"
  port            = 443
  certificate_arn = {_deep(3000)}
}}
"""
        + "".join(
            f'resource "aws_lb_listener" "{name}" {{\n  protocol = "HTTPS"\n  port = 443\n'
            f"  certificate_arn = {ref}\n}}\n"
            for name, ref in [
                ("tfvars", "var.from_tfvars"),
                ("json", "var.from_json"),
                ("local", "local.deep"),
            ]
        )
    )
    (root / "deep.tf.json").write_text('{"locals": {"json_deep": ' + _deep(3000) + "}}")
    (root / "terraform.tfvars").write_text(f"from_tfvars = {_deep(3000)}\n")
    (root / "terraform.tfvars.json").write_text('{"from_json": ' + _deep(3000) + "}")
    run = run_bounded(root, ".")
    named = {e["range"]["filename"] for e in run.report["errors"]}
    assert named == {"main.tf", "deep.tf.json", "terraform.tfvars", "terraform.tfvars.json"}
    assert [i["message"].split(" ")[0] for i in run.issues(PLANTED_RULE)] == [
        "aws_lb_listener.planted"
    ]
    # The listener whose own block is too deep is the error at main.tf; the others are
    # unresolved, each saying why.
    unresolved = sorted(i["message"].split(" ")[4] for i in run.issues("unresolved_certificate"))
    assert unresolved == ["aws_lb_listener.json", "aws_lb_listener.local", "aws_lb_listener.tfvars"]


def _diamond(root: Path, levels: int, bottom: str) -> None:
    """m0 calls m1 twice, m1 calls m2 twice, ...: 2^levels paths to the bottom module."""
    for i in range(levels):
        (root / f"m{i}").mkdir(parents=True)
        calls = "".join(f'module "{c}" {{\n  source = "../m{i + 1}"\n}}\n' for c in "ab")
        (root / f"m{i}" / "main.tf").write_text(calls)
    (root / f"m{levels}").mkdir()
    (root / f"m{levels}" / "main.tf").write_text(bottom)
    (root / "main.tf").write_text('module "top" {\n  source = "./m0"\n}\n\n' + PLANTED_TF)


def test_a_cycle_among_modules_with_nothing_to_read_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "m").mkdir(parents=True)
    (root / "m" / "main.tf").write_text('module "again" {\n  source = "../m"\n}\n')
    (root / "main.tf").write_text('module "m" {\n  source = "./m"\n}\n\n' + PLANTED_TF)
    run = run_bounded(root, ".")
    cycles = _errors(run.report, "module cycle")
    assert [(c["range"]["filename"], c["range"]["start"]["line"]) for c in cycles] == [
        ("m/main.tf", 1)
    ]
    assert len(run.issues(PLANTED_RULE)) == 1


def test_a_diamond_of_module_calls_is_looked_at_once_per_directory(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _diamond(root, 40, 'locals {\n  nothing = "here"\n}\n')
    run = run_bounded(root, ".")
    assert run.report["errors"] == []
    assert len(run.issues(PLANTED_RULE)) == 1


def test_module_instances_past_the_limit_are_an_error_at_a_call(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _diamond(root, 40, PLANTED_TF.replace("planted", "deep"))
    run = run_bounded(root, ".", "--limit", "instances=300")
    [error] = run.report["errors"]
    assert error["summary"] == "input past a limit" and "instances" in error["message"]
    assert error["range"]["filename"].startswith("m")
    assert "aws_lb_listener.planted" in [
        i["message"].split(" ")[0] for i in run.issues(PLANTED_RULE)
    ]


def test_modules_nested_past_the_depth_limit_are_an_error(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    levels = 60
    for i in range(levels):
        (root / f"m{i}").mkdir(parents=True)
        (root / f"m{i}" / "main.tf").write_text(f'module "next" {{\n  source = "../m{i + 1}"\n}}\n')
    (root / f"m{levels}").mkdir()
    (root / f"m{levels}" / "main.tf").write_text(PLANTED_TF.replace("planted", "deepest"))
    (root / "main.tf").write_text('module "top" {\n  source = "./m0"\n}\n\n' + PLANTED_TF)
    run = run_bounded(root, ".", "--limit", "depth=50")
    [error] = run.report["errors"]
    assert "depth" in error["message"]
    assert [i["message"].split(" ")[0] for i in run.issues(PLANTED_RULE)] == [
        "aws_lb_listener.planted"
    ]


def test_the_work_limit_is_an_error_at_the_attribute_that_spent_it(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text(
        PLANTED_TF
        + """
locals {
  firsts = ["a", "b", "c", "d", "e", "f", "g", "h"]
  names  = [for i in local.firsts : [for j in ["a", "b", "c"] : "${i}${j}"]]
}

resource "aws_lb_listener" "busy" {
  protocol        = "HTTPS"
  port            = 443
  certificate_arn = join(",", flatten(local.names))
}
"""
    )
    run = run_bounded(root, ".", "--limit", "work=60")
    [error] = run.report["errors"]
    assert error["summary"] == "input past a limit" and "limit work" in error["message"]
    assert (error["range"]["filename"], error["range"]["start"]["line"]) == ("main.tf", 8)
    [unresolved] = run.issues("unresolved_certificate")
    assert "aws_lb_listener.busy" in unresolved["message"]
    assert len(run.issues(PLANTED_RULE)) == 1
    assert run_bounded(root, ".").report["errors"] == []


def test_toset_of_many_values_is_linear_and_keeps_terraform_equality(tmp_path: Path) -> None:
    from linter.terraform.evaluate import Text, _toset

    assert _toset([1, 1.0, "1", "a", Text("a"), [1], [1], None, None]) == [1, "1", "a", [1], None]
    root = tmp_path / "repo"
    root.mkdir()
    values = ", ".join(f'"v{i}"' for i in range(60_000))
    (root / "main.tf").write_text(
        PLANTED_TF
        + f"""
resource "aws_lb_listener" "sets" {{
  protocol        = "HTTPS"
  port            = 443
  certificate_arn = join(",", toset([{values}]))
}}
"""
    )
    run = run_bounded(root, ".")
    assert len(run.issues(PLANTED_RULE)) == 1
    assert len(run.issues("unresolved_certificate")) == 1


def test_a_tfvars_value_has_a_work_budget(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text(
        PLANTED_TF
        + """
variable "square" {}

resource "aws_lb_listener" "square" {
  protocol        = "HTTPS"
  port            = 443
  certificate_arn = var.square
}
"""
    )
    items = ", ".join(str(i) for i in range(20_000))
    (root / "terraform.tfvars").write_text(
        f"square = length(flatten([for a in [{items}] : [for b in [{items}] : b]]))\n"
    )
    run = run_bounded(root, ".")
    [error] = run.report["errors"]
    assert error["range"]["filename"] == "terraform.tfvars" and "limit work" in error["message"]
    assert len(run.issues(PLANTED_RULE)) == 1
