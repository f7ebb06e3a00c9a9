"""Where pieces run: here, or in worker processes that leave Ctrl-C to this one.

:class:`Workers` is what :func:`scenes.output.engine.run_pieces` needs of a place
to run calls; :class:`Here` runs each call in this process, :class:`Processes`
in a pool of worker processes (the cluster's is in :mod:`.cluster`). A terminal
sends Ctrl-C and SIGHUP to every process of its group: the workers ignore them
and this process stops them all at once (:func:`stop_workers`), so a run ends
cleanly, without a traceback per worker.

Workers are forked from a fork server that imported the renderer once
(``multiprocessing``'s ``forkserver``): a spawned worker would import Manim and
netreel again, about a second of CPU each, which a short run on two cores feels,
and a forked one leaves at once, without tearing an interpreter down. The fork
server runs nothing but those imports, so a worker forked from it starts as a
spawned one would, without this process's threads or state.
"""

from __future__ import annotations

import atexit
import functools
import multiprocessing.connection
import multiprocessing.context
import os
import queue
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import as_completed as _as_completed
from multiprocessing import forkserver, resource_tracker
from multiprocessing.managers import SyncManager
from typing import Any, Protocol

from tqdm import tqdm

from .jobs import JobFailed

__all__ = ["Workers", "Here", "Processes", "worker_pool", "stop_workers"]


class Workers(Protocol):
    """Where pieces run: ``submit`` a call, learn when calls finish, cancel the rest."""

    count: int

    def submit(self, fn: Callable[..., Any], *args: Any, priority: int = 0) -> Any:
        """Run ``fn(*args)`` on a worker; calls of higher ``priority`` start first where the workers can tell."""

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]: ...

    def result(self, future: Any) -> Any: ...

    def stop(self) -> None:
        """Stop every call still running or waiting (a failure, Ctrl-C)."""

    def progress_queue(self) -> Any:
        """A queue the workers can send frame counts to (:class:`~.progress.FrameReporter`); None if they cannot."""


class Here:
    """Runs each call in this process, in the order submitted, when its result is asked for.

    (So the caller handles each result, e.g. reports a finished clip, before the next call runs.)
    """

    count = 1

    def submit(self, fn: Callable[..., Any], *args: Any, priority: int = 0) -> Callable[[], Any]:
        return functools.partial(fn, *args)

    def as_completed(self, futures: Iterable[Callable[[], Any]]) -> Iterator[Callable[[], Any]]:
        return iter(list(futures))

    def result(self, future: Callable[[], Any]) -> Any:
        return future()

    def stop(self) -> None:
        pass

    def progress_queue(self) -> queue.SimpleQueue:
        return queue.SimpleQueue()


def _guarded(call: Callable[..., Any], *args: Any) -> Any:
    """``call(*args)`` in a worker process; a ValueError comes back as a picklable JobFailed."""
    try:
        return call(*args)
    except ValueError as error:
        raise JobFailed(type(error).__name__, str(error)) from None
    except SystemExit as leaving:
        # SIGTERM during a call (:func:`_leave_cleanly`): the pool would catch this and wait
        # for another call, deaf to a second SIGTERM; leave now, cleaning up as an exit does.
        atexit._run_exitfuncs()
        os._exit(leaving.code if isinstance(leaving.code, int) else 1)


class Processes:
    """``count`` worker processes (:func:`worker_pool`); use as a context manager."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.pool = worker_pool(count)
        self._manager: SyncManager | None = None

    def submit(self, fn: Callable[..., Any], *args: Any, priority: int = 0) -> Future:
        # The pool starts calls in the order they come, which is already the highest priority first.
        return self.pool.submit(_guarded, fn, *args)

    def as_completed(self, futures: Iterable[Future]) -> Iterator[Future]:
        return _as_completed(futures)

    def result(self, future: Future) -> Any:
        return future.result()

    def stop(self) -> None:
        stop_workers(self.pool)

    def progress_queue(self) -> Any:
        if self._manager is None:
            # A queue workers can be handed with each call; its server process, too, leaves Ctrl-C to us.
            self._manager = _QuietContext().Manager()
        return self._manager.Queue()

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self._manager is not None:
            self._manager.shutdown()


#: Signals a terminal sends to every process of the group (Ctrl-C, a closed terminal):
#: the parent handles them once and stops its workers.
_LEFT_TO_PARENT = (signal.SIGINT, signal.SIGHUP)


def _start_worker(environment: dict[str, str]) -> None:
    """A worker's start: the environment of the pool's maker, and its signals (:func:`_ignore_interrupts`)."""
    # Forked from the fork server, a worker has the environment the server started with;
    # the run's own (a cache folder set since, say) is what a spawned worker would see.
    os.environ.clear()
    os.environ.update(environment)
    _ignore_interrupts()
    # Manim makes a (disabled) tqdm bar per play, and tqdm's first bar makes a lock shared
    # between processes: a named semaphore, leaked by a worker stopped while it makes it.
    # Nothing here draws a bar across processes; a thread lock does.
    tqdm.set_lock(threading.RLock())


def _ignore_interrupts() -> None:
    """A worker's signals: Ctrl-C and SIGHUP ignored; SIGTERM (:func:`stop_workers`) ends it cleanly."""
    for signum in _LEFT_TO_PARENT:
        signal.signal(signum, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _LEFT_TO_PARENT)
    signal.signal(signal.SIGTERM, _leave_cleanly)


def _leave_cleanly(signum: int, frame: Any) -> None:
    # Leave as a normal exit rather than be killed, so the worker's own clean-up runs:
    # semaphores a library made here are released instead of reported as leaked.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(128 + signum)


class _QuietProcess(multiprocessing.context.ForkServerProcess):
    """A worker process that starts life with Ctrl-C and SIGHUP blocked.

    It (and the fork server, started with the first worker) keeps them blocked
    until the pool's initializer ignores them.
    """

    def start(self) -> None:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _LEFT_TO_PARENT)
        try:
            super().start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class _QuietContext(multiprocessing.context.ForkServerContext):
    Process = _QuietProcess


#: What every worker imports to render a piece, imported once in the fork server.
_PRELOAD = ["scenes.output.workers", "scenes.output.jobs", "scenes.registry"]


def worker_pool(count: int) -> ProcessPoolExecutor:
    """``count`` worker processes that leave Ctrl-C and SIGHUP to this process.

    Stop them with :func:`stop_workers` (SIGTERM still ends them). The fork server
    starts now, so its imports overlap whatever this process does before the first call.
    """
    context = _QuietContext()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _LEFT_TO_PARENT)
    try:
        # The helpers that track the pool's semaphores and fork its workers start now, so they too ignore them.
        resource_tracker.ensure_running()
        context.set_forkserver_preload(_PRELOAD)
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return ProcessPoolExecutor(count, mp_context=context, initializer=_start_worker, initargs=(dict(os.environ),))


#: Seconds a worker has to leave after SIGTERM before it is killed.
STOP_SECONDS = 5.0


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop every worker of ``pool`` at once, running or not; kill one that has not left in :data:`STOP_SECONDS`."""
    # No public way to stop running workers before Python 3.14.
    processes = list((pool._processes or {}).values())
    for process in processes:
        process.terminate()
    # Sentinels (not join) to wait: the pool's own thread may be joining these processes.
    left = multiprocessing.connection.wait([process.sentinel for process in processes], timeout=STOP_SECONDS)
    for process in processes:
        if process.sentinel not in left:
            process.kill()
