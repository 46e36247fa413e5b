"""Which module directories reach something certfit reads, decided from their scans alone.

A root module is worth loading only if it, or a module it calls (directly or through others),
defines a resource type the extractor reads. That question needs each directory's block
headers and the directory each local `module` call names, nothing parsed. It is asked in two
places with the same answer: by the extractor while it walks a root module (facts made on
demand from the loader's scans), and by a `--recursive` run before any root is loaded (facts
made once per directory by the survey, in worker processes). One walk, `reaches_relevant`,
serves both, so the two cannot disagree.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from linter.model import InputError, Location
from linter.safe_files import SafeReader
from linter.terraform.modules import Loader, ModuleDir, current_run, cycle_message
from linter.terraform.scanner import TopBlock


@dataclass(frozen=True)
class Call:
    """One `module` call: `target` is the real path of the local directory it names, or
    whether to follow a call that names none (True: a downloaded module followed with
    call_module_type "all", or one whose problem is reported when it is followed)."""

    name: str
    target: str | bool
    source: str  # as written, for the cycle message
    location: Location


@dataclass
class DirFacts:
    """What a directory's scan says, enough to decide reachability: whether it defines a
    resource of a type the extractor reads, its module calls (in the order Terraform lists
    them), and the errors met reading and scanning its files."""

    path: str
    relevant: bool
    calls: list[Call] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def local_call(loader: Loader, caller: ModuleDir, top: TopBlock) -> Path | bool:
    """The directory a local module call names, or whether to follow a call that names none
    (a downloaded module, or one whose problem is reported when it is followed)."""
    return _resolve(loader, caller, caller.module_source(top) or "")


def _resolve(loader: Loader, caller: ModuleDir, source: str) -> Path | bool:
    if not source.startswith(("./", "../")):
        return loader.options.call_module_type == "all"
    reader = loader.options.reader
    run = current_run()
    if run:  # in a run, many directories name the same module: one realpath for them all
        if _targets_run[0] != run:
            _targets.clear()
            _targets_run[0] = run
        key = (id(reader), os.path.normpath(os.path.join(caller.path, source)))
        found = _targets.get(key)
        if found is None:
            found = _targets[key] = _target(reader, caller, source)
        return found
    return _target(reader, caller, source)


_targets: dict[tuple[int, str], Path | bool] = {}  # in the current run only
_targets_run = [0]


def _target(reader: SafeReader, caller: ModuleDir, source: str) -> Path | bool:
    try:
        path = reader.resolve(source, base=caller.path)
    except Exception:
        return True  # reported when the call is followed
    return path if path.is_dir() else True


def calls_of(loader: Loader, d: ModuleDir) -> Iterator[Call]:
    """The module calls of a scanned directory, each resolved when it is reached (a walk that
    stops early resolves no more than it needs)."""
    for name, top in d.module_calls.items():
        source = d.module_source(top) or ""
        target = _resolve(loader, d, source)
        yield Call(
            name,
            str(target) if isinstance(target, Path) else target,
            source,
            loader.location(top),
        )


def facts_of(
    loader: Loader, path: Path, relevant_types: Collection[str], real: bool = False
) -> DirFacts:
    """A directory's facts from the loader's scan, with the errors that scan reported
    (`real`: `path` is a real path already)."""
    before = len(loader.errors)
    d = loader.dir(path, real)
    relevant = d.defines_any(relevant_types)
    facts = DirFacts(str(d.path), relevant)
    facts.calls = list(calls_of(loader, d))
    facts.errors = loader.errors[before:]
    return facts


def cycle_error(call: Call) -> InputError:
    return InputError("module cycle", cycle_message(call.name, call.source), call.location)


@dataclass
class LazyFacts:
    """Facts whose calls are resolved only as a walk reaches them (the extractor's case)."""

    relevant: bool
    calls: Iterable[Call]


def reaches_relevant(
    start: str,
    caller: str,
    lookup: Callable[[str], DirFacts | LazyFacts],
    depth_limit: int,
    on_cycle: Callable[[Call], None],
) -> bool:
    """Depth-first over the module directories below `start`, each visited once (a diamond of
    calls is not walked twice per path: 2^depth). A call back into the chain that leads to it
    is a cycle: given to `on_cycle`, and not followed. Past `depth_limit` the answer is yes
    (the module call itself is followed, and reports the limit)."""
    visited: set[str] = set()
    stack: list[tuple[str, tuple[str, ...]]] = [(start, (caller,))]
    while stack:
        key, chain = stack.pop()
        if key in visited:
            continue
        visited.add(key)
        child = lookup(key)
        if child.relevant:
            return True
        if len(chain) > depth_limit:
            return True
        for call in child.calls:
            target = call.target
            if not isinstance(target, str):
                if target:
                    return True
                continue
            if target in chain or target == key:
                on_cycle(call)
                continue
            stack.append((target, (*chain, key)))
    return False
