"""certificate_expiring: failing and passing cases, and the configurable window."""

import datetime as dt

from fixtures.pki import NOW, issue
from linter.model import Severity, Target
from tests.modelkit import bound, certificate, only, run

RULE = "certificate_expiring"


def test_expiring_within_30_days_warns() -> None:
    soon = issue(not_after=NOW + dt.timedelta(days=10))
    findings = only(run(bound(certificate(soon), Target.ALB)), RULE)
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert findings[0].details["days_left"] in (9, 10)


def test_far_expiry_passes_and_window_is_configurable() -> None:
    later = issue(not_after=NOW + dt.timedelta(days=60))
    model = bound(certificate(later), Target.ALB)
    assert only(run(model), RULE) == []
    assert len(only(run(model, expiry_days=90), RULE)) == 1


def test_already_expired_is_not_double_reported_here() -> None:
    gone = issue(not_before=NOW - dt.timedelta(days=90), not_after=NOW - dt.timedelta(days=1))
    assert only(run(bound(certificate(gone), Target.ALB)), RULE) == []
