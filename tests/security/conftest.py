"""Hypothesis profiles for the hostile-input properties: `make test` runs a few bounded
examples of each ("default"); `HYPOTHESIS_PROFILE=fuzz` runs many more (make fuzz)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,  # each example is a real CLI run in a subprocess with its own timeout
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("default", max_examples=4, **_COMMON)
settings.register_profile("fuzz", max_examples=300, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
