"""Modules, their instances and everything an expression can name in them.

A `ModuleDir` is a directory of .tf files: scanned cheaply once, its blocks parsed only when
something asks for them. A `ModuleInstance` is one use of it (the root, or a `module` call, once
per for_each/count key) with its own variable values, locals and outputs, all evaluated lazily
and memoised. Namespaces (`var`, `local`, `module`, `data`, resource types) resolve traversals on
demand, so evaluating a listener's `certificate_arn` parses exactly the blocks it reaches.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linter import limits
from linter.limits import LimitExceeded
from linter.model import InputError, Location
from linter.options import LoadOptions
from linter.safe_files import SafeReader, UnsafePath
from linter.taint import COUNTER, is_tainted, note_source, taint
from linter.terraform.blocks import (
    Attr,
    Block,
    BlockParseError,
    ParseStats,
    fast_blocks_enabled,
    parse_block,
)
from linter.terraform.evaluate import Computed, Text, Unknown, as_string, evaluate, first_unknown
from linter.terraform.expressions import ExprError, Node, parse_expression_cached
from linter.terraform.jsonsyntax import JsonTopBlock, index_json
from linter.terraform.scanner import ScanError, TopBlock, index

NO_KEY = object()  # the key of a resource without count or for_each
_SOURCE_RE = re.compile(r'(?:^|\{)[ \t]*source[ \t]*=[ \t]*"([^"\\$%\n]*)"', re.M)
_LITERAL = re.compile(r'"([^"\\$%\n]*)"')  # a module source: a literal without escapes
# `aws = aws.east` in a module call's providers map. The look-behind lets a match start only at
# the start of a name: without it, every position inside a long name starts a match that
# backtracks over the rest of the name (quadratic).
_PROVIDER_PAIR = re.compile(r'(?<![\w.-])"?([\w-]+(?:\.[\w-]+)?)"?\s*=\s*([\w-]+(?:\.[\w-]+)?)')
# `name =` at a line start or after `{` (a one-line `locals { a = 1 }`)
_LOCAL_NAME = re.compile(r"(?:^|\{)[ \t]*([A-Za-z_][\w-]*)[ \t]*=[^=]", re.M)

# Resource types whose ARN/id is a certificate: `.arn` stays a reference to them.
CERTIFICATE_TYPES = {
    ("managed", "aws_acm_certificate"),
    ("managed", "aws_iam_server_certificate"),
    ("data", "aws_acm_certificate"),
    ("data", "aws_iam_server_certificate"),
}


# data "local_file" { filename = ... }.content is a common way to read a PEM.
LOCAL_FILE_TYPES = {"local_file", "local_sensitive_file"}


class FileProblem(Unknown):
    """file()/templatefile() refused or failed: becomes a MaterialProblem on the certificate."""


class MissingFile(FileProblem):
    """The file does not exist (yet): an error at plan, unless it is read at apply."""


# depends_on entries: resource or module addresses (data sources do not defer a read)
_DEPENDENCY = re.compile(r"(?<![\w.])(?!data\.)(?:module\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*")


@dataclass
class ResourceDef:
    mode: str  # managed | data
    type: str
    name: str
    top: TopBlock
    dir: ModuleDir

    @property
    def block(self) -> Block | None:
        return self.dir.parsed(self.top)


class ModuleDir:
    """One directory of .tf files, scanned on first use. Its module calls are indexed with the
    scan; every other definition when first asked for (a --recursive survey reads every
    directory's calls, and most directories' resources are never looked at)."""

    def __init__(self, path: Path, loader: Loader) -> None:
        self.path = path
        self.loader = loader
        self.scanned = False
        self._files: list[tuple[bool, list[TopBlock]]] = []  # (override file?, its blocks)
        self._indexed = False
        self._resources: dict[tuple[str, str, str], ResourceDef] = {}
        self._variables: dict[str, TopBlock] = {}
        self._outputs: dict[str, TopBlock] = {}
        self._locals: list[TopBlock] = []
        self.module_calls: dict[str, TopBlock] = {}
        self._providers: dict[str, list[TopBlock]] = {}
        self._overrides: dict[int, list[TopBlock]] = {}
        self._merged: dict[int, Block] = {}
        self._parsed: dict[int, Block | None] = {}
        self._local_names: dict[int, set[str]] = {}

    def scan(self) -> None:
        if self.scanned:
            return
        self.scanned = True
        loader = self.loader
        try:
            entries = sorted(  # override files last, as Terraform
                (_is_override(e.name), e.name, e.is_symlink())
                for e in os.scandir(self.path)
                if _is_config(e)
            )
        except OSError:
            entries = []
        rel_dir = loader.rel(self.path)
        base = os.path.join(str(self.path), "")  # with its separator: one join per directory
        for override, name, link in entries:
            rel = name if rel_dir in (".", "") else f"{rel_dir}/{name}"
            path = base + name
            if link:  # a .tf file may be a link, but never one out of the root
                try:
                    path = str(loader.options.reader.resolve(path))
                except UnsafePath as e:
                    loader.error("file not read", str(e), Location(rel))
                    continue
            indexed = _index_file(path, rel, loader)
            if indexed is None:
                continue
            blocks, err = indexed
            if err is not None:
                loader.error(
                    "file does not parse",
                    f"{err}; the blocks before line {err.block_line} are still read",
                    Location(rel, err.line, err.column),
                )
            self._files.append((override, blocks))
            for b in blocks:
                if b.type != "module":
                    continue
                if override:
                    self._override(b)
                else:
                    self._index(b)

    def _index_all(self) -> None:
        """Every definition but the module calls (indexed with the scan), in Terraform's
        order: files by name, override files last."""
        if self._indexed:
            return
        self._indexed = True
        for override, blocks in self._files:
            for b in blocks:
                if b.type == "module":
                    continue
                if override:
                    self._override(b)
                else:
                    self._index(b)

    @property
    def resources(self) -> dict[tuple[str, str, str], ResourceDef]:
        self._index_all()
        return self._resources

    @property
    def variables(self) -> dict[str, TopBlock]:
        self._index_all()
        return self._variables

    @property
    def outputs(self) -> dict[str, TopBlock]:
        self._index_all()
        return self._outputs

    @property
    def locals(self) -> list[TopBlock]:
        self._index_all()
        return self._locals

    @property
    def providers(self) -> dict[str, list[TopBlock]]:
        self._index_all()
        return self._providers

    def defines_any(self, types: Collection[str]) -> bool:
        """Does a resource or data source of one of `types` live here? (What `resources`
        would hold, asked of the scan without indexing it.)"""
        return any(
            b.type in ("resource", "data") and len(b.labels) == 2 and b.labels[0] in types
            for _, blocks in self._files
            for b in blocks
        )

    def forget(self) -> None:
        """Drop what was indexed and parsed here: its definitions point back at this
        directory, so without this the directory lives until the collector finds the cycle."""
        for table in (
            self._resources,
            self._variables,
            self._outputs,
            self.module_calls,
            self._providers,
            self._overrides,
            self._merged,
            self._parsed,
            self._local_names,
        ):
            table.clear()
        self._locals.clear()
        self._files.clear()

    def _override(self, b: TopBlock) -> None:
        """Terraform merges an override file's block into the block of the same address,
        attribute by attribute (nested blocks by type); locals override by name."""
        if b.type == "locals":
            self._locals.insert(0, b)
            return
        if b.type in ("resource", "data"):
            mode = "managed" if b.type == "resource" else "data"
            key = (mode, b.labels[0], b.labels[1]) if len(b.labels) == 2 else None
            rdef = self._resources.get(key) if key else None
            base = rdef.top if rdef else None
        elif b.type == "variable" and b.labels:
            base = self._variables.get(b.labels[0])
        elif b.type == "output" and b.labels:
            base = self._outputs.get(b.labels[0])
        elif b.type == "module" and b.labels:
            base = self.module_calls.get(b.labels[0])
        else:
            base = None
        if base is None:
            self._index(b)  # Terraform refuses an override of nothing; reading it is kinder
        else:
            self._overrides.setdefault(id(base), []).append(b)

    def _index(self, b: TopBlock) -> None:
        if b.type == "resource" and len(b.labels) == 2:
            self._resources[("managed", *b.labels)] = ResourceDef("managed", *b.labels, b, self)
        elif b.type == "data" and len(b.labels) == 2:
            self._resources[("data", *b.labels)] = ResourceDef("data", *b.labels, b, self)
        elif b.type == "variable" and b.labels:
            self._variables[b.labels[0]] = b
        elif b.type == "output" and b.labels:
            self._outputs[b.labels[0]] = b
        elif b.type == "locals":
            self._locals.append(b)
        elif b.type == "module" and b.labels:
            self.module_calls[b.labels[0]] = b
        elif b.type == "provider" and b.labels:
            self._providers.setdefault(b.labels[0], []).append(b)

    def local_names(self, top: TopBlock) -> set[str]:
        """Names that may be defined in a `locals` block (every `name =` at a line start),
        read in one pass: only those blocks are parsed for a local. Searching the block text
        once per name looked up was quadratic in a block of many locals."""
        names = self._local_names.get(id(top))
        if names is None:
            names = self._local_names[id(top)] = set(_LOCAL_NAME.findall(top.text))
        return names

    def parsed(self, top: TopBlock) -> Block | None:
        block = self._parsed_one(top)
        overrides = self._overrides.get(id(top))
        if block is None or not overrides:
            return block
        if id(top) in self._merged:
            return self._merged[id(top)]
        merged = Block(block.type, block.labels, block.line, block.column)
        merged.attrs = dict(block.attrs)
        merged.blocks = list(block.blocks)
        for o in overrides:
            ob = self._parsed_one(o)
            if ob is None:
                continue
            ob = ob.from_file(o.file)
            merged.attrs.update(ob.attrs)
            replaced = {b.type for b in ob.blocks}
            merged.blocks = [b for b in merged.blocks if b.type not in replaced] + ob.blocks
        self._merged[id(top)] = merged
        return merged

    def _parsed_one(self, top: TopBlock) -> Block | None:
        if isinstance(top, JsonTopBlock):
            return top.prebuilt
        key = id(top)
        if key not in self._parsed:
            self._parsed[key] = None
            memo = _PARSED.get(key)
            result: Block | Exception
            if memo is not None and memo[0] is top:
                result = memo[1]
            else:
                try:
                    result = parse_block(
                        top, self.loader.options.cache_dir, self.loader.stats, self.loader.fast
                    )
                except (BlockParseError, ScanError) as e:
                    result = e
                _PARSED[key] = (top, result)
            if isinstance(result, BlockParseError):
                self.loader.error(
                    "block does not parse",
                    f"{top.type} {' '.join(top.labels)}: {result}",
                    Location(top.file, result.line, result.column),
                )
            elif isinstance(result, ScanError):
                self.loader.error(
                    "file does not parse",
                    f"{top.type} {' '.join(top.labels)}: {result}",
                    Location(top.file, result.line, result.column),
                )
            elif isinstance(result, Block):
                self._parsed[key] = result
        return self._parsed[key]

    def module_source(self, call: TopBlock) -> str | None:
        """The `source` of a module call (literal strings only, as Terraform): the call's own
        attribute, not a `source` key in a map or a heredoc line. Read with a regular
        expression when the word appears once, else from the split block."""
        if isinstance(call, JsonTopBlock):
            src = call.prebuilt.attrs.get("source")
            return json.loads(src.expr) if src and src.expr.startswith('"') else None
        text = call.text
        if text.count("source") == 1 and "<<" not in text:
            m = _SOURCE_RE.search(text)
            return m.group(1) if m else None
        block = self.parsed(call)
        src = block.attrs.get("source") if block is not None else None
        m = _LITERAL.fullmatch(src.expr) if src is not None else None
        return m.group(1) if m else None


# Files indexed in this process, by (path, rel), with the mtime and size they had and the run
# that read them (see one_run): a --recursive run reads a shared local module once. Parsed
# blocks likewise, by their TopBlock.
_FILES: dict[tuple[str, str], tuple[int, int, list[TopBlock], ScanError | None, int]] = {}
_PARSED: dict[int, tuple[TopBlock, Block | Exception]] = {}


def _is_config(entry: os.DirEntry[str]) -> bool:
    """By name: a FIFO or device named *.tf is refused when read (an error), not skipped."""
    return entry.name.endswith((".tf", ".tf.json")) and not entry.is_dir(follow_symlinks=False)


def _is_override(name: str) -> bool:
    stem = name.removesuffix(".json").removesuffix(".tf")
    return stem == "override" or stem.endswith("_override")


def forget_files() -> None:
    """Drop what this process remembers of files and parsed blocks (as a new process would)."""
    _FILES.clear()
    _PARSED.clear()


def forget_files_outside(directories: Collection[str]) -> None:
    """Let go of the scans of files outside `directories` (real paths): a --recursive run
    keeps every file's scan from its survey only until it knows which its loads will read."""
    for key in [k for k in _FILES if os.path.dirname(k[0]) not in directories]:
        del _FILES[key]


