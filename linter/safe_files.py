"""Reading files that a pull request names, without leaving the project root.

Every front end reads certificate and key files through `SafeReader`: a path that escapes the
root (`../`, an absolute path elsewhere) or a symbolic link anywhere on the way that points out of
it is refused with a reason and never opened.
"""

from __future__ import annotations

import os
from pathlib import Path


class UnsafePath(Exception):
    """The path may not be read; the message says why (for a finding)."""


class SafeReader:
    """Reads files only inside `root` (and inside any extra allowed roots)."""

    def __init__(self, root: Path | str, extra_roots: tuple[Path | str, ...] = ()) -> None:
        self.root = Path(os.path.realpath(root))
        self.allowed = (self.root, *(Path(os.path.realpath(r)) for r in extra_roots))
        # Plain strings: resolve() runs for every file a tree reads, and Path.parents is slow.
        self._prefixes = tuple((str(r), str(r).rstrip(os.sep) + os.sep) for r in self.allowed)

    def _inside(self, path: str) -> bool:
        return any(path == root or path.startswith(prefix) for root, prefix in self._prefixes)

    def resolve(self, path: Path | str, base: Path | str | None = None) -> Path:
        """The real path of `path` (relative to `base`, else the root), or UnsafePath."""
        p = os.fspath(path)
        if not os.path.isabs(p):
            p = os.path.join(os.fspath(base) if base is not None else str(self.root), p)
        lexical = os.path.normpath(p)
        if not self._inside(lexical):
            raise UnsafePath(
                f"'{path}' is outside the project root; refused (--root widens what may be read)"
            )
        real = os.path.realpath(lexical)
        if not self._inside(real):
            raise UnsafePath(f"'{path}' is a link that points outside the project root; refused")
        return Path(real)

    def read_bytes(self, path: Path | str, base: Path | str | None = None) -> bytes:
        real = self.resolve(path, base)
        try:
            with open(real, "rb") as f:
                return f.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileNotFoundError(f"'{path}' does not exist or is not a file") from None

    def relative(self, path: Path | str) -> str:
        """A posix path relative to the root when inside it (for locations), else as given."""
        p = Path(os.path.abspath(path))
        try:
            return p.relative_to(self.root).as_posix()
        except ValueError:
            try:
                return Path(os.path.realpath(p)).relative_to(self.root).as_posix()
            except ValueError:
                return p.as_posix()
