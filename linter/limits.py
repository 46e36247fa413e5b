"""Every bound certfit puts on what an input may make it do, in one place.

certfit reads pull requests from strangers, so no input may make it run for ever or eat the
machine: strings, nesting, evaluation work, expansions and instances are all bounded. Each limit
has a name, a default that real projects stay far below, and a message; going past one is an
input error at the file and line that did it, and the run goes on with the rest.

A limit can be raised from the command line (`--limit NAME=N`) or the environment
(`CERTFIT_LIMIT_NAME=N`) only, never from a committed config file: the input under review
must not be able to switch off its own bounds. docs/security.md ("Limits") lists them.

The checks are cheap counters: `Budget.spend` is a subtraction and a comparison.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace

ENV_PREFIX = "CERTFIT_LIMIT_"


@dataclass(frozen=True)
class Limits:
    """The bounds of one run. Field names are the names users raise them by."""

    # Characters in one computed string (Terraform templates and functions, Fn::Join/Fn::Sub).
    string_size: int = 8 * 1024 * 1024
    # Nesting of one document (JSON, YAML, HCL) or expression.
    depth: int = 200
    # Evaluation steps for one attribute (Terraform) or property (CloudFormation), references
    # followed included.
    work: int = 2_000_000
    # Instances of one block from count, for_each or a for expression / elements of a list
    # a function builds.
    expansion: int = 100_000
    # templatefile() inside templatefile().
    template_nesting: int = 8
    # Nodes that YAML aliases may add to a document once expanded (billion laughs).
    yaml_alias_nodes: int = 10_000
    # Module instances in one Terraform root module, stacks (nested stacks and nested
    # assemblies included) in one cdk.out.
    instances: int = 10_000

    @classmethod
    def from_sources(
        cls, environ: Mapping[str, str] | None = None, flags: Mapping[str, str] | None = None
    ) -> tuple[Limits, list[str]]:
        """Defaults, then CERTFIT_LIMIT_* from `environ`, then `--limit` flags. Returns the
        limits and a message for each value that was not understood (those are ignored)."""
        values: dict[str, int] = {}
        problems: list[str] = []
        names = [f.name for f in fields(cls)]
        env = os.environ if environ is None else environ
        given = [
            (k[len(ENV_PREFIX) :].lower(), v, k) for k, v in env.items() if k.startswith(ENV_PREFIX)
        ]
        given += [(k.lower(), v, f"--limit {k}") for k, v in (flags or {}).items()]
        for name, raw, where in given:
            if name not in names:
                problems.append(f"{where}: no limit named {name!r}; limits: {', '.join(names)}")
                continue
            try:
                number = int(raw.replace("_", ""))
            except ValueError:
                number = -1
            if number < 1:
                problems.append(f"{where}={raw}: a limit is a whole number of at least 1")
                continue
            values[name] = number
        return replace(cls(), **values), problems

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Limits:
        return cls.from_sources(environ)[0]


def raise_hint(name: str) -> str:
    """How a user raises limit `name`, for messages."""
    return f"raise it with --limit {name}=N or {ENV_PREFIX}{name.upper()}"


class LimitExceeded(Exception):
    """An input went past limit `name`; `message` says what, for an input error."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{message} (limit {name}; {raise_hint(name)})")
        self.name = name


class Budget:
    """Work left for one evaluation; `reported` is set once its overrun became an error, so
    the evaluations that were waiting on it do not report it again."""

    __slots__ = ("left", "reported", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self.left = size
        self.reported = False

    def spend(self, n: int = 1) -> None:
        self.left -= n
        if self.left < 0:
            raise LimitExceeded("work", f"evaluating this took more than {self.size:,} steps")


_DEFAULTS = Limits()
_LIMITS: ContextVar[Limits] = ContextVar("certfit_limits", default=_DEFAULTS)
_BUDGET: ContextVar[Budget | None] = ContextVar("certfit_budget", default=None)


def current() -> Limits:
    """The limits of the load in progress (the defaults outside one)."""
    return _LIMITS.get()


@contextmanager
def using(limits: Limits) -> Iterator[Limits]:
    """Make `limits` the ones `current()` returns while a front end loads."""
    token = _LIMITS.set(limits)
    try:
        yield limits
    finally:
        _LIMITS.reset(token)


@contextmanager
def work() -> Iterator[Budget]:
    """The budget of the outermost evaluation in progress, or a fresh one for a new one:
    references followed from an attribute spend from the attribute's budget."""
    budget = _BUDGET.get()
    if budget is not None:
        yield budget
        return
    budget = Budget(_LIMITS.get().work)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def spend(n: int = 1) -> None:
    """Charge `n` steps to the evaluation in progress (nothing outside one)."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.spend(n)


def check_length(n: int, what: str) -> None:
    """Refuse a string being built once it passes `string_size` characters."""
    if n > _LIMITS.get().string_size:
        raise LimitExceeded("string_size", f"{what} makes a string of over {n:,} characters")


def check_size(value: object, what: str) -> None:
    """Refuse a computed string or collection larger than the limits allow; charge its size
    as work, since building it was."""
    if isinstance(value, str):
        n = len(value)
        if n > _LIMITS.get().string_size:
            raise LimitExceeded("string_size", f"{what} makes a string of {n:,} characters")
        spend(1 + n // 4096)
    elif isinstance(value, list | dict):
        n = len(value)
        if n > _LIMITS.get().expansion:
            raise LimitExceeded("expansion", f"{what} makes a collection of {n:,} elements")
        spend(1 + n)
