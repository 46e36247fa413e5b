"""Every output format is a view of the same Report.

`render(report, fmt)` is the single entry point so that the CLI, `certfit inspect` and the
GitHub Action print exactly the same thing for the same findings.
"""

from __future__ import annotations

from collections.abc import Callable

from linter.report import Report

FORMATS: tuple[str, ...] = (
    "default",
    "compact",
    "json",
    "checkstyle",
    "junit",
    "sarif",
    "github",
)

MACHINE_FORMATS: frozenset[str] = frozenset({"json", "checkstyle", "junit", "sarif"})


def _renderer(fmt: str) -> Callable[..., str]:
    # Imported on demand: a run prints one format, and `certfit --version` imports none.
    if fmt == "json":
        from linter.reporters.json_format import render_json

        return render_json
    if fmt == "compact":
        from linter.reporters.compact import render_compact

        return render_compact
    if fmt == "checkstyle":
        from linter.reporters.checkstyle import render_checkstyle

        return render_checkstyle
    if fmt == "junit":
        from linter.reporters.junit import render_junit

        return render_junit
    if fmt == "sarif":
        from linter.reporters.sarif import render_sarif

        return render_sarif
    if fmt == "github":
        from linter.reporters.github import render_github

        return render_github
    if fmt == "default":
        from linter.reporters.default import render_default

        return render_default
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render(report: Report, fmt: str, *, root: str = ".", color: bool = False) -> str:
    """The report in format `fmt`. `root` is where source files are read from (for excerpts);
    `color` only matters to the default format."""
    renderer = _renderer(fmt)
    if fmt == "default":
        return renderer(report, root=root, color=color)
    return renderer(report, root=root)
