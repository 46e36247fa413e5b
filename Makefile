# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.certfit-installed
NODE_STAMP := node_modules/.certfit-installed

.PHONY: demo demo-aws test lint bench bench-full fuzz venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,cdk,aws]'
	touch $(STAMP)

# The pinned npm aws-cdk CLI, for the tests that run the real `cdk synth`.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

demo: $(STAMP)
	$(PY) -m fixtures.generate
	$(VENV)/bin/certfit fixtures/demo || test $$? -eq 2

# The demo with --aws, against moto's AWS emulator on 127.0.0.1 (no account needed).
demo-aws: $(STAMP)
	$(PY) -m fixtures.generate
	$(PY) -m fixtures.demo_aws

test: $(STAMP) $(NODE_STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check linter cdk_aspect tests benchmarks fuzz
	$(VENV)/bin/ruff format --check linter cdk_aspect tests benchmarks fuzz
	$(VENV)/bin/mypy

# `make bench FULL=1` (or `make bench-full`) adds the 50,000-file monorepo (--full).
bench: $(STAMP)
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) -m benchmarks.run $(if $(FULL),--full)

bench-full: FULL = 1
bench-full: bench

# Not part of `make test`: the property tests at length, then each front end's coverage-guided
# fuzz target for FUZZ_SECONDS (one at a time). See docs/security.md, "Fuzzing".
FUZZ_SECONDS ?= 600
fuzz: $(STAMP)
	$(PY) -m pip install -q -e '.[fuzz]' || echo "atheris did not install: fuzz/run.py falls back to mutations"
	$(PY) -m fixtures.generate
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -p no:cacheprovider tests/reporters/test_output_properties.py
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -p no:cacheprovider tests/security/test_hostile_properties.py
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=20000 $(PY) -m pytest -p no:cacheprovider tests/terraform/test_fuzz_hcl.py
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=20000 $(PY) -m pytest -p no:cacheprovider tests/terraform/test_scanner_differential.py
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -p no:cacheprovider tests/terraform/test_survey_properties.py
	$(PY) -m fuzz.run --seconds $(FUZZ_SECONDS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