_run = [0, 0]  # [the current run, or 0 outside one; the last run's number]


def current_run() -> int:
    """The number of the run under way (see one_run), 0 outside one."""
    return _run[0]


@contextmanager
def one_run() -> Iterator[None]:
    """A run (a --recursive survey and its loads): a file read in it is used as read, with no
    stat to check it did not change, so its survey and its loads see the same text. Outside a
    run, a remembered file is used only if its mtime and size are unchanged."""
    _run[1] += 1
    previous, _run[0] = _run[0], _run[1]
    try:
        yield
    finally:
        _run[0] = previous


def _index_file(
    path: str, rel: str, loader: Loader
) -> tuple[list[TopBlock], ScanError | None] | None:
    key = (path, rel)
    hit = _FILES.get(key)
    try:
        if hit is not None:
            if hit[4] and hit[4] == _run[0]:
                return hit[2], hit[3]
            st = os.stat(path)
            if hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
                return hit[2], hit[3]
        # The directory is a confined real path and a link was resolved by scan(): no
        # realpath here (O_NOFOLLOW refuses a link swapped in since).
        data, st = loader.options.reader.read_entry_stat(path, shown=rel)
    except OSError as e:
        loader.error("cannot read file", str(e), Location(rel))
        return None
    loader.stats.files_read += 1
    loader.stats.files_scanned += 1
    loader.stats.bytes_in_tree += len(data)
    # utf-8-sig decodes in Python; dropping the BOM here keeps the decode in C
    text = (data[3:] if data.startswith(codecs.BOM_UTF8) else data).decode("utf-8", "replace")
    blocks, err = index_json(text, rel) if path.endswith(".json") else index(text, rel)
    _FILES[key] = (st.st_mtime_ns, st.st_size, blocks, err, _run[0])
    return blocks, err


