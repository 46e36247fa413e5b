"""Where a run may read: the project root of each target, and who may change it.

- A path the user names (a target, `--var-file`, `--config`) is always readable.
- What the code itself names (`file()`, module sources, `varfile`, `pem_file`, templates of a
  cloud assembly) is read only inside the target's root: the enclosing git work tree of the
  target (found by walking up to a `.git` directory or file, without running git), else the
  target's directory (a file target: its directory). The current directory does not matter.
- `--root` and $CERTFIT_ROOT replace that root (they may widen it); a config file's `root` may
  only narrow it (a committed file cannot open the rest of the machine to the pull request).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ROOT_ENV = "CERTFIT_ROOT"


def enclosing_work_tree(path: Path | str) -> Path | None:
    """The nearest directory at or above `path` holding `.git` (a directory, or the file a
    worktree or submodule has); None when there is none."""
    start = Path(os.path.abspath(path))
    for candidate in (start, *start.parents):
        if os.path.lexists(os.path.join(candidate, ".git")):
            return candidate
    return None


def default_root(target: Path | str) -> Path:
    """The root for what a target's code names: its git work tree, else its directory."""
    p = Path(os.path.abspath(target))
    directory = p if p.is_dir() else p.parent
    return enclosing_work_tree(directory) or directory


def command_line_root(cli_root: str | None, environ: Mapping[str, str]) -> Path | None:
    """--root, else $CERTFIT_ROOT: the only ways to widen the root."""
    chosen = cli_root or environ.get(ROOT_ENV) or None
    return Path(os.path.realpath(chosen)) if chosen else None


def is_within(path: Path | str, root: Path | str) -> bool:
    real, top = os.path.realpath(path), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def narrowed(root: Path, config_root: Path | None) -> tuple[Path, bool]:
    """The root after the config file's `root`, and whether the config's value was refused
    (it would widen the root)."""
    if config_root is None:
        return root, False
    if is_within(config_root, root):
        return Path(os.path.realpath(config_root)), False
    return root, True
