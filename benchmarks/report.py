"""Turn one benchmark run into the Markdown table, the targets of issue 6, a PNG and the README
section. Everything here reads the run's own numbers; nothing is compared across runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

BASELINE = "python-hcl2 parse-all"
TF_FMT = "terraform fmt -check -recursive"
CHECKOV = "checkov CKV_AWS_2"
FLOOR = "read-and-scan floor"  # benchmarks/floor.py: read every .tf file, regex-scan it
FLOOR_LIMIT = 2.5  # issue 10: a cold certfit run within 2.5x of the floor
TREES = (
    ("monorepo", "Monorepo"),
    ("dense", "Dense"),
    ("monorepo_full", "Monorepo, full size (FULL=1)"),
)
README_START = "<!-- benchmarks:start -->"  # markers the README already has
README_END = "<!-- benchmarks:end -->"
CDK_KEYS = ("cdk", "cdk_no_validation")


def _wall(tree: dict[str, Any], tool: str) -> tuple[float | None, bool]:
    """(median wall seconds, is a lower bound because a run timed out)."""
    row = tree["results"].get(tool)
    if not row:
        return None, False
    if row["wall_median_s"] is None and row["timed_out"]:
        return max(row["wall_all_s"]), True
    return row["wall_median_s"], False


def _fmt_s(value: float | None, lower: bool = False) -> str:
    if value is None:
        return "n/a"
    text = f"{value:.2f}" if value < 100 else f"{value:.0f}"
    return f"> {text}" if lower else text


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def _fmt_r(value: float | None) -> str:
    return f"{value:.2f}" if value else "n/a"


def _fmt_x(value: float | None) -> str:
    return f"{value:.1f}" if value else "n/a"


def tree_table(name: str, tree: dict[str, Any]) -> list[str]:
    t = tree["tree"]
    base, base_lower = _wall(tree, BASELINE)
    base_cpu = tree["results"].get(BASELINE, {}).get("cpu_median_s")
    tf, _ = _wall(tree, TF_FMT)
    lines = [
        f"### {name}: {t['terraform_files']} Terraform files ({t['tf_only_files']} .tf), "
        f"{t['bytes_terraform'] / 1e6:.1f} MB, {t['pem_files']} PEM files, "
        f"{t['relevant_files']} ({t['relevant_fraction']:.1%}) touch certificates or listeners",
        "",
        "| contender | wall median (s) | runs | CPU median (s) | peak RSS, process tree (MB) "
        "| x faster than python-hcl2 | x faster than python-hcl2 (CPU) | x time of terraform fmt "
        "| x time of the floor (wall / CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    floor, _ = _wall(tree, FLOOR)
    floor_cpu = tree["results"].get(FLOOR, {}).get("cpu_median_s")
    for tool, row in tree["results"].items():
        wall, lower = _wall(tree, tool)
        speed = _ratio(base, wall)
        vs_tf = _ratio(wall, tf) if tf else None
        speed_text = "1.0 (baseline)" if tool == BASELINE else (f"{speed:.1f}" if speed else "n/a")
        if base_lower and tool != BASELINE and speed:
            speed_text = "> " + speed_text
        lines.append(
            f"| {tool} | {_fmt_s(wall, lower)} | {row['n']}"
            + (f" (+{row['timed_out']} timed out)" if row["timed_out"] else "")
            + f" | {_fmt_s(row['cpu_median_s'])} | {row['tree_rss_mb']:.0f} | {speed_text} "
            f"| {_fmt_x(_ratio(base_cpu, row['cpu_median_s']))} "
            f"| {f'{vs_tf:.2f}' if vs_tf else 'n/a'} "
            f"| {_fmt_r(_ratio(wall, floor))} / {_fmt_r(_ratio(row['cpu_median_s'], floor_cpu))} |"
        )
    work = tree.get("parse_work", {})
    if "bytes_in_tree" in work:
        lines += [
            "",
            f"Parse work (certfit, no cache): {work['bytes_parsed']:,} bytes given to python-hcl2 "
            f"/ {work['bytes_in_tree']:,} bytes read = **{work['parse_ratio']:.2%}** "
            f"({work['blocks_parsed']} blocks; {work['files_read']} file reads)"
            + (
                f"; {work['bytes_split']:,} bytes ({work['blocks_split']} blocks) were split by "
                "the front end's own block splitter without python-hcl2."
                if "bytes_split" in work
                else "."
            ),
        ]
    if tree.get("findings"):
        found = ", ".join(f"{k}: {v}" for k, v in sorted(tree["findings"].items()))
        check = tree.get("planted_check") or {}
        note = "."
        if check:
            note = (
                f"; of {check['planted_files']} files with a planted bad certificate, "
                f"{check['found']} got an error, and {check['errors_elsewhere']} other files did."
            )
        lines.append(f"certfit found {found}{note}")
    return lines


def targets(report: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target of issue 6 that this run measured."""
    rows: list[tuple[str, str, bool | None]] = []
    mono, dense = report.get("monorepo"), report.get("dense")

    def add(
        label: str, value: float | None, limit: float, higher_is_better: bool, unit: str = "x"
    ) -> None:
        if value is None:
            rows.append((label, "not measured", None))
            return
        met = value >= limit if higher_is_better else value <= limit
        rows.append((label, f"{value:.2f}{unit}", met))

    if mono:
        cold, _ = _wall(mono, "certfit cold")
        tf, _ = _wall(mono, TF_FMT)
        base, _ = _wall(mono, BASELINE)
        add("monorepo: certfit cold <= 1.0x terraform fmt", _ratio(cold, tf), 1.0, False)
        add("monorepo: certfit cold >= 20x faster than python-hcl2", _ratio(base, cold), 20, True)
        row = mono["results"].get("certfit cold")
        if row:
            add("monorepo: peak memory < 250 MB", row["tree_rss_mb"], 250, False, " MB")
    for name in ("monorepo", "monorepo_full"):
        tree = report.get(name)
        if not tree or FLOOR not in tree["results"]:
            continue
        files = tree["tree"]["terraform_files"]
        cold, _ = _wall(tree, "certfit cold")
        floor, _ = _wall(tree, FLOOR)
        add(
            f"{files:,} files: certfit cold <= {FLOOR_LIMIT}x the read-and-scan floor (wall)",
            _ratio(cold, floor),
            FLOOR_LIMIT,
            False,
        )
        cpu = tree["results"]["certfit cold"]["cpu_median_s"]
        floor_cpu = tree["results"][FLOOR]["cpu_median_s"]
        add(
            f"{files:,} files: certfit cold <= {FLOOR_LIMIT}x the read-and-scan floor (CPU)",
            _ratio(cpu, floor_cpu),
            FLOOR_LIMIT,
            False,
        )
        if name == "monorepo_full":
            add(
                f"{files:,} files: peak memory < 250 MB",
                tree["results"]["certfit cold"]["tree_rss_mb"],
                250,
                False,
                " MB",
            )
    if dense:
        cold, _ = _wall(dense, "certfit cold")
        warm, _ = _wall(dense, "certfit warm")
        base, _ = _wall(dense, BASELINE)
        add("dense: certfit cold >= 3x faster than python-hcl2", _ratio(base, cold), 3, True)
        add("dense: certfit warm >= 20x faster than python-hcl2", _ratio(base, warm), 20, True)
    for name, tree in (("monorepo", mono), ("dense", dense)):
        if tree and CHECKOV in tree["results"]:
            ck, lower = _wall(tree, CHECKOV)
            cold, _ = _wall(tree, "certfit cold")
            ratio = _ratio(ck, cold)
            label = f"{name}: certfit cold >= 10x faster than checkov"
            if lower and ratio is not None:
                rows.append((label, f"> {ratio:.1f}x (checkov timed out)", ratio >= 10 or None))
            else:
                add(label, ratio, 10, True)
    for section in CDK_KEYS:
        cdk = (report.get(section) or {}).get("modes", {})
        if not cdk:
            continue
        tag = (
            "validation on" if report[section].get("builtin_validation", True) else "validation off"
        )
        for kind, key in (("wall", "synth_median_s"), ("CPU", "synth_cpu_median_s")):
            plain = cdk.get("plain", {}).get(key)
            noop = cdk.get("noop-aspect", {}).get(key)
            aspect = cdk.get("certfit-aspect", {}).get(key)
            plugin = cdk.get("certfit-plugin", {}).get(key)
            add(
                f"CDK, {tag} ({kind}): Aspect <= 1.10x no-op Aspect",
                _ratio(aspect, noop),
                1.10,
                False,
            )
            add(
                f"CDK, {tag} ({kind}): plugin <= 1.10x plain (aim)",
                _ratio(plugin, plain),
                1.10,
                False,
            )
        noop = cdk.get("noop-aspect", {}).get("synth_median_s")
        plain = cdk.get("plain", {}).get("synth_median_s")
        noop_plugin = cdk.get("noop-plugin", {}).get("synth_median_s")
        certfit_plugin = cdk.get("certfit-plugin", {}).get("synth_median_s")
        add(
            f"CDK, {tag} (wall): plugin <= 1.10x no-op plugin",
            _ratio(certfit_plugin, noop_plugin),
            1.10,
            False,
        )
        nag = cdk.get("cdknag-plugin", {}).get("synth_median_s")
        add(
            f"CDK, {tag} (wall): plugin <= 1.00x cdk-nag 3's plugin",
            _ratio(certfit_plugin, nag),
            1.0,
            False,
        )
        aspect = cdk.get("certfit-aspect", {}).get("certfit_median_s")
        plugin = cdk.get("certfit-plugin", {}).get("certfit_median_s")
        if aspect is not None and noop:
            add(
                f"CDK, {tag} (time inside certfit): Aspect <= 10% of no-op synth",
                aspect / noop * 100,
                10,
                False,
                "%",
            )
        if plugin is not None and plain:
            add(
                f"CDK, {tag} (time inside certfit): plugin <= 10% of plain synth (aim)",
                plugin / plain * 100,
                10,
                False,
                "%",
            )
    version = report.get("version")
    if version:
        add("certfit --version < 0.3 s", version["wall_median_s"], 0.3, False, " s")
    return rows


