"""Helpers for CloudFormation front-end tests: write a template under a temporary project root
and load it with the real front end."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures.pki import Issued, issue
from linter.cloudformation import load_template
from linter.model import Model
from linter.options import LoadOptions

Loader = Callable[..., Model]


@pytest.fixture
def load(tmp_path: Path) -> Loader:
    """load(text, name="template.yaml", parameters=None, mappings=None) -> Model."""

    def _load(
        text: str,
        name: str = "template.yaml",
        parameters: dict[str, str] | None = None,
        **kwargs: object,
    ) -> Model:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        options = LoadOptions.for_root(tmp_path, parameters=parameters or {}, **kwargs)
        return load_template(path, options)

    return _load


@pytest.fixture(scope="session")
def certs() -> dict[str, Issued]:
    return {
        "ec256": issue("ec.example.com", "EC_prime256v1"),
        "rsa4096": issue("big.example.com", "RSA_4096"),
    }
