"""Where a plan's resources are written: the `.tf` files beside the plan.

A plan reports every resource at its `"address"` in a JSON file that is often one long line:
useless as a pull-request annotation. When the configuration is beside the plan (or in the
directory `--chdir` named), each resource is found in its module's `.tf` files, through the
plan's own `configuration.module_calls` sources, and located at the attribute that makes the
binding, with the module calls that led there as tflint's `callers`.

Only local module sources (`./`, `../`) are followed; a registry module's code is not beside
the plan, so its resources keep their plan locations. Files are read through the project's
reader and scanned once each; only the blocks asked for are parsed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from linter.model import Location
from linter.options import LoadOptions
from linter.safe_files import UnsafePath
from linter.terraform.blocks import Block, BlockParseError, ParseStats, parse_block
from linter.terraform.scanner import ScanError, TopBlock, index

_INDEX = re.compile(r"\[[^\]]*\]")
# The attribute a binding is made by, when it sits in a nested block (type, attribute).
_NESTED = {
    ("aws_elb", "listener"): ("listener", "ssl_certificate_id"),
    ("aws_cloudfront_distribution", "acm_certificate_arn"): (
        "viewer_certificate",
        "acm_certificate_arn",
    ),
    ("aws_cloudfront_distribution", "iam_certificate_id"): (
        "viewer_certificate",
        "iam_certificate_id",
    ),
    ("aws_apigatewayv2_domain_name", "certificate_arn"): (
        "domain_name_configuration",
        "certificate_arn",
    ),
}


def configuration_dir(plan_path: Path, cwd: Path) -> Path | None:
    """The directory holding the plan's configuration: beside the plan, else the working
    directory (`--chdir`), whichever has `.tf` files."""
    for candidate in (plan_path.parent, cwd):
        if any(candidate.glob("*.tf")):
            return candidate
    return None


class ConfigIndex:
    """Resource blocks of the plan's configuration, by module path and local address."""

    def __init__(self, root: Path, configuration: dict[str, Any], options: LoadOptions) -> None:
        self.root = root
        self.options = options
        self.reader = options.reader
        self._modules: dict[str, tuple[Path, tuple[Location, ...]] | None] = {"": (root, ())}
        self._calls = self._module_calls(configuration.get("root_module") or {}, "")
        self._tops: dict[Path, dict[tuple[str, str, str], TopBlock]] = {}
        self._module_blocks: dict[Path, dict[str, TopBlock]] = {}
        self._parsed: dict[int, Block | None] = {}
        self._stats = ParseStats()

    def _module_calls(self, module: dict[str, Any], key: str) -> dict[str, str]:
        calls: dict[str, str] = {}
        for name, call in (module.get("module_calls") or {}).items():
            child = f"{key}.module.{name}" if key else f"module.{name}"
            calls[child] = str(call.get("source") or "")
            calls.update(self._module_calls(call.get("module") or {}, child))
        return calls

    # ------------------------------------------------------------------ modules

    def module(self, key: str) -> tuple[Path, tuple[Location, ...]] | None:
        """The directory of module `key` (`module.a.module.b`) and the calls that lead to it."""
        if key in self._modules:
            return self._modules[key]
        parent, _, name = key.rpartition(".module.")
        if not _:
            parent, name = "", key.removeprefix("module.")
        found: tuple[Path, tuple[Location, ...]] | None = None
        up = self.module(parent)
        source = self._calls.get(key, "")
        if up is not None and source.startswith(("./", "../")):
            parent_dir, callers = up
            try:
                directory = self.reader.resolve(source, parent_dir)
            except UnsafePath:
                directory = None
            call = self._blocks(parent_dir)[1].get(name)
            if directory is not None and directory.is_dir() and call is not None:
                found = (directory, (*callers, Location(call.file, call.line, call.column)))
        self._modules[key] = found
        return found

    def _blocks(self, directory: Path) -> tuple[dict[tuple[str, str, str], TopBlock], dict]:
        if directory not in self._tops:
            resources: dict[tuple[str, str, str], TopBlock] = {}
            modules: dict[str, TopBlock] = {}
            for path in sorted(directory.glob("*.tf")):
                try:
                    text = self.reader.read_bytes(path).decode("utf-8", errors="replace")
                    tops, _error = index(text, self.reader.relative(path))
                except (UnsafePath, OSError, ScanError):
                    continue
                for top in tops:
                    if top.type in ("resource", "data") and len(top.labels) == 2:
                        mode = "managed" if top.type == "resource" else "data"
                        resources.setdefault((mode, top.labels[0], top.labels[1]), top)
                    elif top.type == "module" and top.labels:
                        modules.setdefault(top.labels[0], top)
            self._tops[directory] = resources
            self._module_blocks[directory] = modules
        return self._tops[directory], self._module_blocks[directory]

    # ------------------------------------------------------------------ resources

    def _find(self, address: str) -> tuple[TopBlock, tuple[Location, ...]] | None:
        plain = _INDEX.sub("", address)
        parts = plain.split(".")
        module_parts: list[str] = []
        while len(parts) >= 2 and parts[0] == "module":
            module_parts += parts[:2]
            parts = parts[2:]
        mode = "managed"
        if parts and parts[0] == "data":
            mode, parts = "data", parts[1:]
        if len(parts) != 2:
            return None
        found = self.module(".".join(module_parts))
        if found is None:
            return None
        directory, callers = found
        top = self._blocks(directory)[0].get((mode, parts[0], parts[1]))
        return (top, callers) if top is not None else None

    def _parse(self, top: TopBlock) -> Block | None:
        if id(top) not in self._parsed:
            try:
                self._parsed[id(top)] = parse_block(top, None, self._stats)
            except (BlockParseError, ScanError):
                self._parsed[id(top)] = None
        return self._parsed[id(top)]

    def resource(self, address: str) -> tuple[Location, tuple[Location, ...]] | None:
        """The resource block's location, and its callers."""
        found = self._find(address)
        if found is None:
            return None
        top, callers = found
        return Location(top.file, top.line, top.column), callers

    def attribute(
        self, address: str, rtype: str, attr: str
    ) -> tuple[Location, tuple[Location, ...]] | None:
        """The attribute that makes a binding, else its resource block."""
        found = self._find(address)
        if found is None:
            return None
        top, callers = found
        block = self._parse(top)
        nested_type, name = _NESTED.get((rtype, attr), ("", attr))
        holders = [block] if block is not None and not nested_type else []
        if block is not None and nested_type:
            holders = block.all(nested_type)
        for holder in holders:
            a = holder.attrs.get(name)
            if a is not None:
                where = Location(a.file or top.file, a.line, a.column, a.end_line, a.end_column)
                return where, callers
        return Location(top.file, top.line, top.column), callers
