"""Loading a tree: variable sources and their precedence, module following, --recursive roots,
links out of the root, the parse cache, and the parse-work figure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fixtures import pki
from linter.model import Model, Target
from linter.options import LoadOptions
from linter.terraform import find_root_modules, load_terraform
from linter.terraform.modules import forget_files
from tests.terraform.conftest import findings, load, write_tree

LISTENER = """
variable "cert" {
  type    = string
  default = "arn:aws:acm:eu-west-1:111122223333:certificate/from-default"
}

resource "aws_lb_listener" "l" {
  protocol        = "HTTPS"
  certificate_arn = var.cert
}
"""


def bound_arn(model: Model) -> str | None:
    [b] = model.bindings
    return b.certificate.arn if b.certificate else None


def arn(name: str) -> str:
    return f"arn:aws:acm:eu-west-1:111122223333:certificate/{name}"


def test_variable_precedence_follows_terraform(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "main.tf": LISTENER,
            "terraform.tfvars": f'cert = "{arn("tfvars")}"\n',
            "b.auto.tfvars": f'cert = "{arn("auto-b")}"\n',
            "a.auto.tfvars.json": f'{{"cert": "{arn("auto-a")}"}}\n',
            "extra.tfvars": f'cert = "{arn("var-file")}"\n',
        },
    )
    env = {"TF_VAR_cert": arn("env")}
    assert bound_arn(load(tmp_path, environ=env)) == arn("auto-b")  # lexical: b after a
    (tmp_path / "b.auto.tfvars").unlink()
    assert bound_arn(load(tmp_path, environ=env)) == arn("auto-a")
    var_file = [tmp_path / "extra.tfvars"]
    assert bound_arn(load(tmp_path, environ=env, var_files=var_file)) == arn("var-file")
    cli = {"cert": arn("cli")}
    assert bound_arn(load(tmp_path, environ=env, var_files=var_file, variables=cli)) == arn("cli")
    for f in ("terraform.tfvars", "a.auto.tfvars.json"):
        (tmp_path / f).unlink()
    assert bound_arn(load(tmp_path, environ=env)) == arn("env")
    assert bound_arn(load(tmp_path, environ={})) == arn("from-default")


def test_typed_variables_from_the_command_line_are_parsed(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "main.tf": """
variable "certs" {
  type = map(string)
}
resource "aws_lb_listener" "l" {
  protocol        = "HTTPS"
  certificate_arn = var.certs["api"]
}
"""
        },
    )
    model = load(tmp_path, variables={"certs": f'{{ api = "{arn("cli-map")}" }}'})
    assert bound_arn(model) == arn("cli-map")


MODULE_TREE = {
    "main.tf": """
module "edge" {
  source = "./modules/edge"
  cert   = "arn:aws:acm:eu-west-1:111122223333:certificate/x"
}
""",
    "modules/edge/main.tf": """
variable "cert" {}
module "inner" {
  source = "../inner"
  cert   = var.cert
}
""",
    "modules/inner/main.tf": """
variable "cert" {}
resource "aws_lb" "nlb" {
  load_balancer_type = "network"
}
resource "aws_lb_listener" "tls" {
  load_balancer_arn = aws_lb.nlb.arn
  protocol          = "TLS"
  certificate_arn   = var.cert
}
""",
}


def test_local_modules_pass_inputs_down_and_findings_name_the_call_chain(tmp_path: Path) -> None:
    write_tree(tmp_path, MODULE_TREE)
    model = load(tmp_path)
    [b] = model.bindings
    assert b.endpoint.address == "module.edge.module.inner.aws_lb_listener.tls"
    assert b.certificate is not None and b.certificate.arn == arn("x")
    assert [(c.file, c.line) for c in b.callers] == [("main.tf", 3), ("modules/edge/main.tf", 4)]
    [notice] = findings(model)
    assert [(c.file, c.line) for c in notice.callers] == [
        ("main.tf", 3),
        ("modules/edge/main.tf", 4),
    ]
    assert load(tmp_path, call_module_type="none").bindings == []


def test_find_root_modules_skips_directories_only_called_as_modules(tmp_path: Path) -> None:
    write_tree(tmp_path / "stack", MODULE_TREE)
    write_tree(tmp_path, {"other/main.tf": LISTENER, ".terraform/modules/x/main.tf": LISTENER})
    roots = find_root_modules(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in roots) == ["other", "stack"]


def test_a_link_out_of_the_root_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    issued = pki.issue("x.example.com", "EC_prime256v1")
    (outside / "x.pem").write_bytes(issued.cert_pem)
    root = tmp_path / "root"
    write_tree(
        root,
        {
            "main.tf": """
