"""Settings for the hostile-input properties: `make test` runs a few bounded examples of each;
`HYPOTHESIS_PROFILE=fuzz` runs many more (make fuzz).

A settings object the tests apply themselves, not a global profile: loading a profile here
would change every other property test in the session (tests/hypothesis_profiles.py keeps the
global one)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

HOSTILE = settings(
    max_examples=300 if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 4,
    deadline=None,  # each example is a real CLI run in a subprocess with its own timeout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
