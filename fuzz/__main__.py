"""`python -m fuzz TARGET [libFuzzer options] [CORPUS_DIR ...]`: fuzz one target with atheris.

certfit's modules and the parsers it drives (python-hcl2, lark, PyYAML) are instrumented for
coverage; a Python exception or a failed output check is a crash, written where
`-artifact_prefix=` says.
"""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.exit("usage: python -m fuzz TARGET [libFuzzer options] [CORPUS_DIR ...]")
    name = sys.argv[1]
    import atheris

    with atheris.instrument_imports(include=["linter", "hcl2", "lark", "yaml"]):
        import linter.cloudformation
        import linter.inspect_cmd
        import linter.terraform.plan  # noqa: F401
        from fuzz import targets
    if name not in targets.TARGETS:
        sys.exit(f"unknown target {name!r}; targets: {', '.join(targets.TARGETS)}")
    atheris.Setup([sys.argv[0], *sys.argv[2:]], targets.one_input(name))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
