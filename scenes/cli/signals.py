"""Ctrl-C, SIGTERM and SIGHUP: stop, clean up, exit with 128 + the signal's number.

The first of these signals raises :class:`Stopped` (a ``KeyboardInterrupt``, so
every ``finally`` and ``with`` block on the way out runs: temporary folders are
removed, worker processes stopped). Later ones are ignored, so the clean-up itself
is never cut short. Once a run's files are published (:func:`blocked` around the
publishing, then :func:`mark_done`) signals no longer stop it. Only the standard
library is imported here: :func:`exit_during_import` guards the slow start-up imports.

Python runs a handler wherever the main thread is, a weakref callback or a ``__del__``
included, and drops an exception raised there ("Exception ignored in ..."). Such a
lost :class:`Stopped` is kept quiet and raised again by the next signal or by
:func:`check`, which publishing calls first.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = [
    "SIGNALS", "Stopped", "handling", "blocked", "check", "mark_done", "ignore_all", "received",
    "exit_during_import", "restore", "name",
]

#: The signals that stop a run: Ctrl-C, ``kill``, a closed terminal.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """A run stopped by ``signum``; its exit code is 128 + ``signum``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class _State:
    stopped: int | None = None
    lost = False  # the Stopped raised was dropped where Python ignores exceptions
    done = False


def _handle(signum: int, frame: Any) -> None:
    if _State.done or (_State.stopped is not None and not _State.lost):
        return
    _State.stopped, _State.lost = _State.stopped or signum, False
    raise Stopped(_State.stopped)


def _quiet_when_lost(hook: Callable[[Any], None]) -> Callable[[Any], None]:
    """``sys.unraisablehook`` that notes a dropped :class:`Stopped` instead of printing it."""

    def unraisable(report: Any) -> None:
        if isinstance(report.exc_value, Stopped):
            _State.lost = True
        else:
            hook(report)

    return unraisable


def check() -> None:
    """Raise :class:`Stopped` if a signal stopped the run and the run is still going (its exception was lost)."""
    if _State.stopped is not None and not _State.done:
        _State.lost = False
        raise Stopped(_State.stopped)


def received() -> int | None:
    """The signal that stopped the current run, if one did."""
    return _State.stopped


def restore(handlers: dict[int, Any]) -> None:
    """Put back the handlers :func:`exit_during_import` returned."""
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


def name(signum: int) -> str:
    """``"SIGINT"`` for 2, and so on."""
    return signal.Signals(signum).name


@contextmanager
def handling(process: bool = False) -> Iterator[None]:
    """Handle :data:`SIGNALS` as the module says for the duration of a run.

    At the end the previous handlers come back, except in a ``process`` that
    exits after the run: it ignores the signals from then on.
    """
    _State.stopped, _State.lost, _State.done = None, False, False
    previous = {signum: signal.signal(signum, _handle) for signum in SIGNALS}
    hook, sys.unraisablehook = sys.unraisablehook, _quiet_when_lost(sys.unraisablehook)
    try:
        yield
    finally:
        sys.unraisablehook = hook
        if process:
            ignore_all()
        else:
            restore(previous)


def ignore_all() -> None:
    """Ignore :data:`SIGNALS` from now on (a process on its way out)."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


@contextmanager
def blocked(signals: tuple[int, ...] = SIGNALS) -> Iterator[None]:
    """Hold ``signals`` back until the block ends; they arrive then, none is lost."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def mark_done() -> None:
    """The run's files are published: a signal from now on no longer stops it."""
    _State.done = True


def exit_during_import() -> dict[int, Any]:
    """Until :func:`handling` takes over, a signal ends the ``netreel`` process at once with one line.

    Nothing has been written while modules are still being imported, so there is
    nothing to clean up. Returns the previous handlers (to put back when the imports
    are done). A worker process (which imports this too) keeps its own handling.
    """
    if multiprocessing.current_process().name != "MainProcess":  # a worker importing its parent's main module
        return {}

    def leave(signum: int, frame: Any) -> None:
        os.write(2, f"Error: interrupted ({name(signum)}); no file was written\n".encode())
        os._exit(128 + signum)

    return {signum: signal.signal(signum, leave) for signum in SIGNALS}
