"""The scanner's own throughput: every `.tf` file of a tree read into memory first, then
`scanner.scan(text, path)` on each, timed; the fast path against the state machine alone
(`fast=False`), in alternating rounds, median of each. Also counts, in an untimed pass, the
blocks matched whole, read by the bracket stack, and left to the state machine.

Not part of `make bench` (which times whole certfit runs in child processes): this isolates
the part of a cold run that is the scanner's, the figure issue 10's read-and-scan floor is
compared against.
Run: `python -m benchmarks.scanner_speed DIR [--rounds 3]` (generate a tree first, e.g.
`python -m benchmarks.generate monorepo /tmp/tree --files 50000 --seed 1`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from linter.terraform import scanner

_SKIP_DIRS = {".terraform", ".git", "node_modules", ".venv", "cdk.out", "__pycache__"}


def read_tree(root: str) -> list[tuple[str, str]]:
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(".tf"):
                path = os.path.join(dirpath, name)
                with open(path, "rb") as fh:
                    files.append((os.path.relpath(path, root), fh.read().decode("utf-8")))
    return files


def timed(files: list[tuple[str, str]], fast: bool) -> float:
    scan = scanner.scan
    start = time.perf_counter()
    for path, text in files:
        scan(text, path, fast=fast)
    return time.perf_counter() - start


def paths_taken(files: list[tuple[str, str]]) -> tuple[int, int, int]:
    """(all blocks, blocks read by the bracket stack, blocks left to the state machine); the
    rest were matched whole."""
    steps, nested = scanner._scan_steps, scanner._skip_nested
    slow = stack = 0

    def counting_steps(text: str, file: str, blocks: list[Any], *rest: Any, **kw: Any) -> Any:
        nonlocal slow
        before = len(blocks)
        result = steps(text, file, blocks, *rest, **kw)
        slow += len(blocks) - before
        return result

    def counting_nested(text: str, pos: int) -> int:
        nonlocal stack
        end = nested(text, pos)
        stack += end >= 0
        return end

    scanner._scan_steps = counting_steps  # type: ignore[assignment]
    scanner._skip_nested = counting_nested
    try:
        total = sum(len(scanner.scan(text, path)[0]) for path, text in files)
    finally:
        scanner._scan_steps, scanner._skip_nested = steps, nested  # type: ignore[assignment]
    return total, stack, slow


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scanner_speed", description=__doc__)
    parser.add_argument("tree")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    files = read_tree(args.tree)
    size = sum(len(text.encode("utf-8")) for _, text in files)
    runs: dict[str, list[float]] = {"fast": [], "reference": []}
    contenders: list[tuple[str, Callable[[], float]]] = [
        ("fast", lambda: timed(files, True)),
        ("reference", lambda: timed(files, False)),
    ]
    for round_no in range(args.rounds):
        for name, run in contenders[round_no % 2 :] + contenders[: round_no % 2]:
            runs[name].append(run())
    blocks, stack, slow = paths_taken(files)
    fast_s = statistics.median(runs["fast"])
    ref_s = statistics.median(runs["reference"])
    print(
        json.dumps(
            {
                "files": len(files),
                "mb": round(size / 1e6, 1),
                "blocks": blocks,
                "matched_whole": blocks - stack - slow,
                "bracket_stack": stack,
                "state_machine": slow,
                "fast_s": round(fast_s, 3),
                "reference_s": round(ref_s, 3),
                "fast_mb_s": round(size / 1e6 / fast_s, 1),
                "reference_mb_s": round(size / 1e6 / ref_s, 1),
                "speed_up": round(ref_s / fast_s, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
