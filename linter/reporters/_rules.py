"""Short and full descriptions of each rule, for SARIF's rule table.

The rule docs (docs/rules/<name>.md) are the long form and every output links to them; these
sentences are what code scanning shows before a user clicks through. They come from the rule
modules themselves, so there is one place to change them.
"""

from __future__ import annotations

from dataclasses import dataclass

RULE_LINK = "https://github.com/certfit/certfit/blob/main/docs/rules/{}.md"


@dataclass(frozen=True)
class RuleText:
    name: str
    short: str
    full: str
    link: str


# Texts for rules that have no module in linter/rules (the catalogue's rules describe
# themselves: SUMMARY and the module docstring).
_TEXTS: dict[str, tuple[str, str]] = {
    "unused_ignore": (
        "An ignore comment or suppression matches no finding",
        "A `certfit-ignore` comment, `certfit-ignore-file` comment or suppression matched "
        "nothing in this run. Remove it so stale ignores do not hide future problems.",
    ),
}


def _from_module(name: str) -> tuple[str | None, str | None]:
    """The rule module's SUMMARY and docstring body: one source for what the rule says."""
    try:
        from linter.rules import by_name
    except ImportError:
        return None, None
    rule = by_name(name)
    if rule is None:
        return None, None
    summary = getattr(rule, "SUMMARY", None)
    parts = (rule.__doc__ or "").strip().split("\n\n", 1)
    body = " ".join(parts[1].split()) if len(parts) == 2 else None
    return (summary if isinstance(summary, str) and summary else None), body or None


def rule_text(name: str, link: str = "") -> RuleText:
    short, full = _TEXTS.get(name, (name.replace("_", " ").capitalize(), ""))
    module_short, module_full = _from_module(name)
    short, full = module_short or short, module_full or full
    return RuleText(name=name, short=short, full=full or short, link=link or RULE_LINK.format(name))
