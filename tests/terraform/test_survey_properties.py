"""Property: on any graph of module directories (calls between them, cycles, calls to remote
or missing modules, directories with a listener or broken files), a --recursive run that
surveys first finds the same findings and the same errors as loading every root module, and
decides the same root modules."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import tests.hypothesis_profiles  # noqa: F401  (loads the profile)
from linter.engine import Settings, evaluate
from linter.lint import terraform_dirs, walk_once
from linter.model import Model
from linter.options import LoadOptions
from linter.safe_files import SafeReader
from linter.terraform import find_root_modules, load_terraform
from linter.terraform.modules import forget_files
from linter.terraform.survey import load_tree

LISTENER = 'resource "aws_lb_listener" "l" {\n  protocol = "HTTPS"\n}\n'
BUCKET = 'resource "aws_s3_bucket" "b" {}\n'
BROKEN = 'resource "aws_s3_bucket" "broken" {\n'

# a call: to another directory by index, to a remote module, or to a path that is not there
call = st.one_of(st.integers(0, 5), st.just("remote"), st.just("missing"))
directory = st.fixed_dictionaries(
    {
        "listener": st.booleans(),
        "broken": st.booleans(),
        "calls": st.lists(call, max_size=3),
    }
)


def _write(top: Path, dirs: list[dict[str, object]]) -> None:
    for i, spec in enumerate(dirs):
        d = top / f"d{i}"
        d.mkdir(parents=True)
        text = LISTENER if spec["listener"] else BUCKET
        for n, target in enumerate(spec["calls"]):  # type: ignore[arg-type]
            if target == "remote":
                source = "org/module/aws"
            elif target == "missing":
                source = "../nowhere"
            else:
                source = f"../d{int(target) % len(dirs)}"
            text += f'module "m{n}" {{\n  source = "{source}"\n}}\n'
        (d / "main.tf").write_text(text)
        if spec["broken"]:
            (d / "broken.tf").write_text(BROKEN)


def _seen(models: list[Model]) -> tuple[list[tuple[str, ...]], set[tuple[str, ...]]]:
    found = sorted(
        (f.rule, f.message, str(f.location)) for m in models for f in evaluate(m, Settings())
    )
    errors = {(e.summary, e.message, str(e.location)) for m in models for e in m.errors}
    return found, errors


@given(st.lists(directory, min_size=1, max_size=6), st.sampled_from(["local", "all"]))
def test_the_survey_agrees_with_loading_every_root_module(
    dirs: list[dict[str, object]], call_module_type: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp).resolve()
        _write(top, dirs)
        reader = SafeReader(top)
        options = LoadOptions.for_root(top, call_module_type=call_module_type)
        forget_files()
        roots = find_root_modules(top, reader)
        reference = [load_terraform(r, options) for r in roots]
        forget_files()
        listing = terraform_dirs(walk_once(top, reader))
        models, plan, _ = load_tree(top, listing, options, jobs=1)
        assert plan.roots == roots
        # a root module answered without loading has nothing to judge
        loaded = set(plan.to_load)
        for root, model in zip(roots, reference, strict=True):
            if root not in loaded:
                assert not (model.endpoints or model.certificates or model.bindings)
        # every file that does not parse is reported, reached or not
        broken = {f"d{i}/broken.tf" for i, spec in enumerate(dirs) if spec["broken"]}
        said = {e.location.file for m in models for e in m.errors if e.location}
        assert broken <= said
        # the same findings, and every error of the reference (the survey may say more:
        # broken files no root module reaches)
        found, errors = _seen(models)
        ref_found, ref_errors = _seen(reference)
        assert found == ref_found
        assert ref_errors <= errors
        assert {e for e in errors - ref_errors if e[0] != "file does not parse"} == set()
