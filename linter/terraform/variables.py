"""Root module variable values, in Terraform's order of precedence.

Later sources win: TF_VAR_ environment variables, terraform.tfvars, terraform.tfvars.json,
*.auto.tfvars(.json) in lexical order, then --var-file files and --var values. A string given
on the command line or in the environment is parsed as an expression only when the variable
declares a type other than string, as Terraform does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from linter.model import Location
from linter.safe_files import UnsafePath
from linter.terraform.blocks import Attr, ParseStats
from linter.terraform.evaluate import Unknown, evaluate
from linter.terraform.expressions import ExprError, parse_expression
from linter.terraform.modules import Loader, ModuleInstance, Scope


class _LiteralScope(Scope):
    """tfvars may not refer to anything."""

    def root(self, name: str) -> Any:
        return Unknown(f"{name} cannot be used in a variable value")


def _parse_tfvars(text: str, file: str, loader: Loader, stats: ParseStats) -> dict[str, Attr]:
    from hcl2.query.body import DocumentView

    stats.bytes_parsed += len(text.encode())
    try:
        doc = DocumentView.parse(text)
    except Exception as e:
        line = int(getattr(e, "line", 0) or 0)
        col = int(getattr(e, "column", 0) or 0)
        loader.error("file does not parse", "syntax error", Location(file, line, col))
        return {}
    out: dict[str, Attr] = {}
    a: Any
    for a in doc.attributes():
        m = a.raw._meta
        src = text[m.start_pos : m.end_pos]
        expr = src[src.index("=") + 1 :].strip()
        out[a.name] = Attr(a.name, expr, m.line, m.column, m.end_line, m.end_column)
    return out


def _json_value(v: Any) -> Any:
    return v


def _file_values(path: Path, loader: Loader, root: ModuleInstance) -> dict[str, Any]:
    rel = loader.rel(path)
    try:
        data = loader.options.reader.read_bytes(path)
    except (UnsafePath, OSError) as e:
        loader.error("cannot read variables file", str(e), Location(rel))
        return {}
    loader.stats.bytes_in_tree += len(data)
    text = data.decode("utf-8", errors="replace")
    if path.name.endswith(".json"):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            loader.error("file does not parse", f"invalid JSON: {e.msg}", Location(rel, e.lineno))
            return {}
        return dict(obj) if isinstance(obj, dict) else {}
    scope = _LiteralScope(root)
    out: dict[str, Any] = {}
    for name, attr in _parse_tfvars(text, rel, loader, loader.stats).items():
        try:
            out[name] = evaluate(parse_expression(attr.expr), scope)
        except ExprError as e:
            loader.error("expression does not parse", f"{name}: {e}", Location(rel, attr.line))
    return out


def _from_string(name: str, raw: str, root: ModuleInstance) -> Any:
    declared = root.declared_type(name)
    if declared is None or declared == "string":
        return raw
    try:
        return evaluate(parse_expression(raw), _LiteralScope(root))
    except ExprError:
        return raw


def root_values(root: ModuleInstance, loader: Loader) -> dict[str, Any]:
    values: dict[str, Any] = {}
    options = loader.options
    for key, raw in options.environ.items():
        if key.startswith("TF_VAR_"):
            values[key[7:]] = _from_string(key[7:], raw, root)
    d = root.dir.path
    files = [d / "terraform.tfvars", d / "terraform.tfvars.json"]
    autos = sorted(
        p.name
        for p in d.iterdir()
        if p.name.endswith((".auto.tfvars", ".auto.tfvars.json")) and p.is_file()
    )
    files += [d / n for n in autos]
    for f in files:
        if f.is_file():
            values.update(_file_values(f, loader, root))
    for f in options.var_files:
        p = f if f.is_absolute() else Path.cwd() / f
        values.update(_file_values(p, loader, root))
    for name, raw in options.variables.items():
        values[name] = _from_string(name, raw, root)
    return values