resource "aws_acm_certificate" "c" {
  certificate_body = file("certs/x.pem")
  private_key      = file("certs/x.key")
}
resource "aws_lb_listener" "l" {
  protocol        = "HTTPS"
  certificate_arn = aws_acm_certificate.c.arn
}
"""
        },
    )
    (root / "certs").mkdir()
    os.symlink(outside / "x.pem", root / "certs" / "x.pem")
    model = load(root)
    [cert] = [c for c in model.certificates if c.address == "aws_acm_certificate.c"]
    assert cert.certificate_pem is None  # never read
    material = [f for f in findings(model) if f.rule == "invalid_certificate_material"]
    assert [(f.location.file, f.location.line) for f in material] == [
        ("main.tf", 3),
        ("main.tf", 4),
    ]
    assert "points outside the project root" in material[0].message


def test_private_keys_never_reach_the_parse_cache(tmp_path: Path) -> None:
    issued = pki.issue("inline.example.com", "RSA_2048")
    key = issued.key_pem().decode()
    write_tree(
        tmp_path / "tree",
        {
            "main.tf": f"""
resource "aws_iam_server_certificate" "inline" {{
  name             = "inline"
  certificate_body = <<-PEM
{issued.cert_pem.decode()}
  PEM
  private_key      = <<-PEM
{key}
  PEM
}}
resource "aws_elb" "e" {{
  listener {{
    lb_protocol        = "https"
    lb_port            = 443
    instance_port      = 80
    instance_protocol  = "http"
    ssl_certificate_id = aws_iam_server_certificate.inline.arn
  }}
}}
"""
        },
    )
    cache = tmp_path / "cache"
    tree = tmp_path / "tree"
    hcl2_only = {**os.environ, "CERTFIT_FAST_BLOCKS": "0"}  # only python-hcl2's parses are cached
    first = load(tree, cache_dir=cache, environ=hcl2_only)
    [cert] = first.certificates
    assert cert.private_key_pem is not None and b"PRIVATE KEY" in cert.private_key_pem.data
    stored = b"".join(p.read_bytes() for p in cache.rglob("*") if p.is_file())
    assert stored  # the listener block was cached
    assert b"PRIVATE KEY" not in stored
    assert key.splitlines()[1].encode() not in stored
    assert "PRIVATE" not in repr(cert)


def test_second_run_is_served_from_the_cache(tmp_path: Path) -> None:
    """python-hcl2's parses are cached (with the splitter off every block goes to it)."""
    write_tree(tmp_path / "tree", MODULE_TREE)
    cache = tmp_path / "cache"
    hcl2_only = {**os.environ, "CERTFIT_FAST_BLOCKS": "0"}
    forget_files()
    cold = load_terraform(
        tmp_path / "tree",
        LoadOptions.for_root(tmp_path / "tree", cache_dir=cache, environ=hcl2_only),
    )
    forget_files()  # a new process: only the disk cache remains
    warm = load_terraform(
        tmp_path / "tree",
        LoadOptions.for_root(tmp_path / "tree", cache_dir=cache, environ=hcl2_only),
    )
    c, w = cold.parse_stats, warm.parse_stats  # type: ignore[attr-defined]
    assert c.bytes_parsed > 0
    assert w.bytes_parsed == 0 and w.bytes_split == 0
    assert w.cache_hits == c.blocks_parsed + c.cache_hits
    assert [b.location for b in warm.bindings] == [b.location for b in cold.bindings]


