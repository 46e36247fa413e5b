# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.certfit-installed
NODE_STAMP := node_modules/.certfit-installed

.PHONY: demo demo-aws test lint bench venv clean

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
	$(VENV)/bin/ruff check linter cdk_aspect tests benchmarks
	$(VENV)/bin/ruff format --check linter cdk_aspect tests benchmarks
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
