"""`make bench`: generate the trees, measure every contender pair by pair, write the results.

Every contender runs as a child process, in rounds: each round runs each contender once, in an
order that rotates, so that load from anything else on the machine falls on all of them alike;
the figure is the median. A contender that is slow (python-hcl2 on a big tree, checkov) stops
being repeated once it has used its time budget. Ratios are taken between medians of the same
run, never against numbers from another day.

Writes benchmarks/results/results.md (the table), results.json (every sample), benchmarks.png,
and the README's Benchmarks section (between its marker comments).
Run: `python -m benchmarks.run [--files 5000] [--dense-files 200] [--repeats 3] [--quick]
[--full]`; `--full` adds a 50,000-file monorepo (certfit cold against the read-and-scan floor
and terraform fmt only: python-hcl2, checkov and the warm cache would take most of an hour).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import generate
from benchmarks.measure import Sample, run
from benchmarks.tools import (
    REPO,
    Tool,
    baseline_tool,
    certfit_args,
    certfit_tools,
    checkov_tool,
    child_env,
    ensure_checkov,
    ensure_matplotlib,
    floor_tool,
    terraform_tool,
)

BASELINE = "python-hcl2 parse-all"
TF_FMT = "terraform fmt -check -recursive"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Result:
    """All samples of one contender on one tree."""

    tool: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> list[Sample]:
        return [s for s in self.samples if not s.timed_out]

    def median(self, attr: str = "wall") -> float | None:
        values = [getattr(s, attr) for s in self.ok]
        return statistics.median(values) if values else None

    def peak(self, attr: str) -> float:
        return max((getattr(s, attr) for s in self.samples), default=0.0)

    def summary(self) -> dict[str, object]:
        return {
            "tool": self.tool,
            "n": len(self.ok),
            "timed_out": sum(s.timed_out for s in self.samples),
            "wall_median_s": self.median("wall"),
            "wall_all_s": [round(s.wall, 3) for s in self.samples],
            "cpu_median_s": self.median("cpu"),
            "max_rss_mb": round(self.peak("max_rss_mb"), 1),
            "tree_rss_mb": round(self.peak("tree_rss_mb"), 1),
            "returncodes": [s.returncode for s in self.samples],
            "note": self.note,
        }


def measure_tree(
    tree: Path, tools: list[Tool], repeats: int, budget: float, timeout: float
) -> dict[str, Result]:
    """Interleaved rounds; a contender is repeated until `repeats` or its `budget` of seconds."""
    results = {t.name: Result(t.name) for t in tools}
    for round_no in range(repeats):
        order = tools[round_no % len(tools) :] + tools[: round_no % len(tools)]
        for tool in order:
            result = results[tool.name]
            spent = sum(s.wall for s in result.samples)
            if result.samples and (spent >= budget or any(s.timed_out for s in result.samples)):
                continue
            if tool.before:
                tool.before(tree)
            sample = run(
                tool.argv(tree),
                env=child_env(tool.env),
                timeout=min(timeout, tool.timeout),
                cwd=REPO,
            )
            result.samples.append(sample)
            status = "TIMEOUT" if sample.timed_out else f"rc={sample.returncode}"
            log(
                f"  {tool.name:34} {sample.wall:8.2f} s wall {sample.cpu:8.2f} s cpu "
                f"{sample.tree_rss_mb:7.1f} MB {status}"
            )
            if not sample.timed_out and sample.returncode not in tool.ok_codes:
                result.note = f"exit {sample.returncode}: {sample.stderr.strip()[-300:]}"
    return results


def findings(sample: Sample) -> dict[str, int]:
    """Issues by severity from certfit's JSON output (to show the run really found things)."""
    try:
        doc = json.loads(sample.stdout)
    except ValueError:
        return {}
    counts: dict[str, int] = {}
    for issue in doc.get("issues", []):
        sev = issue.get("rule", {}).get("severity", "?")
        counts[sev] = counts.get(sev, 0) + 1
    counts["input_errors"] = len(doc.get("errors", []))
    return counts


