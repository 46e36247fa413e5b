"""Run one command as a child process and measure it: wall time, CPU time, peak memory.

Peak memory is taken two ways because they answer different questions: `ru_maxrss` from
`wait4` is the largest single process (the child or any child it waited for), and the sampled
sum of RSS over the whole process tree is what a parallel run really holds at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_EVERY = 0.02  # seconds between RSS samples of the process tree


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child and its waited-for children
    max_rss_mb: float  # largest single process
    tree_rss_mb: float  # largest sampled sum over the process tree
    returncode: int | None  # None when killed at the timeout
    stdout: str
    stderr: str

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError, IndexError):
        return 0


def _descendants(root: int) -> list[int]:
    """Every process whose ancestry reaches `root` (there is no children file here)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces: split after it.
        fields = stat[stat.rfind(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
    found, frontier = [root], [root]
    while frontier:
        pid = frontier.pop()
        kids = [c for c, p in parents.items() if p == pid]
        found += kids
        frontier += kids
    return found


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        scan_every = 5  # rescanning /proc for children is the costly part; RSS reads are cheap
        pids = [self.pid]
        tick = 0
        while not self.stop.is_set():
            if tick % scan_every == 0:
                pids = _descendants(self.pid)
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in pids))
            tick += 1
            self.stop.wait(SAMPLE_EVERY)


def run(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    sample_tree: bool = True,
) -> Sample:
    """Run `cmd` to completion (or kill its process group at `timeout`) and measure it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        sampler = _TreeSampler(proc.pid) if sample_tree else None
        if sampler:
            sampler.start()
        returncode: int | None = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid == proc.pid:
                wall = time.perf_counter() - start
                returncode = os.waitstatus_to_exitcode(status)
                break
            if timeout is not None and time.perf_counter() - start > timeout:
                os.killpg(proc.pid, signal.SIGKILL)  # our own child's group, by its id
                _, status, usage = os.wait4(proc.pid, 0)
                wall = time.perf_counter() - start
                break
            time.sleep(0.005)
        proc.returncode = returncode if returncode is not None else -9  # already reaped
        if sampler:
            sampler.stop.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        return Sample(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            max_rss_mb=usage.ru_maxrss / 1024,
            tree_rss_mb=(sampler.peak_kb / 1024) if sampler else 0.0,
            returncode=returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
        )
