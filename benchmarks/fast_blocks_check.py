"""Check `benchmarks.fast_blocks` against the Terraform front end's python-hcl2 path and time
both, on every top-level block of a tree (or every `--every`-th one).

Run: `python -m benchmarks.fast_blocks_check TREE [--every N]`. Prints one JSON line: blocks
compared, identical, different (with the first few differences), fallbacks, seconds for each.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from benchmarks.fast_blocks import split_block


def compare(tree: Path, every: int = 1) -> dict[str, object]:
    from linter.terraform import blocks as tf_blocks
    from linter.terraform.scanner import ScanError, index

    texts: list[str] = []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".tf"):
                data = Path(dirpath, name).read_text(encoding="utf-8")
                found, _err = index(data, name)
                for b in found:
                    try:
                        texts.append(b.text)
                    except ScanError:  # a broken block: the front end reports it unparsed
                        continue
    texts = texts[::every]
    slow_s = fast_s = 0.0
    same = fallback = 0
    differences: list[dict[str, object]] = []
    for text in texts:
        start = time.perf_counter()
        try:
            real = tf_blocks._to_json(tf_blocks._parse_text(text))
        except tf_blocks.BlockParseError:
            real = None
        slow_s += time.perf_counter() - start
        start = time.perf_counter()
        fast = split_block(text)
        fast_s += time.perf_counter() - start
        if fast is None:
            fallback += 1
        elif fast == real:
            same += 1
        elif len(differences) < 3:
            differences.append({"block": text.split("{", 1)[0].strip(), "hcl2": real, "fast": fast})
    return {
        "tree": str(tree),
        "blocks": len(texts),
        "bytes": sum(len(t) for t in texts),
        "identical": same,
        "fallback_to_hcl2": fallback,
        "different": len(texts) - same - fallback,
        "python_hcl2_s": round(slow_s, 3),
        "fast_path_s": round(fast_s, 3),
        "first_differences": differences,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--every", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(compare(args.tree, args.every)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
