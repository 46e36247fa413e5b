"""What certfit costs inside `cdk synth`: a generated CDK app with N HTTPS/TLS listeners,
synthesized plain, with a no-op Python Aspect, with `CertFitChecks`, and through the
validation-plugin path when cdk_aspect offers one.

Each synthesis runs in its own process (importing aws-cdk-lib costs seconds and hundreds of
MB, and jsii state must not carry over); the process times `app.synth()` itself, which is where
Aspects and validations run, and reports it as one JSON line.
The CDK's built-in CloudFormation validation (on by default) is most of a plain synth here (about
5 s of 5.5 s for 200 listeners), so every mode is measured with it on and with it off: the
overhead of an Aspect is a small share of the first and a large share of the second.
Run one: `python -m benchmarks.cdk_bench child MODE LISTENERS [validation-off]`.
"""

from __future__ import annotations

import functools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

MODES = (
    "plain",
    "noop-aspect",
    "certfit-aspect",
    "noop-plugin",
    "certfit-plugin",
    "cdknag-plugin",  # the peer: cdk-nag 3's AwsSolutionsChecks, also a validation plugin
)
EXTERNAL_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0b5e1a7c-external"
PER_STACK = 50  # listeners per stack: keeps each stack far below CloudFormation's 500 resources


def nag_available() -> bool:
    """cdk-nag 3 (a dev dependency) is what the peer contender runs."""
    try:
        import cdk_nag  # noqa: F401
    except ImportError:
        return False
    return True


def plugin_class() -> Any:
    """cdk_aspect's IPolicyValidationPlugin, if this version has one (optional in issue 5)."""
    try:
        from cdk_aspect import CertFitValidation
    except ImportError:
        return None
    return CertFitValidation


def _tree_cpu() -> float:
    """CPU seconds used so far by this process and its children (the jsii node runtime), so
    that synth time can also be read as work, which other load on the machine skews less."""
    from benchmarks.measure import _descendants

    ticks = os.sysconf("SC_CLK_TCK")
    total = time.process_time()
    for pid in _descendants(os.getpid())[1:]:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            continue
    return total


def build_app(listeners: int, outdir: str, validation: bool = True) -> Any:
    """Stacks of ALBs (two HTTPS listeners each, SNI certificates on some) and NLBs (TLS),
    ACM certificates of the three algorithms ACM issues, and the buckets, queues and functions
    that sit next to them in a real app."""
    import aws_cdk as cdk
    from aws_cdk import aws_certificatemanager as acm
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_elasticloadbalancingv2 as elbv2
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_s3 as s3
    from aws_cdk import aws_sqs as sqs

    algorithms = [
        acm.KeyAlgorithm.RSA_2048,
        acm.KeyAlgorithm.EC_PRIME256_V1,
        acm.KeyAlgorithm.EC_SECP384_R1,
    ]
    app = cdk.App(outdir=outdir, builtin_cloud_formation_validation=validation)
    made = 0
    stack_no = 0
    while made < listeners:
        stack = cdk.Stack(app, f"Edge{stack_no}")
        vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
        in_stack = 0
        lb_no = 0
        while in_stack < PER_STACK and made < listeners:
            network = lb_no % 5 == 4
            cert = acm.Certificate(
                stack,
                f"Cert{lb_no}",
                domain_name=f"svc{lb_no}.s{stack_no}.example.com",
                key_algorithm=algorithms[lb_no % len(algorithms)],
            )
            if network:
                nlb = elbv2.NetworkLoadBalancer(stack, f"Nlb{lb_no}", vpc=vpc)
                group = elbv2.NetworkTargetGroup(
                    stack, f"Tg{lb_no}", vpc=vpc, port=443, protocol=elbv2.Protocol.TCP
                )
                nlb.add_listener(
                    f"Tls{lb_no}",
                    port=443,
                    protocol=elbv2.Protocol.TLS,
                    certificates=[elbv2.ListenerCertificate.from_certificate_manager(cert)],
                    default_target_groups=[group],
                )
                in_stack += 1
                made += 1
            else:
                alb = elbv2.ApplicationLoadBalancer(stack, f"Alb{lb_no}", vpc=vpc)
                for port in (443, 8443):
                    if in_stack >= PER_STACK or made >= listeners:
                        break
                    listener = alb.add_listener(
                        f"Https{port}",
                        port=port,
                        certificates=[cert],
                        default_action=elbv2.ListenerAction.fixed_response(200),
                    )
                    if lb_no % 3 == 0:
                        listener.add_certificates(
                            "Sni",
                            [elbv2.ListenerCertificate.from_certificate_manager(cert)],
                        )
                    if lb_no == 0 and port == 443:
                        # A certificate managed elsewhere: certfit must say it cannot judge it
                        # (a notice), so the run shows the checks really ran.
                        listener.add_certificates(
                            "External",
                            [elbv2.ListenerCertificate.from_arn(EXTERNAL_ARN)],
                        )
                    in_stack += 1
                    made += 1
            lb_no += 1
        for i in range(8):  # what is not about TLS: most of a real app
            s3.Bucket(stack, f"Bucket{i}", encryption=s3.BucketEncryption.S3_MANAGED)
            sqs.Queue(stack, f"Queue{i}")
        for i in range(4):
            lambda_.Function(
                stack,
                f"Fn{i}",
                runtime=lambda_.Runtime.PYTHON_3_12,
                handler="index.handler",
                code=lambda_.Code.from_inline("def handler(event, context):\n    return event\n"),
            )
        stack_no += 1
    return app


