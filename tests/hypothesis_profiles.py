"""Hypothesis profiles for certfit's property tests, chosen with HYPOTHESIS_PROFILE:

- `ci` (the default, what `make test` runs): few examples, derandomized, so the suite stays
  fast and a run is repeatable;
- `fuzz` (what `make fuzz` runs): many examples, random, failures kept in `.hypothesis/`.

Import this module from a property-test module: loading a profile is global and idempotent.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=5000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