def _monorepo(root: Path, services: int) -> None:
    """Many services with networking, IAM and compute; one of them has a listener."""
    filler = """
resource "aws_security_group" "sg_{i}" {{
  name        = "svc-{i}"
  description = "service {i} with a {{ brace }} in text"
  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }}
}}

resource "aws_iam_role" "role_{i}" {{
  name               = "svc-{i}"
  assume_role_policy = <<-JSON
    {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
      "Principal": {{"Service": "ecs-tasks.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}}
  JSON
}}

variable "count_{i}" {{
  type    = number
  default = {i}
}}
"""
    for i in range(services):
        write_tree(
            root, {f"svc{i}/main.tf": "".join(filler.format(i=f"{i}_{j}") for j in range(8))}
        )
    write_tree(root, {"svc0/listener.tf": LISTENER})


def test_parse_work_grows_with_what_is_relevant_not_with_the_tree(tmp_path: Path) -> None:
    from linter.terraform.modules import forget_files
    from linter.terraform.survey import load_tree

    _monorepo(tmp_path, 40)
    forget_files()  # as a new process: nothing read yet
    dirs = sorted({p.parent for p in tmp_path.rglob("*.tf")})
    models, plan, stats = load_tree(tmp_path, dirs, LoadOptions.for_root(tmp_path), jobs=1)
    parsed = stats.bytes_parsed + stats.bytes_split
    # every file read once; only svc0 (the listener) is loaded
    assert stats.bytes_in_tree == sum(p.stat().st_size for p in tmp_path.rglob("*.tf"))
    assert stats.files_read == len(list(tmp_path.rglob("*.tf")))
    assert plan.to_load == [tmp_path / "svc0"] and len(plan.roots) == 40
    assert sum(len(m.bindings) for m in models) == 1
    # only the listener and the variable it reads are parsed, not the 40 services
    assert 0 < parsed <= len(LISTENER.encode())
    assert parsed < stats.bytes_in_tree / 100


@pytest.mark.parametrize("mode", ["none", "local"])
def test_unrelated_module_calls_are_not_parsed(tmp_path: Path, mode: str) -> None:
    write_tree(
        tmp_path,
        {
            "main.tf": 'module "net" {\n  source = "./net"\n}\n' + LISTENER,
            "net/main.tf": 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
        },
    )
    model = load(tmp_path, call_module_type=mode)
    assert len(model.bindings) == 1
    stats = model.parse_stats  # type: ignore[attr-defined]
    assert stats.bytes_parsed + stats.bytes_split <= len(LISTENER.encode())


def test_a_broken_tfvars_file_is_an_error_with_its_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": LISTENER, "terraform.tfvars": 'region = "x"\ncert = = 1\n'})
    model = load(tmp_path)
    [err] = model.errors
    assert err.location is not None
    assert (err.location.file, err.location.line) == ("terraform.tfvars", 2)
    assert bound_arn(model) == arn("from-default")  # the rest is still linted


def test_an_error_message_never_carries_what_looks_like_key_material(tmp_path: Path) -> None:
    secret = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"
    write_tree(
        tmp_path,
        {"main.tf": f'resource "aws_acm_certificate" "c" {{\n  private_key = "a" {secret}\n}}\n'},
    )
    model = load(tmp_path)
    assert model.errors
    assert all(secret[:8] not in f"{e.summary} {e.message}" for e in model.errors)


