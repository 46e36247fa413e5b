"""The one model every front end produces and every rule reads.

Front ends (Terraform, CloudFormation, the CDK Aspect, `certfit inspect`) only describe what the
configuration says: certificates, endpoints that serve TLS, and the bindings between them. They
never decide whether something is wrong; the engine and the rules do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from linter.taint import scrub


class Severity(str, Enum):
    """tflint's three levels; SARIF calls `notice` `note`."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "notice": 1}[self.value]

    @property
    def title(self) -> str:  # type: ignore[override]  # "Error", as tflint prints it
        return self.value.capitalize()


@dataclass(frozen=True)
class Location:
    """Where something was written: file (relative to the project root, posix), 1-based lines
    and columns (0 when unknown), and for CDK the construct path."""

    file: str
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    construct_path: str | None = None
    # CloudFormation: a JSON pointer into the template (`/Resources/Lid/Properties/...`), so a
    # report can name the resource and property. Not part of equality: it only refines `file`.
    pointer: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        if self.construct_path:
            where += f" ({self.construct_path})"
        return where


class KeySource(str, Enum):
    """How we learnt what a certificate's key is."""

    PEM = "pem"
    TLS_PRIVATE_KEY = "tls_private_key"
    ACM_KEY_ALGORITHM = "acm_key_algorithm"
    ACM_DEFAULT = "acm_default"
    KEY_TYPES_FILTER = "key_types_filter"
    CONFIG_MAPPING = "config_mapping"
    LIVE_LOOKUP = "live_lookup"
    AWS_ACM = "aws:acm"  # ACM DescribeCertificate, with --aws
    AWS_IAM = "aws:iam"  # the body IAM GetServerCertificate returned, with --aws


@dataclass(frozen=True)
class KeyInfo:
    """What a key is, independent of where it came from.

    `family` is one of RSA, RSA-PSS, EC, Ed25519, Ed448, DSA, DH, X25519, X448.
    `acm_name` is ACM's KeyAlgorithm name (RSA_2048, EC_prime256v1, ...) or None when ACM has
    none. `key_id` is the stable identifier the compatibility data uses: the ACM name when there
    is one, otherwise a canonical descriptor such as RSA_8192, EC_secp224r1 or ED25519.
    """

    family: str
    size: int | None
    curve: str | None
    acm_name: str | None
    key_id: str
    description: str
    learnt_from: KeySource


class Delivery(str, Enum):
    """How a certificate gets to AWS."""

    ACM_IMPORT = "acm-import"
    ACM_REQUEST = "acm-request"
    ACM_UNKNOWN = "acm"  # an ACM ARN or data source: imported or issued is not known
    IAM = "iam"
    EXTERNAL = "external"  # an ARN or id whose service is not known


class Target(str, Enum):
    """What serves TLS (or accepts a certificate)."""

    ACM_IMPORT = "acm-import"
    ACM_REQUEST = "acm-request"
    IAM = "iam"
    ALB = "alb"
    NLB = "nlb"
    CLB = "clb"
    CLOUDFRONT = "cloudfront"
    APIGATEWAY_REGIONAL = "apigateway-regional"
    APIGATEWAY_EDGE = "apigateway-edge"
    AMPLIFY = "amplify"
    TRANSFER_FTPS = "transfer-ftps"
    CLOUDFRONT_BACKED = "cloudfront-backed"  # AppSync and Cognito custom domains
    APIGATEWAY_PRIVATE = "apigateway-private"  # private REST API custom domains


ENDPOINT_TARGETS: tuple[Target, ...] = (
    Target.ALB,
    Target.NLB,
    Target.CLB,
    Target.CLOUDFRONT,
    Target.APIGATEWAY_REGIONAL,
    Target.APIGATEWAY_EDGE,
    Target.AMPLIFY,
    Target.TRANSFER_FTPS,
    Target.CLOUDFRONT_BACKED,
    Target.APIGATEWAY_PRIVATE,
)


@dataclass(frozen=True)
class Pem:
    """Certificate or key material as the configuration gives it.

    `location` is where the bytes live (the PEM file, or the attribute holding them inline).
    Private key bytes are only ever handed to the inspector; nothing prints or stores them.
    """

    data: bytes
    location: Location

    def __repr__(self) -> str:  # never show material, not even in a traceback
        return f"Pem(<{len(self.data)} bytes>, {self.location})"


@dataclass(frozen=True)
class LiveLookup:
    """How AWS could tell what the code only names, asked only with `--aws`.

    `kind` is one of:
    - "arn": an ACM or IAM certificate ARN (IAM also by name: `name` is then the name);
    - "acm-search": a `data "aws_acm_certificate"` lookup (`name` is the domain, `filters`
      holds statuses, types, key_types and most_recent as the provider passes them);
    - "iam-name": a `data "aws_iam_server_certificate"` lookup by name or prefix;
    - "ssm": an SSM parameter whose value is the certificate ARN (never decrypted);
    - "export": a CloudFormation export whose value is the certificate ARN;
    - "load-balancer": a literal load balancer ARN whose type DescribeLoadBalancers tells.
    """

    kind: str
    name: str
    region: str | None = None
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def describe(self) -> str:
        return {
            "arn": f"certificate {self.name}",
            "acm-search": f"the ACM certificate for {self.name}",
            "iam-name": f"the IAM server certificate {self.name}",
            "ssm": f"SSM parameter {self.name}",
            "export": f"CloudFormation export {self.name}",
            "load-balancer": f"load balancer {self.name}",
        }.get(self.kind, self.name)


