"""A parser for GitHub workflow commands, written from the runner's rules
(actions/runner ActionCommand.TryParseV2), so tests read annotations the way GitHub does."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r"^::(?P<cmd>[a-z-]+)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    return (
        text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


@dataclass
class Command:
    name: str
    properties: dict[str, str]
    message: str


def parse(output: str) -> list[Command]:
    commands = []
    for line in output.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        props: dict[str, str] = {}
        for pair in (m["props"] or "").split(","):
            if pair:
                key, _, value = pair.partition("=")
                props[key] = _unescape_property(value)
        commands.append(Command(m["cmd"], props, _unescape_data(m["data"])))
    return commands