def test_an_unknown_for_each_gives_an_unresolved_binding_not_a_silent_miss(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "main.tf": """
variable "listeners" {
  type = map(string)
}
resource "aws_lb_listener" "l" {
  for_each        = var.listeners
  protocol        = "HTTPS"
  certificate_arn = each.value
}
"""
        },
    )
    model = load(tmp_path)
    [b] = model.bindings
    assert b.certificate is None
    assert b.unresolved_reason is not None and "for_each" in b.unresolved_reason
    assert [f.rule for f in findings(model)] == ["unresolved_certificate"]


def test_regions_follow_provider_aliases_into_modules(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "main.tf": """
variable "region" {
  default = "eu-north-1"
}
provider "aws" {
  region = var.region
}
provider "aws" {
  alias  = "use1"
  region = "us-east-1"
}
module "cdn_cert" {
  source    = "./cert"
  providers = { aws = aws.use1 }
}
module "lb_cert" {
  source = "./cert"
}
""",
            "cert/main.tf": """
resource "aws_acm_certificate" "this" {
  domain_name = "x.example.com"
}
""",
        },
    )
    regions = {c.address: c.region for c in load(tmp_path).certificates}
    assert regions == {
        "module.cdn_cert.aws_acm_certificate.this": "us-east-1",
        "module.lb_cert.aws_acm_certificate.this": "eu-north-1",
    }


def test_a_module_outside_the_root_is_an_error_not_a_silent_skip(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "shared/lb/main.tf": LISTENER,
            "stack/main.tf": 'module "lb" {\n  source = "../shared/lb"\n}\n',
        },
    )
    stack = tmp_path / "stack"
    model = load_terraform(stack, LoadOptions.for_root(stack))
    [err] = model.errors
    assert err.location is not None and (err.location.file, err.location.line) == ("main.tf", 1)
    assert "outside the project root" in err.message
    wider = load_terraform(stack, LoadOptions.for_root(tmp_path))
    assert wider.errors == [] and len(wider.bindings) == 1


def test_a_tf_file_linked_from_outside_the_root_is_not_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {"elsewhere/secret.tf": LISTENER, "root/main.tf": "\ufeff" + LISTENER})
    os.symlink(tmp_path / "elsewhere" / "secret.tf", tmp_path / "root" / "linked.tf")
    root = tmp_path / "root"
    model = load_terraform(root, LoadOptions.for_root(root))
    assert len(model.bindings) == 1  # main.tf (with a byte-order mark) only
    [err] = model.errors
    assert err.location is not None and err.location.file == "linked.tf"
    assert "outside the project root" in err.message


def test_absurd_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    deep = "(" * 3000 + '"x"' + ")" * 3000
    chain = "\n".join(f"  l{i} = local.l{i + 1}" for i in range(3000))
    write_tree(
        tmp_path,
        {
            "main.tf": f"""
locals {{
  deep = {deep}
}}
locals {{
{chain}
  l3000 = "end"
}}
resource "aws_lb_listener" "a" {{
  protocol        = "HTTPS"
  certificate_arn = local.deep
}}
resource "aws_lb_listener" "b" {{
  protocol        = "HTTPS"
  certificate_arn = local.l0
}}
"""
        },
    )
    model = load(tmp_path)
    assert [e.location.line for e in model.errors if e.location] == [2]  # the deep block
    assert len(model.bindings) == 2
    assert all(b.certificate is None and b.unresolved_reason for b in model.bindings)


def test_override_files_merge_attribute_by_attribute(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "a_override.tf": """
resource "aws_lb_listener" "l" {
  certificate_arn = "arn:aws:acm:eu-west-1:111122223333:certificate/from-override"
}
""",
            "main.tf": """
resource "aws_lb" "n" {
  load_balancer_type = "network"
}
resource "aws_lb_listener" "l" {
  load_balancer_arn = aws_lb.n.arn
  protocol          = "TLS"
  certificate_arn   = "arn:aws:acm:eu-west-1:111122223333:certificate/from-main"
}
""",
        },
    )
    [b] = load(tmp_path).bindings
    assert b.certificate is not None and b.certificate.arn == arn("from-override")
    assert b.endpoint.target is Target.NLB  # the rest of the block still comes from main.tf
    assert (b.location.file, b.location.line) == ("a_override.tf", 3)