@dataclass(frozen=True)
class MaterialProblem:
    """A problem a front end met while getting material: a missing file, a path outside the
    root, a link out of it. Reported by `invalid_certificate_material`."""

    message: str
    location: Location


@dataclass(eq=False)
class Certificate:
    """A certificate the configuration defines or points at."""

    address: str
    delivery: Delivery
    location: Location
    key: KeyInfo | None = None
    unknown_reason: str | None = None
    certificate_pem: Pem | None = None
    chain_pem: Pem | None = None
    private_key_pem: Pem | None = None
    problems: list[MaterialProblem] = field(default_factory=list)
    arn: str | None = None
    iam_path: str | None = None
    region: str | None = None
    related: list[Location] = field(default_factory=list)
    callers: tuple[Location, ...] = ()
    lookup: LiveLookup | None = None  # how --aws can learn the key
    not_after: datetime | None = None  # when known without material (ACM DescribeCertificate)
    renews: bool = False  # ACM renews what it issued; nothing renews an import or IAM
    learnt_from_aws: str | None = None  # "aws:acm" / "aws:iam" once --aws answered

    @property
    def has_material(self) -> bool:
        return self.certificate_pem is not None


@dataclass(eq=False)
class Endpoint:
    """Something that serves TLS: a listener, a distribution, a custom domain.

    `target` is None when the kind of load balancer cannot be told; `target_reason` says how
    it was decided ("load_balancer_type = network", "protocol TLS"). `alternatives` are the
    other targets it may be when that depends on something outside the code (a Kubernetes
    Service is a Classic LB or an NLB depending on the cluster's controllers): rules judge
    every one of them and say so.
    """

    address: str
    target: Target | None
    location: Location
    protocol: str | None = None
    ssl_policy: str | None = None
    cipher_suites: frozenset[str] | None = None
    certificate_required: bool = True
    target_reason: str = ""
    region: str | None = None
    callers: tuple[Location, ...] = ()
    lookup: LiveLookup | None = None  # a literal load balancer ARN --aws can describe
    alternatives: tuple[Target, ...] = ()


@dataclass(eq=False)
class Binding:
    """An endpoint using a certificate. `location` is the attribute that makes the binding
    (certificate_arn, ssl_certificate_id, Certificates, ...). When the reference cannot be
    followed, `certificate` is None and `unresolved_reason` says why."""

    endpoint: Endpoint
    certificate: Certificate | None
    location: Location
    role: str = "default"  # or "additional" (SNI)
    unresolved_reason: str | None = None
    callers: tuple[Location, ...] = ()
    lookup: LiveLookup | None = None  # where --aws can find the ARN (SSM, an export)
    related: list[Location] = field(default_factory=list)  # e.g. the plan's own line


@dataclass(frozen=True)
class InputError:
    """A problem reading the input (not a finding): a file that does not parse, a missing
    directory. The run goes on with the rest."""

    summary: str
    message: str
    location: Location | None = None
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:  # a tainted value is shown by its name (linter.taint)
        object.__setattr__(self, "summary", scrub(self.summary))
        object.__setattr__(self, "message", scrub(self.message))


@dataclass(frozen=True)
class Suppression:
    """A finding suppressed with a reason, written outside the flagged line: a CDK
    `CertFitChecks.suppress(...)` (recorded in template metadata) or a config entry. Applies to
    findings whose construct path is `construct_path` or below it, or, without one, to every
    finding in `file`. `location` is where it was written, so an unused one can be reported."""

    rules: frozenset[str]  # rule names, or "all"
    reason: str
    location: Location
    construct_path: str | None = None
    file: str | None = None
    # "suppression" (certfit's own), or "acknowledgement" (the CDK's
    # `Validations.of(scope).acknowledge(...)`, `id` as recorded).
    kind: str = "suppression"
    id: str | None = None


@dataclass
class Model:
    """What a front end returns."""

    certificates: list[Certificate] = field(default_factory=list)
    endpoints: list[Endpoint] = field(default_factory=list)
    bindings: list[Binding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)

    def extend(self, other: Model) -> None:
        self.certificates.extend(other.certificates)
        self.endpoints.extend(other.endpoints)
        self.bindings.extend(other.bindings)
        self.errors.extend(other.errors)
        self.suppressions.extend(other.suppressions)


@dataclass
class Finding:
    """One issue. `details` carries the facts behind it for machine outputs: at least target,
    key_algorithm (ACM name or None), key (human description) and as_of where they apply."""

    rule: str
    severity: Severity
    message: str
    location: Location
    link: str = ""
    related: tuple[Location, ...] = ()
    callers: tuple[Location, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:  # a tainted value is shown by its name (linter.taint)
        self.message = scrub(self.message)
        self.details = scrub(self.details)

    def sort_key(self) -> tuple[Any, ...]:
        loc = self.location
        return (loc.file, loc.line, loc.column, -self.severity.rank, self.rule, self.message)
