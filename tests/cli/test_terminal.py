"""What only a person at a terminal sees: colour (unless NO_COLOR) and the progress line
(never in a machine format, never when output is piped)."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from linter.cli import _Progress, progress_enabled, use_color
from tests.cli.conftest import REPO


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run_on_a_terminal(project: Path, env: dict[str, str], *args: str) -> str:
    """certfit with stdout on a pseudo-terminal, as a user's shell gives it."""
    leader, follower = pty.openpty()
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "linter.cli", *args],
        cwd=project,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env={**clean, "PYTHONPATH": str(REPO), "TERM": "xterm", **env},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process exits
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_and_not_with_no_color(project: Path, tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "CERTFIT_CACHE_DIR": str(tmp_path / "c")}
    coloured = _run_on_a_terminal(project, env)
    assert "\x1b[31m" in coloured  # the error in red
    plain = _run_on_a_terminal(project, {**env, "NO_COLOR": "1"})
    assert "\x1b[" not in plain
    assert "unsupported_key_algorithm" in plain
    assert "\x1b[" not in _run_on_a_terminal(project, env, "--no-color")
    assert "\x1b[" not in _run_on_a_terminal(project, env, "-f", "compact")


def test_colour_rules() -> None:
    tty, pipe = _Tty(), io.StringIO()
    assert use_color(False, {}, tty)
    assert not use_color(False, {}, pipe)
    assert not use_color(False, {"NO_COLOR": "1"}, tty)
    assert use_color(False, {"NO_COLOR": ""}, tty)  # no-color.org: only a non-empty value
    assert not use_color(False, {"TERM": "dumb"}, tty)
    assert not use_color(True, {}, tty)


def test_progress_only_for_the_default_format_on_a_terminal() -> None:
    assert progress_enabled("default", _Tty())
    assert not progress_enabled("default", io.StringIO())
    for fmt in ("compact", "json", "checkstyle", "junit", "sarif", "github"):
        assert not progress_enabled(fmt, _Tty())


def test_progress_line_is_written_then_cleared() -> None:
    stream = _Tty()
    progress = _Progress(stream, enabled=True)
    progress("reading envs/prod (1/2)")
    progress.timer.cancel()  # drive it by hand instead of waiting for the timer
    progress._tick()
    progress.stop()
    text = stream.getvalue()
    assert "certfit: reading envs/prod (1/2)" in text
    assert text.endswith("\r\x1b[K")  # the line is erased before the report is printed


def test_progress_that_never_fired_writes_nothing() -> None:
    stream = _Tty()
    progress = _Progress(stream, enabled=True)
    progress.stop()
    assert stream.getvalue() == ""
