"""The few Terraform blocks that a certificate linter must read: certificates, keys, load
balancers, listeners, CloudFront and API Gateway domains, in the shapes found in real code.

Some of them carry the known traps (the ECDSA P-224 default of `tls_private_key`, an RSA 4096
certificate on an NLB TLS listener, an EC certificate on a Classic LB) so that a benchmark run
also shows that the linter found what it was supposed to find.
"""

from __future__ import annotations

import random

from benchmarks.hcl_writer import Attr, Blank, Block, Raw, hcl_list, hcl_map, q

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def acm_request(rng: random.Random, name: str, domain: str) -> list[Block | Raw | Blank]:
    algo = rng.choice(["RSA_2048", "EC_prime256v1", "EC_secp384r1"])
    return [
        Block(
            "resource",
            ("aws_acm_certificate", name),
            [
                Attr("domain_name", q(domain)),
                Attr("subject_alternative_names", hcl_list([q(f"*.{domain}")])),
                Attr("validation_method", q("DNS")),
                Attr("key_algorithm", q(algo)),
                Blank(),
                Block("lifecycle", (), [Attr("create_before_destroy", "true")]),
                Attr("tags", "local.common_tags"),
            ],
        ),
        Block(
            "resource",
            ("aws_route53_record", f"{name}_validation"),
            [
                Raw(
                    "for_each = {\n"
                    f"  for dvo in aws_acm_certificate.{name}.domain_validation_options : "
                    "dvo.domain_name => {\n"
                    "    name   = dvo.resource_record_name\n"
                    "    record = dvo.resource_record_value\n"
                    "    type   = dvo.resource_record_type\n"
                    "  }\n"
                    "}"
                ),
                Blank(),
                Attr("zone_id", "var.zone_id"),
                Attr("name", "each.value.name"),
                Attr("type", "each.value.type"),
                Attr("ttl", "60"),
                Attr("records", hcl_list(["each.value.record"])),
            ],
        ),
        Block(
            "resource",
            ("aws_acm_certificate_validation", name),
            [
                Attr("certificate_arn", f"aws_acm_certificate.{name}.arn"),
                Attr(
                    "validation_record_fqdns",
                    f"[for r in aws_route53_record.{name}_validation : r.fqdn]",
                ),
            ],
        ),
    ]


def acm_import(name: str, pem: str, provider: str | None = None) -> list[Block | Raw | Blank]:
    """An imported certificate read from PEM files next to the configuration (in the region of
    `provider`, an alias such as `aws.us_east_1`, when given)."""
    where: list[Attr | Block | Blank | Raw] = (
        [Attr("provider", provider), Blank()] if provider else []
    )
    return [
        Block(
            "resource",
            ("aws_acm_certificate", name),
            [
                *where,
                Attr("certificate_body", f'file("${{path.module}}/certs/{pem}.pem")'),
                Attr("certificate_chain", f'file("${{path.module}}/certs/{pem}-chain.pem")'),
                Attr("private_key", f'file("${{path.module}}/certs/{pem}.key")'),
                Blank(),
                Block("lifecycle", (), [Attr("create_before_destroy", "true")]),
                Attr("tags", "local.common_tags"),
            ],
        )
    ]


def tls_generated(name: str, domain: str, p224_trap: bool) -> list[Block | Raw | Blank]:
    """A key and a self-signed certificate made by the tls provider, imported into ACM.
    With the trap, `ecdsa_curve` is left out, so the provider's default P224 applies."""
    key_body: list[Attr | Block | Blank | Raw] = [
        Attr("algorithm", q("ECDSA" if p224_trap else "RSA"))
    ]
    if not p224_trap:
        key_body.append(Attr("rsa_bits", "2048"))
    return [
        Block("resource", ("tls_private_key", name), key_body),
        Block(
            "resource",
            ("tls_self_signed_cert", name),
            [
                Attr("private_key_pem", f"tls_private_key.{name}.private_key_pem"),
                Attr("validity_period_hours", "8760"),
                Attr(
                    "allowed_uses",
                    hcl_list([q("key_encipherment"), q("digital_signature"), q("server_auth")]),
                ),
                Blank(),
                Block(
                    "subject",
                    (),
                    [Attr("common_name", q(domain)), Attr("organization", q("Example Ltd"))],
                ),
            ],
        ),
        Block(
            "resource",
            ("aws_acm_certificate", name),
            [
                Attr("private_key", f"tls_private_key.{name}.private_key_pem"),
                Attr("certificate_body", f"tls_self_signed_cert.{name}.cert_pem"),
            ],
        ),
    ]


