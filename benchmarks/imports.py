"""Which heavy libraries a certfit command loads: `certfit --help` and a run on a tree with
nothing relevant should load none of them (issue 6: lazy imports).

Run: `python -m benchmarks.imports [certfit arguments...]`; prints one JSON line with the heavy
modules found in sys.modules afterwards and the command's time in this process.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time

HEAVY = (
    "aws_cdk",
    "jsii",
    "constructs",
    "boto3",
    "botocore",
    "hcl2",
    "lark",
    "yaml",
    "cryptography",
)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    start = time.perf_counter()
    from linter import cli

    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
        contextlib.suppress(SystemExit),
    ):
        cli.main(args)
    elapsed = time.perf_counter() - start
    loaded = sorted(h for h in HEAVY if h in sys.modules)
    print(json.dumps({"args": args, "seconds": round(elapsed, 3), "heavy_modules": loaded}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
