"""The CDK adapter: an Aspect that runs certfit's rules on a construct tree.

from cdk_aspect import CertFitChecks
Aspects.of(app).add(CertFitChecks(), priority=AspectPriority.READONLY)
CertFitChecks.suppress(construct, "unsupported_key_algorithm", reason="...")
"""

from cdk_aspect.aspect import CertFitChecks, annotation_id, format_message

__all__ = ["CertFitChecks", "annotation_id", "format_message"]
