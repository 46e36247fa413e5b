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

import os
from collections.abc import Mapping
from pathlib import Path

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


def _load_one(args: tuple[Path, LoadOptions]) -> Model:
    return load_terraform(*args)


def load_many(
    directories: list[Path], options: LoadOptions, jobs: int | None = None
) -> list[Model]:
    """Load several root modules (a --recursive run), in `jobs` processes when there are
    enough of them to pay for it: a cold run's cost is python-hcl2, which uses one core.
    jobs defaults to $CERTFIT_JOBS, else the number of CPUs (at most 4); 1 is sequential.
    Models come back in the order of `directories`; parse stats are added to total_stats."""
    if jobs is None:
        env = options.environ.get("CERTFIT_JOBS", "")
        jobs = int(env) if env.isdigit() else min(os.cpu_count() or 1, 4)
    if jobs <= 1 or len(directories) < 8:
        return [load_terraform(d, options) for d in directories]
    import multiprocessing

    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: sequential is correct, just slower
        return [load_terraform(d, options) for d in directories]
    chunk = max(1, len(directories) // (jobs * 4))
    with ctx.Pool(jobs) as pool:
        models = pool.map(_load_one, [(d, options) for d in directories], chunksize=chunk)
    for m in models:
        stats = getattr(m, "parse_stats", None)
        if stats is not None:
            total_stats.add(stats)
    return models


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
