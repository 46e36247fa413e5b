"""A whole cloud assembly: stacks, nested stages and nested stacks, construct paths as
locations; and which files the front end claims."""

from __future__ import annotations

import json
from pathlib import Path

from linter.cloudformation import is_cloudformation_template, load_cdk_out, load_template
from linter.model import Target
from linter.options import LoadOptions
from linter.safe_files import SafeReader


def _listener(path: str, cert: object) -> dict[str, object]:
    return {
        "Type": "AWS::ElasticLoadBalancingV2::Listener",
        "Properties": {"Protocol": "TLS", "Certificates": [{"CertificateArn": cert}]},
        "Metadata": {"aws:cdk:path": path},
    }


def _write(path: Path, doc: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1))


def make_assembly(root: Path) -> Path:
    out = root / "cdk.out"
    _write(
        out / "manifest.json",
        {
            "version": "48.0.0",
            "artifacts": {
                "Top": {
                    "type": "aws:cloudformation:stack",
                    "environment": "aws://123456789012/eu-west-1",
                    "properties": {"templateFile": "Top.template.json"},
                },
                "assembly-Prod": {
                    "type": "cdk:cloud-assembly",
                    "properties": {"directoryName": "assembly-Prod"},
                },
                "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
            },
        },
    )
    _write(
        out / "Top.template.json",
        {
            "Resources": {
                "Cert": {
                    "Type": "AWS::CertificateManager::Certificate",
                    "Properties": {"DomainName": "a.example.com", "KeyAlgorithm": "EC_secp384r1"},
                    "Metadata": {"aws:cdk:path": "Top/Cert/Resource"},
                },
                "Tls": _listener("Top/Nlb/Tls/Resource", {"Ref": "Cert"}),
                "Child": {
                    "Type": "AWS::CloudFormation::Stack",
                    "Metadata": {
                        "aws:cdk:path": "Top/Child.NestedStack/Child.NestedStackResource",
                        "aws:asset:path": "TopChild.nested.template.json",
                    },
                },
            }
        },
    )
    _write(
        out / "TopChild.nested.template.json",
        {
            "Resources": {
                "Inner": _listener(
                    "Top/Child/Inner/Resource", {"Fn::Sub": "arn:${AWS::Partition}:acm:x"}
                )
            }
        },
    )
    _write(
        out / "assembly-Prod" / "manifest.json",
        {
            "version": "48.0.0",
            "artifacts": {
                "ProdApi": {
                    "type": "aws:cloudformation:stack",
                    "environment": "aws://unknown-account/unknown-region",
                    "properties": {"templateFile": "ProdApi.template.json"},
                }
            },
        },
    )
    _write(
        out / "assembly-Prod" / "ProdApi.template.json",
        {"Resources": {"Tls": _listener("Prod/Api/Tls/Resource", {"Fn::ImportValue": "Cert"})}},
    )
    return out


def test_every_stack_stage_and_nested_stack_is_read(tmp_path: Path) -> None:
    out = make_assembly(tmp_path)
    model = load_cdk_out(out, LoadOptions.for_root(tmp_path))
    assert model.errors == []
    paths = {e.location.construct_path: e for e in model.endpoints}
    assert set(paths) == {
        "Top/Nlb/Tls/Resource",
        "Top/Child/Inner/Resource",
        "Prod/Api/Tls/Resource",
    }
    assert {e.address for e in model.endpoints} == {
        "Top/Nlb/Tls",
        "Top/Child/Inner",
        "Prod/Api/Tls",
    }
    assert all(e.target is Target.NLB for e in model.endpoints)
    top = paths["Top/Nlb/Tls/Resource"]
    assert top.location.file == "cdk.out/Top.template.json" and top.location.line > 1
    assert top.region == "eu-west-1"  # from the manifest's environment
    assert (
        paths["Prod/Api/Tls/Resource"].location.file
        == "cdk.out/assembly-Prod/ProdApi.template.json"
    )
    by_path = {b.location.construct_path: b for b in model.bindings}
    assert by_path["Top/Nlb/Tls/Resource"].certificate.key.acm_name == "EC_secp384r1"
    assert by_path["Top/Nlb/Tls/Resource"].certificate.region == "eu-west-1"
    # The nested stack inherits the environment, so AWS::Partition is known: a literal ARN.
    assert by_path["Top/Child/Inner/Resource"].certificate.arn == "arn:aws:acm:x"
    assert "ImportValue" in by_path["Prod/Api/Tls/Resource"].unresolved_reason


def test_a_broken_template_in_an_assembly_does_not_stop_the_others(tmp_path: Path) -> None:
    out = make_assembly(tmp_path)
    (out / "Top.template.json").write_text('{"Resources": {')
    model = load_cdk_out(out, LoadOptions.for_root(tmp_path))
    assert [e.location.file for e in model.errors] == ["cdk.out/Top.template.json"]
    assert {e.location.construct_path for e in model.endpoints} == {"Prod/Api/Tls/Resource"}


