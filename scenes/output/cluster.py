"""Pieces on a Dask cluster (``--scheduler tcp://HOST:PORT``): the same jobs as local workers run.

Each Dask worker process renders one piece at a time (Manim's config is global
to a process) and sends its clip back as bytes, so workers may be other
machines; this process writes the clips into its working folder, joins them and
publishes the files exactly as a local run does (:func:`~scenes.output.engine.run_jobs`).
A piece whose worker dies is run again elsewhere (Dask reschedules it; other
failures are retried :data:`RETRIES` times); a scene's own error (a ValueError,
e.g. a diverging training run) comes back once, as
:class:`~scenes.output.render.JobFailed`, and is not retried. Ctrl-C or any
failure cancels every piece still on the cluster.

Workers need netreel installed (the same version) to import the scenes; a scene
loaded from a file (``path/to/file.py:Class``) must be at the same path there.
This module is imported only when a scheduler is given: it needs ``distributed``
(``pip install 'netreel[dask]'``).
"""

from __future__ import annotations

import socket
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from distributed import Client
from distributed import as_completed as _as_completed

from ..text import Cue
from .chunks import Chunk
from .engine import run_jobs
from .frames import FrameStore
from .jobs import Job, JobFailed, JobResult, PieceResult, render_piece
from .progress import Progress

__all__ = ["RETRIES", "ClusterError", "connect", "run_on_cluster"]

#: Times a piece that fails for another reason than its scene's ValueError is tried again.
RETRIES = 2
#: Seconds to wait for the scheduler to answer.
CONNECT_SECONDS = 10

# One piece at a time per worker process, however many threads the worker runs.
_ONE_AT_A_TIME = threading.Lock()


class ClusterError(ValueError):
    """The scheduler cannot be reached or has no workers."""


@dataclass
class _Failure:
    """A scene's ValueError, sent back as a value (a raised one would be retried)."""

    kind: str
    message: str


@dataclass
class _Clip:
    """A piece rendered on a worker: its clip as bytes, and what else it made."""

    movie: bytes | None
    suffix: str
    frames: FrameStore | None
    last_frame: np.ndarray | None
    cues: list[Cue] = field(default_factory=list)


def _on_worker(call: Callable[..., Any], *args: Any) -> Any:
    with _ONE_AT_A_TIME:
        try:
            return call(*args)
        except ValueError as error:
            return _Failure(type(error).__name__, str(error))


def _render_remote(job: Job, chunk: Chunk, _client_workdir: str, _report: None) -> _Clip:
    """:func:`~scenes.output.jobs.render_piece` in a folder of the worker's own, the clip as bytes.

    (Frames are not counted as they are drawn: progress follows finished pieces.)
    """
    with tempfile.TemporaryDirectory(prefix="netreel-worker-") as workdir:
        piece = render_piece(job, chunk, workdir)
        movie = piece.movie.read_bytes() if piece.movie is not None else None
        suffix = piece.movie.suffix if piece.movie is not None else ""
    return _Clip(movie, suffix, piece.frames, piece.last_frame, piece.cues)


class _Cluster:
    """The cluster's worker processes, as :class:`~scenes.output.workers.Workers`."""

    def __init__(self, client: Client, workdir: Path) -> None:
        self.client = client
        self.workdir = workdir
        self.count = max(1, len(client.nthreads()))
        self.futures: list[Any] = []

    def submit(self, fn: Callable[..., Any], *args: Any, priority: int = 0) -> Any:
        future = self.client.submit(_on_worker, fn, *args, pure=False, retries=RETRIES, priority=priority)
        self.futures.append(future)
        return future

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        futures = list(futures)
        return iter(_as_completed(futures)) if futures else iter(())

    def result(self, future: Any) -> Any:
        value = future.result()
        if isinstance(value, _Failure):
            raise JobFailed(value.kind, value.message)
        if not isinstance(value, _Clip):
            return value
        movie = None
        if value.movie is not None:
            movie = Path(tempfile.mkdtemp(prefix="piece-", dir=self.workdir)) / f"clip{value.suffix}"
            movie.write_bytes(value.movie)
        return PieceResult(movie, value.frames, value.last_frame, value.cues)

    def stop(self) -> None:
        self.client.cancel(self.futures)

    def progress_queue(self) -> None:
        return None  # progress follows finished pieces


def connect(address: str) -> Client:
    """A client of the scheduler at ``address`` (``tcp://HOST:PORT``) that has at least one worker.

    Raises
    ------
    ClusterError
        One line naming the address and what went wrong.
    """
    _probe(address)
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterError(f"--scheduler: cannot reach a Dask scheduler at {address!r} ({error})") from None
    if not client.nthreads():
        client.close()
        raise ClusterError(f"--scheduler: the Dask scheduler at {address!r} has no workers "
                           f"(start some with: dask worker {address} --nthreads 1)")
    return client


def _probe(address: str) -> None:
    """Open and close a plain TCP connection to ``address``: a refused one fails at once.

    (Dask's client would retry a refused connection until its timeout.)
    """
    host, port = address.split("://")[-1].rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS).close()
    except ConnectionRefusedError:
        reason = f"connection refused: nothing listens on port {port}"
    except TimeoutError:
        reason = f"no answer within {CONNECT_SECONDS} s"
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
    else:
        return
    raise ClusterError(f"--scheduler: cannot reach a Dask scheduler at {address!r} ({reason})")


def run_on_cluster(
    jobs: Sequence[Job],
    workdir: str | Path,
    client: Client,
    *,
    progress: Progress | None = None,
    on_done: Callable[[int], None] | None = None,
) -> list[JobResult]:
    """Run ``jobs`` as pieces on the cluster behind ``client``; results in the order of ``jobs``."""
    return run_jobs(jobs, workdir, workers=_Cluster(client, Path(workdir)), piece_call=_render_remote,
                    progress=progress, on_done=on_done)
