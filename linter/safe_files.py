"""The one way certfit reads its inputs: inside the project root, regular files only, bounded.

Everything a run reads (Terraform files, tfvars, plans, templates, cdk.out manifests, PEM files,
the config file, source lines for excerpts) goes through this module; `tests/confinement/
test_one_reader.py` fails if any module in `linter/` or `cdk_aspect/` opens a file another way.
A new front end (e.g. Kubernetes YAML) reads with `options.reader.read_text(path)` and sniffs
with `options.reader.read_head(path, n)`; it never opens a path itself.

    reader = SafeReader(root)                 # confined to `root` (and any extra roots)
    data = reader.read_bytes("certs/a.pem")   # relative paths are resolved against the root
    text = reader.read_text(path)             # utf-8, strict unless errors= says otherwise
    head = reader.read_head(path, 4096)       # sniffing: the first bytes, any file size
    reader.is_file(path)                      # a regular file the reader may read (no open)
    for dirpath, dirnames, filenames in reader.walk(top): ...   # os.walk, kept inside the root
    reader.read_entry(dirpath + "/" + name)   # hot path: a listed entry of a confined real
                                              # directory, no realpath (O_NOFOLLOW)
    reader.rooted_at(other_root, target)      # the same limits, another root (one per target)
    data = read_named(path)                   # a path the user named: no root, same checks
    data = read_regular(path, limit=None)     # certfit's own files (cache): same checks

What every read guarantees:
- confinement: the path, and the real path after links, are inside an allowed root; a link
  out of it is refused (`UnsafePath`) without opening the target;
- only regular files: the file is opened with O_NONBLOCK (a FIFO does not block the open) and
  O_NOFOLLOW (a link swapped in after the check is not followed), then the *descriptor* is
  fstat'ed: a FIFO, device or directory is refused, so there is no race between check and open;
- a size limit (`max_bytes`, default `DEFAULT_MAX_BYTES`): a larger file is a `FileTooLarge`
  input error naming the limit and how to raise it (`--max-file-size` or
  $CERTFIT_MAX_FILE_SIZE); the read itself stops at the limit, whatever fstat said.
- link loops end in an error (ELOOP), never a hang.

Errors are `UnsafePath` (may not be read) or `OSError` (`FileNotFoundError`, `FileTooLarge`,
`NotRegularFile`), each with a message fit for an input error.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
MAX_SIZE_ENV = "CERTFIT_MAX_FILE_SIZE"
_HOW_TO_RAISE = f"raise it with --max-file-size or ${MAX_SIZE_ENV} (e.g. 64M)"

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CHUNK = 1024 * 1024


class UnsafePath(Exception):
    """The path may not be read; the message says why (for a finding)."""


class NotRegularFile(OSError):
    """A FIFO, device, socket or directory where a file was expected."""


class FileTooLarge(OSError):
    """Larger than the reader's size limit."""


def parse_size(text: str) -> int:
    """`16M`, `512K`, `1G` or a number of bytes; ValueError for anything else."""
    t = text.strip().upper().removesuffix("B")
    scale = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(t[-1:], 1)
    number = t[:-1] if scale > 1 else t
    value = int(number) * scale
    if value <= 0:
        raise ValueError(f"expected a positive size like 64M, got {text!r}")
    return value


def max_bytes_from(environ: Mapping[str, str]) -> int:
    """The size limit the environment sets ($CERTFIT_MAX_FILE_SIZE), else the default."""
    raw = environ.get(MAX_SIZE_ENV, "")
    if raw:
        try:
            return parse_size(raw)
        except ValueError:
            pass
    return DEFAULT_MAX_BYTES


