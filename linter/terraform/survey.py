"""A `--recursive` run over a Terraform tree: every file read and checked once, only the root
modules that reach something loaded.

1. The survey: every directory holding .tf files is read and scanned once, in shares over the
   worker processes (`linter.workers`). Each directory comes back as `DirFacts` (its module
   calls, whether it defines anything certfit reads, the errors met reading and checking its
   files). Every file's structural check is reported here, once, even for a file no root
   module reaches.
2. The plan, in this process, from the facts alone: a directory no local module call names is a
   root module (tflint's `--recursive`); a root module that reaches no resource certfit reads
   holds nothing to judge, and what loading it would report (module cycles) is taken from the
   same walk the extractor uses (`reach.reaches_relevant`).
3. The loads: each root module that reaches something is loaded by the process that surveyed
   its directory, where its files are already scanned (`modules._FILES`).

In the 50,000-file benchmark tree, 776 of 3,835 root modules reach something: the survey is
most of the run, and it is spread over the cores.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from linter import limits
from linter.engine import Settings, evaluate_early
from linter.model import InputError, Model
from linter.options import LoadOptions
from linter.terraform.blocks import ParseStats
from linter.terraform.extract import RELEVANT_TYPES
from linter.terraform.modules import Loader, forget_files_outside, one_run
from linter.terraform.reach import Call, DirFacts, cycle_error, facts_of, reaches_relevant
from linter.workers import Failed, Shares, jobs_for


@dataclass
class Plan:
    """What the survey decided: the root modules in walk order, the ones worth loading, and
    the errors of every directory read (files that do not read or check, module cycles)."""

    roots: list[Path]
    to_load: list[Path]
    errors: list[InputError] = field(default_factory=list)


@dataclass
class _SurveyCommon:
    options: LoadOptions
    top: Path


# One loader per round and process (its realpath is not free), for the round's own options:
# the common value is held, not its id, which a later round's could reuse.
_loader: list[tuple[_SurveyCommon, Loader]] = []


def _survey_one(common: _SurveyCommon, path: Path) -> tuple[DirFacts, ParseStats]:
    """One directory's facts. Its files are read and scanned in this process and stay in its
    memory (`modules._FILES`) for the loads that follow; the directory's other state does not."""
    if not _loader or _loader[0][0] is not common:
        _loader[:] = [(common, Loader(common.options, common.top))]
    loader = _loader[0][1]
    with limits.using(common.options.limits):
        facts = facts_of(loader, path, RELEVANT_TYPES, real=True)  # walked: real paths
    stats = loader.stats
    loader.reset()
    # What is left is what the loads reuse (the file's scans): out of the collector's sight
    # until the run ends (gc.freeze is a list splice), so each pass walks one directory's
    # young objects, not the whole tree read so far.
    gc.freeze()
    return facts, stats


@dataclass
class _LoadCommon:
    options: LoadOptions
    facts: dict[str, DirFacts]
    settings: Settings | None  # judge each model where it is loaded
    keep: frozenset[str]  # the directories this share's loads reach: their scans are kept
    pruned: bool = False


def _load_one(common: _LoadCommon, path: Path) -> Model:
    from linter.terraform import load_terraform

    if not common.pruned:  # once per share: the scans no load of it will read are let go
        common.pruned = True
        forget_files_outside(common.keep)
    model = load_terraform(path, common.options, common.facts)
    if common.settings is not None:
        evaluate_early(model, common.settings)
    return model


@contextmanager
def run_scope() -> Iterator[None]:
    """What a survey runs in: one run (files read once are used as read) with the collector
    kept off the scans it keeps, all undone at the end (see `_fewer_collections`)."""
    try:
        with one_run(), _fewer_collections():
            yield
    finally:
        _loader.clear()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """The survey keeps every file's scan: hundreds of thousands of objects that live until
    the end. The collector's default pace walks them again and again (about a second on the
    benchmark tree): the survey freezes them as it goes (see _survey_one), they are unfrozen
    when the run ends, and a larger first generation makes the remaining passes fewer."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 20_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


SURVEY_CHUNK = 24  # directories a process takes at a time (about 10 ms of work)
LOAD_CHUNK = 4  # root modules a process takes at a time


def survey(
    top: Path, dirs: list[Path], options: LoadOptions, shares: Shares
) -> tuple[dict[str, DirFacts], dict[str, int], ParseStats]:
    """The facts of every directory in `dirs`, and which process surveyed each. Process k
    starts with every k-th directory; one that is done early takes over the others' rest."""
    parts: list[list[Path]] = [dirs[k :: shares.jobs] for k in range(shares.jobs)]
    common = _SurveyCommon(options, top)
    results, doers = shares.run_balanced(_survey_one, [common] * shares.jobs, parts, SURVEY_CHUNK)
    facts: dict[str, DirFacts] = {}
    owner: dict[str, int] = {}
    stats = ParseStats()
    for part, found, did in zip(parts, results, doers, strict=True):
        for path, result, k in zip(part, found, did, strict=True):
            if isinstance(result, Failed):  # surveyed again here, where an error is reported
                result, k = _survey_one(common, path), 0
            f, s = result
            facts[str(path)] = f
            owner[str(path)] = k
            stats.add(s)
    return facts, owner, stats


