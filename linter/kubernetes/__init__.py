"""Kubernetes front end: Services and Ingresses in YAML/JSON manifests (multi-document files,
`List` kinds, `helm template` or `kustomize build` output piped in as `-`).

Reads manifests into `K8sObject`s and hands them to the shared interpretation
(`interpret.py`); certificates named by ARN are known through the config's mappings, as in the
other front ends.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from linter.kubernetes.interpret import K8sObject, interpret, objects_from_manifest
from linter.mappings import certificate_from_arn
from linter.model import Certificate, InputError, Location, Model
from linter.options import LoadOptions
from linter.safe_files import SafeReader, UnsafePath, read_regular

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
MAX_MANIFEST_BYTES = 16 * 1024 * 1024  # rendered charts are large; a bigger file is refused
STDIN = "-"
STDIN_FILE = "<stdin>"

# A line that says `kind: Service` or `kind: Ingress` (YAML or JSON): the cheap test that
# decides whether a YAML file is worth parsing at all. The pattern starts with a literal, so the
# regex engine skips to each `kind` instead of trying every line (10x faster on large trees);
# what precedes it on its line is checked by hand.
_KIND = re.compile(
    rb"""kind["']?[ \t]*:[ \t]*["']?(?:Service|Ingress)["']?[ \t]*,?[ \t]*(?:\r?\n|$)"""
)


def looks_like_manifest(head: bytes) -> bool:
    for m in _KIND.finditer(head):
        line_start = head.rfind(b"\n", 0, m.start()) + 1
        if not head[line_start : m.start()].strip(b" \t-{\"'"):
            return True
    return False


@lru_cache(maxsize=1024)
def _directory_inside(reader: SafeReader, directory: str) -> bool:
    """Whether a directory resolves inside the reader's roots; asked once per directory, as a
    recursive run sniffs every YAML file of a tree."""
    try:
        reader.resolve(directory)
    except UnsafePath:
        return False
    return True


def is_kubernetes_manifest(path: Path, reader: SafeReader | None = None) -> bool:
    """True for a YAML/JSON file with a line `kind: Service` or `kind: Ingress`, without
    parsing it. A link out of the root is never read: the file must not be a link, or must
    resolve inside the root, and its directory must resolve inside the root."""
    path = Path(path)
    if path.suffix.lower() not in MANIFEST_SUFFIXES:
        return False
    reader = reader or SafeReader(Path.cwd())
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            reader.resolve(path)
            st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_MANIFEST_BYTES:
            return False
        if not _directory_inside(reader, os.path.dirname(os.path.abspath(path))):
            return False
        data = read_regular(path, limit=MAX_MANIFEST_BYTES, follow=True)
    except (UnsafePath, OSError):
        return False
    return looks_like_manifest(data)


class _Unit:
    """One manifest source: its documents become objects; ARNs become certificates once."""

    def __init__(self, file: str, options: LoadOptions) -> None:
        self.file = file
        self.options = options
        self.model = Model()
        self.arn_certs: dict[str, Certificate] = {}

    def locate(self, container: Any, key: str | None) -> Location:
        from linter.cloudformation.parse import where

        line, col = where(container, key) if key is not None else (0, 0)
        if not line:
            line, col = getattr(container, "pos", (0, 0))
        return Location(self.file, line, col)

    def resolve(
        self, value: Any, location: Location, what: str
    ) -> tuple[Certificate | None, str | None]:
        if isinstance(value, str) and value:
            cert = self.arn_certs.get(value)
            if cert is None:
                cert = certificate_from_arn(value, location, self.options)
                self.arn_certs[value] = cert
                self.model.certificates.append(cert)
            return cert, None
        return None, f"{what} is not a string of certificate ARNs"

    def load(self, text: str) -> Model:
        # YAML and the template parser only when a manifest is read: a Terraform run that
        # meets no Kubernetes resource imports this package for its interpreter alone.
        from linter.cloudformation.parse import TemplateSyntaxError
        from linter.kubernetes.yaml_docs import load_documents

        try:
            docs = load_documents(text)
        except TemplateSyntaxError as exc:
            self.model.errors.append(
                InputError(
                    "manifest does not parse",
                    f"{self.file}: {exc}",
                    Location(self.file, exc.line, exc.column),
                )
            )
            return self.model
        except RecursionError:
            self.model.errors.append(
                InputError("manifest does not parse", "nested too deeply", Location(self.file))
            )
            return self.model
        objects: list[K8sObject] = []
        for doc in docs:
            objects.extend(objects_from_manifest(doc, self.locate))
        self.model.extend(interpret(objects, self.resolve, self.options.kubernetes_service_lb))
        return self.model


def _decode(data: bytes, file: str, model: Model) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        model.errors.append(
            InputError(
                "cannot read manifest", f"{file} is not UTF-8 ({exc.reason})", Location(file)
            )
        )
        return None


def load_manifests(path: Path, options: LoadOptions) -> Model:
    """The Model of one manifest file."""
    rel = options.reader.relative(path)
    unit = _Unit(rel, options)
    try:
        data = options.reader.read_bytes(path)
    except (UnsafePath, OSError) as exc:
        unit.model.errors.append(InputError("cannot read manifest", str(exc), Location(rel)))
        return unit.model
    text = _checked_text(unit, data, rel, rel)
    return unit.load(text) if text is not None else unit.model


def load_stdin(options: LoadOptions, stream: BinaryIO | None = None) -> Model:
    """The Model of manifests piped in (`helm template ... | certfit -`)."""
    unit = _Unit(STDIN_FILE, options)
    source = stream if stream is not None else sys.stdin.buffer
    data = source.read(MAX_MANIFEST_BYTES + 1)
    text = _checked_text(unit, data, STDIN_FILE, "standard input")
    global _stdin
    _stdin = text
    return unit.load(text) if text is not None else unit.model


def _checked_text(unit: _Unit, data: bytes, where: str, shown: str) -> str | None:
    """The manifest text, or None with an input error when it is too large or not text: one
    check for files and standard input alike."""
    if len(data) > MAX_MANIFEST_BYTES:
        unit.model.errors.append(
            InputError(
                "manifest too large",
                f"{shown} is over {MAX_MANIFEST_BYTES // (1024 * 1024)} MiB; not read",
                Location(where),
            )
        )
        return None
    return _decode(data, where, unit.model)


_stdin: str | None = None  # standard input can be read once; inline ignores read it again


def stdin_text() -> str | None:
    """The manifests read from standard input in this run (for inline ignore comments)."""
    return _stdin


__all__ = [
    "STDIN",
    "is_kubernetes_manifest",
    "load_manifests",
    "load_stdin",
    "looks_like_manifest",
    "stdin_text",
]
