"""Terraform front end: a root module directory (and the modules it calls) to the shared model.

Work grows with what is relevant, not with the size of the tree: each file is scanned cheaply
for its top-level blocks, and only the blocks a certificate or a binding reaches are parsed:
by the splitter when it is sure, else by python-hcl2 (see scanner.py, splitter.py, blocks.py;
the stats count bytes_parsed by python-hcl2 and bytes_split by the splitter apart). The
parse-work figure of the last load is kept in `last_stats`, summed over the process in
`total_stats`, and on the returned model as `model.parse_stats`.

What evaluates (evaluate.py, modules.py): literals, strings and heredocs (<<EOF, <<-EOF) with
interpolations, var. (default, module input, tfvars, *.auto.tfvars, -var, -var-file, TF_VAR_),
local., module outputs (local modules; downloaded ones through .terraform/modules/modules.json
with call_module_type "all"), each.key/each.value, count.index, for_each/count on resources,
modules and dynamic blocks, resource attributes written in the configuration, splats, for
expressions, conditionals, arithmetic and comparison, path.module/root/cwd,
terraform.workspace ("default"), provider regions (aliases, module `providers` maps), and the
functions coalesce, lookup, try, can, one, join, format (%s %d %v %q), merge, tomap, toset,
tolist, tostring, tonumber, tobool, concat, flatten, keys, values, length, element, contains,
zipmap, compact, distinct, split, replace (plain strings), lower, upper, trimspace, chomp,
trimprefix, trimsuffix, startswith, endswith, substr, min, max, base64encode/decode,
sensitive/nonsensitive, file, filebase64, templatefile (with %{if}/%{for} directives), and
data "local_file"/"local_sensitive_file" .content (read like file(), inside the root only).

What becomes an Unknown with its reason: attributes only known after apply (ARNs, ids: kept
as a reference to their resource so bindings still resolve), variables without a value,
other functions (timestamp, regex, cidrsubnet, ...),
remote modules not downloaded or not followed, data sources other than the certificate ones,
self, and anything built from an Unknown. *.tf.json files are read too, and override files
are merged into their blocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import cast

from linter import limits
from linter.model import InputError, Model
from linter.options import LoadOptions
from linter.safe_files import SafeReader
from linter.terraform.blocks import ParseStats
from linter.terraform.extract import Extractor
from linter.terraform.modules import Loader, ModuleInstance
from linter.terraform.reach import DirFacts
from linter.terraform.variables import root_values

__all__ = ["ParseStats", "find_root_modules", "last_stats", "load_many", "load_terraform"]

last_stats = ParseStats()
total_stats = ParseStats()  # summed over every load in this process (for --recursive runs)


def load_terraform(
    directory: Path, options: LoadOptions, facts: Mapping[str, DirFacts] | None = None
) -> Model:
    """Read one root module directory into a Model (errors included, never raised). `facts`:
    what a survey found of the tree's directories (which modules reach anything is then known
    without reading them again)."""
    global last_stats
    directory = Path(directory)
    loader = Loader(options, directory)
    if not directory.is_dir():
        model = Model()
        model.errors.append(InputError("not a directory", f"{directory} is not a directory", None))
        return model
    root_dir = loader.dir(loader.root_dir, real=True)  # the Loader made it real
    root = ModuleInstance(loader, root_dir, "", ())
    root.root_values_fn = lambda: root_values(root, loader)  # read only if a var is used
    extractor = Extractor(loader, facts)
    try:
        with limits.using(options.limits):
            extractor.walk(root)
            extractor.finish()
    except Exception as e:  # never take the whole run down: report and keep what was found
        loader.error(
            "Terraform front end failed",
            f"internal error ({type(e).__name__}) while reading {loader.rel(directory)}; "
            "please report it",
            None,
        )
    model = extractor.model
    model.errors.extend(loader.errors)
    last_stats = loader.stats
    total_stats.add(loader.stats)
    model.parse_stats = loader.stats  # type: ignore[attr-defined]
    return model


def _load_one(options: LoadOptions, directory: Path) -> Model:
    return load_terraform(directory, options)


def load_many(
    directories: list[Path], options: LoadOptions, jobs: int | None = None
) -> list[Model]:
    """Load several root modules (named one by one), in `jobs` processes when there are
    enough of them to pay for it (`workers.jobs_for`: $CERTFIT_JOBS, else the CPUs, at most
    4; 1 is sequential). Models come back in the order of `directories`; parse stats are added
    to total_stats. A --recursive run uses `survey.load_tree` instead."""
    from linter.workers import Failed, Shares, jobs_for

    jobs = jobs_for(len(directories), options.environ, jobs)
    with Shares(jobs) as shares:
        parts = [directories[k :: shares.jobs] for k in range(shares.jobs)]
        results, doers = shares.run_balanced(_load_one, [options] * shares.jobs, parts, 1)
    models: list[Model | None] = [None] * len(directories)
    for k, (found, did) in enumerate(zip(results, doers, strict=True)):
        for i, (model, doer) in enumerate(zip(found, did, strict=True)):
            if isinstance(model, Failed):  # loaded again here, where the failure is reported
                model, doer = _load_one(options, parts[k][i]), 0
            stats = getattr(model, "parse_stats", None)
            if doer != 0 and stats is not None:  # this process's loads counted themselves
                total_stats.add(stats)
            models[k + i * shares.jobs] = model
    return cast(list[Model], models)  # every position is filled above


def find_root_modules(directory: Path, reader: SafeReader | None = None) -> list[Path]:
    """Directories holding .tf files that are not only called as local modules by others
    (tflint's --recursive): a directory no local `module` call names is a root module. Files
    are read through `reader` (default: one confined to `directory`); the walk follows no link
    and stays inside the root. One process; a --recursive run uses `survey.load_tree`."""
    from linter.lint import terraform_dirs, walk_once
    from linter.terraform.survey import plan, run_scope, survey
    from linter.workers import Shares

    reader = reader or SafeReader(directory)
    dirs = terraform_dirs(walk_once(Path(directory), reader))
    options = LoadOptions(reader=reader)
    with run_scope(), Shares(1) as shares:
        facts, _owner, _stats = survey(Path(directory), dirs, options, shares)
    return plan(Path(directory), dirs, facts, options).roots
