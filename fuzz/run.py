"""`make fuzz`: each target in turn (never two at once), for --seconds each.

    python -m fuzz.run [--seconds 600] [--timeout 10] [--rss-mb 2048] [TARGET ...]

Corpora grow in fuzz/corpus/<target>/ (seeded from fixtures/ by fuzz/seeds.py), crashes land in
fuzz/crashes/<target>/, logs in fuzz/logs/<target>.log; all three are ignored by git. A crash
stops libFuzzer, so a target is restarted until its time is used up; the summary lists every
crash with the exception that ended it. Exit status 1 when anything crashed.

Without atheris (no wheel for this platform), a plain mutation loop over the seeds runs the
same targets for the same time: not coverage-guided, said so in the summary.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

from fuzz.seeds import SEEDS, write_seeds

HERE = Path(__file__).resolve().parent
_EXCEPTION = re.compile(
    r"^(?:=== Uncaught Python exception: ===\n)?((?:\w+\.)*\w+(?:Error|Exception|Bug|Exit)\b.*)$",
    re.M,
)


def _atheris_available() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def run_atheris(target: str, seconds: int, timeout: int, rss_mb: int) -> list[str]:
    corpus, crashes, log = _dirs(target)
    found: list[str] = []
    deadline = time.monotonic() + seconds
    with log.open("a") as out:
        while (left := int(deadline - time.monotonic())) > 5:
            before = set(crashes.iterdir())
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "fuzz",
                    target,
                    f"-max_total_time={left}",
                    f"-timeout={timeout}",
                    f"-rss_limit_mb={rss_mb}",
                    f"-artifact_prefix={crashes}/",
                    "-print_final_stats=1",
                    str(corpus),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                cwd=HERE.parent,
                env={**os.environ, "CERTFIT_FUZZ_CRASH_DIR": str(crashes)},
            )
            out.write(proc.stdout)
            new = sorted(set(crashes.iterdir()) - before)
            for path in new:
                found.append(f"{path.name}: {_cause(proc.stdout)}")
            if proc.returncode != 0 and not new:  # e.g. stopped by the clock while failing
                found.append(f"(exit {proc.returncode}, no input saved): {_cause(proc.stdout)}")
            if proc.returncode == 0 or not new:
                break
    return found


def _cause(log: str) -> str:
    """The exception (or libFuzzer's verdict) that ended a run, from its log."""
    for marker in ("ERROR: libFuzzer: timeout", "ERROR: libFuzzer: out-of-memory"):
        if marker in log:
            return marker.removeprefix("ERROR: libFuzzer: ")
    tail = log[log.rfind("=== Uncaught Python exception") :] if "Uncaught" in log else log
    matches = _EXCEPTION.findall(tail)
    return matches[-1][:300] if matches else "see the log"


def run_mutations(target: str, seconds: int) -> list[str]:
    """The fallback: random mutations of the seeds, no coverage feedback."""
    from fuzz import targets

    corpus, crashes, log = _dirs(target)
    seeds = [p.read_bytes() for p in sorted(corpus.iterdir())] or [b""]
    one = targets.one_input(target)
    rng = random.Random(0)
    found: list[str] = []
    deadline = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < deadline:
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 8)):
            op = rng.randrange(4)
            at = rng.randrange(len(data) + 1)
            if op == 0 and data:
                data[min(at, len(data) - 1)] = rng.randrange(256)
            elif op == 1:
                data[at:at] = rng.choice(seeds)[: rng.randint(0, 64)]
            elif op == 2:
                del data[at : at + rng.randint(1, 32)]
            else:
                data[at:at] = bytes(rng.choice(b"{}[]\"'\\$%:\n\x00\xff") for _ in range(4))
        runs += 1
        try:
            one(bytes(data))
        except Exception as exc:
            path = crashes / f"crash-mutation-{runs}"
            path.write_bytes(bytes(data))
            with log.open("a") as out:
                out.write(f"--- {path.name}\n{traceback.format_exc()}\n")
            found.append(f"{path.name}: {type(exc).__name__}: {str(exc)[:200]}")
    with log.open("a") as out:
        out.write(f"{runs} inputs in {seconds} s (mutation fallback)\n")
    return found


def _dirs(target: str) -> tuple[Path, Path, Path]:
    corpus, crashes, logs = HERE / "corpus" / target, HERE / "crashes" / target, HERE / "logs"
    for d in (corpus, crashes, logs):
        d.mkdir(parents=True, exist_ok=True)
    return corpus, crashes, logs / f"{target}.log"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz.run", description=__doc__)
    parser.add_argument("targets", nargs="*", default=list(SEEDS), metavar="TARGET")
    parser.add_argument("--seconds", type=int, default=600, help="per target (default 600)")
    parser.add_argument("--timeout", type=int, default=10, help="seconds per input (default 10)")
    parser.add_argument("--rss-mb", type=int, default=2048, help="memory limit (default 2048)")
    args = parser.parse_args(argv)
    unknown = [t for t in args.targets if t not in SEEDS]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; targets: {', '.join(SEEDS)}")
    guided = _atheris_available()
    if not guided:
        print("atheris is not installed: running the mutation fallback (not coverage-guided)")
    crashed = False
    for target in args.targets:
        corpus, _, log = _dirs(target)
        added = write_seeds(target, corpus)
        print(f"{target}: {added} new seed(s), {args.seconds} s ...", flush=True)
        if guided:
            found = run_atheris(target, args.seconds, args.timeout, args.rss_mb)
        else:
            found = run_mutations(target, args.seconds)
        size = len(list(corpus.iterdir()))
        print(f"{target}: corpus {size} input(s), {len(found)} crash(es); log {log}")
        for line in found:
            print(f"  {line}")
        crashed = crashed or bool(found)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
