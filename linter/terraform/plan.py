"""Terraform plan JSON (`terraform show -json plan.out`), format_version 0.1 and 1.x.

A plan knows what the code alone cannot: variable values, for_each keys, module outputs. What
is still unknown at plan time (an ARN of a certificate created in the same apply) is followed
through the plan's `configuration` section, whose expressions list their references. Locations
point into the plan file, at the resource's `"address"` line, unless the configuration's `.tf`
files are beside the plan: then at the attribute in the code (`plan_source.py`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from linter.keys import key_info_from_acm_name, key_info_from_tls_private_key
from linter.mappings import certificate_from_arn
from linter.model import (
    Binding,
    Certificate,
    Delivery,
    Endpoint,
    InputError,
    KeySource,
    Location,
    Model,
    Pem,
    Target,
)
from linter.options import LoadOptions
from linter.safe_files import SafeReader, UnsafePath
from linter.taint import cert_key, taint
from linter.terraform import plan_consumers
from linter.terraform.extract import target_from_arn
from linter.terraform.plan_source import ConfigIndex, configuration_dir

_CERT_TYPES = {"aws_acm_certificate", "aws_iam_server_certificate"}
_LISTENERS = {"aws_lb_listener", "aws_alb_listener"}
_LISTENER_CERTS = {"aws_lb_listener_certificate", "aws_alb_listener_certificate"}
_INDEX = re.compile(r"\[[^\]]*\]")
HOW = "set the value in the configuration or map the ARN in .certfit.hcl"


def is_plan_json(path: Path, reader: SafeReader | None = None) -> bool:
    """True for `terraform show -json` output (any format_version). Read through `reader`
    (default: one confined to the file itself, which the user named)."""
    reader = reader or SafeReader(path)
    try:
        head = reader.read_head(path, 4096)
    except (OSError, UnsafePath):
        return False
    if not head.lstrip().startswith(b"{") or b'"format_version"' not in head:
        return False
    try:
        data = json.loads(reader.read_bytes(path))
    except RecursionError:
        return True  # it says it is a plan: reading it reports the nesting at the file
    except (OSError, ValueError, UnsafePath):
        return False
    return isinstance(data, dict) and (
        "planned_values" in data or "configuration" in data or "resource_changes" in data
    )


def _text(v: Any) -> str:
    """A value as text for use (a tainted string stays itself: str() of one is its name)."""
    return v if isinstance(v, str) else str(v)


def _any_true(mark: Any) -> bool:
    stack = [mark]
    while stack:  # iterative: a plan may nest deeply
        m = stack.pop()
        if m is True:
            return True
        if isinstance(m, dict):
            stack.extend(m.values())
        elif isinstance(m, list):
            stack.extend(m)
    return False


class _Resource:
    def __init__(self, raw: dict[str, Any], module: str) -> None:
        self.address: str = raw.get("address", "")
        self.mode: str = raw.get("mode", "managed")
        self.type: str = raw.get("type", "")
        self.name: str = raw.get("name", "")
        self.module = module  # "" or module.a["k"]
        self.values: dict[str, Any] = raw.get("values") or {}
        self.unknown: dict[str, Any] = {}
        self.hide_sensitive(raw.get("sensitive_values"))

    def hide_sensitive(self, marks: Any) -> None:
        """Taint the attributes the plan marks sensitive (`sensitive_values`,
        `after_sensitive`): they are used, never shown (see linter.taint)."""
        if not isinstance(marks, dict) or not isinstance(self.values, dict):
            return
        for name, mark in marks.items():
            if name in self.values and _any_true(mark):
                self.values[name] = taint(self.values[name], f"{self.address}.{name}")


class _PlanReader:
    def __init__(self, path: Path, options: LoadOptions) -> None:
        self.path = path
        self.options = options
        self.file = options.reader.relative(path)
        self.model = Model()
        self.text = ""
        self.resources: dict[str, _Resource] = {}
        self.config_modules: dict[str, dict[str, Any]] = {}
        self._certs: dict[Any, Certificate] = {}
        self._lines: dict[str, tuple[int, int]] = {}
        self._listener_eps: dict[str, Endpoint | None] = {}
        self.provider_config: dict[str, Any] = {}
        self.variables: dict[str, Any] = {}
        # What made each binding and certificate (address, type, attribute), so that they
        # can be reported in the .tf files beside the plan.
        self._origins: dict[int, tuple[str, str, str | None]] = {}

    # -- reading ----------------------------------------------------------------------------
    def read(self) -> Model:
        try:
            data = self.options.reader.read_bytes(self.path)
        except (UnsafePath, OSError) as e:
            self.model.errors.append(InputError("cannot read plan", str(e), Location(self.file)))
            return self.model
        self.text = data.decode("utf-8", errors="replace")
        try:
            plan = json.loads(self.text)
        except json.JSONDecodeError as e:
            self.model.errors.append(
                InputError("plan does not parse", e.msg, Location(self.file, e.lineno, e.colno))
            )
            return self.model
        except RecursionError:
            self.model.errors.append(_too_deep(self.file))
            return self.model
        if not isinstance(plan, dict):
            self.model.errors.append(
                InputError("plan does not parse", "not a JSON object", Location(self.file, 1, 1))
            )
            return self.model
        fv = str(plan.get("format_version", ""))
        if not (fv.startswith("0.") or fv.startswith("1.")):
            self.model.errors.append(
                InputError(
                    "unsupported plan format",
                    f"format_version {fv!r}: this reader knows 0.x and 1.x",
                    Location(self.file, 1, 1),
                )
            )
        self._walk_values((plan.get("planned_values") or {}).get("root_module") or {}, "")
        for rc in plan.get("resource_changes") or []:
            r = self.resources.get(rc.get("address", ""))
            change = rc.get("change") or {}
            if r is not None and isinstance(change.get("after_unknown"), dict):
                r.unknown = change["after_unknown"]
            if r is not None:
                r.hide_sensitive(change.get("after_sensitive"))
        # data sources read before the plan live in prior_state
        prior = (plan.get("prior_state") or {}).get("values") or {}
        self._walk_values(prior.get("root_module") or {}, "", only_data=True)
        self._walk_config((plan.get("configuration") or {}).get("root_module") or {}, "")
        self.provider_config = (plan.get("configuration") or {}).get("provider_config") or {}
        # variable values are given from outside the code (tfvars, -var, TF_VAR_): tainted
        self.variables = {
            name: taint(v, f"var.{name}") if isinstance(v, dict) else v
            for name, v in (plan.get("variables") or {}).items()
        }
        k8s: list[tuple[_Resource, Any]] = []
        for r in list(self.resources.values()):
            if r.type in plan_consumers.K8S_PLAN_TYPES and r.mode == "managed":
                k8s.extend((r, o) for o in plan_consumers.k8s_objects(self, r))
            elif r.type in plan_consumers.PLAN_TYPES and r.mode == "managed":
                plan_consumers.consumer(self, r)
            else:
                self._resource(r)
        if k8s:
            plan_consumers.interpret_k8s(self, k8s)
        config_dir = configuration_dir(self.path, Path.cwd())
        if config_dir is not None:
            self._map_to_source(
                ConfigIndex(config_dir, plan.get("configuration") or {}, self.options)
            )
        return self.model

    def _map_to_source(self, source: ConfigIndex) -> None:
        """Report at the .tf attribute that makes each binding (with its module callers), as a
        lint of the code would; the plan's own line stays a related location."""
        for ep in self.model.endpoints:
            found = source.resource(ep.address.split(" ")[0])
            if found is not None:
                ep.location, ep.callers = found
        for cert in self.model.certificates:
            address, rtype, attr = self._origins.get(id(cert), (cert.address, "", None))
            if attr is None:
                found = source.resource(address)
            else:
                found = source.attribute(address, rtype, attr)
            if found is not None:
                cert.related.append(cert.location)
                cert.location, cert.callers = found
        for binding in self.model.bindings:
            origin = self._origins.get(id(binding))
            if origin is None:
                continue
            address, rtype, attr = origin
            found = source.attribute(address, rtype, attr or "")
            if found is not None:
                binding.related.append(binding.location)
                binding.location, binding.callers = found

    def _walk_values(self, module: dict[str, Any], prefix: str, only_data: bool = False) -> None:
        for raw in module.get("resources") or []:
            r = _Resource(raw, module.get("address", prefix))
            if only_data and (r.mode != "data" or r.address in self.resources):
                continue
            self.resources[r.address] = r
        for child in module.get("child_modules") or []:
            self._walk_values(child, child.get("address", ""), only_data)

    def _walk_config(self, module: dict[str, Any], key: str) -> None:
        self.config_modules[key] = module
        for name, call in (module.get("module_calls") or {}).items():
            child_key = f"{key}.module.{name}" if key else f"module.{name}"
            self._walk_config(call.get("module") or {}, child_key)

    # -- helpers ----------------------------------------------------------------------------
    def location(self, address: str) -> Location:
        """The resource's `"address"` in the plan file (plans are often one long line, so the
        column matters)."""
        if address not in self._lines:
            quoted = json.dumps(address)
            pos = -1
            for sep in (": ", ":"):
                pos = self.text.find(f'"address"{sep}{quoted}')
                if pos >= 0:
                    break
            if pos < 0:
                self._lines[address] = (1, 1)
            else:
                line = self.text.count("\n", 0, pos) + 1
                self._lines[address] = (line, pos - (self.text.rfind("\n", 0, pos) + 1) + 1)
        line, col = self._lines[address]
        return Location(self.file, line, col)

    def config_resource(self, r: _Resource) -> dict[str, Any]:
        key = _INDEX.sub("", r.module)
        mod = self.config_modules.get(key) or {}
        local = f"data.{r.type}.{r.name}" if r.mode == "data" else f"{r.type}.{r.name}"
        for res in mod.get("resources") or []:
            if res.get("address") == local:
                return dict(res)
        return {}

    def config_for(self, r: _Resource) -> dict[str, Any]:
        return self.config_resource(r).get("expressions") or {}

    def region_of(self, r: _Resource) -> str | None:
        """The region of the resource's provider configuration, when the plan says it."""
        key = str(self.config_resource(r).get("provider_config_key") or "aws")
        config = self.provider_config.get(key) or self.provider_config.get(key.split(":")[-1])
        region = ((config or {}).get("expressions") or {}).get("region") or {}
        if isinstance(region.get("constant_value"), str):
            return str(region["constant_value"])
        for ref in region.get("references") or []:
            if ref.startswith("var."):
                value = (self.variables.get(ref[4:]) or {}).get("value")
                if isinstance(value, str):
                    return value
        return None

    def references(self, r: _Resource, attr: str) -> list[str]:
        expr = self.config_for(r).get(attr)
        if isinstance(expr, list):
            expr = expr[0] if expr else {}
        refs = (expr or {}).get("references") or []
        return [x for x in refs if isinstance(x, str)]

    def referenced(self, r: _Resource, attr: str, types: set[str]) -> _Resource | str | None:
        """The resource `attr` refers to, or a reason it cannot be told. References are
        followed through module inputs (var.) and module outputs (module.x.y)."""
        return self._resolve(r.module, self.references(r, attr), types, 0)

    def _resolve(
        self, module: str, refs: list[str], types: set[str], depth: int
    ) -> _Resource | str | None:
        if depth > 20:
            return "the references nest too deeply to follow"
        reason: _Resource | str | None = None
        for ref in refs:
            parts = ref.split(".")
            if parts[0] == "var" and len(parts) >= 2 and module:
                parent, _, call = module.rpartition(".module.")
                if not _:
                    parent, call = "", module.removeprefix("module.")
                cfg = self.config_modules.get(_INDEX.sub("", parent)) or {}
                call_cfg = (cfg.get("module_calls") or {}).get(_INDEX.sub("", call)) or {}
                expr = (call_cfg.get("expressions") or {}).get(parts[1]) or {}
                found = self._resolve(parent, expr.get("references") or [], types, depth + 1)
            elif parts[0] == "module" and len(parts) >= 3:
                child = f"{module}.module.{parts[1]}" if module else f"module.{parts[1]}"
                cfg = self.config_modules.get(_INDEX.sub("", child)) or {}
                out = (cfg.get("outputs") or {}).get(parts[2]) or {}
                expr = out.get("expression") or {}
                found = self._resolve(child, expr.get("references") or [], types, depth + 1)
            else:
                found = self._same_module(module, parts, types)
            if isinstance(found, _Resource):
                return found
            reason = reason or found
        return reason

    def _same_module(
        self, module: str, parts: list[str], types: set[str]
    ) -> _Resource | str | None:
        mode = "data" if parts[0] == "data" else "managed"
        if mode == "data":
            parts = parts[1:]
        if len(parts) < 2 or parts[0] not in types:
            return None
        kind = "data." if mode == "data" else ""
        base = f"{kind}{parts[0]}.{_INDEX.sub('', parts[1])}"
        prefix = f"{module}." if module else ""
        wanted = prefix + base
        if "[" in parts[1]:
            wanted = f"{prefix}{kind}{parts[0]}.{parts[1]}"
            return self.resources.get(wanted) or f"{wanted} is not in the plan"
        found = [
            x
            for a, x in self.resources.items()
            if a.startswith(prefix) and _INDEX.sub("", a[len(prefix) :]) == base
        ]
        if len(found) == 1:
            return found[0]
        if found:
            return f"{wanted} has several instances and the reference does not say which"
        return f"{wanted} is not in the plan"

    def _by_arn(self, arn: str) -> _Resource | None:
        for r in self.resources.values():
            if r.type in _CERT_TYPES and r.values.get("arn") == arn:
                return r
        return None

    # -- certificates -----------------------------------------------------------------------
    def certificate(self, r: _Resource) -> Certificate:
        if r.address in self._certs:
            return self._certs[r.address]
        loc = self.location(r.address)
        v = r.values
        if r.mode == "data":
            cert = Certificate(
                r.address,
                Delivery.IAM if r.type == "aws_iam_server_certificate" else Delivery.ACM_UNKNOWN,
                loc,
            )
            types = v.get("key_types")
            if r.type == "aws_iam_server_certificate":
                cert.unknown_reason = "an existing IAM server certificate: map its ARN"
            elif not types:
                cert.key = key_info_from_acm_name("RSA_2048", KeySource.ACM_DEFAULT)
            elif len(types) == 1:
                cert.key = key_info_from_acm_name(types[0], KeySource.KEY_TYPES_FILTER)
            else:
                cert.unknown_reason = "key_types lists several key types"
        else:
            imported = r.type == "aws_iam_server_certificate" or bool(
                v.get("certificate_body")
                or v.get("private_key")
                or self.references(r, "certificate_body")
            )
            if r.type == "aws_iam_server_certificate":
                delivery = Delivery.IAM
            else:
                delivery = Delivery.ACM_IMPORT if imported else Delivery.ACM_REQUEST
            cert = Certificate(r.address, delivery, loc, arn=v.get("arn"))
            if r.type == "aws_iam_server_certificate":
                cert.iam_path = v.get("path") or "/"
            if imported:
                for attr, slot in (
                    ("certificate_body", "certificate_pem"),
                    ("certificate_chain", "chain_pem"),
                    ("private_key", "private_key_pem"),
                ):
                    if isinstance(v.get(attr), str) and v[attr]:
                        setattr(cert, slot, Pem(v[attr].encode(), loc))
                if cert.certificate_pem is None:
                    self._tls_key(r, cert)
            else:
                algo = v.get("key_algorithm") or "RSA_2048"
                cert.key = key_info_from_acm_name(algo, KeySource.ACM_KEY_ALGORITHM)
                if cert.key is None:
                    cert.unknown_reason = f"key_algorithm {algo!r} is not one of ACM's names"
        if cert.delivery is not Delivery.IAM:
            arn = v.get("arn")
            cert.region = (
                arn.split(":")[3] if isinstance(arn, str) and arn.count(":") >= 5 else None
            ) or self.region_of(r)
        self._certs[r.address] = cert
        self.model.certificates.append(cert)
        return cert

    def _tls_key(self, r: _Resource, cert: Certificate) -> None:
        signed = self.referenced(
            r, "certificate_body", {"tls_self_signed_cert", "tls_locally_signed_cert"}
        )
        if not isinstance(signed, _Resource):
            cert.unknown_reason = f"certificate_body is not in the plan: {signed or 'unknown'}"
            return
        holder = signed
        if signed.type == "tls_locally_signed_cert":
            req = self.referenced(signed, "cert_request_pem", {"tls_cert_request"})
            if not isinstance(req, _Resource):
                cert.unknown_reason = "the certificate request is not in the plan"
                return
            holder = req
        key = self.referenced(holder, "private_key_pem", {"tls_private_key"})
        if not isinstance(key, _Resource):
            cert.unknown_reason = "the tls_private_key behind the certificate is not in the plan"
            return
        kv = key.values
        cert.related.append(self.location(key.address))
        cert.key = key_info_from_tls_private_key(
            _text(kv.get("algorithm") or ""), kv.get("rsa_bits"), kv.get("ecdsa_curve")
        )
        if cert.key is None:
            cert.unknown_reason = f"tls_private_key algorithm {kv.get('algorithm')!r} is not known"

    def cert_for(
        self, r: _Resource, attr: str, value: Any
    ) -> tuple[Certificate | None, str | None]:
        if isinstance(value, str) and value:
            found = self._by_arn(value)
            if found is not None:
                return self.certificate(found), None
            key = cert_key(value)
            if key not in self._certs:
                c = certificate_from_arn(value, self.location(r.address), self.options)
                self._certs[key] = c
                self._origins[id(c)] = (r.address, r.type, attr)
                self.model.certificates.append(c)
            return self._certs[key], None
        ref = self.referenced(r, attr, _CERT_TYPES | {"aws_acm_certificate_validation"})
        if isinstance(ref, _Resource) and ref.type == "aws_acm_certificate_validation":
            inner = ref.values.get("certificate_arn")
            if isinstance(inner, str) and inner:
                return self.cert_for(ref, "certificate_arn", inner)
            ref = self.referenced(ref, "certificate_arn", _CERT_TYPES)
        if isinstance(ref, _Resource):
            return self.certificate(ref), None
        refs = ", ".join(self.references(r, attr)) or "nothing the plan shows"
        return None, f"{attr} is only known after apply and refers to {refs}: {ref or HOW}"

    # -- endpoints --------------------------------------------------------------------------
    def _resource(self, r: _Resource) -> None:
        if r.type in _CERT_TYPES and r.mode == "managed":
            self.certificate(r)
        elif r.type in _LISTENERS:
            self.listener(r)
        elif r.type in _LISTENER_CERTS:
            self.listener_certificate(r)
        elif r.type == "aws_elb":
            self.classic(r)
        elif r.type == "aws_cloudfront_distribution":
            self.cloudfront(r)
        elif r.type in ("aws_api_gateway_domain_name", "aws_apigatewayv2_domain_name"):
            self.api_gateway(r)

    def _bind(self, ep: Endpoint, r: _Resource, attr: str, value: Any, role: str) -> None:
        if value in (None, "") and attr not in r.unknown:
            return
        cert, reason = self.cert_for(r, attr, value)
        binding = Binding(ep, cert, self.location(r.address), role, reason)
        self._origins[id(binding)] = (r.address, r.type, attr)
        self.model.bindings.append(binding)

    def listener(self, r: _Resource) -> Endpoint | None:
        cache = self._listener_eps
        if r.address in cache:
            return cache[r.address]
        cache[r.address] = None
        proto = _text(r.values.get("protocol") or "").upper() or None
        if proto not in ("HTTPS", "TLS"):
            return None
        lb = None
        arn = r.values.get("load_balancer_arn")
        if isinstance(arn, str):
            lb = next(
                (
                    x
                    for x in self.resources.values()
                    if x.type in ("aws_lb", "aws_alb") and x.values.get("arn") == arn
                ),
                None,
            )
        if lb is None:
            ref = self.referenced(r, "load_balancer_arn", {"aws_lb", "aws_alb"})
            lb = ref if isinstance(ref, _Resource) else None
        if lb is not None:
            lbt = lb.values.get("load_balancer_type") or "application"
            target = {"application": Target.ALB, "network": Target.NLB}.get(lbt)
            reason = f'{lb.address} load_balancer_type = "{lbt}"'
        elif isinstance(arn, str) and target_from_arn(arn) is not None:
            target, reason = target_from_arn(arn), "the load balancer ARN names its type"
        else:
            target = Target.ALB if proto == "HTTPS" else Target.NLB
            reason = f"protocol {proto} (the load balancer is not in the plan)"
        ep = Endpoint(
            r.address,
            target,
            self.location(r.address),
            protocol=proto,
            ssl_policy=r.values.get("ssl_policy"),
            target_reason=reason,
            region=self.region_of(r),
        )
        self.model.endpoints.append(ep)
        cache[r.address] = ep
        self._bind(ep, r, "certificate_arn", r.values.get("certificate_arn"), "default")
        return ep

    def listener_certificate(self, r: _Resource) -> None:
        ref = self.referenced(r, "listener_arn", _LISTENERS)
        ep = self.listener(ref) if isinstance(ref, _Resource) else None
        if ep is None:
            arn = r.values.get("listener_arn")
            for x in self.resources.values():
                if x.type in _LISTENERS and arn and x.values.get("arn") == arn:
                    ep = self.listener(x)
        if ep is None:
            ep = Endpoint(
                r.address,
                None,
                self.location(r.address),
                certificate_required=False,
                target_reason="the listener is not in the plan",
            )
            self.model.endpoints.append(ep)
        self._bind(ep, r, "certificate_arn", r.values.get("certificate_arn"), "additional")

    def classic(self, r: _Resource) -> None:
        for lst in r.values.get("listener") or []:
            proto = _text(lst.get("lb_protocol") or "").upper()
            if proto not in ("HTTPS", "SSL"):
                continue
            ep = Endpoint(
                f"{r.address} listener {lst.get('lb_port')}",
                Target.CLB,
                self.location(r.address),
                protocol=proto,
                target_reason="aws_elb (Classic Load Balancer)",
                region=self.region_of(r),
            )
            self.model.endpoints.append(ep)
            self._bind(ep, r, "listener", lst.get("ssl_certificate_id"), "default")

    def cloudfront(self, r: _Resource) -> None:
        for vc in r.values.get("viewer_certificate") or []:
            ep = Endpoint(
                r.address,
                Target.CLOUDFRONT,
                self.location(r.address),
                protocol="HTTPS",
                ssl_policy=vc.get("minimum_protocol_version"),
                certificate_required=False,
                target_reason="aws_cloudfront_distribution",
                region="us-east-1",
            )
            self.model.endpoints.append(ep)
            for attr in ("acm_certificate_arn", "iam_certificate_id"):
                if vc.get(attr):
                    self._bind(ep, r, attr, vc[attr], "default")

    def api_gateway(self, r: _Resource) -> None:
        pairs: list[tuple[str, Any, Target]] = []
        if r.type == "aws_api_gateway_domain_name":
            conf = (r.values.get("endpoint_configuration") or [{}])[0] or {}
            private = "PRIVATE" in [str(t).upper() for t in conf.get("types") or []]
            edge = Target.APIGATEWAY_PRIVATE if private else Target.APIGATEWAY_EDGE
            pairs = [
                ("certificate_arn", r.values.get("certificate_arn"), edge),
                (
                    "regional_certificate_arn",
                    r.values.get("regional_certificate_arn"),
                    Target.APIGATEWAY_REGIONAL,
                ),
            ]
        else:
            for c in r.values.get("domain_name_configuration") or []:
                pairs.append(
                    ("certificate_arn", c.get("certificate_arn"), Target.APIGATEWAY_REGIONAL)
                )
        for attr, value, target in pairs:
            if not value:
                continue
            ep = Endpoint(
                r.address,
                target,
                self.location(r.address),
                protocol="HTTPS",
                certificate_required=False,
                target_reason=r.type,
            )
            self.model.endpoints.append(ep)
            self._bind(ep, r, attr, value, "default")


def _too_deep(file: str) -> InputError:
    return InputError(
        "plan does not parse",
        "nested too deeply for certfit to read (more than about 900 levels)",
        Location(file),
    )


def load_plan(path: Path, options: LoadOptions) -> Model:
    """A Model from `terraform show -json` output; problems go to Model.errors."""
    reader = _PlanReader(Path(path), options)
    try:
        return reader.read()
    except RecursionError:  # modules nested past what Python follows: keep what was read
        reader.model.errors.append(_too_deep(reader.file))
        return reader.model
    except (AttributeError, TypeError, KeyError, ValueError) as e:  # JSON of another shape
        reader.model.errors.append(
            InputError(
                "plan does not parse",
                "not the shape of `terraform show -json` output "
                f"({type(e).__name__}); what was read before is kept",
                Location(reader.file),
            )
        )
        return reader.model
