"""A reader of GitHub workflow commands, written from the runner's rules (actions/runner,
ActionCommandManager.TryProcessCommand, ActionCommand.TryParseV2 and TryParse), so tests read
a log the way GitHub does:

- a line is split at CR, LF or CRLF (.NET `StreamReader.ReadLine`);
- v2: after leading whitespace is trimmed, `::name props::data`, name one of the registered
  commands (case-insensitive);
- v1 (legacy, still parsed when v2 fails): `##[name props]data` anywhere in the line;
- `::stop-commands::TOKEN` stops all processing until a line whose command is TOKEN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

REGISTERED = frozenset(
    {
        "add-mask",
        "add-matcher",
        "add-path",
        "debug",
        "echo",
        "endgroup",
        "error",
        "group",
        "notice",
        "remove-matcher",
        "save-state",
        "set-env",
        "set-output",
        "stop-commands",
        "warning",
    }
)
_LINES = re.compile(r"\r\n|\r|\n")


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


def _unescape_v1(text: str) -> str:
    return (
        text.replace("%3B", ";")
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%5D", "]")
        .replace("%25", "%")
    )


@dataclass
class Command:
    name: str
    properties: dict[str, str]
    message: str
    line: str = ""  # the log line it was read from


def parse_line(line: str, registered: frozenset[str] = REGISTERED) -> Command | None:
    """The command a runner reads in one log line, or None."""
    body = line.lstrip()
    if body.startswith("::"):
        end = body.find("::", 2)
        if end >= 0:
            info = body[2:end]
            name, _, props = info.partition(" ")
            if name.lower() in registered:
                properties: dict[str, str] = {}
                for pair in props.strip().split(","):
                    key, sep, value = pair.partition("=")
                    if pair and sep and key and value:
                        properties[key] = _unescape_property(value)
                return Command(name.lower(), properties, _unescape_data(body[end + 2 :]), line)
    at = line.find("##[")
    if at >= 0:
        close = line.find("]", at)
        if close >= 0:
            name, _, props = line[at + 3 : close].partition(" ")
            if name.lower() in registered:
                properties = {}
                for pair in props.split(";"):
                    key, sep, value = pair.partition("=")
                    if pair and sep and key and value:
                        properties[key] = _unescape_v1(value)
                return Command(name.lower(), properties, _unescape_v1(line[close + 1 :]), line)
    return None


@dataclass
class Log:
    commands: list[Command] = field(default_factory=list)  # acted on, stop/resume left out
    stopped: list[list[str]] = field(default_factory=list)  # lines of each stop-commands span
    tokens: list[str] = field(default_factory=list)  # each span's token
    resumed: bool = True  # False when the log ends inside a span


def read_log(output: str) -> Log:
    log = Log()
    token: str | None = None
    for line in _LINES.split(output):
        if token is not None:
            cmd = parse_line(line, REGISTERED | {token.lower()})
            if cmd is not None and cmd.name == token.lower():
                token = None
            else:
                log.stopped[-1].append(line)
            continue
        cmd = parse_line(line)
        if cmd is None:
            continue
        if cmd.name == "stop-commands":
            token = cmd.message
            log.tokens.append(token)
            log.stopped.append([])
            continue
        log.commands.append(cmd)
    log.resumed = token is None
    return log


def parse(output: str) -> list[Command]:
    """The commands a runner acts on in `output`."""
    return read_log(output).commands


def command_lines(output: str) -> list[str]:
    """Every line of `output` that a runner would read as a command if nothing had stopped
    command processing: what must never come from input text."""
    return [line for line in _LINES.split(output) if parse_line(line) is not None]
