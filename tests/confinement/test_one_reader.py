"""Every read of an input goes through linter/safe_files.py: this test fails if any module in
`linter/` or `cdk_aspect/` opens or reads a file another way.

What counts as "another way" (found in the syntax tree, not by grep): open(), io.open,
os.open, os.fdopen, codecs.open, tarfile.open, zipfile.ZipFile, any `.open(...)` method (Path,
tarfile), `.read_text()` / `.read_bytes()` on anything but a reader (a name or attribute
called `reader`, or `SafeReader(...)`), json/toml/pickle/marshal `.load(handle)`, yaml loaders
given something other than text, `fileinput`, `linecache`, `os.read`, `np.fromfile`, mmap.
Writes, the package's own data file and a build-time tool are allowed below, each with why.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("linter", "cdk_aspect")

# (file, enclosing function, call) -> why it is not a read of an input.
ALLOWED = {
    ("linter/safe_files.py", "_open", "os.open"): "the reader itself",
    ("linter/safe_files.py", "_read_fd", "os.read"): "the reader itself",
    ("linter/safe_files.py", "read_regular", "os.read"): "the reader itself (head)",
    ("linter/cli.py", "main", "os.open"): "os.devnull for stdout after a broken pipe (a write)",
    ("linter/cli.py", "_append_step_summary", "open"): "appends to $GITHUB_STEP_SUMMARY (a write)",
    ("linter/terraform/blocks.py", "parse_block", "open"): "writes a parse-cache entry",
    ("linter/safe_files.py", "read_text", ".read_bytes"): "the reader itself (self.read_bytes)",
    ("linter/compat.py", "load", ".read_text"): "the package's own aws_compat.toml",
    ("linter/kubernetes/interpret.py", "data", ".read_text"): "the package's own kubernetes.toml",
    ("cdk_aspect/gen_shapes.py", "main", "tarfile.open"): "a build-time tool reading aws-cdk-lib",
}

_MODULE_CALLS = {
    ("io", "open"),
    ("os", "open"),
    ("os", "fdopen"),
    ("os", "read"),
    ("codecs", "open"),
    ("tarfile", "open"),
    ("zipfile", "ZipFile"),
    ("json", "load"),
    ("tomllib", "load"),
    ("tomli", "load"),
    ("pickle", "load"),
    ("marshal", "load"),
    ("fileinput", "input"),
    ("linecache", "getline"),
    ("linecache", "getlines"),
    ("mmap", "mmap"),
    ("np", "fromfile"),
    ("numpy", "fromfile"),
    ("shutil", "copyfile"),
    ("shutil", "copy"),
}
_YAML_LOADERS = {"load", "safe_load", "full_load", "unsafe_load", "load_all", "safe_load_all"}


def _is_reader(node: ast.expr) -> bool:
    """`reader`, `options.reader`, `self.reader`, `SafeReader(...)`: the one reader."""
    if isinstance(node, ast.Name):
        return node.id == "reader" or node.id.endswith("_reader")
    if isinstance(node, ast.Attribute):
        return node.attr == "reader" or node.attr.endswith("_reader")
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id == "SafeReader"
    return False


def _call_name(call: ast.Call) -> str | None:
    """The name of a forbidden call, or None."""
    func = call.func
    if isinstance(func, ast.Name):
        return "open" if func.id == "open" else None
    if not isinstance(func, ast.Attribute):
        return None
    owner = func.value.id if isinstance(func.value, ast.Name) else None
    if owner is not None and (owner, func.attr) in _MODULE_CALLS:
        return f"{owner}.{func.attr}"
    if owner == "yaml" and func.attr in _YAML_LOADERS:
        first = call.args[0] if call.args else None
        if not (isinstance(first, ast.Name) and first.id in ("text", "data", "head")):
            return f"yaml.{func.attr}"
        return None
    if func.attr in ("read_text", "read_bytes") and not _is_reader(func.value):
        return f".{func.attr}"
    if func.attr == "open" and owner not in ("os", "io", "codecs", "tarfile"):
        return ".open"
    return None


class _Finder(ast.NodeVisitor):
    def __init__(self, file: str) -> None:
        self.file = file
        self.stack: list[str] = ["<module>"]
        self.found: list[tuple[str, str, str, int]] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node)
        if name is not None:
            self.found.append((self.file, self.stack[-1], name, node.lineno))
        self.generic_visit(node)


def _reads(source: str, file: str) -> list[tuple[str, str, str, int]]:
    finder = _Finder(file)
    finder.visit(ast.parse(source))
    return finder.found


def test_every_module_reads_files_only_through_the_reader() -> None:
    found = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            file = path.relative_to(REPO).as_posix()
            found += _reads(path.read_text(encoding="utf-8"), file)
    stray = [
        f"{f}:{line} {func}() calls {name}"
        for f, func, name, line in found
        if (f, func, name) not in ALLOWED
    ]
    assert stray == [], "read through linter.safe_files.SafeReader instead:\n" + "\n".join(stray)


def test_every_allowance_is_still_needed() -> None:
    """An allowance whose call is gone is removed, so the list stays short and true."""
    found = set()
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            file = path.relative_to(REPO).as_posix()
            found |= {(f, func, name) for f, func, name, _ in _reads(path.read_text(), file)}
    assert sorted(set(ALLOWED) - found) == []


def test_the_scan_sees_each_way_of_reading() -> None:
    """The scan itself is checked on code that reads in each of the forbidden ways."""
    source = """
import io, os, json, yaml, tarfile
def f(path, handle, options, reader):
    open(path)
    io.open(path)
    os.open(path, 0)
    Path(path).read_text()
    path.read_bytes()
    path.open()
    json.load(handle)
    yaml.safe_load(handle)
    tarfile.open(path)
    options.reader.read_bytes(path)
    reader.read_text(path)
    SafeReader(path).read_bytes(path)
    yaml.safe_load(text)
"""
    names = [name for _, _, name, _ in _reads(source, "x.py")]
    assert names == [
        "open",
        "io.open",
        "os.open",
        ".read_text",
        ".read_bytes",
        ".open",
        "json.load",
        "yaml.safe_load",
        "tarfile.open",
    ]