def cdk_table(cdk: dict[str, Any] | None) -> list[str]:
    lines: list[str] = []
    validation = bool(cdk and cdk.get("builtin_validation", True))
    if cdk and cdk.get("modes"):
        plain = cdk["modes"].get("plain", {}).get("synth_median_s")
        noop = cdk["modes"].get("noop-aspect", {}).get("synth_median_s")
        plain_cpu = cdk["modes"].get("plain", {}).get("synth_cpu_median_s")
        noop_cpu = cdk["modes"].get("noop-aspect", {}).get("synth_cpu_median_s")
        lines += [
            f"### CDK: `app.synth()` of an app with {cdk['listeners']} listeners, built-in "
            f"CloudFormation validation {'on (the default)' if validation else 'off'}",
            "",
            "Wall time, and CPU time of the Python process plus its jsii node runtime (less "
            "skewed by other load on the machine).",
            "",
            "| mode | synth median (s) | CPU median (s) | runs | x plain | x no-op Aspect "
            "| x plain (CPU) | x no-op (CPU) | time inside certfit (s) | jsii round trips "
            "| certfit findings |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for mode, row in cdk["modes"].items():
            s, c = row["synth_median_s"], row["synth_cpu_median_s"]
            lines.append(
                f"| {mode} | {s:.2f} | {c:.2f} | {row['n']} | {_ratio(s, plain) or 0:.2f} "
                f"| {_ratio(s, noop) or 0:.2f} | {_ratio(c, plain_cpu) or 0:.2f} "
                f"| {_ratio(c, noop_cpu) or 0:.2f} | {row['certfit_median_s']:.2f} "
                f"| {row['jsii_calls_in_synth']} | {row['certfit_findings']} |"
            )
        lines += [
            "",
            "Time inside certfit is measured directly (its Aspect's `visit` and validations, "
            "or the plugin's `validate`), and the overhead targets below also use it: the "
            "difference of two synth times on a shared machine is mostly noise.",
        ]
        if cdk.get("errors"):
            lines.append("")
            lines += [f"- {mode} failed: `{err[-160:]}`" for mode, err in cdk["errors"].items()]
        lines.append("")
    elif cdk and cdk.get("skipped"):
        lines += [f"CDK: skipped ({cdk['skipped']}).", ""]
    return lines


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        "## Benchmarks",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + f". Load average before/after: {m['load_before'][0]:.1f}/"
        f"{m.get('load_after', [0])[0]:.1f} "
        "(other work on the machine slows every contender alike: runs are interleaved, medians "
        f"shown). Whole run: {report.get('elapsed_s', '?')} s.",
        "",
    ]
    for name, title in TREES:
        if name in report:
            lines += [*tree_table(title, report[name]), ""]
    start = report.get("startup")
    if start:
        lines += [
            "### Start-up",
            "",
            "| command | wall median (s) | runs | heavy libraries loaded |",
            "|---|---:|---:|---|",
        ]
        for name, row in start.items():
            heavy = ", ".join(row.get("heavy_modules") or []) or "none"
            lines.append(f"| `{name}` | {row['wall_median_s']:.3f} | {row['n']} | {heavy} |")
        lines.append("")
    for key in CDK_KEYS:
        lines += cdk_table(report.get(key))
    lines += [
        "### Targets (issues 6 and 10)",
        "",
        "| target | measured | met |",
        "|---|---:|:---:|",
    ]
    for label, value, met in targets(report):
        lines.append(
            f"| {label} | {value} | {'yes' if met else 'n/a' if met is None else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


def plot(report: dict[str, Any], path: Path) -> None:
    """Wall medians per contender and tree (log scale), and CDK synth per mode."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    trees = [n for n, _ in TREES if n in report]
    sections = [k for k in CDK_KEYS if (report.get(k) or {}).get("modes")]
    columns = max(len(trees), len(sections), 1)
    rows = (1 if trees else 0) + (1 if sections else 0)
    fig, grid = plt.subplots(rows, columns, figsize=(6.5 * columns, 4.0 * rows), squeeze=False)
    tree_axes = grid[0] if trees else []
    cdk_axes = grid[-1] if sections else []
    for ax, name in zip(tree_axes, trees, strict=False):
        results = report[name]["results"]
        labels = list(results)
        values = [_wall(report[name], t)[0] or 0 for t in labels]
        colors = ["#2b7bba" if t.startswith("certfit") else "#999999" for t in labels]
        ax.barh(labels, values, color=colors)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.invert_yaxis()
        t = report[name]["tree"]
        ax.set_title(f"{name}: {t['terraform_files']} files, {t['relevant_fraction']:.0%} relevant")
        ax.set_xlabel("wall seconds, median (log)")
        for y, (tool, v) in enumerate(zip(labels, values, strict=True)):
            lower = _wall(report[name], tool)[1]
            ax.text(v, y, f" {'> ' if lower else ''}{v:.2f}s", va="center", fontsize=8)
    for ax, key in zip(cdk_axes, sections, strict=False):
        cdk = report[key]["modes"]
        modes = list(cdk)
        values = [cdk[m]["synth_median_s"] for m in modes]
        inside = [cdk[m].get("certfit_median_s", 0.0) for m in modes]
        ax.barh(modes, values, color="#cccccc", label="synth")
        ax.barh(modes, inside, color="#2b7bba", label="inside certfit")
        ax.invert_yaxis()
        on = report[key].get("builtin_validation", True)
        ax.set_title(
            f"CDK synth, {report[key]['listeners']} listeners, validation {'on' if on else 'off'}"
        )
        ax.set_xlabel("seconds, median")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=8)
        for y, v in enumerate(values):
            ax.text(v, y, f" {v:.2f}s", va="center", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def update_readme(readme: Path, table: str) -> None:
    """Replace the Benchmarks section between its markers (added at the end if missing)."""
    text = readme.read_text()
    body = table.replace(
        "## Benchmarks\n",
        "## Benchmarks\n\n"
        "`make bench` generates a 5,000-file Terraform monorepo (2% of files about TLS) and a "
        "200-file tree where every file binds certificates, then times certfit against parsing "
        "every file with python-hcl2, `terraform fmt -check -recursive`, checkov and the "
        "read-and-scan floor (`benchmarks/floor.py`: read every `.tf` file and regex-scan it for "
        "TLS resource headers in one Python process), run by run in the same session, and a "
        "200-listener CDK app synthesized with and without certfit; `make bench FULL=1` "
        "adds a 50,000-file monorepo. "
        "Everything is in `benchmarks/results/` (table, JSON of every run, plot); "
        "`python -m benchmarks.attribute DIR` shows where one run spends its time. "
        "The latest run:\n",
        1,
    )
    image = "![benchmarks](benchmarks/results/benchmarks.png)"
    block = f"{README_START}\n{body.rstrip()}\n\n{image}\n{README_END}"
    pattern = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    readme.write_text(text)


def main(argv: list[str] | None = None) -> int:
    """Re-render results.md, the PNG and the README section from a saved results.json."""
    import argparse
    import json

    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--results", type=Path, default=repo / "benchmarks" / "results")
    parser.add_argument("--readme", type=Path, default=repo / "README.md")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    report = json.loads((args.results / "results.json").read_text())
    table = markdown(report)
    (args.results / "results.md").write_text(table)
    plot(report, args.results / "benchmarks.png")
    if not args.no_readme:
        update_readme(args.readme, table)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