def plan(top: Path, dirs: list[Path], facts: dict[str, DirFacts], options: LoadOptions) -> Plan:
    """Root modules and which of them to load, from the facts (a directory reached but not
    surveyed, e.g. a module beside the target, is surveyed here)."""
    called = {c.target for f in facts.values() for c in f.calls if isinstance(c.target, str)}
    roots = [d for d in dirs if str(d) not in called]
    errors = [e for d in dirs for e in facts[str(d)].errors]
    loader = Loader(options, top)

    def lookup(key: str) -> DirFacts:
        found = facts.get(key)
        if found is None:
            with limits.using(options.limits):
                found = facts[key] = facts_of(loader, Path(key), RELEVANT_TYPES)
            errors.extend(found.errors)
        return found

    to_load: list[Path] = []
    depth = options.limits.depth
    for root in roots:
        cycles: list[InputError] = []

        def on_cycle(call: Call, cycles: list[InputError] = cycles) -> None:
            cycles.append(cycle_error(call))

        if _reaches(lookup(str(root)), lookup, depth, on_cycle):
            to_load.append(root)  # its load reports its own cycles
        else:
            errors.extend(cycles)
    return Plan(roots, to_load, errors)


def reachable(roots: list[Path], facts: dict[str, DirFacts]) -> dict[str, DirFacts]:
    """The facts of the directories `roots` reach through local module calls (themselves
    included)."""
    out: dict[str, DirFacts] = {}
    stack = [str(r) for r in roots]
    while stack:
        key = stack.pop()
        if key in out or key not in facts:
            continue
        found = out[key] = facts[key]
        stack.extend(c.target for c in found.calls if isinstance(c.target, str))
    return out


def _reaches(
    root: DirFacts,
    lookup: Callable[[str], DirFacts],
    depth: int,
    on_cycle: Callable[[Call], None],
) -> bool:
    """What the extractor's walk of a root module decides: anything it reads here, or in a
    module one of its calls reaches (each call followed, as the walk does, so a module cycle
    below an irrelevant root is still reported)."""
    if root.relevant:
        return True
    memo: dict[str, bool] = {}
    found = False
    for call in root.calls:
        target = call.target
        if not isinstance(target, str):
            found = found or target
            continue
        if target not in memo:
            memo[target] = reaches_relevant(target, root.path, lookup, depth, on_cycle)
        found = found or memo[target]
    return found


def load_tree(
    top: Path,
    dirs: list[Path],
    options: LoadOptions,
    jobs: int | None = None,
    settings: Settings | None = None,
) -> tuple[list[Model], Plan, ParseStats]:
    """Survey `dirs` (every directory below `top` holding .tf files, in walk order), then load
    the root modules that reach something, each in the process that surveyed it (and judged
    there with `settings`, when given). Returns the models (the first holds the survey's
    errors), the plan, and the parse stats of all."""
    jobs = jobs_for(len(dirs), options.environ, jobs)
    with run_scope(), Shares(jobs) as shares:
        facts, owner, stats = survey(top, dirs, options, shares)
        the_plan = plan(top, dirs, facts, options)
        # Each root module goes first to the process that surveyed it (its files are in that
        # process's memory), and each process is sent the facts of what its roots reach.
        parts: list[list[Path]] = [[] for _ in range(shares.jobs)]
        for root in the_plan.to_load:
            parts[owner.get(str(root), 0)].append(root)
        commons = []
        for k, part in enumerate(parts):
            reached = reachable(part, facts)
            commons.append(
                _LoadCommon(options, reached if k else facts, settings, frozenset(reached))
            )
        results, _ = shares.run_balanced(_load_one, commons, parts, LOAD_CHUNK)
        loaded: dict[str, Model] = {}
        for part, found in zip(parts, results, strict=True):
            for path, result in zip(part, found, strict=True):
                if isinstance(result, Failed):  # reports its own failure, in its model
                    result = _load_one(commons[0], path)
                loaded[str(path)] = result
                s = getattr(result, "parse_stats", None)
                if s is not None:
                    stats.add(s)
    first = Model()
    first.errors.extend(the_plan.errors)
    return [first, *(loaded[str(r)] for r in the_plan.to_load)], the_plan, stats
