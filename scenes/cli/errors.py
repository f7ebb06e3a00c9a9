"""The errors the command shows: one line on stderr, exit code 2 (bad input) or 1 (the system failed)."""

from __future__ import annotations

import click

__all__ = ["NetreelError", "RunFailed", "one_line", "os_error_text"]


class NetreelError(click.ClickException):
    """A problem with what the user asked for: one line, exit code 2."""

    exit_code = 2


class RunFailed(NetreelError):
    """The system failed a run that was asked for correctly (a full disk, a read-only folder): exit code 1."""

    exit_code = 1


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def os_error_text(error: OSError) -> str:
    """``"No space left on device: 'renders/x.gif'"``: the reason, then the file if there is one."""
    reason = error.strerror or one_line(error) or type(error).__name__
    return f"{reason}: {str(error.filename)!r}" if error.filename is not None else reason
