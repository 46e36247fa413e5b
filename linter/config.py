""".certfit.hcl: the settings a team commits next to its code, in the shape of .tflint.hcl.

    config {
      as_of            = "2020-04-13"   # judge as AWS stood on that date
      expiry_days      = 30
      call_module_type = "local"        # all | local | none
      root             = "infra"        # narrows where files may be read (never widens it)
      format           = "compact"
      minimum_failure_severity = "warning"
      fail_on_unresolved = false
      force            = false
      aws              = false          # --aws: ask AWS (read-only) what the code only names
      varfile          = ["prod.tfvars"]
      variables        = ["env=prod"]
      disabled_by_default = false
    }
    rule "weak_key" { enabled = false }
    rule "certificate_expiring" { severity = "notice" }
    certificate "arn:aws:acm:...:certificate/abc" { key_algorithm = "EC_prime256v1" }
    certificate "arn:aws:iam::123456789012:server-certificate/old" { pem_file = "old.pem" }
    suppress {
      rules  = ["certificate_expiring"]
      file   = "legacy/main.tf"      # or construct_path = "App/Legacy"
      reason = "retired next quarter"
    }

Found by `--config`, then $CERTFIT_CONFIG, then ./.certfit.hcl, then ~/.certfit.hcl (tflint's
order). `load_config` is shared by the CLI and the CDK Aspect so both read the same file the same
way. Problems become InputErrors naming the file and line; the run goes on without the bad entry.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from linter.model import InputError, Location, Severity, Suppression
from linter.options import CertificateMapping
from linter.safe_files import SafeReader, UnsafePath, read_named

CONFIG_NAME = ".certfit.hcl"
ENV_VAR = "CERTFIT_CONFIG"
CALL_MODULE_TYPES = ("all", "local", "none")
ACM_KEY_ALGORITHMS = (
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
)
DELIVERIES = ("acm-import", "acm-request", "iam")


@dataclass
class RuleConfig:
    enabled: bool | None = None
    severity: Severity | None = None
    location: Location | None = None


@dataclass
class Config:
    """What the file says; None means "not set here" so command-line flags and defaults can
    be layered over it."""

    path: Path | None = None
    as_of: date | None = None
    expiry_days: int | None = None
    call_module_type: str | None = None
    root: Path | None = None  # absolute, resolved against the config file's directory
    format: str | None = None
    minimum_failure_severity: Severity | None = None
    fail_on_unresolved: bool | None = None
    force: bool | None = None
    aws: bool | None = None
    var_files: list[Path] = field(default_factory=list)  # absolute
    variables: dict[str, str] = field(default_factory=dict)
    disabled_by_default: bool = False
    rules: dict[str, RuleConfig] = field(default_factory=dict)
    certificate_mappings: dict[str, CertificateMapping] = field(default_factory=dict)
    suppressions: list[Suppression] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    kubernetes_service_lb: str | None = None  # kubernetes { service_load_balancer = ... }

    def rule_enabled(self, name: str) -> bool:
        rc = self.rules.get(name)
        if rc is not None and rc.enabled is not None:
            return rc.enabled
        return not self.disabled_by_default

    def disabled_rules(self, known: tuple[str, ...]) -> set[str]:
        return {name for name in known if not self.rule_enabled(name)}

    def severity_overrides(self) -> dict[str, Severity]:
        return {n: rc.severity for n, rc in self.rules.items() if rc.severity is not None}


def find_config(
    explicit: str | Path | None, cwd: Path, environ: Mapping[str, str] | None = None
) -> tuple[Path | None, bool]:
    """The config file to read and whether the user named it (a named file must exist)."""
    env = os.environ if environ is None else environ
    if explicit:
        return (cwd / Path(explicit).expanduser()), True
    if env.get(ENV_VAR):
        return (cwd / Path(env[ENV_VAR]).expanduser()), True
    local = cwd / CONFIG_NAME
    if os.path.lexists(local):  # a link or a FIFO is found, then refused when read
        return local, False
    home = env.get("HOME")
    home_dir = Path(home) if home else Path.home()
    candidate = home_dir / CONFIG_NAME
    if candidate.is_file():
        return candidate, True  # the user's own file, not the repository's
    return None, False


def load_config(
    path_or_none: str | Path | None,
    cwd: str | Path,
    environ: Mapping[str, str] | None = None,
    known_rules: tuple[str, ...] | None = None,
) -> Config:
    """The config found from `path_or_none` (--config), $CERTFIT_CONFIG, `cwd`, then home.
    An empty Config when there is none; errors are in `Config.errors`, never raised."""
    cwd = Path(cwd)
    path, named = find_config(path_or_none, cwd, environ)
    if path is None:
        return Config()
    shown = _shown(path, cwd)
    if named and not path.is_file():
        how = "--config" if path_or_none else f"${ENV_VAR}"
        return Config(
            path=path,
            errors=[
                InputError(
                    "config file not found",
                    f"{shown} (named by {how}) does not exist or is not a file",
                    Location(shown),
                )
            ],
        )
    try:
        text = _read_config_file(path, cwd, named)
    except (OSError, UnicodeDecodeError, UnsafePath) as exc:
        return Config(
            path=path,
            errors=[InputError("cannot read config file", str(exc), Location(shown))],
        )
    return parse_config(text, path, shown, known_rules)


def _read_config_file(path: Path, cwd: Path, named: bool) -> str:
    """A file the user named (--config, $CERTFIT_CONFIG, their home's) is read where it is; the
    one found in the current directory came with the repository, so it is read inside the
    repository (a link out of it is refused unread). Regular files only, size-limited."""
    if named:
        return read_named(path).decode("utf-8")
    from linter.roots import default_root

    return SafeReader(default_root(cwd)).read_text(path)


def _shown(path: Path, cwd: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(cwd)).as_posix()
    except ValueError:
        return str(path)


def _unquote(value: Any) -> Any:
    """python-hcl2 8 keeps the quotes of string literals ("\\"x\\""); strip them, decoding
    HCL's escapes (a subset of JSON's). Bare identifiers come back as they are."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        inner = value[1:-1]
        try:
            return json.loads(f'"{inner}"')
        except ValueError:
            return inner
    if isinstance(value, list):
        return [_unquote(v) for v in value]
    return value


