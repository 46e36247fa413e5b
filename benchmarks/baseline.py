"""The naive baseline: parse every `.tf` file of a tree with python-hcl2, one after another.

This is what a linter that reads the whole tree before looking for certificates costs; the
targets in issue 6 are ratios against it. Files that do not parse are counted, not fatal.
Run: `python -m benchmarks.baseline DIR` (prints a JSON line with files, bytes, failures).
"""

from __future__ import annotations

import json
import os
import sys

import hcl2


def tf_files(root: str) -> list[str]:
    """Every `.tf` file under `root`, skipping `.terraform` caches as Terraform does."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != ".terraform")
        found += [os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith(".tf")]
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    files = tf_files(args[0])
    total = failed = 0
    for path in files:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        total += len(text.encode())
        try:
            hcl2.loads(text)
        except Exception:  # a benchmark counts failures; the linter reports them properly
            failed += 1
    print(json.dumps({"files": len(files), "bytes": total, "failed": failed}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