def iam_server_certificate(
    name: str, pem: str, cloudfront: bool = False
) -> list[Block | Raw | Blank]:
    body: list[Attr | Block | Blank | Raw] = [
        Attr("name_prefix", q(f"{name.replace('_', '-')}-")),
        Attr("certificate_body", f'file("${{path.module}}/certs/{pem}.pem")'),
        Attr("certificate_chain", f'file("${{path.module}}/certs/{pem}-chain.pem")'),
        Attr("private_key", f'file("${{path.module}}/certs/{pem}.key")'),
    ]
    if cloudfront:
        body.append(Attr("path", q("/cloudfront/")))
    body += [Blank(), Block("lifecycle", (), [Attr("create_before_destroy", "true")])]
    return [Block("resource", ("aws_iam_server_certificate", name), body)]


def load_balancer(rng: random.Random, name: str, lb_type: str) -> list[Block | Raw | Blank]:
    body: list[Attr | Block | Blank | Raw] = [
        Attr("name", q(f"${{local.name_prefix}}-{name.replace('_', '-')}"[:40])),
        Attr("internal", rng.choice(["true", "false"])),
        Attr("load_balancer_type", q(lb_type)),
        Attr("subnets", "var.public_subnet_ids"),
    ]
    if lb_type == "application":
        body.append(Attr("security_groups", hcl_list([f"aws_security_group.{name}_lb.id"])))
        body.append(Attr("drop_invalid_header_fields", "true"))
    body += [
        Attr("enable_deletion_protection", "true"),
        Blank(),
        Block(
            "access_logs",
            (),
            [Attr("bucket", "var.log_bucket"), Attr("prefix", q(name)), Attr("enabled", "true")],
        ),
        Attr("tags", "local.common_tags"),
    ]
    return [
        Block("resource", ("aws_lb", name), body),
        Block(
            "resource",
            ("aws_lb_target_group", name),
            [
                Attr("name", q(f"{name.replace('_', '-')}"[:32])),
                Attr("port", str(rng.choice([8080, 3000, 443]))),
                Attr("protocol", q("HTTP" if lb_type == "application" else "TCP")),
                Attr("vpc_id", "var.vpc_id"),
                Attr("target_type", q("ip")),
                Blank(),
                Block(
                    "health_check",
                    (),
                    [
                        Attr(
                            "path" if lb_type == "application" else "port",
                            q("/healthz") if lb_type == "application" else q("traffic-port"),
                        ),
                        Attr("healthy_threshold", "3"),
                        Attr("unhealthy_threshold", "3"),
                        Attr("interval", "30"),
                    ],
                ),
            ],
        ),
    ]


def listener(
    name: str, lb: str, cert_expr: str, protocol: str, port: int = 443
) -> list[Block | Raw | Blank]:
    return [
        Block(
            "resource",
            ("aws_lb_listener", name),
            [
                Attr("load_balancer_arn", f"aws_lb.{lb}.arn"),
                Attr("port", str(port)),
                Attr("protocol", q(protocol)),
                Attr("ssl_policy", q(TLS_POLICY)),
                Attr("certificate_arn", cert_expr),
                Blank(),
                Block(
                    "default_action",
                    (),
                    [
                        Attr("type", q("forward")),
                        Attr("target_group_arn", f"aws_lb_target_group.{lb}.arn"),
                    ],
                ),
            ],
        )
    ]


def sni_certificates(
    name: str, listener_name: str, cert_exprs: dict[str, str]
) -> list[Block | Raw | Blank]:
    """Extra certificates on one listener through for_each over a map, as teams write it."""
    return [
        Block(
            "resource",
            ("aws_lb_listener_certificate", name),
            [
                Attr("for_each", hcl_map([(q(k), v) for k, v in cert_exprs.items()])),
                Blank(),
                Attr("listener_arn", f"aws_lb_listener.{listener_name}.arn"),
                Attr("certificate_arn", "each.value"),
            ],
        )
    ]


