"""The CDK adapter: certfit's rules inside `cdk synth`.

As a policy-validation plugin over the synthesized templates (the CDK's own way, as cdk-nag 3),
with findings acknowledged the CDK's way:

    Validations.of(app).add_plugins(CertFitValidation())
    Validations.of(listener).acknowledge(
        Acknowledgment(id="certfit::unsupported_key_algorithm", reason="...")
    )

or as an Aspect, whose findings become annotations on the constructs (the same
acknowledgements count; `CertFitChecks.suppress(...)` is cdk-nag 2's habit):

    Aspects.of(app).add(CertFitChecks(), priority=AspectPriority.READONLY)
"""

from cdk_aspect.aspect import CertFitChecks, annotation_id
from cdk_aspect.judge import format_message
from cdk_aspect.plugin import CertFitValidation

__all__ = ["CertFitChecks", "CertFitValidation", "annotation_id", "format_message"]
