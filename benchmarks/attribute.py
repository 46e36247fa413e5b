"""Where one certfit run spends its time, without a profiler's distortion.

cProfile slows Python-heavy code (Lark's parser) far more than C-heavy code, so its shares
mislead. Here a few functions are wrapped with a timer (a handful of calls each, so the cost of
measuring is negligible), the real CLI runs once in a fresh process, and the time inside each
is reported next to the wall time of the whole run. The buckets do not nest; the phases of
a --recursive run (survey, plan, loads) are reported apart, and hold them.
The run is sequential (CERTFIT_JOBS=1) so that every timer is in this process.
Run: `python -m benchmarks.attribute TREE [--cache DIR] [--hcl2-only]` (default: no cache).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# (bucket, module, attribute): leaf-level work that the recommendations are about.
TARGETS = [
    ("python-hcl2 (blocks)", "linter.terraform.blocks", "_parse_text"),
    ("block splitter (no python-hcl2)", "linter.terraform.splitter", "split_block"),
    ("scan files for top-level blocks", "linter.terraform.scanner", "index"),
    ("walk, and find templates", "linter.lint", "discover"),
    ("tfvars and TF_VAR_ values", "linter.terraform.variables", "root_values"),
    ("path checks (SafeReader.resolve)", "linter.safe_files", "SafeReader.resolve"),
    ("inline ignores (re-reads files)", "linter.ignores", "apply"),
    ("rules (engine.evaluate)", "linter.engine", "evaluate"),
    ("output (render)", "linter.reporters", "render"),
]
# The phases of a --recursive run, reported apart: they hold the leaves above.
PHASES = [
    ("survey: read and check every directory once", "linter.terraform.survey", "survey"),
    ("plan: root modules, and which reach something", "linter.terraform.survey", "plan"),
    ("load the root modules that reach something", "linter.terraform.survey", "_load_one"),
]
PRELOAD = [
    "linter.terraform",
    "linter.terraform.modules",
    "linter.terraform.extract",
    "linter.terraform.survey",
]


def _wrap(
    fn: Callable[..., Any], totals: dict[str, float], calls: dict[str, int], name: str
) -> Any:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - start
            calls[name] += 1

    return timed


def install(
    totals: dict[str, float],
    calls: dict[str, int],
    targets: list[tuple[str, str, str]] = TARGETS,
) -> None:
    """Replace each target everywhere it was imported (`from x import f` copies included)."""
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    for bucket, module, attr in targets:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        owner: Any = mod
        *path, leaf = attr.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        original = getattr(owner, leaf, None) if owner is not None else None
        if original is None:
            continue
        totals[bucket], calls[bucket] = 0.0, 0
        wrapped = _wrap(original, totals, calls, bucket)
        setattr(owner, leaf, wrapped)
        if not path:
            for other in list(sys.modules.values()):
                if (
                    getattr(other, "__name__", "").startswith("linter")
                    and getattr(other, leaf, None) is original
                ):
                    setattr(other, leaf, wrapped)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--cache", type=Path, help="parse cache directory (default: none)")
    parser.add_argument(
        "--hcl2-only",
        action="store_true",
        help="switch the front end's block splitter off (CERTFIT_FAST_BLOCKS=0), to compare",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    from linter import cli

    imports = time.perf_counter() - start
    totals: dict[str, float] = {}
    calls: dict[str, int] = {}
    if args.hcl2_only:
        os.environ["CERTFIT_FAST_BLOCKS"] = "0"
    install(totals, calls)
    phase_totals: dict[str, float] = {}
    phase_calls: dict[str, int] = {}
    install(phase_totals, phase_calls, PHASES)
    flags = ["--recursive", "--root", str(args.tree), str(args.tree), "-f", "json"]
    # One process: worker processes would keep their timers to themselves.
    os.environ["CERTFIT_JOBS"] = "1"
    if args.cache:
        os.environ["CERTFIT_CACHE_DIR"] = str(args.cache)
    else:
        flags.append("--no-cache")
    run_start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        cli.main(flags)
    run = time.perf_counter() - run_start
    rows = {k: {"s": round(v, 3), "calls": calls[k]} for k, v in totals.items()}
    accounted = sum(totals.values())
    print(
        json.dumps(
            {
                "tree": str(args.tree),
                "cache": bool(args.cache),
                "hcl2_only": args.hcl2_only,
                "import_cli_s": round(imports, 3),
                "run_s": round(run, 3),
                "buckets": rows,
                "phases": {
                    k: {"s": round(v, 3), "calls": phase_calls[k]} for k, v in phase_totals.items()
                },
                "other_s": round(run - accounted, 3),
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
