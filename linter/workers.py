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


def _apply(fn: Callable[[C, T], R], common: C, items: Sequence[T]) -> list[R | Failed]:
    out: list[R | Failed] = []
    for item in items:
        try:
            out.append(fn(common, item))
        except Exception as exc:  # the caller redoes it, where the error is reported
            out.append(Failed(type(exc).__name__))
    return out


def _serve(conn: Connection) -> None:
    """A worker: run what it is sent and send back the results, until told to stop. A message
    is a whole share `(fn, common, items)`, or the start of a balanced round
    `("begin", fn, common)` followed by chunks `("items", items)`."""
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
        if message[0] == "items":
            items = message[1]
        else:
            fn, common, items = message
        results = _apply(fn, common, items)
        try:
            conn.send(results)
        except Exception as exc:  # a result that cannot be pickled: each item is redone
            conn.send([Failed(f"result not sent: {type(exc).__name__}")] * len(items))


class Shares:
    """`jobs` shares: share 0 in this process, the others in forked workers that live until
    `close()` (use as a context manager)."""

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

    def run(
        self, fn: Callable[[C, T], R], common: C, shares: Sequence[Sequence[T]]
    ) -> list[list[R | Failed]]:
        """fn(common, item) for every item of every share; share k is done by process k.
        Results come back share by share, in the order of the items."""
        return self.run_each(fn, [common] * self.jobs, shares)

    def run_each(
        self, fn: Callable[[C, T], R], commons: Sequence[C], shares: Sequence[Sequence[T]]
    ) -> list[list[R | Failed]]:
        """`run`, with a `common` of its own for each share (what only that share needs is
        all that is sent to its worker)."""
        assert len(shares) == len(commons) == self.jobs, "one list of items per share"
        sent: list[bool] = [False] * self.jobs
        for k in range(1, self.jobs):
            worker = self._workers[k - 1]
            if worker is None or not shares[k]:
                continue
            try:
                worker[1].send((fn, commons[k], shares[k]))
                sent[k] = True
            except (OSError, ValueError):  # gone: its share is done here
                self._workers[k - 1] = None
        results: list[list[R | Failed]] = [[] for _ in range(self.jobs)]
        results[0] = _apply(fn, commons[0], shares[0])
        for k in range(1, self.jobs):
            if not sent[k]:
                results[k] = _apply(fn, commons[k], shares[k])
                continue
            worker = self._workers[k - 1]
            assert worker is not None
            try:
                results[k] = worker[1].recv()
            except (EOFError, OSError):  # the worker died: its share is done here
                self._workers[k - 1] = None
                results[k] = _apply(fn, commons[k], shares[k])
        return results

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
