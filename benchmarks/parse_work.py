"""The parse-work figure of one certfit run: bytes given to python-hcl2 / bytes in the tree.

Runs the real CLI in this process (untimed, so the counters can be read afterwards from the
Terraform front end's `total_stats`) and prints them as one JSON line.
Run: `python -m benchmarks.parse_work DIR [certfit flags...]`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from linter import cli, terraform

    # The CLI may exit with its status; the counters are what we want.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        cli.main(args)
    stats = terraform.total_stats
    out = dataclasses.asdict(stats)
    out["parse_ratio"] = stats.parse_ratio
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
