"""Terraform resources that make up the bulk of a real monorepo: none of them touches a
certificate, so a linter that reads only what matters should barely notice them.

Each function returns top-level blocks for one piece of infrastructure, with the sizes and
shapes people write (tags merged from locals, policy documents, dynamic blocks, heredocs).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from benchmarks.hcl_writer import Attr, Blank, Block, Raw, hcl_list, hcl_map, q

_WORDS = (
    "orders billing search catalog ledger payments identity audit notify reports gateway "
    "inventory pricing shipping analytics events users sessions media thumbnails export "
    "import ingest metrics alerts backup archive scheduler workflow checkout cart loyalty"
)
WORDS = _WORDS.split()


def tags(extra: dict[str, str] | None = None) -> str:
    pairs = [(k, q(v)) for k, v in (extra or {}).items()]
    if not pairs:
        return "local.common_tags"
    return "merge(local.common_tags, " + hcl_map(pairs) + ")"


def vpc(rng: random.Random, name: str) -> list[Block | Raw | Blank]:
    azs = rng.randint(2, 3)
    cidr = f"10.{rng.randint(0, 250)}.0.0/16"
    blocks: list[Block | Raw | Blank] = [
        Block(
            "resource",
            ("aws_vpc", name),
            [
                Attr("cidr_block", q(cidr)),
                Attr("enable_dns_hostnames", "true"),
                Attr("enable_dns_support", "true"),
                Blank(),
                Attr("tags", tags({"Name": f"${{local.name_prefix}}-{name}"})),
            ],
        ),
        Block(
            "resource",
            ("aws_internet_gateway", name),
            [Attr("vpc_id", f"aws_vpc.{name}.id"), Attr("tags", "local.common_tags")],
        ),
    ]
    for tier in ("public", "private"):
        blocks.append(
            Block(
                "resource",
                ("aws_subnet", f"{name}_{tier}"),
                [
                    Attr("count", str(azs)),
                    Attr("vpc_id", f"aws_vpc.{name}.id"),
                    Attr(
                        "cidr_block",
                        f"cidrsubnet(aws_vpc.{name}.cidr_block, 8, count.index"
                        + (" + 10)" if tier == "private" else ")"),
                    ),
                    Attr(
                        "availability_zone",
                        "data.aws_availability_zones.available.names[count.index]",
                    ),
                    Attr("map_public_ip_on_launch", "true" if tier == "public" else "false"),
                    Blank(),
                    Attr(
                        "tags",
                        tags(
                            {
                                "Name": f"${{local.name_prefix}}-{tier}-${{count.index}}",
                                "Tier": tier,
                            }
                        ),
                    ),
                ],
            )
        )
        blocks.append(
            Block(
                "resource",
                ("aws_route_table", f"{name}_{tier}"),
                [
                    Attr("vpc_id", f"aws_vpc.{name}.id"),
                    Blank(),
                    Block(
                        "route",
                        (),
                        [
                            Attr("cidr_block", q("0.0.0.0/0")),
                            Attr(
                                "gateway_id" if tier == "public" else "nat_gateway_id",
                                f"aws_internet_gateway.{name}.id"
                                if tier == "public"
                                else f"aws_nat_gateway.{name}[0].id",
                            ),
                        ],
                    ),
                    Attr("tags", "local.common_tags"),
                ],
            )
        )
    blocks.append(
        Block(
            "resource",
            ("aws_eip", f"{name}_nat"),
            [Attr("count", str(azs)), Attr("domain", q("vpc")), Attr("tags", "local.common_tags")],
        )
    )
    blocks.append(
        Block(
            "resource",
            ("aws_nat_gateway", name),
            [
                Attr("count", str(azs)),
                Attr("allocation_id", f"aws_eip.{name}_nat[count.index].id"),
                Attr("subnet_id", f"aws_subnet.{name}_public[count.index].id"),
                Attr("tags", "local.common_tags"),
            ],
        )
    )
    return blocks


def iam_role(rng: random.Random, name: str) -> list[Block | Raw | Blank]:
    service = rng.choice(["lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com"])
    actions = rng.sample(
        [
            "s3:GetObject",
            "s3:PutObject",
            "s3:ListBucket",
            "sqs:SendMessage",
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "kms:Decrypt",
            "kms:GenerateDataKey",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "sns:Publish",
            "secretsmanager:GetSecretValue",
        ],
        rng.randint(3, 7),
    )
    return [
        Block(
            "data",
            ("aws_iam_policy_document", f"{name}_assume"),
            [
                Block(
                    "statement",
                    (),
                    [
                        Attr("effect", q("Allow")),
                        Attr("actions", hcl_list([q("sts:AssumeRole")])),
                        Blank(),
                        Block(
                            "principals",
                            (),
                            [
                                Attr("type", q("Service")),
                                Attr("identifiers", hcl_list([q(service)])),
                            ],
                        ),
                    ],
                )
            ],
        ),
        Block(
            "resource",
            ("aws_iam_role", name),
            [
                Attr("name", q(f"${{local.name_prefix}}-{name.replace('_', '-')}")),
                Attr("assume_role_policy", f"data.aws_iam_policy_document.{name}_assume.json"),
                Attr("max_session_duration", str(rng.choice([3600, 7200, 43200]))),
                Attr("tags", "local.common_tags"),
            ],
        ),
        Block(
            "data",
            ("aws_iam_policy_document", name),
            [
                Block(
                    "statement",
                    (),
                    [
                        Attr("sid", q(name.replace("_", "").title()[:30])),
                        Attr("effect", q("Allow")),
                        Attr("actions", hcl_list([q(a) for a in actions])),
                        Attr("resources", hcl_list([q("*")])),
                    ],
                ),
                Block(
                    "statement",
                    (),
                    [
                        Attr("effect", q("Deny")),
                        Attr("actions", hcl_list([q("s3:DeleteBucket")])),
                        Attr("resources", hcl_list([q("*")])),
                        Blank(),
                        Block(
                            "condition",
                            (),
                            [
                                Attr("test", q("StringNotEquals")),
                                Attr("variable", q("aws:PrincipalTag/team")),
                                Attr("values", hcl_list(["var.team"])),
                            ],
                        ),
                    ],
                ),
            ],
        ),
        Block(
            "resource",
            ("aws_iam_role_policy", name),
            [
                Attr("name", q("inline")),
                Attr("role", f"aws_iam_role.{name}.id"),
                Attr("policy", f"data.aws_iam_policy_document.{name}.json"),
            ],
        ),
    ]


def s3_bucket(rng: random.Random, name: str) -> list[Block | Raw | Blank]:
    days = rng.choice([30, 60, 90, 365])
    return [
        Block(
            "resource",
            ("aws_s3_bucket", name),
            [
                Attr("bucket", q(f"${{local.name_prefix}}-{name.replace('_', '-')}")),
                Attr("force_destroy", "false"),
                Attr("tags", tags({"DataClass": rng.choice(["internal", "confidential"])})),
            ],
        ),
        Block(
            "resource",
            ("aws_s3_bucket_versioning", name),
            [
                Attr("bucket", f"aws_s3_bucket.{name}.id"),
                Blank(),
                Block("versioning_configuration", (), [Attr("status", q("Enabled"))]),
            ],
        ),
        Block(
            "resource",
            ("aws_s3_bucket_server_side_encryption_configuration", name),
            [
                Attr("bucket", f"aws_s3_bucket.{name}.id"),
                Blank(),
                Block(
                    "rule",
                    (),
                    [
                        Block(
                            "apply_server_side_encryption_by_default",
                            (),
                            [
                                Attr("sse_algorithm", q("aws:kms")),
                                Attr("kms_master_key_id", "var.kms_key_arn"),
                            ],
                        ),
                        Attr("bucket_key_enabled", "true"),
                    ],
                ),
            ],
        ),
        Block(
            "resource",
            ("aws_s3_bucket_public_access_block", name),
            [
                Attr("bucket", f"aws_s3_bucket.{name}.id"),
                Attr("block_public_acls", "true"),
                Attr("block_public_policy", "true"),
                Attr("ignore_public_acls", "true"),
                Attr("restrict_public_buckets", "true"),
            ],
        ),
        Block(
            "resource",
            ("aws_s3_bucket_lifecycle_configuration", name),
            [
                Attr("bucket", f"aws_s3_bucket.{name}.id"),
                Blank(),
                Block(
                    "rule",
                    (),
                    [
                        Attr("id", q("expire-old-versions")),
                        Attr("status", q("Enabled")),
                        Blank(),
                        Block("filter", (), [Attr("prefix", q(""))]),
                        Block(
                            "noncurrent_version_expiration",
                            (),
                            [Attr("noncurrent_days", str(days))],
                        ),
                    ],
                ),
            ],
        ),
    ]


def lambda_function(rng: random.Random, name: str) -> list[Block | Raw | Blank]:
    runtime = rng.choice(["python3.12", "nodejs20.x", "python3.11", "java21"])
    env = [
        (k, v)
        for k, v in rng.sample(
            [
                ("LOG_LEVEL", q("INFO")),
                ("TABLE_NAME", "var.table_name"),
                ("QUEUE_URL", "var.queue_url"),
                ("STAGE", "var.environment"),
                ("POWERTOOLS_SERVICE_NAME", q(name)),
                ("BUCKET", "var.bucket_name"),
            ],
            rng.randint(2, 5),
        )
    ]
    return [
        Block(
            "resource",
            ("aws_lambda_function", name),
            [
                Attr("function_name", q(f"${{local.name_prefix}}-{name.replace('_', '-')}")),
                Attr("role", "var.lambda_role_arn"),
                Attr(
                    "handler", q("app.handler" if runtime.startswith("python") else "index.handler")
                ),
                Attr("runtime", q(runtime)),
                Attr("memory_size", str(rng.choice([128, 256, 512, 1024]))),
                Attr("timeout", str(rng.choice([3, 10, 30, 60, 900]))),
                Attr("s3_bucket", "var.artifact_bucket"),
                Attr("s3_key", q(f"{name}/${{var.release}}.zip")),
                Blank(),
                Block("environment", (), [Attr("variables", hcl_map(env))]),
                Block(
                    "vpc_config",
                    (),
                    [
                        Attr("subnet_ids", "var.private_subnet_ids"),
                        Attr("security_group_ids", hcl_list([f"aws_security_group.{name}.id"])),
                    ],
                ),
                Block("tracing_config", (), [Attr("mode", q("Active"))]),
                Attr("tags", "local.common_tags"),
            ],
        ),
        Block(
            "resource",
            ("aws_cloudwatch_log_group", name),
            [
                Attr("name", q(f"/aws/lambda/${{aws_lambda_function.{name}.function_name}}")),
                Attr("retention_in_days", str(rng.choice([7, 14, 30, 90]))),
                Attr("kms_key_id", "var.kms_key_arn"),
            ],
        ),
        Block(
            "resource",
            ("aws_lambda_permission", name),
            [
                Attr("statement_id", q("AllowExecutionFromEventBridge")),
                Attr("action", q("lambda:InvokeFunction")),
                Attr("function_name", f"aws_lambda_function.{name}.function_name"),
                Attr("principal", q("events.amazonaws.com")),
                Attr("source_arn", f"aws_cloudwatch_event_rule.{name}.arn"),
            ],
        ),
        Block(
            "resource",
            ("aws_cloudwatch_event_rule", name),
            [
                Attr("name", q(f"${{local.name_prefix}}-{name.replace('_', '-')}")),
                Attr(
                    "schedule_expression", q(rng.choice(["rate(5 minutes)", "cron(0 3 * * ? *)"]))
                ),
            ],
        ),
        *security_group(rng, name, ports=[]),
    ]


def security_group(
    rng: random.Random, name: str, ports: list[int] | None = None
) -> list[Block | Raw | Blank]:
    if ports is None:
        ports = rng.sample([22, 80, 443, 5432, 6379, 8080, 8443, 9090], rng.randint(1, 3))
    body: list[Attr | Block | Blank | Raw] = [
        Attr("name", q(f"${{local.name_prefix}}-{name.replace('_', '-')}")),
        Attr("description", q(f"Traffic for {name.replace('_', ' ')}")),
        Attr("vpc_id", "var.vpc_id"),
    ]
    for port in ports:
        body.append(
            Block(
                "ingress",
                (),
                [
                    Attr("description", q(f"port {port}")),
                    Attr("from_port", str(port)),
                    Attr("to_port", str(port)),
                    Attr("protocol", q("tcp")),
                    Attr("cidr_blocks", "var.allowed_cidrs"),
                ],
            )
        )
    body.append(
        Block(
            "egress",
            (),
            [
                Attr("from_port", "0"),
                Attr("to_port", "0"),
                Attr("protocol", q("-1")),
                Attr("cidr_blocks", hcl_list([q("0.0.0.0/0")])),
            ],
        )
    )
    body.append(Block("lifecycle", (), [Attr("create_before_destroy", "true")]))
    body.append(Attr("tags", "local.common_tags"))
    return [Block("resource", ("aws_security_group", name), body)]


def sqs_queue(rng: random.Random, name: str) -> list[Block | Raw | Blank]:
    return [
        Block(
            "resource",
            ("aws_sqs_queue", f"{name}_dlq"),
            [
                Attr("name", q(f"${{local.name_prefix}}-{name.replace('_', '-')}-dlq")),
                Attr("message_retention_seconds", "1209600"),
                Attr("kms_master_key_id", "var.kms_key_arn"),
            ],
        ),
        Block(
            "resource",
            ("aws_sqs_queue", name),
            [
                Attr("name", q(f"${{local.name_prefix}}-{name.replace('_', '-')}")),
                Attr("visibility_timeout_seconds", str(rng.choice([30, 60, 300, 900]))),
                Attr("receive_wait_time_seconds", "20"),
                Attr("kms_master_key_id", "var.kms_key_arn"),
                Attr(
                    "redrive_policy",
                    "jsonencode("
                    + hcl_map(
                        [
                            ("deadLetterTargetArn", f"aws_sqs_queue.{name}_dlq.arn"),
                            ("maxReceiveCount", str(rng.randint(3, 10))),
                        ]
                    )
                    + ")",
                ),
                Attr("tags", "local.common_tags"),
            ],
        ),
    ]


def dynamodb_table(rng: random.Random, name: str) -> list[Block | Raw | Blank]:
    return [
        Block(
            "resource",
            ("aws_dynamodb_table", name),
            [
                Attr("name", q(f"${{local.name_prefix}}-{name.replace('_', '-')}")),
                Attr("billing_mode", q("PAY_PER_REQUEST")),
                Attr("hash_key", q("pk")),
                Attr("range_key", q("sk")),
                Blank(),
                Block("attribute", (), [Attr("name", q("pk")), Attr("type", q("S"))]),
                Block("attribute", (), [Attr("name", q("sk")), Attr("type", q("S"))]),
                Block("point_in_time_recovery", (), [Attr("enabled", "true")]),
                Block(
                    "server_side_encryption",
                    (),
                    [Attr("enabled", "true"), Attr("kms_key_arn", "var.kms_key_arn")],
                ),
                Block(
                    "ttl", (), [Attr("attribute_name", q("expires_at")), Attr("enabled", "true")]
                ),
                Attr("tags", "local.common_tags"),
            ],
        )
    ]


def kms_key(rng: random.Random, name: str) -> list[Block | Raw | Blank]:
    policy = (
        "<<-EOT\n"
        "    {\n"
        '      "Version": "2012-10-17",\n'
        '      "Statement": [\n'
        "        {\n"
        '          "Sid": "EnableRoot",\n'
        '          "Effect": "Allow",\n'
        '          "Principal": {"AWS": "arn:aws:iam::'
        '${data.aws_caller_identity.current.account_id}:root"},\n'
        '          "Action": "kms:*",\n'
        '          "Resource": "*"\n'
        "        }\n"
        "      ]\n"
        "    }\n"
        "  EOT"
    )
    return [
        Block(
            "resource",
            ("aws_kms_key", name),
            [
                Attr("description", q(f"{name.replace('_', ' ')} data key")),
                Attr("deletion_window_in_days", str(rng.choice([7, 14, 30]))),
                Attr("enable_key_rotation", "true"),
                Attr("policy", policy),
                Attr("tags", "local.common_tags"),
            ],
        ),
        Block(
            "resource",
            ("aws_kms_alias", name),
            [
                Attr("name", q(f"alias/${{local.name_prefix}}-{name.replace('_', '-')}")),
                Attr("target_key_id", f"aws_kms_key.{name}.key_id"),
            ],
        ),
    ]


def alarms(rng: random.Random, name: str) -> list[Block | Raw | Blank]:
    blocks: list[Block | Raw | Blank] = [
        Block(
            "resource",
            ("aws_sns_topic", f"{name}_alerts"),
            [
                Attr("name", q(f"${{local.name_prefix}}-{name.replace('_', '-')}-alerts")),
                Attr("kms_master_key_id", q("alias/aws/sns")),
            ],
        )
    ]
    for metric in rng.sample(["Errors", "Throttles", "Duration", "ConcurrentExecutions"], 2):
        blocks.append(
            Block(
                "resource",
                ("aws_cloudwatch_metric_alarm", f"{name}_{metric.lower()}"),
                [
                    Attr("alarm_name", q(f"${{local.name_prefix}}-{name}-{metric.lower()}")),
                    Attr("comparison_operator", q("GreaterThanThreshold")),
                    Attr("evaluation_periods", str(rng.randint(1, 5))),
                    Attr("metric_name", q(metric)),
                    Attr("namespace", q("AWS/Lambda")),
                    Attr("period", str(rng.choice([60, 300]))),
                    Attr("statistic", q("Sum")),
                    Attr("threshold", str(rng.randint(1, 100))),
                    Attr("alarm_actions", hcl_list([f"aws_sns_topic.{name}_alerts.arn"])),
                    Blank(),
                    Attr("dimensions", hcl_map([("FunctionName", "var.function_name")])),
                ],
            )
        )
    return blocks


def ecs_service(rng: random.Random, name: str) -> list[Block | Raw | Blank]:
    container = (
        "jsonencode([\n"
        "  {\n"
        f'    name      = "{name}"\n'
        '    image     = "${var.image_repository}:${var.release}"\n'
        f"    cpu       = {rng.choice([256, 512, 1024])}\n"
        f"    memory    = {rng.choice([512, 1024, 2048])}\n"
        "    essential = true\n"
        "    portMappings = [\n"
        f'      {{ containerPort = {rng.choice([8080, 3000, 9000])}, protocol = "tcp" }}\n'
        "    ]\n"
        "  }\n"
        "])"
    )
    return [
        Block(
            "resource",
            ("aws_ecs_task_definition", name),
            [
                Attr("family", q(f"${{local.name_prefix}}-{name.replace('_', '-')}")),
                Attr("requires_compatibilities", hcl_list([q("FARGATE")])),
                Attr("network_mode", q("awsvpc")),
                Attr("cpu", q("512")),
                Attr("memory", q("1024")),
                Attr("execution_role_arn", "var.execution_role_arn"),
                Attr("container_definitions", container),
            ],
        ),
        Block(
            "resource",
            ("aws_ecs_service", name),
            [
                Attr("name", q(name.replace("_", "-"))),
                Attr("cluster", "var.cluster_arn"),
                Attr("task_definition", f"aws_ecs_task_definition.{name}.arn"),
                Attr("desired_count", str(rng.randint(1, 6))),
                Attr("launch_type", q("FARGATE")),
                Blank(),
                Block(
                    "network_configuration",
                    (),
                    [
                        Attr("subnets", "var.private_subnet_ids"),
                        Attr("security_groups", "var.security_group_ids"),
                        Attr("assign_public_ip", "false"),
                    ],
                ),
            ],
        ),
    ]


KINDS: dict[str, Callable[[random.Random, str], list[Block | Raw | Blank]]] = {
    "vpc": vpc,
    "iam": iam_role,
    "s3": s3_bucket,
    "lambda": lambda_function,
    "security_groups": security_group,
    "sqs": sqs_queue,
    "dynamodb": dynamodb_table,
    "kms": kms_key,
    "monitoring": alarms,
    "ecs": ecs_service,
}