class Loader:
    """Shared state of one load: options, errors, parse stats, directories, memo tables."""

    def __init__(self, options: LoadOptions, root_dir: Path) -> None:
        self.options = options
        self.root_dir = Path(os.path.realpath(root_dir))
        self.stats = ParseStats()
        self.fast = fast_blocks_enabled(options.environ)
        self.errors: list[InputError] = []
        self.dirs: dict[Path, ModuleDir] = {}
        self._by_given: dict[str, ModuleDir] = {}
        self._error_keys: set[tuple[str, str, str]] = set()
        self._modules_json: dict[str, str] | None = None
        self.module_instances = 0  # bounded by limits.instances

    def reset(self) -> None:
        """Forget directories, errors and stats, keeping the options (a survey reuses one
        loader for every directory it reads; the files' scans stay in `_FILES`)."""
        self.stats = ParseStats()
        self.errors = []
        for d in self.dirs.values():
            d.forget()
        self.dirs.clear()
        self._by_given.clear()
        self._error_keys.clear()

    def rel(self, path: Path | str) -> str:
        return self.options.reader.relative(path)

    def error(self, summary: str, message: str, location: Location | None) -> None:
        key = (summary, message, str(location))
        if key not in self._error_keys:
            self._error_keys.add(key)
            self.errors.append(InputError(summary, message, location))

    def dir(self, path: Path, real: bool = False) -> ModuleDir:
        """The directory at `path`, scanned (`real`: the path is already a real path, e.g.
        from the run's walk, so no realpath is needed)."""
        key = str(path)
        d = self._by_given.get(key)
        if d is None:
            real_path = path if real else Path(os.path.realpath(path))
            if real_path not in self.dirs:
                self.dirs[real_path] = ModuleDir(real_path, self)
            d = self._by_given[key] = self.dirs[real_path]
        d.scan()
        return d

    def location(self, top_or_file: TopBlock | str, attr: Attr | Block | None = None) -> Location:
        file = top_or_file.file if isinstance(top_or_file, TopBlock) else top_or_file
        if attr is not None and attr.file:
            file = attr.file  # merged in from an override file
        if attr is None:
            assert isinstance(top_or_file, TopBlock)
            return Location(file, top_or_file.line, top_or_file.column)
        if isinstance(attr, Attr):
            return Location(file, attr.line, attr.column, attr.end_line, attr.end_column)
        return Location(file, attr.line, attr.column)

    def downloaded_module(self, key: str) -> Path | None:
        """The directory `terraform init` downloaded module `key` (e.g. "web.lb") into."""
        if self._modules_json is None:
            self._modules_json = {}
            mj = self.root_dir / ".terraform" / "modules" / "modules.json"
            try:
                data = json.loads(self.options.reader.read_bytes(mj))
                for m in data.get("Modules", []):
                    self._modules_json[m.get("Key", "")] = m.get("Dir", "")
            except (OSError, UnsafePath, ValueError, AttributeError):
                pass
        d = self._modules_json.get(key)
        if not d:
            return None
        try:
            return self.options.reader.resolve(d, base=self.root_dir)
        except UnsafePath:
            return None


