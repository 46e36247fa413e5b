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
import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

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
    """A worker: run each round it is sent, send back its results, until told to stop."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
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
            for _ in range(self.jobs - 1):
                ours, theirs = ctx.Pipe()
                process = ctx.Process(target=_serve, args=(theirs,), daemon=True)
                process.start()
                theirs.close()
                self._workers.append((process, ours))

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