def add_mode(app: Any, mode: str) -> Any:
    """Attach what `mode` measures; returns the certfit object (for its findings) or None."""
    import aws_cdk as cdk
    import jsii

    if mode == "noop-aspect":

        @jsii.implements(cdk.IAspect)
        class Noop:
            def visit(self, node: Any) -> None:
                pass

        cdk.Aspects.of(app).add(Noop(), priority=cdk.AspectPriority.READONLY)
    elif mode == "certfit-aspect":
        from cdk_aspect import CertFitChecks

        checks = CertFitChecks(config=False)
        cdk.Aspects.of(app).add(checks, priority=cdk.AspectPriority.READONLY)
        return checks
    elif mode == "noop-plugin":

        @jsii.implements(cdk.IPolicyValidationPlugin)
        class NoopPlugin:
            """What the CDK's plugin machinery costs by itself (it reads no template)."""

            @property
            def name(self) -> str:
                return "noop"

            @property
            def version(self) -> str | None:
                return None

            @property
            def rule_ids(self) -> list[str] | None:
                return None

            def validate(self, context: Any) -> Any:
                return cdk.PolicyValidationPluginReport(success=True, violations=[])

        cdk.Validations.of(app).add_plugins(NoopPlugin())
    elif mode == "certfit-plugin":
        plugin = plugin_class()
        if plugin is None:
            raise SystemExit("cdk_aspect has no validation plugin")
        validation = plugin(config=False)
        cdk.Validations.of(app).add_plugins(validation)
        return validation
    elif mode == "cdknag-plugin":
        from cdk_nag import AwsSolutionsChecks

        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return None


def _timed(original: Any, total: list[float]) -> Any:
    # functools.wraps keeps the signature: jsii passes callback arguments by parameter name.
    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            total[0] += time.perf_counter() - start

    return timed


def _time_certfit(certfit: Any) -> list[float]:
    """Time spent inside certfit's entry points during synth (the Aspect's visit and its
    stack validations, or the plugin's validate): the overhead itself, which the noise of a
    10-second synth on a shared machine cannot hide."""
    total = [0.0]
    if certfit is None:
        return total
    import cdk_aspect.aspect as aspect_module

    classes = [type(certfit)] + [
        c for c in vars(aspect_module).values() if isinstance(c, type) and "validate" in vars(c)
    ]
    for cls in classes:
        for name in ("visit", "validate"):
            original = vars(cls).get(name)
            if original is None:
                continue

            setattr(cls, name, _timed(original, total))
    return total