def _read_real(real: Path, given: str, reader: SafeReader) -> bytes:
    """The bytes of a path SafeReader.resolve has already checked (its errors, worded alike)."""
    return reader.read_entry(str(real), shown=given)


def parse_attr(attr: Attr, file: str, loader: Loader) -> Node | Unknown:
    try:
        return parse_expression_cached(attr.expr)
    except RecursionError:
        loader.error(
            "expression does not parse",
            f"{attr.name}: nested too deeply",
            Location(file, attr.line, attr.column),
        )
        return Unknown(f"{attr.name} is nested too deeply")
    except (ExprError, ValueError) as e:
        loader.error(
            "expression does not parse",
            f"{attr.name}: {e}",
            Location(file, attr.line, attr.column),
        )
        return Unknown(f"{attr.name} could not be parsed")


class Scope:
    """What an expression inside module instance `mod` sees, plus iterator names."""

    def __init__(self, mod: ModuleInstance, names: dict[str, Any] | None = None) -> None:
        self.mod = mod
        self.names = names or {}

    def with_vars(self, names: dict[str, Any]) -> Scope:
        return Scope(self.mod, {**self.names, **names})

    def template_scope(self, variables: dict[str, Any]) -> Scope:
        return _TemplateScope(self.mod, variables)

    def root(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        mod = self.mod
        if name == "var":
            return _Namespace(mod.variable, "var")
        if name == "local":
            return _Namespace(mod.local, "local")
        if name == "module":
            return _Namespace(mod.module_call, "module")
        if name == "data":
            return _Namespace(lambda t: _ResourceTypeNS(mod, "data", t), "data")
        if name == "path":
            return {
                "module": mod.path_module,
                "root": ".",
                "cwd": str(mod.loader.root_dir),
            }
        if name == "terraform":
            return {"workspace": "default"}
        if name in ("each", "count"):
            return Unknown(f"{name} is used outside a resource with {name}")
        if name == "self":
            return Unknown("self is only known during provisioning")
        return _ResourceTypeNS(mod, "managed", name)

    def read_file(self, path: str, func: str) -> Text | Unknown:
        loader = self.mod.loader
        reader = loader.options.reader
        try:
            real = reader.resolve(path, base=loader.root_dir)  # once: realpath is not cheap
            data = _read_real(real, path, reader)
        except UnsafePath as e:
            return FileProblem(f'{func}("{path}"): {e}')
        except FileNotFoundError as e:
            return MissingFile(f'{func}("{path}"): {e}')
        except OSError as e:
            return FileProblem(f'{func}("{path}"): {e}')
        return Text(data.decode("latin-1"), Location(loader.rel(real), 1, 1), f'{func}("{path}")')

    def eval_attr(self, attr: Attr, file: str) -> Any:
        loader = self.mod.loader
        node = parse_attr(attr, attr.file or file, loader)
        if isinstance(node, Unknown):
            return node
        with limits.work() as budget:  # the outermost attribute's budget, shared inward
            try:
                return evaluate(node, self)
            except RecursionError:
                return Unknown(f"{attr.name}: references nest too deeply to follow")
            except LimitExceeded as e:
                # Reported once, at the innermost attribute that went past the limit; the
                # attributes that were waiting on it become Unknown with the same reason.
                if not budget.reported:
                    loader.error(
                        "input past a limit",
                        f"{attr.name}: {e}",
                        Location(attr.file or file, attr.line, attr.column),
                    )
                    budget.reported = e.name == "work"
                return Unknown(f"{attr.name} is past a limit: {e}")
            except Exception as e:  # an evaluator bug: Unknown with a reason, never "absent"
                loader.error(
                    "value could not be evaluated",
                    f"{attr.name}: internal error ({type(e).__name__}); please report it",
                    Location(attr.file or file, attr.line, attr.column),
                )
                return Unknown(f"{attr.name} could not be evaluated ({type(e).__name__})")


class _TemplateScope(Scope):
    """templatefile() sees only its variables (and functions)."""

    def __init__(self, mod: ModuleInstance, variables: dict[str, Any]) -> None:
        super().__init__(mod, dict(variables))

    def root(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        return Unknown(f"templatefile(): {name} is not among the template's variables")


class _Namespace:
    def __init__(self, fn: Any, prefix: str) -> None:
        self.fn = fn
        self.prefix = prefix

    def get_attr(self, name: str) -> Any:
        return self.fn(name)

    def get_index(self, key: Any) -> Any:
        return Unknown(f"{self.prefix}[...] is not valid")


class _ResourceTypeNS:
    def __init__(self, mod: ModuleInstance, mode: str, type_: str) -> None:
        self.mod, self.mode, self.type = mod, mode, type_

    def get_attr(self, name: str) -> Any:
        return self.mod.resource(self.mode, self.type, name)

    def get_index(self, key: Any) -> Any:
        return Unknown(f"{self.type}[...] is not valid")


_EVALUATING = object()


class _Memo(dict):
    """Memoised values by name, remembering which were computed from a tainted value: a bool
    or null cannot be marked, so reading one again counts as meeting taint (see linter.taint)."""

    def __init__(self) -> None:
        super().__init__()
        self.tainted: dict[Any, str] = {}

    def compute(self, key: Any, fn: Any) -> Any:
        self[key] = _EVALUATING
        before = COUNTER.count
        self[key] = v = fn()
        if COUNTER.count != before and not is_tainted(v):
            self.tainted[key] = COUNTER.last
        return v

    def recall(self, key: Any) -> Any:
        v = self[key]
        if key in self.tainted:
            note_source(self.tainted[key])
        return v


class ModuleInstance:
    """One instance of a module: the root, or a module call (per for_each/count key)."""

    def __init__(
        self,
        loader: Loader,
        dir_: ModuleDir,
        address: str,
        callers: tuple[Location, ...],
        call: Block | None = None,
        call_top: TopBlock | None = None,
        call_scope: Scope | None = None,
        key_path: str = "",
    ) -> None:
        self.loader = loader
        self.dir = dir_
        self.address = address  # "" for the root, else module.a or module.a["k"].module.b
        self.callers = callers
        self.call = call
        self.call_top = call_top
        self.call_scope = call_scope
        self.key_path = key_path  # modules.json key: "a.b"
        self._vars = _Memo()
        self._locals = _Memo()
        self._outputs = _Memo()
        self._resources: dict[tuple[str, str, str], Any] = {}
        self._calls: dict[str, Any] = {}
        self._regions: dict[str, str | None] = {}
        self.root_values: dict[str, Any] | None = None
        self.root_values_fn: Any = None  # computes root_values on first use (tfvars, env)
        self._path_module: str | None = None

    @property
    def path_module(self) -> str:
        """path.module: the module's directory relative to the root module's (made on first
        use: most instances never need it, and relpath is not free)."""
        if self._path_module is None:
            rel = os.path.relpath(self.dir.path, self.loader.root_dir)
            self._path_module = "." if rel == "." else Path(rel).as_posix()
        return self._path_module

    def prefix(self) -> str:
        return f"{self.address}." if self.address else ""

    def scope(self, names: dict[str, Any] | None = None) -> Scope:
        return Scope(self, names)

    # -- var --------------------------------------------------------------------------------
    def variable(self, name: str) -> Any:
        if name in self._vars:
            v = self._vars.recall(name)
            return Unknown(f"var.{name} refers to itself") if v is _EVALUATING else v
        return self._vars.compute(name, lambda: self._variable(name))

    def _variable(self, name: str) -> Any:
        top = self.dir.variables.get(name)
        if self.call is not None and self.call_scope is not None and self.call_top is not None:
            attr = self.call.attrs.get(name)
            if attr is not None:
                return self.call_scope.eval_attr(attr, self.call_top.file)
        else:
            if self.root_values is None and self.root_values_fn is not None:
                self.root_values = self.root_values_fn()
            if self.root_values is not None and name in self.root_values:
                # given from outside the code (tfvars, --var-file, --var, TF_VAR_): tainted
                note_source(f"var.{name}")
                return taint(self.root_values[name], f"var.{name}")
        if top is None:
            return Unknown(f"var.{name} is not declared in {self.path_module}")
        decl = self.dir.parsed(top)
        if decl is None:
            return Unknown(f"variable {name} could not be parsed")
        default = decl.attrs.get("default")
        if default is None:
            where = (
                "the module call" if self.call is not None else "--var, --var-file or a tfvars file"
            )
            return Unknown(f"var.{name} has no default and no value: set it with {where}")
        return Scope(self).eval_attr(default, top.file)

    def declared_type(self, name: str) -> str | None:
        top = self.dir.variables.get(name)
        decl = self.dir.parsed(top) if top else None
        if decl is None or "type" not in decl.attrs:
            return None
        return decl.attrs["type"].expr.strip().strip('"')  # JSON syntax quotes it

    # -- local ------------------------------------------------------------------------------
    def local(self, name: str) -> Any:
        if name in self._locals:
            v = self._locals.recall(name)
            return Unknown(f"local.{name} refers to itself") if v is _EVALUATING else v
        return self._locals.compute(name, lambda: self._local(name))

    def _local(self, name: str) -> Any:
        for top in self.dir.locals:
            try:
                if not isinstance(top, JsonTopBlock) and name not in self.dir.local_names(top):
                    continue
            except ScanError:
                continue  # reported when the block is parsed
            blk = self.dir.parsed(top)
            if blk is not None and name in blk.attrs:
                return Scope(self).eval_attr(blk.attrs[name], top.file)
        return Unknown(f"local.{name} is not defined in {self.path_module}")

    # -- outputs ----------------------------------------------------------------------------
    def output(self, name: str) -> Any:
        if name in self._outputs:
            v = self._outputs.recall(name)
            return Unknown(f"output {name} refers to itself") if v is _EVALUATING else v
        return self._outputs.compute(name, lambda: self._output(name))

    def _output(self, name: str) -> Any:
        top = self.dir.outputs.get(name)
        blk = self.dir.parsed(top) if top else None
        if top is None or blk is None or "value" not in blk.attrs:
            return Unknown(f"module {self.address} has no output {name!r}")
        return Scope(self).eval_attr(blk.attrs["value"], top.file)

    def get_attr(self, name: str) -> Any:
        return self.output(name)

    def get_index(self, key: Any) -> Any:
        return Unknown(f"{self.address} has no count or for_each")

    # -- resources --------------------------------------------------------------------------
    def resource(self, mode: str, type_: str, name: str) -> Any:
        key = (mode, type_, name)
        if key not in self._resources:
            rdef = self.dir.resources.get(key)
            if rdef is None:
                what = f"data.{type_}.{name}" if mode == "data" else f"{type_}.{name}"
                self._resources[key] = Unknown(f"{what} is not defined in {self.path_module}")
            else:
                self._resources[key] = ResourceCollection(self, rdef)
        return self._resources[key]

    def resource_collections(self, types: Collection[str]) -> list[ResourceCollection]:
        """The resources and data sources of `types` defined here (a collection is made only
        for what is asked)."""
        out = []
        for key in self.dir.resources:
            if key[1] not in types:
                continue
            r = self.resource(*key)
            if isinstance(r, ResourceCollection):
                out.append(r)
        return out

    # -- providers --------------------------------------------------------------------------
    def provider_region(self, ref: str = "aws") -> str | None:
        """The region of provider configuration `ref` ("aws" or "aws.alias") as seen from
        this module: its own provider blocks, else what the module call passes down
        (`providers = {...}`), else the parent's default. None when not known."""
        if ref in self._regions:
            return self._regions[ref]
        self._regions[ref] = None
        name, _, alias = ref.partition(".")
        region: str | None = None
        found = False
        for top in self.dir.providers.get(name, []):
            blk = self.dir.parsed(top)
            if blk is None:
                continue
            a = blk.attrs.get("alias")
            if (a.expr.strip().strip('"') if a else "") != alias:
                continue
            found = True
            if "region" in blk.attrs:
                v = Scope(self).eval_attr(blk.attrs["region"], top.file)
                region = v if isinstance(v, str) else None
            break
        if not found and self.call is not None and self.call_scope is not None:
            mapped = ref
            passed = self.call.attrs.get("providers")
            if passed is not None:
                for key, value in _PROVIDER_PAIR.findall(passed.expr):
                    if key == ref:
                        mapped = value
            region = self.call_scope.mod.provider_region(mapped)
        self._regions[ref] = region
        return region

    # -- module calls -----------------------------------------------------------------------
    def _in_chain(self, child: Path) -> bool:
        """Is `child` this module's directory or that of a module calling it?"""
        mod: ModuleInstance | None = self
        while mod is not None:
            if mod.dir.path == child:
                return True
            mod = mod.call_scope.mod if mod.call_scope is not None else None
        return False

    def module_call(self, name: str) -> Any:
        if name not in self._calls:
            self._calls[name] = self._module_call(name)
        return self._calls[name]

    def _module_call(self, name: str) -> Any:
        top = self.dir.module_calls.get(name)
        if top is None:
            return Unknown(f"module.{name} is not defined in {self.path_module}")
        source = self.dir.module_source(top) or ""
        key_path = f"{self.key_path}.{name}" if self.key_path else name
        mode = self.loader.options.call_module_type
        child_dir: Path | None = None
        if source.startswith(("./", "../")):
            if mode == "none":
                return Unknown(f"module.{name} is not followed (--call-module-type=none)")
            try:
                child_dir = self.loader.options.reader.resolve(source, base=self.dir.path)
            except UnsafePath as e:
                self.loader.error(
                    "module not followed",
                    f"module.{name}: {e}",
                    self.loader.location(top),
                )
                return Unknown(f"module.{name}: {e}")
        else:
            if mode != "all":
                return Unknown(
                    f"module.{name} ({source}) is a downloaded module: run `terraform init` "
                    "and lint with --call-module-type=all"
                )
            child_dir = self.loader.downloaded_module(key_path)
            if child_dir is None:
                message = (
                    f"module.{name} ({source}) is not in .terraform/modules: run `terraform init`"
                )
                self.loader.error("module not installed", message, self.loader.location(top))
                return Unknown(message)
        if not child_dir.is_dir():
            return Unknown(f"module.{name}: {source} is not a directory")
        # child_dir is real: both ways to it above resolve through the reader
        if self._in_chain(child_dir):
            message = cycle_message(name, source)
            self.loader.error("module cycle", message, self.loader.location(top))
            return Unknown(f"module.{name} is part of a module cycle")
        if len(self.callers) >= self.loader.options.limits.depth:
            message = (
                f"module.{name}: modules nest more than {len(self.callers)} deep "
                f"({limits.raise_hint('depth')})"
            )
            self.loader.error("input past a limit", message, self.loader.location(top))
            return Unknown(message)
        blk = self.dir.parsed(top)
        if blk is None:
            return Unknown(f"module.{name} could not be parsed")
        return ModuleCall(self, name, top, blk, self.loader.dir(child_dir, real=True), key_path)


class ModuleCall:
    """A `module` block; its instances follow its for_each or count."""

    def __init__(
        self,
        parent: ModuleInstance,
        name: str,
        top: TopBlock,
        block: Block,
        child: ModuleDir,
        key_path: str,
    ) -> None:
        self.parent, self.name, self.top, self.block, self.child = parent, name, top, block, child
        self.key_path = key_path
        self._instances: dict[Any, ModuleInstance] | Unknown | None = None
        src = block.attrs.get("source")
        self.call_location = (
            parent.loader.location(top, src) if src else parent.loader.location(top)
        )

    def instances(self) -> dict[Any, ModuleInstance] | Unknown:
        if self._instances is None:
            loader = self.parent.loader
            expansion = expand(self.parent.scope(), self.block, self.top.file, loader)
            loader.module_instances += len(expansion)
            allowed = loader.options.limits.instances
            if loader.module_instances > allowed:
                message = (
                    f"module.{self.name}: this root module has more than {allowed:,} module "
                    f"instances ({limits.raise_hint('instances')})"
                )
                if loader.module_instances - len(expansion) <= allowed:  # the first one past
                    loader.error("input past a limit", message, self.call_location)
                self._instances = Unknown(message)
            else:
                self._instances = {
                    k: self._instance(k, names, i) for i, (k, names) in enumerate(expansion.items())
                }
        return self._instances

    def _instance(self, key: Any, names: dict[str, Any], ordinal: int) -> ModuleInstance:
        addr = f"{self.parent.prefix()}module.{self.name}{_key_suffix(key, ordinal)}"
        return ModuleInstance(
            self.parent.loader,
            self.child,
            addr,
            (*self.parent.callers, self.call_location),
            self.block,
            self.top,
            self.parent.scope(names),
            self.key_path,
        )

    def get_attr(self, name: str) -> Any:
        inst = self.instances()
        if isinstance(inst, Unknown):
            return inst
        if list(inst) == [NO_KEY]:
            return inst[NO_KEY].output(name)
        return Unknown(f"module.{self.name} has count or for_each: index it")

    def get_index(self, key: Any) -> Any:
        inst = self.instances()
        if isinstance(inst, Unknown):
            return inst
        if isinstance(key, Unknown):
            return key
        k = key if key in inst else _key_string(key, key)
        return inst.get(k, Unknown(f"module.{self.name}[{key!r}] does not exist"))

    def splat(self) -> Any:
        inst = self.instances()
        return inst if isinstance(inst, Unknown) else list(inst.values())

    def as_collection(self) -> Any:
        inst = self.instances()
        if isinstance(inst, Unknown) or NO_KEY in inst:
            return inst if isinstance(inst, Unknown) else inst[NO_KEY]
        return dict(inst) if all(isinstance(k, str) for k in inst) else list(inst.values())


def cycle_message(name: str, source: str) -> str:
    """The one message for a module cycle, wherever it is found (so it is reported once)."""
    return (
        f"module.{name} calls {source}, which leads back to a module that calls it: a module "
        "cannot call itself, directly or through others"
    )


def _key_suffix(key: Any, ordinal: int = 0) -> str:
    """An instance's part of its address. A key read from a file or given from outside the
    code is never shown: it is named by position (`[each.key #2]`)."""
    if key is NO_KEY:
        return ""
    if is_tainted(key):
        return f"[each.key #{ordinal + 1}]"
    if isinstance(key, int):
        return f"[{key}]"
    if isinstance(key, Unknown):
        return "[?]"
    return f'["{key}"]'


def _key_string(x: Any, within: Any) -> Any:
    """A set element or index as an instance key (a string), tainted when `within` is."""
    k = x if isinstance(x, str) else as_string(x)
    if isinstance(k, Unknown):
        k = repr(x) if not is_tainted(x) else x
    return taint(k, within.source) if is_tainted(within) else k


def expand(scope: Scope, block: Block, file: str, loader: Loader) -> dict[Any, dict[str, Any]]:
    """Instance keys of a block with count or for_each, each with the names it binds.

    An unknown count or for_each gives one instance whose key and each.* are Unknown, so that
    what depends on them is reported as unresolved rather than silently missed."""
    if "for_each" in block.attrs:
        v = scope.eval_attr(block.attrs["for_each"], file)
        if hasattr(v, "as_collection"):
            v = v.as_collection()
        if isinstance(v, Unknown) or first_unknown(v if isinstance(v, list) else []):
            u = v if isinstance(v, Unknown) else first_unknown(v)
            reason = f"for_each is not known: {u.reason}" if u else "for_each is not known"
            unk = Unknown(reason)
            return {unk: {"each": {"key": unk, "value": unk}}}
        if isinstance(v, dict | list) and len(v) > loader.options.limits.expansion:
            what = f"{len(v):,} instances"
            return _impossible(block, file, "for_each", what, "expansion", loader)
        if isinstance(v, dict):
            return {k: {"each": {"key": k, "value": val}} for k, val in v.items()}
        if isinstance(v, list):
            keys = [_key_string(x, v) for x in v]
            return {k: {"each": {"key": k, "value": x}} for k, x in zip(keys, v, strict=True)}
        unk = Unknown("for_each is not a map or set")
        return {unk: {"each": {"key": unk, "value": unk}}}
    if "count" in block.attrs:
        v = scope.eval_attr(block.attrs["count"], file)
        if isinstance(v, bool) or not isinstance(v, int | float):
            reason = v.reason if isinstance(v, Unknown) else "not a number"
            unk = Unknown(f"count is not known: {reason}")
            return {unk: {"count": {"index": unk}}}
        if v != v or v in (float("inf"), float("-inf")) or v < 0 or v != int(v):
            what = f"{v!r}, not a whole number of instances"
            return _impossible(block, file, "count", what, "", loader)
        if v > loader.options.limits.expansion:
            return _impossible(block, file, "count", f"{int(v):,} instances", "expansion", loader)
        return {i: {"count": {"index": i}} for i in range(int(v))}
    return {NO_KEY: {}}


def _impossible(
    block: Block, file: str, name: str, what: str, limit: str, loader: Loader
) -> dict[Any, dict[str, Any]]:
    """An input error at `name` (count or for_each) and one instance whose key is Unknown:
    what depends on the block is still judged, as unresolved."""
    attr = block.attrs[name]
    if limit:
        n = getattr(loader.options.limits, limit)
        message = (
            f"{name} asks for {what}, more than the {n:,} allowed ({limits.raise_hint(limit)})"
        )
    else:
        message = f"{name} is {what}"
    loader.error(
        "input past a limit" if limit else "invalid value",
        message,
        Location(attr.file or file, attr.line, attr.column),
    )
    unk = Unknown(f"{name} is not usable: {message}")
    key = "each" if name == "for_each" else "count"
    return {unk: {key: {"key": unk, "value": unk, "index": unk}}}


class ResourceCollection:
    """A resource or data block with all its instances."""

    def __init__(self, mod: ModuleInstance, rdef: ResourceDef) -> None:
        self.mod = mod
        self.rdef = rdef
        self._instances: dict[Any, ResourceInstance] | None = None
        kind = "data." if rdef.mode == "data" else ""
        self.address = f"{mod.prefix()}{kind}{rdef.type}.{rdef.name}"

    @property
    def block(self) -> Block | None:
        return self.rdef.block

    def instances(self) -> dict[Any, ResourceInstance]:
        if self._instances is None:
            blk = self.block
            if blk is None:
                self._instances = {}
            else:
                exp = expand(self.mod.scope(), blk, self.rdef.top.file, self.mod.loader)
                self._instances = {
                    k: ResourceInstance(self, k, names, i)
                    for i, (k, names) in enumerate(exp.items())
                }
        return self._instances

    def _single(self) -> ResourceInstance | Unknown:
        inst = self.instances()
        if NO_KEY in inst:
            return inst[NO_KEY]
        if not inst:
            if self.block is None:
                return Unknown(f"{self.address} could not be parsed")
            return Unknown(f"{self.address} has no instances (count = 0 or an empty for_each)")
        return Unknown(f"{self.address} has count or for_each: index it")

    def get_attr(self, name: str) -> Any:
        one = self._single()
        return one if isinstance(one, Unknown) else one.get_attr(name)

    def get_index(self, key: Any) -> Any:
        inst = self.instances()
        unknown_keys = [k for k in inst if isinstance(k, Unknown)]
        if unknown_keys:
            return unknown_keys[0]
        if isinstance(key, Unknown):
            return key
        if key in inst:
            return inst[key]
        if isinstance(key, float) and key.is_integer() and int(key) in inst:
            return inst[int(key)]
        if _key_string(key, key) in inst:
            return inst[_key_string(key, key)]
        return Unknown(f"{self.address}[{key!r}] does not exist")

    def splat(self) -> Any:
        inst = self.instances()
        unknown_keys = [k for k in inst if isinstance(k, Unknown)]
        if unknown_keys:
            return unknown_keys[0]
        return list(inst.values())

    def as_collection(self) -> Any:
        """The value Terraform gives `for_each = aws_x.y` or `for k, v in aws_x.y`: a map by
        for_each key, a list for count, the object itself otherwise."""
        inst = self.instances()
        if NO_KEY in inst:
            return inst[NO_KEY]
        splat = self.splat()
        if isinstance(splat, Unknown):
            return splat
        if all(isinstance(k, str) for k in inst):
            return dict(inst)
        return splat


class ResourceInstance:
    """One instance of a resource; its attributes evaluate in its own scope."""

    def __init__(
        self, coll: ResourceCollection, key: Any, names: dict[str, Any], ordinal: int = 0
    ) -> None:
        self.coll = coll
        self.key = key
        self.names = names
        self.address = coll.address + _key_suffix(key, ordinal)
        self._attrs = _Memo()

    @property
    def mode(self) -> str:
        return self.coll.rdef.mode

    @property
    def type(self) -> str:
        return self.coll.rdef.type

    @property
    def mod(self) -> ModuleInstance:
        return self.coll.mod

    @property
    def file(self) -> str:
        return self.coll.rdef.top.file

    @property
    def block(self) -> Block | None:
        return self.coll.block

    def scope(self, extra: dict[str, Any] | None = None) -> Scope:
        return self.mod.scope({**self.names, **(extra or {})})

    def location(self, attr: Attr | Block | None = None) -> Location:
        return self.mod.loader.location(self.coll.rdef.top, attr)

    def attr(self, name: str) -> Any:
        """The configured value of attribute `name`, or None when it is not set."""
        if name in self._attrs:
            v = self._attrs.recall(name)
            return Unknown(f"{self.address}.{name} refers to itself") if v is _EVALUATING else v
        blk = self.block
        if blk is None or name not in blk.attrs:
            return None
        attr = blk.attrs[name]
        return self._attrs.compute(name, lambda: self.scope().eval_attr(attr, self.file))

    def get_attr(self, name: str) -> Any:
        if (self.mode, self.type) in CERTIFICATE_TYPES and name in ("arn", "id"):
            return Computed(self, name)
        if self.mode == "data" and self.type in LOCAL_FILE_TYPES and name == "content":
            filename = self.attr("filename")  # read like file(), inside the root only
            if not isinstance(filename, str):
                return Unknown(f"{self.address}.filename is not known")
            content = self.scope().read_file(filename, f"data.{self.type}")
            deferred = self._deferred_by() if isinstance(content, MissingFile) else []
            if deferred:
                return Unknown(
                    f"{self.address} is read at apply time, after {', '.join(deferred)} "
                    f"(depends_on), and '{filename}' does not exist before then"
                )
            if isinstance(content, Text):
                return Text(content, content.origin, f"{self.address}.content")
            return content
        blk = self.block
        if blk is not None and name in blk.attrs:
            return self.attr(name)
        return Computed(self, name)

    def get_index(self, key: Any) -> Any:
        return Unknown(f"{self.address} is not a collection")

    def _deferred_by(self) -> list[str]:
        """The resources and modules in this data source's `depends_on`: Terraform reads such a
        data source at apply, after them (a `local-exec` that writes the PEM), not at plan."""
        blk = self.block
        dep = blk.attrs.get("depends_on") if blk is not None else None
        if dep is None:
            return []
        return list(dict.fromkeys(_DEPENDENCY.findall(dep.expr)))

    @property
    def region(self) -> str | None:
        """The region of this resource's provider configuration, when the code says it."""
        blk = self.block
        ref = "aws"
        if blk is not None and "provider" in blk.attrs:
            ref = blk.attrs["provider"].expr.strip().strip('"')
        return self.mod.provider_region(ref)
