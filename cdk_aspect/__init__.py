"""The CDK adapter: certfit's rules inside `cdk synth`.

As an Aspect, findings become annotations on the constructs:

    from cdk_aspect import CertFitChecks
    Aspects.of(app).add(CertFitChecks(), priority=AspectPriority.READONLY)
    CertFitChecks.suppress(construct, "unsupported_key_algorithm", reason="...")

or, as a policy-validation plugin over the synthesized templates:

    Validations.of(app).add_plugins(CertFitValidation())
"""

from cdk_aspect.aspect import CertFitChecks, annotation_id
from cdk_aspect.judge import format_message
from cdk_aspect.plugin import CertFitValidation

__all__ = ["CertFitChecks", "CertFitValidation", "annotation_id", "format_message"]
