"""Generate realistic Terraform trees for the benchmarks, from a seed and a size.

Two shapes, because they stress different things:

- `monorepo`: thousands of files across root modules (`live/<account>/<region>/<service>`) and
  local modules (`modules/<name>`), of which about 2% touch certificates or listeners. Work
  here must grow with what is relevant, not with the size of the tree.
- `dense`: a few hundred files where every file does, so everything must be read and the
  parser's own speed (and the parse cache) decides.

The same seed gives the same Terraform text; PEM files are real but freshly generated.
Run: `python -m benchmarks.generate monorepo DIR --files 5000 --seed 1`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import resources as res
from benchmarks import tls_resources as tls
from benchmarks.hcl_writer import Attr, Blank, Block, Raw, hcl_map, q, render
from benchmarks.pem_pool import pool

ACCOUNTS = ("prod", "staging", "dev", "shared", "sandbox", "security", "data", "edge")
REGIONS = ("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "us-west-2")

# What makes a file relevant to a certificate linter (used to report the real fraction).
RELEVANT = re.compile(
    r'"(aws_acm_certificate|aws_lb_listener|aws_alb_listener|aws_lb_listener_certificate|aws_elb'
    r"|aws_iam_server_certificate|tls_private_key|tls_self_signed_cert|aws_cloudfront_distribution"
    r'|aws_api_gateway_domain_name|aws_apigatewayv2_domain_name)"|certificate_arn'
)


@dataclass
class Tree:
    """What was generated: files (relative path -> bytes) and the facts the runner reports."""

    kind: str
    seed: int
    files: dict[str, bytes] = field(default_factory=dict)
    planted: list[str] = field(default_factory=list)  # known-bad certificates, for sanity checks

    def add(self, path: str, text: str | bytes) -> None:
        self.files[path] = text.encode() if isinstance(text, str) else text

    def tf_files(self) -> list[str]:
        return [p for p in self.files if p.endswith((".tf", ".tfvars"))]

    def summary(self) -> dict[str, object]:
        tf = self.tf_files()
        relevant = [p for p in tf if RELEVANT.search(self.files[p].decode())]
        return {
            "kind": self.kind,
            "seed": self.seed,
            "terraform_files": len(tf),
            "tf_only_files": sum(1 for p in tf if p.endswith(".tf")),
            "pem_files": sum(1 for p in self.files if p.endswith((".pem", ".key"))),
            "bytes_terraform": sum(len(self.files[p]) for p in tf),
            "bytes_total": sum(len(v) for v in self.files.values()),
            "relevant_files": len(relevant),
            "relevant_fraction": round(len(relevant) / max(1, len(tf)), 4),
            "planted": self.planted,
        }

    def write(self, root: Path) -> None:
        if root.exists():
            shutil.rmtree(root)
        for rel, data in self.files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


# ---------------------------------------------------------------- common files of a module


def providers_tf(rng: random.Random, region: str) -> str:
    return render(
        [
            Block(
                "terraform",
                (),
                [
                    Attr("required_version", q(">= 1.5.0")),
                    Blank(),
                    Block(
                        "required_providers",
                        (),
                        [
                            Attr(
                                "aws",
                                hcl_map(
                                    [("source", q("hashicorp/aws")), ("version", q("~> 5.60"))]
                                ),
                            ),
                            Attr(
                                "tls",
                                hcl_map([("source", q("hashicorp/tls")), ("version", q("~> 4.0"))]),
                            ),
                        ],
                    ),
                ],
            ),
            Block(
                "provider",
                ("aws",),
                [
                    Attr("region", q(region)),
                    Blank(),
                    Block(
                        "default_tags",
                        (),
                        [
                            Attr(
                                "tags",
                                hcl_map(
                                    [
                                        ("ManagedBy", q("terraform")),
                                        ("Repository", q("infra-monorepo")),
                                    ]
                                ),
                            )
                        ],
                    ),
                ],
            ),
            Block(
                "provider",
                ("aws",),
                [Attr("alias", q("us_east_1")), Attr("region", q("us-east-1"))],
            ),
        ]
    )


def backend_tf(account: str, region: str, service: str) -> str:
    return render(
        [
            Block(
                "terraform",
                (),
                [
                    Block(
                        "backend",
                        ("s3",),
                        [
                            Attr("bucket", q(f"tfstate-{account}-{region}")),
                            Attr("key", q(f"{service}/terraform.tfstate")),
                            Attr("region", q(region)),
                            Attr("dynamodb_table", q("terraform-locks")),
                            Attr("encrypt", "true"),
                        ],
                    )
                ],
            )
        ]
    )


VARIABLES = [
    ("environment", "string", '"prod"', "Deployment environment, used in names and tags."),
    ("team", "string", '"platform"', "Owning team, for cost allocation."),
    ("vpc_id", "string", None, "VPC the service runs in."),
    ("private_subnet_ids", "list(string)", "[]", "Subnets for tasks and functions."),
    ("public_subnet_ids", "list(string)", "[]", "Subnets for internet-facing load balancers."),
    ("allowed_cidrs", "list(string)", '["10.0.0.0/8"]', "Who may reach the service."),
    ("kms_key_arn", "string", None, "Key for data at rest."),
    ("log_bucket", "string", '"central-access-logs"', "Bucket for access logs."),
    ("release", "string", '"latest"', "Artifact version to deploy."),
    ("artifact_bucket", "string", '"build-artifacts"', "Where CI puts build outputs."),
    ("lambda_role_arn", "string", None, "Execution role of the functions."),
    ("table_name", "string", '""', "DynamoDB table used by the service."),
    ("queue_url", "string", '""', "Queue the workers poll."),
    ("bucket_name", "string", '""', "Bucket the service writes to."),
    ("function_name", "string", '""', "Function watched by the alarms."),
    ("cluster_arn", "string", '""', "ECS cluster."),
    ("execution_role_arn", "string", '""', "ECS task execution role."),
    ("image_repository", "string", '""', "ECR repository URL."),
    ("security_group_ids", "list(string)", "[]", "Extra security groups."),
    ("zone_id", "string", '""', "Route 53 zone for DNS validation."),
    ("origin_domain", "string", '"origin.example.com"', "CloudFront origin."),
    ("cache_policy_id", "string", '"658327ea-f89d-4fab-a63d-7e88639e58f6"', "Managed policy."),
    ("domain", "string", '"example.com"', "Public domain of the service."),
]


def variables_tf(rng: random.Random, names: list[str] | None = None) -> str:
    chosen = VARIABLES if names is None else [v for v in VARIABLES if v[0] in names]
    blocks: list[Block | Raw | Blank] = []
    for name, typ, default, description in chosen:
        body: list[Attr | Block | Blank | Raw] = [
            Attr("description", q(description)),
            Attr("type", typ),
        ]
        if default is not None:
            body.append(Attr("default", default))
        if name == "environment" and rng.random() < 0.7:
            body.append(
                Block(
                    "validation",
                    (),
                    [
                        Attr("condition", 'contains(["prod", "staging", "dev"], var.environment)'),
                        Attr("error_message", q("environment must be prod, staging or dev.")),
                    ],
                )
            )
        blocks.append(Block("variable", (name,), body))
    return render(blocks)


def locals_tf(service: str, account: str) -> str:
    return render(
        [
            Block(
                "locals",
                (),
                [
                    Attr("name_prefix", q(f"{service}-${{var.environment}}")),
                    Blank(),
                    Attr(
                        "common_tags",
                        hcl_map(
                            [
                                ("Service", q(service)),
                                ("Environment", "var.environment"),
                                ("Team", "var.team"),
                                ("Account", q(account)),
                                (
                                    "CostCenter",
                                    q(f"cc-{zlib.crc32(service.encode()) % 9000 + 1000}"),
                                ),
                            ]
                        ),
                    ),
                ],
            )
        ]
    )


def tfvars(rng: random.Random, account: str) -> str:
    lines = [
        f'environment = "{account if account in ("prod", "staging", "dev") else "dev"}"',
        f'team        = "{rng.choice(["platform", "payments", "search", "growth", "data"])}"',
        f'vpc_id      = "vpc-{rng.getrandbits(32):08x}"',
        f'kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/{rng.getrandbits(64):016x}"',
        f'release     = "v{rng.randint(1, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 9)}"',
    ]
    return "\n".join(lines) + "\n"


def outputs_tf(names: list[tuple[str, str]]) -> str:
    return render(
        [
            Block(
                "output",
                (name,),
                [Attr("description", q(f"{name.replace('_', ' ')}.")), Attr("value", value)],
            )
            for name, value in names
        ]
    )


def data_tf() -> str:
    return render(
        [
            Block("data", ("aws_caller_identity", "current")),
            Block("data", ("aws_region", "current")),
            Block("data", ("aws_availability_zones", "available"), [Attr("state", q("available"))]),
        ]
    )


# ---------------------------------------------------------------- local modules


GENERIC_MODULE_KINDS = list(res.KINDS)


def generic_module(tree: Tree, rng: random.Random, path: str, kind: str) -> list[str]:
    """A local module: main.tf with resources of one kind, variables, outputs, versions."""
    name = kind.replace("security_groups", "app")
    blocks = [*res.KINDS[kind](rng, name)]
    if rng.random() < 0.5:
        blocks += res.iam_role(rng, f"{name}_access")
    main = render(
        [
            Block("locals", (), [Attr("name_prefix", "var.name"), Attr("common_tags", "var.tags")]),
            *blocks,
        ]
    )
    tree.add(f"{path}/main.tf", main)
    extra_vars = render(
        [
            Block(
                "variable",
                ("name",),
                [Attr("description", q("Name prefix.")), Attr("type", "string")],
            ),
            Block(
                "variable",
                ("tags",),
                [
                    Attr("description", q("Tags for every resource.")),
                    Attr("type", "map(string)"),
                    Attr("default", "{}"),
                ],
            ),
        ]
    )
    tree.add(
        f"{path}/variables.tf",
        extra_vars + "\n" + variables_tf(rng, rng.sample([v[0] for v in VARIABLES], 8)),
    )
    ids = re.findall(r'^resource "(\w+)" "(\w+)"', main, re.M)[:4]
    tree.add(
        f"{path}/outputs.tf",
        outputs_tf([(f"{t}_{n}_id".replace("aws_", ""), f"{t}.{n}.id") for t, n in ids]),
    )
    tree.add(
        f"{path}/versions.tf",
        render(
            [
                Block(
                    "terraform",
                    (),
                    [
                        Attr("required_version", q(">= 1.5.0")),
                        Blank(),
                        Block(
                            "required_providers",
                            (),
                            [
                                Attr(
                                    "aws",
                                    hcl_map(
                                        [("source", q("hashicorp/aws")), ("version", q(">= 5.0"))]
                                    ),
                                )
                            ],
                        ),
                    ],
                )
            ]
        ),
    )
    return [f"{path}/{f}" for f in ("main.tf", "variables.tf", "outputs.tf", "versions.tf")]


def alb_module(tree: Tree, rng: random.Random) -> None:
    """modules/alb-https: a load balancer whose listener takes the certificate as an input."""
    blocks = [
        Block("locals", (), [Attr("name_prefix", "var.name"), Attr("common_tags", "var.tags")]),
        *tls.lb_security_group("this"),
        *tls.load_balancer(rng, "this", "application"),
        *tls.listener("https", "this", "var.certificate_arn", "HTTPS"),
    ]
    tree.add("modules/alb-https/main.tf", render(blocks))
    tree.add(
        "modules/alb-https/variables.tf",
        render(
            [
                Block("variable", ("name",), [Attr("type", "string")]),
                Block("variable", ("tags",), [Attr("type", "map(string)"), Attr("default", "{}")]),
                Block(
                    "variable",
                    ("certificate_arn",),
                    [
                        Attr("description", q("Default certificate of the HTTPS listener.")),
                        Attr("type", "string"),
                    ],
                ),
            ]
        )
        + "\n"
        + variables_tf(rng, ["vpc_id", "public_subnet_ids", "log_bucket"]),
    )
    tree.add(
        "modules/alb-https/outputs.tf",
        outputs_tf(
            [("listener_arn", "aws_lb_listener.https.arn"), ("dns_name", "aws_lb.this.dns_name")]
        ),
    )


def acm_module(tree: Tree) -> None:
    """modules/acm-certificate: ACM request whose key algorithm is an input with a default."""
    tree.add(
        "modules/acm-certificate/main.tf",
        render(
            [
                Block(
                    "resource",
                    ("aws_acm_certificate", "this"),
                    [
                        Attr("domain_name", "var.domain_name"),
                        Attr("validation_method", q("DNS")),
                        Attr("key_algorithm", "var.key_algorithm"),
                        Blank(),
                        Block("lifecycle", (), [Attr("create_before_destroy", "true")]),
                    ],
                )
            ]
        ),
    )
    tree.add(
        "modules/acm-certificate/variables.tf",
        render(
            [
                Block("variable", ("domain_name",), [Attr("type", "string")]),
                Block(
                    "variable",
                    ("key_algorithm",),
                    [Attr("type", "string"), Attr("default", q("EC_prime256v1"))],
                ),
            ]
        ),
    )
    tree.add(
        "modules/acm-certificate/outputs.tf", outputs_tf([("arn", "aws_acm_certificate.this.arn")])
    )


# ---------------------------------------------------------------- root modules


def add_pems(tree: Tree, root: str, name: str, spec: str) -> None:
    pems = pool()[spec]
    tree.add(f"{root}/certs/{name}.pem", pems.cert)
    tree.add(f"{root}/certs/{name}-chain.pem", pems.chain)
    tree.add(f"{root}/certs/{name}.key", pems.key)


_DECLARED = re.compile(r'^(resource|data)[ \t]+"([\w-]+)"[ \t]+"([\w-]+)"', re.M)


def _own_names(tree: Tree, paths: list[str], slug: str) -> None:
    """Give the resources of one root's TLS files names of their own (`public` becomes
    `public_orders_api_3`), as teams do: identical block text in every root would let a
    content-keyed cache answer a "cold" run from blocks it parsed a moment earlier."""
    texts = {p: tree.files[p].decode() for p in paths}
    declared = {(m[1], m[2], m[3]) for t in texts.values() for m in _DECLARED.finditer(t)}
    for path, text in texts.items():
        for mode, rtype, name in declared:
            prefix = "data." if mode == "data" else ""
            new = f"{name}_{slug}"
            text = re.sub(
                rf'^{mode}([ \t]+"{rtype}"[ \t]+)"{name}"', rf'{mode}\1"{new}"', text, flags=re.M
            )
            text = re.sub(rf"\b{prefix}{rtype}\.{name}\b", f"{prefix}{rtype}.{new}", text)
        tree.files[path] = text.encode()


def relevant_files(
    tree: Tree, rng: random.Random, root: str, service: str, variant: str
) -> list[str]:
    """The certificate/listener files of one root module. Returns the paths added."""
    paths = _relevant_files(tree, rng, root, service, variant)
    _own_names(tree, paths, service.replace("-", "_"))
    return paths


def _relevant_files(
    tree: Tree, rng: random.Random, root: str, service: str, variant: str
) -> list[str]:
    domain = f"{service}.example.com"
    if variant == "alb_request":
        certs = tls.acm_request(rng, "main", domain)
        lb = [
            *tls.lb_security_group("public"),
            *tls.load_balancer(rng, "public", "application"),
            *tls.listener(
                "https", "public", "aws_acm_certificate_validation.main.certificate_arn", "HTTPS"
            ),
            *tls.sni_certificates("extra", "https", {"legacy": "var.legacy_certificate_arn"}),
        ]
        tree.add(f"{root}/certificates.tf", render(certs))
        tree.add(
            f"{root}/listeners.tf",
            render(
                [
                    *lb,
                    Block(
                        "variable",
                        ("legacy_certificate_arn",),
                        [Attr("type", "string"), Attr("default", "null")],
                    ),
                ]
            ),
        )
        return [f"{root}/certificates.tf", f"{root}/listeners.tf"]
    if variant == "nlb_import":
        spec = rng.choice(["RSA_4096", "EC_prime256v1", "RSA_2048"])
        add_pems(tree, root, service, spec)
        if spec == "RSA_4096":
            tree.planted.append(
                f"{root}/listeners.tf: RSA 4096 imported into ACM on an NLB TLS listener"
            )
        tree.add(f"{root}/certificates.tf", render(tls.acm_import("tls", service)))
        tree.add(
            f"{root}/listeners.tf",
            render(
                [
                    *tls.load_balancer(rng, "nlb", "network"),
                    *tls.listener("tls", "nlb", "aws_acm_certificate.tls.arn", "TLS"),
                ]
            ),
        )
        return [f"{root}/certificates.tf", f"{root}/listeners.tf"]
    if variant == "tls_generated":
        trap = rng.random() < 0.5
        if trap:
            tree.planted.append(f"{root}/tls.tf: tls_private_key ECDSA without ecdsa_curve (P224)")
        blocks = [
            *tls.tls_generated("internal", f"internal.{domain}", trap),
            *tls.lb_security_group("internal"),
            *tls.load_balancer(rng, "internal", "application"),
            *tls.listener(
                "internal", "internal", "aws_acm_certificate.internal.arn", "HTTPS", 8443
            ),
        ]
        tree.add(f"{root}/tls.tf", render(blocks))
        return [f"{root}/tls.tf"]
    if variant == "classic":
        spec = rng.choice(["EC_prime256v1", "RSA_2048"])
        add_pems(tree, root, service, spec)
        if spec == "EC_prime256v1":
            tree.planted.append(f"{root}/legacy_elb.tf: EC certificate from ACM on a Classic LB")
        blocks = [
            *tls.acm_import("legacy", service),
            *tls.classic_elb("legacy", "aws_acm_certificate.legacy.arn"),
        ]
        tree.add(f"{root}/legacy_elb.tf", render(blocks))
        return [f"{root}/legacy_elb.tf"]
    if variant == "cloudfront":
        spec = rng.choice(["EC_secp384r1", "EC_prime256v1", "RSA_2048"])
        add_pems(tree, root, service, spec)
        if spec == "EC_secp384r1":
            tree.planted.append(f"{root}/cdn.tf: P-384 certificate on CloudFront")
        # CloudFront reads ACM in us-east-1 only; most teams remember the provider alias.
        in_us_east_1 = rng.random() < 0.7
        if not in_us_east_1 and root.split("/")[2] != "us-east-1":
            tree.planted.append(f"{root}/cdn.tf: CloudFront certificate imported outside us-east-1")
        blocks = [
            *tls.iam_server_certificate("cdn", service, cloudfront=True),
            *tls.acm_import("cdn", service, "aws.us_east_1" if in_us_east_1 else None),
            *tls.cloudfront("cdn", "aws_acm_certificate.cdn.arn", f"www.{domain}"),
        ]
        tree.add(f"{root}/cdn.tf", render(blocks))
        return [f"{root}/cdn.tf"]
    if variant == "api":
        blocks = [
            *tls.acm_request(rng, "api", f"api.{domain}"),
            *tls.api_domain("api", "aws_acm_certificate.api.arn", f"api.{domain}"),
        ]
        tree.add(f"{root}/api_domain.tf", render(blocks))
        return [f"{root}/api_domain.tf"]
    if variant == "module_alb":
        depth = root.count("/") + 1
        up = "../" * depth
        blocks = [
            Block(
                "module",
                ("certificate",),
                [
                    Attr("source", q(f"{up}modules/acm-certificate")),
                    Attr("domain_name", q(domain)),
                ],
            ),
            Block(
                "module",
                ("alb",),
                [
                    Attr("source", q(f"{up}modules/alb-https")),
                    Blank(),
                    Attr("name", "local.name_prefix"),
                    Attr("tags", "local.common_tags"),
                    Attr("certificate_arn", "module.certificate.arn"),
                    Attr("vpc_id", "var.vpc_id"),
                    Attr("public_subnet_ids", "var.public_subnet_ids"),
                ],
            ),
        ]
        tree.add(f"{root}/edge.tf", render(blocks))
        return [f"{root}/edge.tf"]
    raise ValueError(variant)


RELEVANT_VARIANTS = (
    "alb_request",
    "nlb_import",
    "tls_generated",
    "classic",
    "cloudfront",
    "api",
    "module_alb",
)


def root_module(
    tree: Tree,
    rng: random.Random,
    root: str,
    modules: list[tuple[str, str]],
    relevant: str | None,
    max_files: int,
) -> int:
    """One deployable root: providers, backend, variables, locals, tfvars, module calls and
    resource files. Returns how many Terraform files were added (at most `max_files`)."""
    account, region, service = root.split("/")[1:4]
    files: list[tuple[str, str]] = [
        ("main.tf", ""),
        ("variables.tf", variables_tf(rng)),
        ("locals.tf", locals_tf(service, account)),
        ("providers.tf", providers_tf(rng, region)),
        ("backend.tf", backend_tf(account, region, service)),
        ("terraform.tfvars", tfvars(rng, account)),
        ("outputs.tf", ""),
        ("data.tf", data_tf()),
    ]
    calls = rng.sample(modules, min(len(modules), rng.randint(1, 4)))
    depth = root.count("/") + 1
    main_blocks: list[Block | Raw | Blank] = []
    outputs = []
    for mod_path, kind in calls:
        label = mod_path.rsplit("/", 1)[1].replace("-", "_")
        main_blocks.append(
            Block(
                "module",
                (label,),
                [
                    Attr("source", q("../" * depth + mod_path)),
                    Blank(),
                    Attr("name", q(f"${{local.name_prefix}}-{kind.replace('_', '-')}")),
                    Attr("tags", "local.common_tags"),
                    Attr("vpc_id", "var.vpc_id"),
                    Attr("kms_key_arn", "var.kms_key_arn"),
                    Attr("private_subnet_ids", "var.private_subnet_ids"),
                    Attr("allowed_cidrs", "var.allowed_cidrs"),
                    Attr("release", "var.release"),
                ],
            )
        )
        outputs.append((f"{label}_outputs", f"module.{label}"))
    files[0] = ("main.tf", render(main_blocks))
    files[6] = ("outputs.tf", outputs_tf(outputs))
    for kind in rng.sample(GENERIC_MODULE_KINDS, rng.randint(1, 7)):
        blocks = []
        for n in range(rng.choice([1, 1, 2, 2, 3])):
            name = f"{rng.choice(res.WORDS)}_{kind}_{n}"
            blocks += res.KINDS[kind](rng, name)
        files.append((f"{kind}.tf", render(blocks)))
    budget = max_files
    added = 0
    if relevant:
        added += len(relevant_files(tree, rng, root, service, relevant))
        budget -= added
    for name, text in files[: max(1, budget)]:
        tree.add(f"{root}/{name}", text)
        added += 1
    return added


def monorepo(files: int = 5000, seed: int = 1, relevant_share: float = 0.02) -> Tree:
    """A monorepo of about `files` Terraform files, `relevant_share` of them about TLS."""
    rng = random.Random(seed)
    tree = Tree("monorepo", seed)
    n_modules = max(3, files // 70)
    modules: list[tuple[str, str]] = []
    for i in range(n_modules):
        kind = GENERIC_MODULE_KINDS[i % len(GENERIC_MODULE_KINDS)]
        path = f"modules/{kind.replace('_', '-')}-{i // len(GENERIC_MODULE_KINDS) + 1}"
        generic_module(tree, rng, path, kind)
        modules.append((path, kind))
    if relevant_share > 0:
        alb_module(tree, rng)
        acm_module(tree)
    target_relevant = round(files * relevant_share)
    relevant_done = len([p for p in tree.tf_files() if RELEVANT.search(tree.files[p].decode())])
    variant_cycle = 0
    i = 0
    while len(tree.tf_files()) < files:
        done = len(tree.tf_files())
        service = f"{rng.choice(res.WORDS)}-{rng.choice(res.WORDS)}-{i}"
        root = f"live/{ACCOUNTS[i % len(ACCOUNTS)]}/{REGIONS[(i // 3) % len(REGIONS)]}/{service}"
        variant = None
        if relevant_done < target_relevant * (done + 9) / files:
            variant = RELEVANT_VARIANTS[variant_cycle % len(RELEVANT_VARIANTS)]
            variant_cycle += 1
        before = set(tree.files)
        root_module(tree, rng, root, modules, variant, files - done)
        relevant_done += sum(
            1
            for p in set(tree.files) - before
            if p.endswith(".tf") and RELEVANT.search(tree.files[p].decode())
        )
        i += 1
    return tree


def dense(files: int = 200, seed: int = 1) -> Tree:
    """`files` Terraform files in roots of ten, every one of them binding certificates."""
    rng = random.Random(seed)
    tree = Tree("dense", seed)
    per_root = 10
    for i in range(0, files, per_root):
        service = f"{rng.choice(res.WORDS)}-{i // per_root}"
        root = f"stacks/{ACCOUNTS[(i // per_root) % len(ACCOUNTS)]}/{service}"
        for j in range(min(per_root, files - i)):
            blocks: list[Block | Raw | Blank] = []
            if j == 0:
                blocks += [
                    Block(
                        "locals",
                        (),
                        [
                            Attr("name_prefix", q(service)),
                            Attr("common_tags", hcl_map([("Service", q(service))])),
                        ],
                    ),
                ]
                header = variables_tf(rng)
            else:
                header = ""
            name = f"{service.replace('-', '_')}_svc{j}"
            domain = f"{name}.{service}.example.com"
            variant = RELEVANT_VARIANTS[(i + j) % len(RELEVANT_VARIANTS)]
            # Each file: one certificate story plus the resources that sit next to it.
            if variant in ("nlb_import", "classic", "cloudfront"):
                spec = rng.choice(["RSA_2048", "EC_prime256v1", "RSA_4096", "EC_secp384r1"])
                add_pems(tree, root, name, spec)
                blocks += tls.acm_import(name, name)
            else:
                blocks += tls.acm_request(rng, name, domain)
            cert = f"aws_acm_certificate.{name}.arn"
            if variant == "nlb_import":
                blocks += [
                    *tls.load_balancer(rng, name, "network"),
                    *tls.listener(name, name, cert, "TLS"),
                ]
            elif variant == "classic":
                blocks += tls.classic_elb(name, cert)
            elif variant == "cloudfront":
                blocks += tls.cloudfront(name, cert, domain)
            elif variant == "api":
                blocks += tls.api_domain(name, cert, domain)
            elif variant == "tls_generated":
                blocks += tls.tls_generated(f"{name}_self", domain, rng.random() < 0.3)
                blocks += [
                    *tls.lb_security_group(name),
                    *tls.load_balancer(rng, name, "application"),
                ]
                blocks += tls.listener(name, name, f"aws_acm_certificate.{name}_self.arn", "HTTPS")
            else:
                blocks += [
                    *tls.lb_security_group(name),
                    *tls.load_balancer(rng, name, "application"),
                ]
                blocks += tls.listener(name, name, cert, "HTTPS")
                blocks += tls.sni_certificates(f"{name}_sni", name, {"main": cert, "www": cert})
            blocks += res.security_group(rng, f"{name}_app")
            blocks += res.KINDS[rng.choice(["s3", "sqs", "dynamodb", "monitoring"])](rng, name)
            text = (header + "\n" if header else "") + render(blocks)
            tree.add(f"{root}/{name}.tf", text)
    return tree


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["monorepo", "dense"])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--files", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    tree = (
        monorepo(args.files or 5000, args.seed)
        if args.kind == "monorepo"
        else dense(args.files or 200, args.seed)
    )
    tree.write(args.dir)
    print(json.dumps(tree.summary(), indent=2))


if __name__ == "__main__":
    main()
