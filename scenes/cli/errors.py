"""The one kind of error the command shows: a line on stderr and exit code 2."""

from __future__ import annotations

import click

__all__ = ["NetreelError", "one_line"]


class NetreelError(click.ClickException):
    """A problem with what the user asked for: one line, exit code 2."""

    exit_code = 2


def one_line(text: str) -> str:
    return " ".join(str(text).split())
