"""Asking AWS, read-only, about what the code only names (`certfit --aws`, `certfit audit`).

boto3 is an optional extra (`pip install certfit[aws]`): nothing here is imported by a lint run
without `--aws`, so such a run never touches the network.
"""

from __future__ import annotations

INSTALL_HINT = "install it with `pip install 'certfit[aws]'` (boto3)"


class AwsUnavailable(Exception):
    """boto3 is not installed: `--aws` and `certfit audit` cannot run."""


class LookupFailed(Exception):
    """One read call failed; the message says which call and why (for a notice)."""


def require_boto3() -> None:
    try:
        import boto3  # noqa: F401
    except ImportError:
        raise AwsUnavailable(f"--aws needs boto3, which is not installed: {INSTALL_HINT}") from None