class _Reader:
    """Walks the parsed file, collecting values and InputErrors with lines."""

    def __init__(self, shown: str, base: Path, config: Config) -> None:
        self.shown = shown
        self.base = base
        self.config = config

    def loc(self, view: Any) -> Location:
        meta = getattr(getattr(view, "raw", None), "_meta", None)
        line = getattr(meta, "line", 0) or 0
        column = getattr(meta, "column", 0) or 0
        return Location(self.shown, line, column)

    def error(self, summary: str, message: str, view: Any) -> None:
        loc = self.loc(view)
        self.config.errors.append(InputError(summary, message, loc))

    def attrs(self, block: Any) -> dict[str, tuple[Any, Any]]:
        return {a.name: (_unquote(a.value), a) for a in block.attributes()}

    def string(self, value: Any, view: Any, name: str) -> str | None:
        if isinstance(value, str):
            return value
        self.error("invalid config value", f"{name} must be a string", view)
        return None

    def boolean(self, value: Any, view: Any, name: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.error("invalid config value", f"{name} must be true or false", view)
        return None

    def severity(self, value: Any, view: Any, name: str) -> Severity | None:
        text = value.lower() if isinstance(value, str) else None
        text = "notice" if text == "info" else text  # tflint's JSON calls it info
        if text in {s.value for s in Severity}:
            return Severity(text)
        self.error("invalid config value", f"{name} must be error, warning or notice", view)
        return None

    def path(self, value: Any, view: Any, name: str) -> Path | None:
        text = self.string(value, view, name)
        if text is None:
            return None
        return Path(os.path.normpath(self.base / Path(text).expanduser()))


def parse_config(
    text: str, path: Path, shown: str, known_rules: tuple[str, ...] | None = None
) -> Config:
    """Parse the text of a config file at `path` (`shown` is how messages name it)."""
    # hcl2.api.query, not hcl2.query: importing the hcl2.query package (as the Terraform
    # front end does) replaces that attribute with the subpackage.
    from hcl2.api import query
    from lark.exceptions import LarkError

    config = Config(path=path)
    try:
        doc = query(text)
    except (LarkError, ValueError) as exc:  # lark's errors carry line and column
        line = getattr(exc, "line", 0) or 0
        column = getattr(exc, "column", 0) or 0
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        loc = Location(shown, line if line > 0 else 0, column if column > 0 else 0)
        config.errors.append(InputError("config file does not parse", first, loc))
        return config
    base = Path(os.path.abspath(path)).parent
    r = _Reader(shown, base, config)
    known = set(known_rules) if known_rules is not None else None

    for attr in doc.attributes():
        r.error(
            "unknown config attribute",
            f"'{attr.name}' must be inside a block, e.g. config {{ {attr.name} = ... }}",
            attr,
        )
    for block in doc.blocks():
        kind = block.block_type
        if kind == "config":
            _config_block(block, r)
        elif kind == "rule":
            _rule_block(block, r, known)
        elif kind == "certificate":
            _certificate_block(block, r)
        elif kind == "suppress":
            _suppress_block(block, r, known)
        elif kind == "kubernetes":
            _kubernetes_block(block, r)
        else:
            r.error(
                "unknown config block",
                f"'{kind}' is not a config block (config, rule, certificate, suppress, kubernetes)",
                block,
            )
    return config


def _config_block(block: Any, r: _Reader) -> None:
    c = r.config
    for name, (value, view) in r.attrs(block).items():
        if name == "as_of":
            text = r.string(value, view, name)
            if text is not None:
                try:
                    c.as_of = date.fromisoformat(text)
                except ValueError:
                    r.error("invalid config value", "as_of must be a date like 2020-04-13", view)
        elif name == "expiry_days":
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                c.expiry_days = value
            else:
                r.error("invalid config value", "expiry_days must be a whole number >= 0", view)
        elif name == "call_module_type":
            if value in CALL_MODULE_TYPES:
                c.call_module_type = value
            else:
                r.error("invalid config value", "call_module_type must be all, local or none", view)
        elif name == "root":
            c.root = r.path(value, view, name)
        elif name == "format":
            from linter.reporters import FORMATS

            if value in FORMATS:
                c.format = value
            else:
                r.error("invalid config value", f"format must be one of {', '.join(FORMATS)}", view)
        elif name == "minimum_failure_severity":
            c.minimum_failure_severity = r.severity(value, view, name)
        elif name in ("fail_on_unresolved", "force", "disabled_by_default", "aws"):
            flag = r.boolean(value, view, name)
            if flag is not None:
                setattr(c, name, flag)
        elif name == "varfile":
            values = value if isinstance(value, list) else [value]
            for v in values:
                p = r.path(v, view, name)
                if p is not None:
                    c.var_files.append(p)
        elif name == "variables":
            values = value if isinstance(value, list) else [value]
            for v in values:
                if isinstance(v, str) and "=" in v:
                    key, _, val = v.partition("=")
                    c.variables[key.strip()] = val
                else:
                    r.error("invalid config value", 'variables must be ["name=value", ...]', view)
        elif name == "max_file_size":  # a committed file must not lift a safety limit
            r.error(
                "invalid config value",
                "max_file_size cannot be set in a config file; use --max-file-size or "
                "$CERTFIT_MAX_FILE_SIZE",
                view,
            )
        else:
            r.error("unknown config attribute", f"'{name}' is not a config attribute", view)


def _kubernetes_block(block: Any, r: _Reader) -> None:
    """`kubernetes { service_load_balancer = "classic" | "nlb" }`: what an unannotated
    `type: LoadBalancer` Service becomes in the user's clusters (the code cannot tell)."""
    from linter.kubernetes.interpret import SERVICE_LB_CHOICES

    for name, (value, view) in r.attrs(block).items():
        if name == "service_load_balancer" and value in SERVICE_LB_CHOICES:
            r.config.kubernetes_service_lb = value
        elif name == "service_load_balancer":
            r.error(
                "invalid config value",
                'service_load_balancer must be "classic" (the cloud provider\'s Classic LB) or '
                '"nlb" (AWS Load Balancer Controller v2.5+ webhook, EKS Auto Mode)',
                view,
            )
        else:
            r.error("unknown config attribute", f"'{name}' is not a kubernetes attribute", view)


def _label(block: Any, r: _Reader, what: str) -> str | None:
    labels = list(block.name_labels)
    if len(labels) != 1 or not labels[0]:
        r.error("invalid config block", f'{what} blocks take one label: {what} "NAME" {{ }}', block)
        return None
    return str(labels[0])


def _rule_block(block: Any, r: _Reader, known: set[str] | None) -> None:
    name = _label(block, r, "rule")
    if name is None:
        return
    if known is not None and name not in known:
        r.error(
            "unknown rule",
            f"no rule named '{name}'; rules: {', '.join(sorted(known))}",
            block,
        )
        return
    rc = RuleConfig(location=r.loc(block))
    for attr, (value, view) in r.attrs(block).items():
        if attr == "enabled":
            rc.enabled = r.boolean(value, view, attr)
        elif attr == "severity":
            rc.severity = r.severity(value, view, attr)
        else:
            r.error("unknown rule attribute", f"'{attr}' (rules take enabled, severity)", view)
    r.config.rules[name] = rc


def _certificate_block(block: Any, r: _Reader) -> None:
    arn = _label(block, r, "certificate")
    if arn is None:
        return
    attrs = r.attrs(block)
    key_algorithm = pem_file = delivery = None
    for attr, (value, view) in attrs.items():
        if attr == "key_algorithm":
            key_algorithm = r.string(value, view, attr)
            if key_algorithm is not None and key_algorithm not in ACM_KEY_ALGORITHMS:
                r.error(
                    "invalid config value",
                    f"key_algorithm '{key_algorithm}' is not one of ACM's names "
                    f"({', '.join(ACM_KEY_ALGORITHMS)})",
                    view,
                )
                key_algorithm = None
                return
        elif attr == "pem_file":
            p = r.path(value, view, attr)
            pem_file = str(p) if p is not None else None
        elif attr == "delivery":
            if value in DELIVERIES:
                delivery = value
            else:
                r.error("invalid config value", f"delivery must be {', '.join(DELIVERIES)}", view)
        else:
            r.error(
                "unknown certificate attribute",
                f"'{attr}' (certificates take key_algorithm or pem_file, and delivery)",
                view,
            )
    if (key_algorithm is None) == (pem_file is None):
        r.error(
            "invalid certificate mapping",
            f'certificate "{arn}" needs exactly one of key_algorithm or pem_file',
            block,
        )
        return
    r.config.certificate_mappings[arn] = CertificateMapping(
        arn=arn,
        key_algorithm=key_algorithm,
        pem_file=pem_file,
        delivery=delivery,
        source=r.shown,
    )


def _suppress_block(block: Any, r: _Reader, known: set[str] | None) -> None:
    attrs = r.attrs(block)
    rules_value, rules_view = attrs.get("rules", (None, block))
    rules = rules_value if isinstance(rules_value, list) else None
    if not rules or not all(isinstance(x, str) for x in rules):
        r.error("invalid suppress block", 'suppress needs rules = ["rule_name", ...]', rules_view)
        return
    unknown = [x for x in rules if known is not None and x != "all" and x not in known]
    if unknown:
        r.error("unknown rule", f"no rule named {', '.join(unknown)}", rules_view)
        return
    reason_value, reason_view = attrs.get("reason", (None, block))
    if not isinstance(reason_value, str) or not reason_value.strip():
        r.error("invalid suppress block", 'suppress needs a reason = "..."', reason_view)
        return
    file = attrs.get("file", (None, None))[0]
    construct_path = attrs.get("construct_path", (None, None))[0]
    if (file is None) == (construct_path is None):
        r.error(
            "invalid suppress block",
            'suppress needs exactly one of file = "..." or construct_path = "..."',
            block,
        )
        return
    r.config.suppressions.append(
        Suppression(
            rules=frozenset(rules),
            reason=reason_value,
            location=r.loc(block),
            construct_path=construct_path if isinstance(construct_path, str) else None,
            file=str(r.path(file, block, "file")) if isinstance(file, str) else None,
        )
    )