def test_a_literal_load_balancer_or_listener_arn_names_its_type(tmp_path: Path) -> None:
    elb = "arn:aws:elasticloadbalancing:eu-west-1:111122223333"
    write_tree(
        tmp_path,
        {
            "main.tf": f"""
resource "aws_lb_listener" "imported" {{
  load_balancer_arn = "{elb}:loadbalancer/net/shared/50dc6c495c0c9188"
  port              = 443
  certificate_arn   = "{arn("a")}"
}}
resource "aws_lb_listener_certificate" "sni" {{
  listener_arn    = "{elb}:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2"
  certificate_arn = "{arn("b")}"
}}
"""
        },
    )
    targets = {b.endpoint.address: b.endpoint.target for b in load(tmp_path).bindings}
    assert targets == {
        "aws_lb_listener.imported": Target.NLB,
        "aws_lb_listener_certificate.sni": Target.ALB,
    }


def test_pem_read_through_a_local_file_data_source(tmp_path: Path) -> None:
    issued = pki.issue("x.example.com", "EC_prime256v1")
    write_tree(
        tmp_path,
        {
            "main.tf": """
data "local_file" "cert" {
  filename = "${path.module}/certs/x.pem"
}
data "local_sensitive_file" "key" {
  filename = "${path.module}/../outside.key"
}
resource "aws_iam_server_certificate" "x" {
  name             = "x"
  certificate_body = data.local_file.cert.content
  private_key      = data.local_sensitive_file.key.content
}
""",
            "certs/x.pem": issued.cert_pem.decode(),
        },
    )
    [cert] = load(tmp_path).certificates
    assert cert.certificate_pem is not None
    assert cert.certificate_pem.location.file == "certs/x.pem"
    assert cert.certificate_pem.data == issued.cert_pem
    [problem] = cert.problems
    assert "outside the project root" in problem.message
    assert problem.location.line == 11


def test_an_unarmoured_literal_key_is_not_cached_either(tmp_path: Path) -> None:
    issued = pki.issue("inline.example.com", "EC_prime256v1")
    body = "".join(issued.key_pem().decode().splitlines()[1:-1])  # base64 without armour
    write_tree(
        tmp_path / "tree",
        {
            "main.tf": f"""
resource "aws_acm_certificate" "c" {{
  certificate_body = file("c.pem")
  private_key      = base64decode("{body}")
}}
resource "aws_lb_listener" "l" {{
  protocol        = "HTTPS"
  certificate_arn = aws_acm_certificate.c.arn
}}
""",
            "c.pem": issued.cert_pem.decode(),
        },
    )
    cache = tmp_path / "cache"
    hcl2_only = {**os.environ, "CERTFIT_FAST_BLOCKS": "0"}  # only python-hcl2's parses are cached
    model = load(tmp_path / "tree", cache_dir=cache, environ=hcl2_only)
    assert len(model.bindings) == 1
    stored = b"".join(p.read_bytes() for p in cache.rglob("*") if p.is_file())
    assert body[:40].encode() not in stored
    assert b"certificate_arn" in stored  # the listener block itself was cached


def test_a_module_not_downloaded_is_an_error_when_all_modules_are_asked_for(
    tmp_path: Path,
) -> None:
    write_tree(tmp_path, {"main.tf": 'module "alb" {\n  source = "example/alb/aws"\n}\n'})
    assert load(tmp_path).errors == []  # local: registry modules are not followed
    [err] = load(tmp_path, call_module_type="all").errors
    assert err.summary == "module not installed" and "terraform init" in err.message
    assert err.location is not None and err.location.line == 1