def planted_check(sample: Sample, planted: list[str]) -> dict[str, int]:
    """Files where the generator planted a known-bad certificate, against files where certfit
    reported an error: a fast run that misses them would be no win."""
    try:
        doc = json.loads(sample.stdout)
    except ValueError:
        return {}
    error_files = {
        i["range"]["filename"]
        for i in doc.get("issues", [])
        if i.get("rule", {}).get("severity") == "error" and i.get("range")
    }
    wanted = {p.split(":", 1)[0] for p in planted}
    hit = {w for w in wanted if any(f.endswith(w) for f in error_files)}
    extra = {f for f in error_files if not any(f.endswith(w) for w in wanted)}
    return {"planted_files": len(wanted), "found": len(hit), "errors_elsewhere": len(extra)}


def parse_work(tree: Path) -> dict[str, object]:
    """Bytes given to python-hcl2 / bytes in the tree, from an untimed, uncached run."""
    argv = [sys.executable, "-m", "benchmarks.parse_work", *certfit_args(tree)[1:], "--no-cache"]
    out = subprocess.run(
        argv, env=child_env({"PYTHONPATH": str(REPO)}), capture_output=True, text=True, cwd=REPO
    )
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": out.stderr.strip()[-300:]}


def warm_up(work: Path) -> None:
    """Build python-hcl2's Lark cache and the bytecode caches once, before anything is timed,
    on a tiny tree (the first parse in a fresh environment costs seconds, once)."""
    tiny = work / "trees" / "warm-up"
    generate.dense(2, seed=0).write(tiny)
    subprocess.run(
        [sys.executable, "-m", "benchmarks.baseline", str(tiny)],
        env=child_env({"PYTHONPATH": str(REPO)}),
        capture_output=True,
        cwd=REPO,
    )
    subprocess.run(
        [*certfit_args(tiny), "--no-cache"], env=child_env(), capture_output=True, cwd=REPO
    )


def machine() -> dict[str, object]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = {"python": platform.python_version()}
    if shutil.which("terraform"):
        out = subprocess.run(
            ["terraform", "version"], capture_output=True, text=True, env=child_env()
        )
        versions["terraform"] = out.stdout.split("\n")[0].replace("Terraform ", "")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_gb, 1),
        "os": platform.platform(),
        "versions": versions,
        "load_before": os.getloadavg(),
    }


def tree_benchmark(
    kind: str,
    files: int,
    seed: int,
    work: Path,
    args: argparse.Namespace,
    extra: list[Tool],
    large: bool = False,
) -> dict[str, object]:
    """One tree, every contender. `large`: certfit cold, the floor and `extra` only."""
    tree_dir = work / "trees" / f"{kind}-{files}-s{seed}"
    log(f"generating {kind} tree of {files} files in {tree_dir}")
    tree = generate.monorepo(files, seed) if kind == "monorepo" else generate.dense(files, seed)
    tree.write(tree_dir)
    summary = tree.summary()
    del tree  # the 50,000-file tree is 56 MB of text: not kept while measuring
    certfit, cache = certfit_tools(work / f"cache-{kind}-{files}")
    if large:
        tools = [certfit[0], floor_tool(), *extra]
    else:
        cache.fill_warm(tree_dir)
        tools = [*certfit, floor_tool(), baseline_tool(), *extra]
    log(f"measuring {kind}: {', '.join(t.name for t in tools)}")
    results = measure_tree(tree_dir, tools, args.repeats, args.budget, args.timeout)
    last = results["certfit cold"].ok[-1] if results["certfit cold"].ok else None
    found = findings(last) if last else {}
    planted = planted_check(last, summary["planted"]) if last and summary["planted"] else {}
    work_figure = parse_work(tree_dir)
    return {
        "tree": summary,
        "results": {name: r.summary() for name, r in results.items()},
        "findings": found,
        "planted_check": planted,
        "parse_work": work_figure,
    }