def test_templates_are_claimed_and_terraform_plans_are_not(tmp_path: Path) -> None:
    out = make_assembly(tmp_path)
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "format_version": "1.2",
                "terraform_version": "1.9.0",
                "planned_values": {"root_module": {"resources": []}},
                "configuration": {"root_module": {"resources": []}},
            }
        )
    )
    yaml_template = tmp_path / "t.yaml"
    yaml_template.write_text("AWSTemplateFormatVersion: 2010-09-09\nDescription: nothing yet\n")
    other = tmp_path / "values.yaml"
    other.write_text("replicas: 3\nResourcesNote: none\n")
    assert is_cloudformation_template(out / "Top.template.json")
    assert is_cloudformation_template(yaml_template)
    assert not is_cloudformation_template(plan)
    assert not is_cloudformation_template(other)
    assert not is_cloudformation_template(out / "manifest.json")


def test_cross_stack_references_are_followed(tmp_path: Path) -> None:
    """Fn::ImportValue and the CDK's cross-region reader lead to the exporting stack's
    certificate and listener when the assembly holds both."""
    out = tmp_path / "cdk.out"
    stacks = {
        "Certs": {
            "Resources": {
                "Cert": {
                    "Type": "AWS::CertificateManager::Certificate",
                    "Properties": {"DomainName": "a.example.com", "KeyAlgorithm": "EC_secp384r1"},
                },
                "Writer": {
                    "Type": "Custom::CrossRegionExportWriter",
                    "Properties": {
                        "WriterProps": {"exports": {"/cdk/exports/Cdn/Cert": {"Ref": "Cert"}}}
                    },
                },
                "Nlb": {
                    "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                    "Properties": {"Type": "network"},
                },
                "Tls": {
                    "Type": "AWS::ElasticLoadBalancingV2::Listener",
                    "Properties": {
                        "LoadBalancerArn": {"Ref": "Nlb"},
                        "Protocol": "TLS",
                        "Certificates": [{"CertificateArn": {"Ref": "Cert"}}],
                    },
                },
            },
            "Outputs": {
                "CertArn": {"Value": {"Ref": "Cert"}, "Export": {"Name": "Certs:CertArn"}},
                "Listener": {"Value": {"Ref": "Tls"}, "Export": {"Name": "Certs:Listener"}},
            },
        },
        "App": {
            "Resources": {
                "Sni": {
                    "Type": "AWS::ElasticLoadBalancingV2::ListenerCertificate",
                    "Properties": {
                        "ListenerArn": {"Fn::ImportValue": "Certs:Listener"},
                        "Certificates": [{"CertificateArn": {"Fn::ImportValue": "Certs:CertArn"}}],
                    },
                },
            }
        },
        "Cdn": {
            "Resources": {
                "Reader": {"Type": "Custom::CrossRegionExportReader", "Properties": {}},
                "Dist": {
                    "Type": "AWS::CloudFront::Distribution",
                    "Properties": {
                        "DistributionConfig": {
                            "ViewerCertificate": {
                                "AcmCertificateArn": {
                                    "Fn::GetAtt": ["Reader", "/cdk/exports/Cdn/Cert"]
                                }
                            }
                        }
                    },
                },
            }
        },
    }
    artifacts = {}
    for name, doc in stacks.items():
        _write(out / f"{name}.template.json", doc)
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "properties": {"templateFile": f"{name}.template.json"},
        }
    _write(out / "manifest.json", {"version": "48.0.0", "artifacts": artifacts})
    model = load_cdk_out(out, LoadOptions.for_root(tmp_path))
    cert = next(c for c in model.certificates if c.address == "Cert")
    sni = next(b for b in model.bindings if b.role == "additional")
    assert sni.certificate is cert
    assert sni.endpoint.address == "Tls" and sni.endpoint.target is Target.NLB
    cdn = next(b for b in model.bindings if b.endpoint.target is Target.CLOUDFRONT)
    assert cdn.certificate is cert and cdn.unresolved_reason is None


def test_a_link_out_of_the_root_is_not_even_sniffed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "t.yaml").write_text("AWSTemplateFormatVersion: 2010-09-09\nResources: {}\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "t.yaml").symlink_to(outside / "t.yaml")
    (root / "inside.yaml").symlink_to(root / "real.yaml")
    (root / "real.yaml").write_text("Resources: {}\n")
    reader = SafeReader(root)
    assert not is_cloudformation_template(root / "t.yaml", reader)
    assert is_cloudformation_template(root / "inside.yaml", reader)
    model = load_template(root / "t.yaml", LoadOptions(reader=reader))
    assert [e.summary for e in model.errors] == ["cannot read template"]