APPLY_TIME_PEM = """
resource "null_resource" "make_pem" {
  provisioner "local-exec" {
    command = "sh ${path.module}/make-pem.sh ${path.module}/gen.pem ${path.module}/gen.key"
  }
}
data "local_file" "cert" {
  filename   = "${path.module}/gen.pem"
  depends_on = [null_resource.make_pem, data.aws_region.here]
}
data "local_sensitive_file" "key" {
  filename   = "${path.module}/gen.key"
  depends_on = [module.keys]
}
data "local_file" "plan_time" {
  filename = "${path.module}/never-made.pem"
}
resource "aws_iam_server_certificate" "generated" {
  name             = "generated"
  certificate_body = data.local_file.cert.content
  private_key      = data.local_sensitive_file.key.content
}
resource "aws_iam_server_certificate" "missing" {
  name             = "missing"
  certificate_body = data.local_file.plan_time.content
  private_key      = data.local_sensitive_file.key.content
}
"""


def test_a_pem_made_at_apply_is_unresolved_not_invalid(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": APPLY_TIME_PEM})
    model = load(tmp_path)
    certs = {c.address: c for c in model.certificates}
    generated = certs["aws_iam_server_certificate.generated"]
    assert generated.problems == []
    assert "read at apply time" in (generated.unknown_reason or "")
    assert "null_resource.make_pem" in (generated.unknown_reason or "")
    assert "data.aws_region" not in (generated.unknown_reason or "")
    rules = {f.rule for f in findings(model)}
    assert "invalid_certificate_material" in rules  # the plan-time file that is missing
    [problem] = certs["aws_iam_server_certificate.missing"].problems
    assert "never-made.pem" in problem.message and "does not exist" in problem.message
    notices = [
        f
        for f in findings(model)
        if f.rule == "unresolved_certificate" and "generated" in f.message
    ]
    assert notices and all(f.severity.name == "NOTICE" for f in notices)
    assert "read at apply time" in notices[0].message


NO_CERTIFICATE = """
variable "names" {
  type = list(string)
}
resource "aws_api_gateway_domain_name" "edge" {
  domain_name = "api.example.com"
}
resource "aws_api_gateway_domain_name" "regional" {
  domain_name = "r.example.com"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}
resource "aws_api_gateway_domain_name" "uploaded" {
  domain_name      = "old.example.com"
  certificate_name = "old"
  certificate_body = file("old.pem")
}
resource "aws_apigatewayv2_domain_name" "http" {
  domain_name = "h.example.com"
  domain_name_configuration {
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
}
resource "aws_apigatewayv2_domain_name" "later" {
  domain_name = "l.example.com"
  domain_name_configuration {
    certificate_arn = var.unset
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
}
resource "aws_cloudfront_distribution" "default_cert" {
  aliases = ["www.example.com"]
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
resource "aws_cloudfront_distribution" "no_aliases" {
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
resource "aws_cloudfront_distribution" "unknown_aliases" {
  aliases = var.names
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
"""


def test_custom_domains_without_a_certificate_are_missing_one(tmp_path: Path) -> None:
    # AWS refuses each at deploy: a custom domain name needs a certificate, and CloudFront's
    # default *.cloudfront.net certificate cannot serve alternate domain names.
    write_tree(tmp_path, {"main.tf": NO_CERTIFICATE, "old.pem": "not a pem"})
    model = load(tmp_path)
    missing = {
        f.details["endpoint"]: (f.severity.name, f.details["target"])
        for f in findings(model)
        if f.rule == "listener_missing_certificate"
    }
    assert missing == {
        "aws_api_gateway_domain_name.edge": ("ERROR", "apigateway-edge"),
        "aws_api_gateway_domain_name.regional": ("ERROR", "apigateway-regional"),
        "aws_apigatewayv2_domain_name.http": ("ERROR", "apigateway-regional"),
        "aws_cloudfront_distribution.default_cert": ("ERROR", "cloudfront"),
    }
    later = [b for b in model.bindings if b.endpoint.address.endswith(".later")]
    assert later and later[0].certificate is None  # unknown until apply: unresolved, not missing