def _describe(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _read_fd(fd: int, shown: str, limit: int | None, st: os.stat_result | None = None) -> bytes:
    st = st if st is not None else os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(f"'{shown}' is {_describe(st.st_mode)}, not a regular file; not read")
    if limit is not None and st.st_size > limit:
        raise FileTooLarge(
            f"'{shown}' is {st.st_size} bytes, over the {limit}-byte limit per file; "
            f"not read ({_HOW_TO_RAISE})"
        )
    parts: list[bytes] = []
    total = 0
    want = st.st_size + 1  # one byte more than fstat said: the common case is one read + EOF
    while True:
        n = want if limit is None else min(want, limit + 1 - total)
        chunk = os.read(fd, max(n, 1))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        total += len(chunk)
        if limit is not None and total > limit:  # it grew since fstat
            raise FileTooLarge(
                f"'{shown}' grew over the {limit}-byte limit per file; not read ({_HOW_TO_RAISE})"
            )
        if total == st.st_size and len(chunk) < n:
            # A short read of exactly the size fstat gave: the end of a regular file, with no
            # second read to see it (pseudo-files say 0 and take the loop to the empty read).
            return b"".join(parts)
        want = _CHUNK


def _open(path: str, shown: str, follow: bool) -> int:
    try:
        return os.open(path, _FLAGS if follow else _FLAGS | _NOFOLLOW)
    except (FileNotFoundError, NotADirectoryError):
        raise FileNotFoundError(f"'{shown}' does not exist or is not a file") from None
    except IsADirectoryError:
        raise NotRegularFile(f"'{shown}' is a directory, not a regular file; not read") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotRegularFile(
                f"'{shown}' is a symbolic link (or a loop of them); not read"
            ) from None
        raise OSError(exc.errno, f"'{shown}': {exc.strerror}") from None


def read_regular(
    path: str | os.PathLike[str],
    *,
    shown: str | None = None,
    limit: int | None = DEFAULT_MAX_BYTES,
    follow: bool = False,
    head: int | None = None,
) -> bytes:
    """The bytes of a regular file, checked on its open descriptor. No confinement: callers
    confine first (`SafeReader`) or read a path the user or the environment named.
    `head`: only the first `head` bytes (sniffing; no size limit then)."""
    p = os.fspath(path)
    name = shown if shown is not None else p
    fd = _open(p, name, follow)
    try:
        if head is not None:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise NotRegularFile(
                    f"'{name}' is {_describe(st.st_mode)}, not a regular file; not read"
                )
            return os.read(fd, head)
        return _read_fd(fd, name, limit)
    finally:
        os.close(fd)


def read_named(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """A file the user named (command line, $CERTFIT_CONFIG): readable wherever it is, but
    still a regular file within the size limit ($CERTFIT_MAX_FILE_SIZE or the default)."""
    return read_regular(
        path, limit=limit if limit is not None else max_bytes_from(os.environ), follow=True
    )


class SafeReader:
    """Reads files only inside `root` (and inside any extra allowed roots).

    `extra_roots` are further trees (or single files) that may be read: the paths named on the
    command line. `base` is where relative paths are resolved from and shown relative to
    (default: `root`); it may differ from the root when one run lints targets in several
    repositories. `max_bytes` is the size limit per file (None: $CERTFIT_MAX_FILE_SIZE, else
    DEFAULT_MAX_BYTES)."""

    def __init__(
        self,
        root: Path | str,
        extra_roots: tuple[Path | str, ...] = (),
        *,
        base: Path | str | None = None,
        max_bytes: int | None = None,
    ) -> None:
        self.root = Path(os.path.realpath(root))
        self.base = Path(os.path.realpath(base)) if base is not None else self.root
        self.allowed = (self.root, *(Path(os.path.realpath(r)) for r in extra_roots))
        self.max_bytes = max_bytes if max_bytes is not None else max_bytes_from(os.environ)
        # Plain strings: resolve() runs for every file a tree reads, and Path.parents is slow.
        self._prefixes = tuple((str(r), str(r).rstrip(os.sep) + os.sep) for r in self.allowed)
        # The lexical check (before any link is followed) also accepts the roots as given, so
        # a root reached through a link (`~/src -> /data/src`) reads its own files; the real
        # path is then checked against the real roots only.
        given = self._given = (root, *extra_roots)
        lexical = {os.path.abspath(r) for r in given} - {str(r) for r in self.allowed}
        self._lexical_prefixes = self._prefixes + tuple(
            (r, r.rstrip(os.sep) + os.sep) for r in sorted(lexical)
        )

    def widened(self, *extra_roots: Path | str) -> SafeReader:
        """The same reader, also allowed to read `extra_roots` (e.g. a named target)."""
        return SafeReader(
            self._given[0],
            (*self._given[1:], *extra_roots),
            base=self.base,
            max_bytes=self.max_bytes,
        )

    def rooted_at(self, root: Path | str, *extra_roots: Path | str) -> SafeReader:
        """A reader confined to `root` instead, keeping this one's extra roots, base and size
        limit (one target's reader, from the run's)."""
        return SafeReader(
            root, (*self._given[1:], *extra_roots), base=self.base, max_bytes=self.max_bytes
        )

    def _inside(self, path: str) -> bool:
        return any(path == root or path.startswith(prefix) for root, prefix in self._prefixes)

    def _inside_lexically(self, path: str) -> bool:
        return any(
            path == root or path.startswith(prefix) for root, prefix in self._lexical_prefixes
        )

    def inside(self, path: Path | str) -> bool:
        """Is the real path of `path` inside an allowed root? (No error, no open.)"""
        return self._inside(os.path.realpath(path))

    def resolve(self, path: Path | str, base: Path | str | None = None) -> Path:
        """The real path of `path` (relative to `base`, else the reader's base), or UnsafePath."""
        p = os.fspath(path)
        if "\0" in p:  # no file has one; the OS would raise ValueError, not refuse
            raise UnsafePath("the path holds a NUL character; refused")
        if not os.path.isabs(p):
            p = os.path.join(os.fspath(base) if base is not None else str(self.base), p)
        lexical = os.path.normpath(p)
        if not self._inside_lexically(lexical):
            raise UnsafePath(
                f"'{path}' is outside the project root; refused (--root widens what may be read)"
            )
        real = os.path.realpath(lexical)
        if not self._inside(real):
            raise UnsafePath(f"'{path}' is a link that points outside the project root; refused")
        return Path(real)

    def read_bytes(self, path: Path | str, base: Path | str | None = None) -> bytes:
        """The bytes of a regular file inside the root (see the module docstring)."""
        real = self.resolve(path, base)
        return read_regular(real, shown=str(path), limit=self.max_bytes)

    def read_text(
        self,
        path: Path | str,
        base: Path | str | None = None,
        *,
        encoding: str = "utf-8",
        errors: str = "strict",
    ) -> str:
        return self.read_bytes(path, base).decode(encoding, errors)

    def read_head(self, path: Path | str, size: int, base: Path | str | None = None) -> bytes:
        """The first `size` bytes of a regular file inside the root (to sniff its kind)."""
        real = self.resolve(path, base)
        return read_regular(real, shown=str(path), head=size)

    def read_entry(self, path: str, shown: str | None = None) -> bytes:
        """The bytes of `path`, whose directory is already confined (a real path inside the
        root) and whose last part must not be a link: no realpath, so a directory listing is
        read at the cost of an open. A link (even one swapped in) is refused by O_NOFOLLOW."""
        return read_regular(path, shown=shown, limit=self.max_bytes)

    def read_entry_stat(self, path: str, shown: str | None = None) -> tuple[bytes, os.stat_result]:
        """`read_entry`, with the open descriptor's stat (a cache's key, at no extra stat)."""
        fd = _open(path, shown if shown is not None else path, follow=False)
        try:
            st = os.fstat(fd)
            return _read_fd(fd, shown if shown is not None else path, self.max_bytes, st), st
        finally:
            os.close(fd)

    def is_file(self, path: Path | str, base: Path | str | None = None) -> bool:
        """A regular file this reader may read (checked again on the descriptor when read)."""
        try:
            return os.path.isfile(self.resolve(path, base))
        except UnsafePath:
            return False

    def walk(
        self, top: Path | str, skip: frozenset[str] = frozenset()
    ) -> Iterator[tuple[str, list[str], list[str]]]:
        """os.walk of `top` that never follows a link (so it cannot loop) and never leaves the
        root; names in `skip` and hidden directories are not entered. `dirnames` may be pruned
        in place, as with os.walk. Links to files stay in `filenames` (read through the reader,
        which refuses those pointing out of the root)."""
        start = self.resolve(top)
        for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d not in skip and not d.startswith("."))
            yield dirpath, dirnames, filenames

    def relative(self, path: Path | str) -> str:
        """A posix path relative to the base when inside it (for locations), else as given."""
        p = Path(os.path.abspath(path))
        try:
            return p.relative_to(self.base).as_posix()
        except ValueError:
            try:
                return Path(os.path.realpath(p)).relative_to(self.base).as_posix()
            except ValueError:
                return p.as_posix()
