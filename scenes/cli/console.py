"""What the command prints on stdout, and a stdout that cannot take it (a full disk, a closed pipe)."""

from __future__ import annotations

import os
import sys

import click

from .errors import RunFailed

__all__ = ["say", "settle_stdout"]


def say(text: str = "") -> None:
    """Print a line on stdout.

    Raises
    ------
    RunFailed
        When stdout cannot be written (``> /dev/full``); a reader that left
        (``| head``) ends the command quietly with exit code 141 instead.
    """
    try:
        click.echo(text)
    except BrokenPipeError:
        raise click.exceptions.Exit(141) from None  # the reader left (| head): stop quietly, as on SIGPIPE
    except OSError as error:
        raise RunFailed(f"cannot write to standard output: {error.strerror or error}") from None


def settle_stdout() -> None:
    """Flush stdout before the process exits; if it cannot be written, send what is left to /dev/null.

    Otherwise Python's own flush at exit would print a traceback-like warning.
    """
    try:
        sys.stdout.flush()
    except OSError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