def classic_elb(name: str, cert_expr: str) -> list[Block | Raw | Blank]:
    return [
        Block(
            "resource",
            ("aws_elb", name),
            [
                Attr("name", q(name.replace("_", "-")[:32])),
                Attr("subnets", "var.public_subnet_ids"),
                Blank(),
                Block(
                    "listener",
                    (),
                    [
                        Attr("instance_port", "8080"),
                        Attr("instance_protocol", q("http")),
                        Attr("lb_port", "443"),
                        Attr("lb_protocol", q("https")),
                        Attr("ssl_certificate_id", cert_expr),
                    ],
                ),
                Block(
                    "health_check",
                    (),
                    [
                        Attr("healthy_threshold", "2"),
                        Attr("unhealthy_threshold", "2"),
                        Attr("timeout", "3"),
                        Attr("target", q("HTTP:8080/healthz")),
                        Attr("interval", "30"),
                    ],
                ),
                Attr("cross_zone_load_balancing", "true"),
                Attr("tags", "local.common_tags"),
            ],
        )
    ]


def cloudfront(name: str, cert_expr: str, domain: str) -> list[Block | Raw | Blank]:
    return [
        Block(
            "resource",
            ("aws_cloudfront_distribution", name),
            [
                Attr("enabled", "true"),
                Attr("is_ipv6_enabled", "true"),
                Attr("aliases", hcl_list([q(domain)])),
                Attr("price_class", q("PriceClass_100")),
                Blank(),
                Block(
                    "origin",
                    (),
                    [
                        Attr("domain_name", "var.origin_domain"),
                        Attr("origin_id", q("primary")),
                        Blank(),
                        Block(
                            "custom_origin_config",
                            (),
                            [
                                Attr("http_port", "80"),
                                Attr("https_port", "443"),
                                Attr("origin_protocol_policy", q("https-only")),
                                Attr("origin_ssl_protocols", hcl_list([q("TLSv1.2")])),
                            ],
                        ),
                    ],
                ),
                Block(
                    "default_cache_behavior",
                    (),
                    [
                        Attr("allowed_methods", hcl_list([q("GET"), q("HEAD")])),
                        Attr("cached_methods", hcl_list([q("GET"), q("HEAD")])),
                        Attr("target_origin_id", q("primary")),
                        Attr("viewer_protocol_policy", q("redirect-to-https")),
                        Attr("cache_policy_id", "var.cache_policy_id"),
                    ],
                ),
                Block(
                    "restrictions",
                    (),
                    [Block("geo_restriction", (), [Attr("restriction_type", q("none"))])],
                ),
                Block(
                    "viewer_certificate",
                    (),
                    [
                        Attr("acm_certificate_arn", cert_expr),
                        Attr("ssl_support_method", q("sni-only")),
                        Attr("minimum_protocol_version", q("TLSv1.2_2021")),
                    ],
                ),
                Attr("tags", "local.common_tags"),
            ],
        )
    ]


def api_domain(name: str, cert_expr: str, domain: str) -> list[Block | Raw | Blank]:
    return [
        Block(
            "resource",
            ("aws_apigatewayv2_domain_name", name),
            [
                Attr("domain_name", q(domain)),
                Blank(),
                Block(
                    "domain_name_configuration",
                    (),
                    [
                        Attr("certificate_arn", cert_expr),
                        Attr("endpoint_type", q("REGIONAL")),
                        Attr("security_policy", q("TLS_1_2")),
                    ],
                ),
                Attr("tags", "local.common_tags"),
            ],
        )
    ]


def lb_security_group(name: str) -> list[Block | Raw | Blank]:
    return [
        Block(
            "resource",
            ("aws_security_group", f"{name}_lb"),
            [
                Attr("name", q(f"${{local.name_prefix}}-{name.replace('_', '-')}-lb")),
                Attr("vpc_id", "var.vpc_id"),
                Blank(),
                Block(
                    "ingress",
                    (),
                    [
                        Attr("from_port", "443"),
                        Attr("to_port", "443"),
                        Attr("protocol", q("tcp")),
                        Attr("cidr_blocks", hcl_list([q("0.0.0.0/0")])),
                    ],
                ),
            ],
        )
    ]