def _count_jsii_calls() -> list[int]:
    """Round trips to the jsii node runtime from now on (each costs a message each way)."""
    from jsii._kernel.providers import process

    count = [0]
    original = process._NodeProcess.send

    def send(self: Any, *args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return original(self, *args, **kwargs)

    process._NodeProcess.send = send  # type: ignore[method-assign]
    return count


def child(mode: str, listeners: int, validation: bool = True) -> None:
    start = time.perf_counter()
    import aws_cdk  # noqa: F401

    imported = time.perf_counter()
    with tempfile.TemporaryDirectory() as outdir:
        app = build_app(listeners, outdir, validation)
        certfit = add_mode(app, mode)
        inside = _time_certfit(certfit)
        calls = _count_jsii_calls()
        built = time.perf_counter()
        cpu_before = _tree_cpu()
        failed = False
        try:
            app.synth()
        except RuntimeError as exc:  # a plugin's violations fail synth: it still did its work
            if "ValidationFailed" not in str(exc):
                raise
            failed = True
        synth = time.perf_counter() - built
        synth_cpu = _tree_cpu() - cpu_before
        print(
            json.dumps(
                {
                    "mode": mode,
                    "listeners": listeners,
                    "import_s": imported - start,
                    "construct_s": built - imported,
                    "synth_s": synth,
                    "synth_cpu_s": synth_cpu,
                    "certfit_findings": len(certfit.findings) if certfit is not None else 0,
                    "certfit_s": inside[0],
                    "jsii_calls_in_synth": calls[0],
                    "validation_failed": failed,
                }
            )
        )


def measure(
    listeners: int, repeats: int, log: Callable[[str], None], validation: bool = True
) -> dict[str, object]:
    """Interleaved rounds over the modes; medians of `app.synth()` time."""
    from benchmarks.measure import run
    from benchmarks.tools import REPO, child_env

    try:
        import aws_cdk  # noqa: F401
    except ImportError:
        return {"skipped": "aws-cdk-lib is not installed"}
    modes = [
        m
        for m in MODES
        if (m != "certfit-plugin" or plugin_class() is not None)
        and (m != "cdknag-plugin" or nag_available())
    ]
    samples: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    errors: dict[str, str] = {}
    setting = "on" if validation else "off"
    log(f"CDK app with {listeners} listeners, built-in validation {setting}: {', '.join(modes)}")
    for round_no in range(repeats):
        order = modes[round_no % len(modes) :] + modes[: round_no % len(modes)]
        for mode in order:
            argv = [sys.executable, "-m", "benchmarks.cdk_bench", "child", mode, str(listeners)]
            argv.append("validation-on" if validation else "validation-off")
            sample = run(argv, env=child_env({"PYTHONPATH": str(REPO)}), cwd=REPO)
            try:
                data = json.loads(sample.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                errors[mode] = sample.stderr.strip()[-400:]
                log(f"  {mode}: failed: {errors[mode][-200:]}")
                continue
            data["process_s"] = sample.wall
            data["max_rss_mb"] = sample.max_rss_mb
            samples[mode].append(data)
            log(
                f"  {mode:16} synth {data['synth_s']:6.2f} s, {data['synth_cpu_s']:6.2f} s CPU, "
                f"{data['certfit_s']:5.2f} s in certfit, {data['jsii_calls_in_synth']} jsii calls "
                f"(process {sample.wall:5.1f} s)"
            )
    out: dict[str, object] = {
        "listeners": listeners,
        "builtin_validation": validation,
        "errors": errors,
        "modes": {},
    }
    for mode, rows in samples.items():
        if not rows:
            continue
        out["modes"][mode] = {  # type: ignore[index]
            "n": len(rows),
            "synth_median_s": statistics.median(r["synth_s"] for r in rows),
            "synth_all_s": [round(r["synth_s"], 3) for r in rows],
            "construct_median_s": statistics.median(r["construct_s"] for r in rows),
            "process_median_s": statistics.median(r["process_s"] for r in rows),
            "max_rss_mb": max(r["max_rss_mb"] for r in rows),
            "synth_cpu_median_s": statistics.median(r["synth_cpu_s"] for r in rows),
            "certfit_findings": rows[-1]["certfit_findings"],
            "certfit_median_s": statistics.median(r["certfit_s"] for r in rows),
            "jsii_calls_in_synth": rows[-1]["jsii_calls_in_synth"],
        }
    return out


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "child":
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4:] != ["validation-off"])
    else:
        raise SystemExit(__doc__)
