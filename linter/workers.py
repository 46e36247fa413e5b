"""Work split in shares over forked processes, each share kept by the same process from one
round to the next.

A `--recursive` run reads every file once (the survey), then loads the root modules that reach
something. A root module's files were read and scanned in the survey by whichever process had
its directory; sending the load to that same process finds them in its memory instead of
reading and scanning them again. `multiprocessing.Pool` hands tasks to whichever worker is free,
so it cannot do that; this small pool can: share 0 is done by the calling process itself, share
k by forked worker k, in every round.

Failures never lose work: an item whose function raises comes back as `Failed`, and the share
of a worker that died (killed, out of memory) is done again by the calling process. Without
`fork` (Windows), or with one job, every share is done in the calling process, in order.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar, cast

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")

MAX_DEFAULT_JOBS = 4


@dataclass(frozen=True)
class Failed:
    """An item whose function raised: the exception's type name (the caller redoes it)."""

    error: str


def default_jobs(environ: Mapping[str, str]) -> int:
    """$CERTFIT_JOBS, else the number of CPUs this process may use (at most 4)."""
    raw = environ.get("CERTFIT_JOBS", "")
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_DEFAULT_JOBS))


MIN_ITEMS_FOR_WORKERS = 8  # fewer: forking costs more than it saves


def jobs_for(items: int, environ: Mapping[str, str], requested: int | None = None) -> int:
    """How many processes `items` pieces of work are worth: `requested`, else `default_jobs`;
    1 for fewer than MIN_ITEMS_FOR_WORKERS."""
    if items < MIN_ITEMS_FOR_WORKERS:
        return 1
    return requested if requested is not None else default_jobs(environ)


def _apply(fn: Callable[[C, T], R], common: C, items: Sequence[T]) -> list[R | Failed]:
    out: list[R | Failed] = []
    for item in items:
        try:
            out.append(fn(common, item))
        except Exception as exc:  # the caller redoes it, where the error is reported
            out.append(Failed(type(exc).__name__))
    return out


def _serve(conn: Connection) -> None:
    """A worker: a round starts with `("begin", fn, common)`, then each `("items", items)` is
    run and its results sent back, until told to stop (None)."""
    fn: Any = None
    common: Any = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        if message[0] == "begin":
            _, fn, common = message
            continue
        items = message[1]
        results = _apply(fn, common, items)
        try:
            conn.send(results)
        except Exception as exc:  # a result that cannot be pickled: each item is redone
            conn.send([Failed(f"result not sent: {type(exc).__name__}")] * len(items))


class Shares:
    """`jobs` processes: this one (0) and forked workers that live until `close()` (use as a
    context manager), kept from one round of `run_balanced` to the next."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self._workers: list[tuple[Any, Connection] | None] = []
        if self.jobs > 1:
            try:
                ctx = multiprocessing.get_context("fork")
            except ValueError:  # no fork on this platform: one share, in order
                self.jobs = 1
                return
            # What exists now is shared with the workers, page by page, until someone writes
            # to it: frozen, the collector's passes in a worker never touch (and so copy)
            # the pages it was given. This process unfreezes its own at once.
            gc.freeze()
            try:
                for _ in range(self.jobs - 1):
                    ours, theirs = ctx.Pipe()
                    process = ctx.Process(target=_serve, args=(theirs,), daemon=True)
                    process.start()
                    theirs.close()
                    self._workers.append((process, ours))
            finally:
                gc.unfreeze()

    def __enter__(self) -> Shares:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run_balanced(
        self,
        fn: Callable[[C, T], R],
        commons: Sequence[C],
        preferred: Sequence[Sequence[T]],
        chunk: int,
    ) -> tuple[list[list[R | Failed]], list[list[int]]]:
        """fn(commons[k], item) for every item, process k taking its items from
        `preferred[k]`, `chunk` at a time, and, once those are done, from the end of the
        longest other list: a process that is done early (less work, a busier core) helps
        the others instead of waiting. Returns each item's result, list by list, and the
        process that did it (0 is this one)."""
        assert len(preferred) == len(commons) == self.jobs, "one list of items per process"
        results: list[list[Any]] = [[None] * len(p) for p in preferred]
        doers: list[list[int]] = [[0] * len(p) for p in preferred]
        queues = [deque((k, i) for i in range(len(p))) for k, p in enumerate(preferred)]

        def take(k: int) -> list[tuple[int, int]]:
            queue = queues[k]
            if not queue:  # steal from the end of the longest list
                queue = max(queues, key=len)
                return [queue.pop() for _ in range(min(chunk, len(queue)))]
            return [queue.popleft() for _ in range(min(chunk, len(queue)))]

        def store(k: int, slots: list[tuple[int, int]], found: list[R | Failed]) -> None:
            for (j, i), result in zip(slots, found, strict=True):
                results[j][i] = result
                doers[j][i] = k

        def here(slots: list[tuple[int, int]]) -> None:
            store(0, slots, _apply(fn, commons[0], [preferred[j][i] for j, i in slots]))

        inflight: dict[int, deque[list[tuple[int, int]]]] = {}

        def send(k: int) -> None:
            worker = self._workers[k - 1]
            slots = take(k)
            if worker is None or not slots:
                if slots:
                    here(slots)
                return
            try:
                worker[1].send(("items", [preferred[j][i] for j, i in slots]))
                inflight[k].append(slots)
            except (OSError, ValueError):
                self._lost(k, inflight, here)
                here(slots)

        for k in range(1, self.jobs):
            worker = self._workers[k - 1]
            if worker is None:
                continue
            try:
                worker[1].send(("begin", fn, commons[k]))
            except (OSError, ValueError):
                self._workers[k - 1] = None
                continue
            inflight[k] = deque()
            send(k)
            send(k)  # one chunk ahead, so a worker never waits for this process
        while True:
            mine = take(0)
            if mine:
                here(mine)
            waiting: dict[Connection, int] = {}
            for k, chunks in inflight.items():
                worker = self._workers[k - 1]
                if chunks and worker is not None:
                    waiting[worker[1]] = k
            if not waiting:
                if not mine and not any(queues):
                    break
                continue
            for ready in wait(list(waiting), timeout=None if not mine else 0):
                conn = cast(Connection, ready)
                k = waiting[conn]
                try:
                    found: list[R | Failed] = conn.recv()
                except (EOFError, OSError):
                    self._lost(k, inflight, here)
                    continue
                store(k, inflight[k].popleft(), found)
                send(k)
        return results, doers

    def _lost(
        self,
        k: int,
        inflight: dict[int, deque[list[tuple[int, int]]]],
        here: Callable[[list[tuple[int, int]]], None],
    ) -> None:
        """Worker k died: what it was given is done here."""
        self._workers[k - 1] = None
        while inflight.get(k):
            here(inflight[k].popleft())

    def close(self) -> None:
        for worker in self._workers:
            if worker is None:
                continue
            process, conn = worker
            with contextlib.suppress(OSError, ValueError):
                conn.send(None)
            conn.close()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        self._workers = []
