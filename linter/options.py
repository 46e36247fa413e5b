"""What every front end is given: where it may read, variables, mappings, cache.

One object so that Terraform, CloudFormation and the CDK Aspect agree on the inputs that the
CLI and the config file control.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from linter.limits import Limits
from linter.safe_files import SafeReader


@dataclass(frozen=True)
class CertificateMapping:
    """`certificate "ARN" { key_algorithm = "..." }` or `{ pem_file = "..." }` from the config:
    the key behind an ARN managed elsewhere. `source` is where the mapping was written."""

    arn: str
    key_algorithm: str | None = None
    pem_file: str | None = None
    delivery: str | None = None  # "acm-import", "acm-request" or "iam" when the user says so
    source: str = ".certfit.hcl"


@dataclass
class LoadOptions:
    reader: SafeReader
    variables: dict[str, str] = field(default_factory=dict)  # --var NAME=VALUE
    var_files: list[Path] = field(default_factory=list)  # --var-file
    parameters: dict[str, str] = field(default_factory=dict)  # CloudFormation --parameter
    call_module_type: str = "local"  # all | local | none, as tflint
    cache_dir: Path | None = None  # None switches the parse cache off
    certificate_mappings: dict[str, CertificateMapping] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    # What an unannotated Kubernetes Service of type LoadBalancer becomes: "classic", "nlb", or
    # None (not known: both are judged).
    kubernetes_service_lb: str | None = None
    limits: Limits = field(default_factory=Limits.from_environ)  # --limit, CERTFIT_LIMIT_*

    @property
    def root(self) -> Path:
        return self.reader.root

    @classmethod
    def for_root(cls, root: Path | str, **kwargs: object) -> LoadOptions:
        return cls(reader=SafeReader(root), **kwargs)  # type: ignore[arg-type]
