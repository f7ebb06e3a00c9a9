"""Flags of where a run renders (``--jobs``, ``--scheduler``) and of the subtitles it adds."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import click

from .options import Number

__all__ = ["run_options", "subtitles_option", "SCHEDULER_FORM"]

#: What ``--scheduler`` accepts: a Dask scheduler's address.
SCHEDULER_FORM = re.compile(r"(?:(?:tcp|tls)://)?[A-Za-z0-9.\-]{1,253}:\d{1,5}")


def _scheduler(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    if not SCHEDULER_FORM.fullmatch(value) or not 0 < int(value.rsplit(":", 1)[1]) < 65536:
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise click.BadParameter(f"must be a Dask scheduler's address, tcp://HOST:PORT, not {shown!r}")
    return value if "://" in value else f"tcp://{value}"


def run_options(jobs_help: str) -> Callable:
    """``-j/--jobs`` (worker processes here, described by ``jobs_help``) and ``--scheduler`` (a Dask cluster)."""
    jobs = click.option("-j", "--jobs", type=Number(int, 1, 64), help=f"{jobs_help}  [default: 1]")
    scheduler = click.option(
        "--scheduler", metavar="tcp://HOST:PORT", callback=_scheduler,
        help="Render on the Dask cluster of this scheduler instead (needs netreel[dask]).",
    )

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        return jobs(scheduler(function))

    return decorate


subtitles_option = click.option(
    "--subtitles", is_flag=True,
    help="Also write the captions as NAME.srt and NAME.vtt beside the video (with --no-captions: instead of them).",
)
