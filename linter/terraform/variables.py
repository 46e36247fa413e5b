"""Root module variable values, in Terraform's order of precedence.

Later sources win: TF_VAR_ environment variables, terraform.tfvars, terraform.tfvars.json,
*.auto.tfvars(.json) in lexical order, then --var-file files and --var values. A string given
on the command line or in the environment is parsed as an expression only when the variable
declares a type other than string, as Terraform does.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from linter import limits
from linter.limits import LimitExceeded
from linter.model import Location
from linter.safe_files import UnsafePath
from linter.terraform.evaluate import Unknown, evaluate
from linter.terraform.expressions import (
    ExprError,
    offset_position,
    parse_attributes,
    parse_expression,
)
from linter.terraform.modules import Loader, ModuleInstance, Scope


class _LiteralScope(Scope):
    """tfvars may not refer to anything."""

    def root(self, name: str) -> Any:
        return Unknown(f"{name} cannot be used in a variable value")


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
        except RecursionError:
            message = "nested too deeply for certfit to read"
            loader.error("file does not parse", message, Location(rel))
            return {}
        return dict(obj) if isinstance(obj, dict) else {}
    try:
        pairs = parse_attributes(text)
    except ExprError as e:
        line, col = offset_position(text, e.offset)
        loader.error("file does not parse", str(e), Location(rel, line, col))
        return {}
    except RecursionError:
        loader.error("file does not parse", "nested too deeply for certfit to read", Location(rel))
        return {}
    scope = _LiteralScope(root)
    values: dict[str, Any] = {}
    for name, node, line, col in pairs:
        try:
            with limits.work():  # a tfvars value has a budget like any attribute
                values[name] = evaluate(node, scope)
        except LimitExceeded as e:
            loader.error("input past a limit", f"{name}: {e}", Location(rel, line, col))
            values[name] = Unknown(f"var.{name} in {rel} is past a limit")
        except Exception as e:  # an unreadable value is Unknown with its reason, never absent
            loader.error(
                "value could not be evaluated",
                f"{name}: {type(e).__name__}",
                Location(rel, line, col),
            )
            values[name] = Unknown(f"var.{name} in {rel} could not be evaluated")
    return values


def _from_string(name: str, raw: str, root: ModuleInstance) -> Any:
    declared = root.declared_type(name)
    if declared is None or declared == "string":
        return raw
    try:
        with limits.work():
            return evaluate(parse_expression(raw), _LiteralScope(root))
    except ExprError:
        return raw
    except Exception as e:  # never "absent": the variable is Unknown with the reason
        return Unknown(f"var.{name} could not be evaluated ({type(e).__name__})")


def root_values(root: ModuleInstance, loader: Loader) -> dict[str, Any]:
    values: dict[str, Any] = {}
    options = loader.options
    for key, raw in options.environ.items():
        if key.startswith("TF_VAR_"):
            values[key[7:]] = _from_string(key[7:], raw, root)
    d = root.dir.path
    files = [d / "terraform.tfvars", d / "terraform.tfvars.json"]
    autos = sorted(
        p.name for p in d.iterdir() if p.name.endswith((".auto.tfvars", ".auto.tfvars.json"))
    )
    files += [d / n for n in autos]
    for f in files:
        if os.path.lexists(f):  # a FIFO or a link out of the root is an error, not skipped
            values.update(_file_values(f, loader, root))
    for f in options.var_files:
        p = f if f.is_absolute() else Path.cwd() / f
        values.update(_file_values(p, loader, root))
    for name, raw in options.variables.items():
        values[name] = _from_string(name, raw, root)
    return values
