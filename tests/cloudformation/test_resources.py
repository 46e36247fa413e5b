"""Each resource type the front end reads becomes the right certificates, endpoints and
bindings, with the template line that makes each binding."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from fixtures.pki import Issued
from linter.engine import Settings, evaluate
from linter.model import Delivery, KeySource, Model, Target
from tests.cloudformation.conftest import Loader

ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
ELB = "arn:aws:elasticloadbalancing:eu-west-1:123456789012"


def only(items: list) -> object:  # type: ignore[type-arg]
    assert len(items) == 1, items
    return items[0]


def test_acm_certificate_key_algorithm_and_its_default(load: Loader) -> None:
    model = load(
        """\
        Resources:
          Default:
            Type: AWS::CertificateManager::Certificate
            Properties:
              DomainName: a.example.com
          Ec:
            Type: AWS::CertificateManager::Certificate
            Properties:
              DomainName: b.example.com
              KeyAlgorithm: EC_secp384r1
          Odd:
            Type: AWS::CertificateManager::Certificate
            Properties:
              DomainName: c.example.com
              KeyAlgorithm: RSA_8192
        """
    )
    by = {c.address: c for c in model.certificates}
    assert by["Default"].delivery is Delivery.ACM_REQUEST
    assert by["Default"].key.acm_name == "RSA_2048"
    assert by["Default"].key.learnt_from is KeySource.ACM_DEFAULT
    assert by["Ec"].key.acm_name == "EC_secp384r1"
    assert by["Ec"].key.learnt_from is KeySource.ACM_KEY_ALGORITHM
    assert (by["Ec"].location.file, by["Ec"].location.line) == ("template.yaml", 10)
    assert by["Odd"].key is None
    assert "RSA_8192" in by["Odd"].unknown_reason


def test_elbv2_listener_type_comes_from_the_load_balancer(load: Loader) -> None:
    model = load(
        """\
        Resources:
          Nlb:
            Type: AWS::ElasticLoadBalancingV2::LoadBalancer
            Properties:
              Type: network
          Alb:
            Type: AWS::ElasticLoadBalancingV2::LoadBalancer
          Cert:
            Type: AWS::CertificateManager::Certificate
            Properties:
              DomainName: a.example.com
          Tls:
            Type: AWS::ElasticLoadBalancingV2::Listener
            Properties:
              LoadBalancerArn: !Ref Nlb
              Protocol: TLS
              SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06
              Certificates:
                - CertificateArn: !Ref Cert
          Https:
            Type: AWS::ElasticLoadBalancingV2::Listener
            Properties:
              LoadBalancerArn: !GetAtt Alb.LoadBalancerArn
              Protocol: HTTPS
          Plain:
            Type: AWS::ElasticLoadBalancingV2::Listener
            Properties:
              LoadBalancerArn: !Ref Alb
              Protocol: HTTP
        """
    )
    eps = {e.address: e for e in model.endpoints}
    assert set(eps) == {"Tls", "Https"}  # plain HTTP serves no certificate
    assert eps["Tls"].target is Target.NLB
    assert eps["Tls"].ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert eps["Https"].target is Target.ALB and eps["Https"].certificate_required
    binding = only(model.bindings)
    assert binding.endpoint is eps["Tls"]
    assert binding.certificate.address == "Cert"
    assert binding.location.line == 19  # the CertificateArn line
    # The HTTPS listener without a certificate is what listener_missing_certificate reports.
    findings = evaluate(model, Settings(as_of=date(2025, 1, 1)))
    assert [(f.rule, f.location.line) for f in findings] == [("listener_missing_certificate", 20)]


def test_listener_certificate_adds_sni_certificates_to_its_listener(load: Loader) -> None:
    model = load(
        f"""\
        Parameters:
          Extra:
            Type: String
            Default: {ARN}
          Missing:
            Type: String
        Resources:
          Lb:
            Type: AWS::ElasticLoadBalancingV2::LoadBalancer
          L:
            Type: AWS::ElasticLoadBalancingV2::Listener
            Properties:
              LoadBalancerArn: !Ref Lb
              Protocol: HTTPS
              Certificates: [{{CertificateArn: {ARN}}}]
          More:
            Type: AWS::ElasticLoadBalancingV2::ListenerCertificate
            Properties:
              ListenerArn: !Ref L
              Certificates:
                - CertificateArn: !Ref Extra
                - CertificateArn: !Ref Missing
                - CertificateArn: !ImportValue shared-cert
        """
    )
    listener = only(model.endpoints)
    roles = [(b.role, b.endpoint is listener) for b in model.bindings]
    assert roles == [("default", True), ("additional", True)] + [("additional", True)] * 2
    default, extra, missing, imported = model.bindings
    # The same ARN twice is one certificate, looked up through the mappings once.
    assert default.certificate is extra.certificate
    assert default.certificate.arn == ARN and default.certificate.key is None
    assert missing.certificate is None and "--parameter Missing=VALUE" in missing.unresolved_reason
    assert imported.certificate is None and "shared-cert" in imported.unresolved_reason
    assert [b.location.line for b in model.bindings] == [15, 21, 22, 23]


def test_parameters_from_options_and_mappings_make_the_arn_known(load: Loader) -> None:
    from linter.options import CertificateMapping

    text = """\
        Parameters:
          CertArn:
            Type: String
        Resources:
          L:
            Type: AWS::ElasticLoadBalancingV2::Listener
            Properties:
              Protocol: TLS
              Certificates:
                - CertificateArn: !Ref CertArn
        """
    model = load(
        text,
        parameters={"CertArn": ARN},
        certificate_mappings={ARN: CertificateMapping(ARN, key_algorithm="RSA_4096")},
    )
    binding = only(model.bindings)
    assert binding.endpoint.target is Target.NLB  # from the protocol: the LB is elsewhere
    assert binding.certificate.key.acm_name == "RSA_4096"
    assert binding.certificate.key.learnt_from is KeySource.CONFIG_MAPPING
    findings = evaluate(model, Settings(as_of=date(2025, 1, 1)))
    assert [(f.rule, f.severity.value) for f in findings] == [
        ("unsupported_key_algorithm", "error")
    ]


def test_conditions_decide_or_leave_the_value_unknown(load: Loader) -> None:
    text = """\
        Parameters:
          Env:
            Type: String
        Conditions:
          Prod: !Equals [!Ref Env, prod]
        Resources:
          Ec:
            Type: AWS::CertificateManager::Certificate
            Properties:
              DomainName: a.example.com
              KeyAlgorithm: !If [Prod, EC_prime256v1, RSA_2048]
          OnlyInProd:
            Type: AWS::CertificateManager::Certificate
            Condition: Prod
            Properties:
              DomainName: b.example.com
        """
    undecided = load(text)
    assert {c.address for c in undecided.certificates} == {"Ec", "OnlyInProd"}
    ec = next(c for c in undecided.certificates if c.address == "Ec")
    assert ec.key is None and "--parameter Env=VALUE" in ec.unknown_reason
    prod = load(text, parameters={"Env": "prod"})
    assert next(c for c in prod.certificates if c.address == "Ec").key.acm_name == "EC_prime256v1"
    dev = load(text, parameters={"Env": "dev"})
    assert [c.address for c in dev.certificates] == ["Ec"]
    assert dev.certificates[0].key.acm_name == "RSA_2048"


def test_iam_server_certificate_bodies_are_pem_material(
    load: Loader, certs: dict[str, Issued]
) -> None:
    template = {
        "Resources": {
            "Server": {
                "Type": "AWS::IAM::ServerCertificate",
                "Properties": {
                    "ServerCertificateName": "big",
                    "Path": "/cloudfront/",
                    "CertificateBody": certs["rsa4096"].cert_pem.decode(),
                    "PrivateKey": certs["rsa4096"].key_pem().decode(),
                },
            },
            "Lb": {
                "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {"Type": "network"},
            },
            "L": {
                "Type": "AWS::ElasticLoadBalancingV2::Listener",
                "Properties": {
                    "LoadBalancerArn": {"Ref": "Lb"},
                    "Protocol": "TLS",
                    "Certificates": [{"CertificateArn": {"Fn::GetAtt": ["Server", "Arn"]}}],
                },
            },
        }
    }
    text = json.dumps(template, indent=2)
    model = load(text, name="stack.template.json")
    cert = only(model.certificates)
    assert cert.delivery is Delivery.IAM and cert.iam_path == "/cloudfront/"
    assert cert.certificate_pem.data == certs["rsa4096"].cert_pem
    line = text.splitlines().index(next(x for x in text.splitlines() if "CertificateBody" in x))
    assert cert.certificate_pem.location.line == line + 1
    assert "PRIVATE KEY" not in repr(cert) and "CERTIFICATE-" not in repr(cert)
    assert only(model.bindings).certificate is cert
    findings = evaluate(model, Settings(as_of=date.today()))
    assert [f.rule for f in findings] == ["unsupported_key_algorithm"]  # RSA 4096 on NLB


def test_classic_lb_listeners_with_certificate_and_policy(load: Loader) -> None:
    model = load(
        f"""\
        Resources:
          Clb:
            Type: AWS::ElasticLoadBalancing::LoadBalancer
            Properties:
              Listeners:
                - LoadBalancerPort: "443"
                  InstancePort: "80"
                  Protocol: HTTPS
                  SSLCertificateId: {ARN}
                  PolicyNames: [Tls12]
                - LoadBalancerPort: "80"
                  InstancePort: "80"
                  Protocol: HTTP
                - LoadBalancerPort: "8443"
                  InstancePort: "80"
                  Protocol: SSL
                  PolicyNames: [Custom]
              Policies:
                - PolicyName: Tls12
                  PolicyType: SSLNegotiationPolicyType
                  Attributes:
                    - {{Name: Reference-Security-Policy, Value: ELBSecurityPolicy-TLS-1-2-2017-01}}
                - PolicyName: Custom
                  PolicyType: SSLNegotiationPolicyType
                  Attributes:
                    - {{Name: Protocol-TLSv1.2, Value: "true"}}
                    - {{Name: ECDHE-ECDSA-AES128-GCM-SHA256, Value: "true"}}
                    - {{Name: AES128-SHA, Value: "false"}}
        """
    )
    https, ssl = model.endpoints
    assert (https.target, https.protocol, https.ssl_policy) == (
        Target.CLB,
        "HTTPS",
        "ELBSecurityPolicy-TLS-1-2-2017-01",
    )
    assert ssl.cipher_suites == frozenset({"ECDHE-ECDSA-AES128-GCM-SHA256"})
    binding = only(model.bindings)
    assert binding.endpoint is https and binding.location.line == 9
    # The SSL listener has no certificate at all: reported, not silently dropped.
    findings = evaluate(model, Settings(as_of=date(2025, 1, 1)))
    assert ("listener_missing_certificate", 14) in [(f.rule, f.location.line) for f in findings]


def test_cloudfront_and_api_gateway_domains(load: Loader) -> None:
    model = load(
        f"""\
        Resources:
          Cert:
            Type: AWS::CertificateManager::Certificate
            Properties:
              DomainName: www.example.com
              KeyAlgorithm: EC_secp384r1
          Cdn:
            Type: AWS::CloudFront::Distribution
            Properties:
              DistributionConfig:
                Aliases: [www.example.com]
                ViewerCertificate:
                  AcmCertificateArn: !Ref Cert
                  MinimumProtocolVersion: TLSv1.2_2021
                  SslSupportMethod: sni-only
          Edge:
            Type: AWS::ApiGateway::DomainName
            Properties:
              DomainName: api.example.com
              CertificateArn: !Ref Cert
          Regional:
            Type: AWS::ApiGateway::DomainName
            Properties:
              DomainName: r.example.com
              RegionalCertificateArn: {ARN}
              EndpointConfiguration: {{Types: [REGIONAL]}}
              SecurityPolicy: TLS_1_2
          Http:
            Type: AWS::ApiGatewayV2::DomainName
            Properties:
              DomainName: h.example.com
              DomainNameConfigurations:
                - CertificateArn: !Ref Cert
                  EndpointType: REGIONAL
        """
    )
    targets = {b.endpoint.address: (b.endpoint.target, b.location.line) for b in model.bindings}
    assert targets == {
        "Cdn": (Target.CLOUDFRONT, 13),
        "Edge": (Target.APIGATEWAY_EDGE, 20),
        "Regional": (Target.APIGATEWAY_REGIONAL, 25),
        "Http": (Target.APIGATEWAY_REGIONAL, 33),
    }
    cdn = next(e for e in model.endpoints if e.address == "Cdn")
    assert cdn.ssl_policy == "TLSv1.2_2021"
    findings = evaluate(model, Settings(as_of=date(2025, 1, 1)))
    flagged = {(f.rule, f.location.line) for f in findings if f.severity.value == "error"}
    assert ("unsupported_key_algorithm", 13) in flagged  # CloudFront takes P-256 only


def test_suppressions_in_metadata(load: Loader) -> None:
    model: Model = load(
        """\
        Metadata:
          certfit:
            suppressions:
              - {rule: certificate_expiring, reason: rotated by the platform team}
        Resources:
          Cert:
            Type: AWS::CertificateManager::Certificate
            Metadata:
              aws:cdk:path: App/Cert/Resource
              certfit:
                suppressions:
                  - {rule: "unsupported_key_algorithm, weak_key", reason: legacy, scope: App/Cert}
                  - {rule: weak_key, reason: "  "}
            Properties:
              DomainName: a.example.com
        """
    )
    file_wide, scoped = model.suppressions
    assert file_wide.file == "template.yaml" and file_wide.construct_path is None
    assert scoped.construct_path == "App/Cert"
    assert scoped.rules == frozenset({"unsupported_key_algorithm", "weak_key"})
    assert scoped.location.line == 10
    assert [e.summary for e in model.errors] == ["invalid suppression"]


def test_bad_template_is_an_input_error_naming_file_and_line(load: Loader, tmp_path: Path) -> None:
    model = load("Resources:\n  A: {Type: [\n", name="broken.yaml")
    error = only(model.errors)
    assert error.location.file == "broken.yaml" and error.location.line >= 2
    assert model.endpoints == [] and model.certificates == []


def test_reasons_never_repeat_pem_text(load: Loader, certs: dict[str, Issued]) -> None:
    key = certs["ec256"].key_pem().decode()
    template = {
        "Parameters": {"Suffix": {"Type": "String"}},
        "Resources": {
            "Server": {
                "Type": "AWS::IAM::ServerCertificate",
                "Properties": {
                    "CertificateBody": {"Fn::Sub": certs["ec256"].cert_pem.decode() + "${Suffix}"},
                    "PrivateKey": {"Fn::Sub": key + "${Suffix}"},
                },
            }
        },
    }
    model = load(json.dumps(template, indent=2), name="t.json")
    cert = only(model.certificates)
    assert cert.certificate_pem is None and "Suffix" in cert.unknown_reason
    assert "BEGIN" not in cert.unknown_reason
    findings = evaluate(model, Settings())
    assert all("PRIVATE" not in f.message and "BEGIN" not in f.message for f in findings)


def test_aws_novalue_leaves_the_property_out(load: Loader) -> None:
    model = load(
        f"""\
        Parameters:
          Env: {{Type: String, Default: dev}}
        Conditions:
          Prod: !Equals [!Ref Env, prod]
        Resources:
          L:
            Type: AWS::ElasticLoadBalancingV2::Listener
            Properties:
              Protocol: HTTPS
              SslPolicy: !If [Prod, ELBSecurityPolicy-TLS13-1-2-2021-06, !Ref AWS::NoValue]
              Certificates: !If [Prod, [{{CertificateArn: {ARN}}}], !Ref AWS::NoValue]
        """
    )
    listener = only(model.endpoints)
    assert listener.ssl_policy is None
    assert model.bindings == []  # no certificate at all: listener_missing_certificate's case
    findings = evaluate(model, Settings(as_of=date(2025, 1, 1)))
    assert [f.rule for f in findings] == ["listener_missing_certificate"]


def test_listeners_and_load_balancers_managed_elsewhere_are_told_by_their_arn(
    load: Loader,
) -> None:
    model = load(
        f"""\
        Resources:
          Sni:
            Type: AWS::ElasticLoadBalancingV2::ListenerCertificate
            Properties:
              ListenerArn: {ELB}:listener/net/edge/50dc6c495c0c9188/f2f7dc8efc522ab2
              Certificates: [{{CertificateArn: {ARN}}}]
          Https:
            Type: AWS::ElasticLoadBalancingV2::Listener
            Properties:
              LoadBalancerArn: {ELB}:loadbalancer/app/web/50dc6c495c0c9188
              Protocol: TLS
              Certificates: [{{CertificateArn: {ARN}}}]
        """
    )
    assert [(e.address, e.target) for e in model.endpoints] == [
        ("Https", Target.ALB),
        ("Sni", Target.NLB),
    ]


def test_custom_domains_without_a_certificate_are_missing_one(load: Loader) -> None:
    # AWS refuses each of these at deploy: a custom domain name needs a certificate, and
    # CloudFront's default *.cloudfront.net certificate cannot serve alternate domain names.
    model = load(
        """\
        Parameters:
          Names:
            Type: CommaDelimitedList
        Resources:
          DefaultCert:
            Type: AWS::CloudFront::Distribution
            Properties:
              DistributionConfig:
                Aliases: [www.example.com]
                ViewerCertificate:
                  CloudFrontDefaultCertificate: true
          NoAliases:
            Type: AWS::CloudFront::Distribution
            Properties:
              DistributionConfig:
                ViewerCertificate:
                  CloudFrontDefaultCertificate: true
          UnknownAliases:
            Type: AWS::CloudFront::Distribution
            Properties:
              DistributionConfig:
                Aliases: !Ref Names
                ViewerCertificate:
                  CloudFrontDefaultCertificate: true
          Edge:
            Type: AWS::ApiGateway::DomainName
            Properties:
              DomainName: api.example.com
          Http:
            Type: AWS::ApiGatewayV2::DomainName
            Properties:
              DomainName: h.example.com
              DomainNameConfigurations:
                - EndpointType: REGIONAL
        """
    )
    findings = evaluate(model, Settings(as_of=date(2025, 1, 1)))
    missing = {
        f.details["endpoint"]: f.severity.value
        for f in findings
        if f.rule == "listener_missing_certificate"
    }
    assert missing == {"DefaultCert": "error", "Edge": "error", "Http": "error"}


def test_parameters_given_outside_the_template_or_noecho_are_never_shown(load: Loader) -> None:
    """--parameter values and NoEcho defaults are tainted: used, never shown; and so is what
    an intrinsic makes of them (Fn::Join, Fn::Sub)."""
    secret = "CANARY-cfn-5f0c1d2e3a4b"
    text = """\
        Parameters:
          Given:
            Type: String
          Hidden:
            Type: String
            NoEcho: true
            Default: CANARY-cfn-5f0c1d2e3a4b
        Resources:
          A:
            Type: AWS::ElasticLoadBalancingV2::Listener
            Properties:
              Protocol: TLS
              Certificates:
                - CertificateArn: !Join ["", ["x-", !Ref Given]]
          B:
            Type: AWS::ElasticLoadBalancingV2::Listener
            Properties:
              Protocol: TLS
              Certificates:
                - CertificateArn: !Sub "arn:aws:acm:us-east-1:1:certificate/${Hidden}"
        """
    model = load(text, parameters={"Given": secret})
    findings = evaluate(model, Settings(as_of=date(2025, 1, 1)))
    assert len(findings) == 2
    for f in findings:
        assert secret not in f.message and secret not in repr(f.details), f.message
        assert "not shown" in f.message
