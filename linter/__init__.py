"""certfit: catch TLS certificates AWS cannot use, before deploy."""

__version__ = "0.1.0"