def startup(args: argparse.Namespace) -> dict[str, dict[str, object]]:
    """`certfit --version`, `--help`, and a run on a tree where nothing touches a certificate:
    what a user waits for before any real work, and which heavy libraries got loaded."""
    size = 60 if args.quick else 500
    quiet = args.work / "trees" / f"nothing-relevant-{size}"
    generate.monorepo(size, seed=args.seed, relevant_share=0.0).write(quiet)
    commands = {
        "certfit --version": ["--version"],
        "certfit --help": ["--help"],
        f"certfit on {size} files, none about TLS": [*certfit_args(quiet)[1:], "--no-cache"],
    }
    out: dict[str, dict[str, object]] = {}
    for name, argv in commands.items():
        result = Result(name)
        for _ in range(1 if args.quick else 5):
            sample = run([certfit_args(quiet)[0], *argv], env=child_env(), cwd=REPO)
            result.samples.append(sample)
        summary = result.summary()
        probe = subprocess.run(
            [sys.executable, "-m", "benchmarks.imports", *argv],
            env=child_env({"PYTHONPATH": str(REPO), "CERTFIT_JOBS": "1"}),
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        try:
            summary["heavy_modules"] = json.loads(probe.stdout.strip().splitlines()[-1])[
                "heavy_modules"
            ]
        except (ValueError, IndexError):
            summary["heavy_modules"] = None
        out[name] = summary
        log(f"  {name:40} {summary['wall_median_s']:.3f} s, loads {summary['heavy_modules']}")
    return out


def cdk_benchmark(args: argparse.Namespace, validation: bool) -> dict[str, object]:
    from benchmarks import cdk_bench

    return cdk_bench.measure(args.cdk_listeners, args.cdk_repeats, log, validation)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=5000, help="monorepo size (Terraform files)")
    parser.add_argument("--dense-files", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--budget", type=float, default=150.0, help="seconds a contender may use per tree"
    )
    parser.add_argument(
        "--timeout", type=float, default=400.0, help="seconds before one run is killed"
    )
    parser.add_argument("--no-checkov", action="store_true")
    parser.add_argument("--no-terraform", action="store_true")
    parser.add_argument("--no-cdk", action="store_true")
    parser.add_argument("--cdk-listeners", type=int, default=200)
    parser.add_argument("--cdk-repeats", type=int, default=3)
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--work", type=Path, default=REPO / "benchmarks" / "work")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    parser.add_argument(
        "--quick", action="store_true", help="tiny smoke run: no checkov, CDK, plot or README"
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="also a 50,000-file monorepo (certfit cold, the floor, terraform fmt)",
    )
    parser.add_argument("--full-files", type=int, default=50_000, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.files, args.dense_files, args.repeats = (
            min(args.files, 60),
            min(args.dense_files, 10),
            1,
        )
        args.no_checkov = args.no_cdk = args.no_plot = args.no_readme = True
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.time()
    if not args.quick:
        warm_up(args.work)
    report: dict[str, object] = {
        "machine": machine(),
        "args": {k: str(v) for k, v in vars(args).items()},
    }
    extra: list[Tool] = []
    tf = None if args.no_terraform else terraform_tool()
    if tf:
        extra.append(tf)
    if not args.no_checkov:
        exe = ensure_checkov(args.work, log)
        if exe:
            extra.append(checkov_tool(exe))
    report["monorepo"] = tree_benchmark("monorepo", args.files, args.seed, args.work, args, extra)
    report["dense"] = tree_benchmark("dense", args.dense_files, args.seed, args.work, args, extra)
    if args.full:
        report["monorepo_full"] = tree_benchmark(
            "monorepo",
            args.full_files,
            args.seed,
            args.work,
            args,
            [tf] if tf else [],
            large=True,
        )
    report["startup"] = startup(args)
    report["version"] = report["startup"]["certfit --version"]
    if not args.no_cdk:
        report["cdk"] = cdk_benchmark(args, validation=True)
        report["cdk_no_validation"] = cdk_benchmark(args, validation=False)
    report["machine"]["load_after"] = os.getloadavg()  # type: ignore[index]
    report["elapsed_s"] = round(time.time() - started, 1)
    from benchmarks import report as rep

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    table = rep.markdown(report)
    (args.out / "results.md").write_text(table)
    print(table)
    if not args.no_plot and ensure_matplotlib(log):
        rep.plot(report, args.out / "benchmarks.png")
    if not args.no_readme:
        rep.update_readme(REPO / "README.md", table)
    log(f"done in {report['elapsed_s']} s; results in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
