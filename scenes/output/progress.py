"""One progress display for every command: a bar over the frames of all clips, or a line per clip.

On a terminal, one line is redrawn in place: a bar over the frames of all the
clips being rendered, the frames drawn, the time left and the clip (or clips)
being drawn. Elsewhere (a log, a pipe, CI) it prints one plain line per finished
clip with its frames and seconds. ``quiet`` prints nothing.

How many frames a clip has is known before it is drawn only if the caller
surveyed it (``frames``); otherwise a clip still to come counts as the clips of
the same kind (scene) already done, else as :data:`GUESS_SECONDS`, and the
total shows a ``~`` while it is such an estimate.

Worker processes report frames through a queue: :class:`FrameReporter` is a
frame sink that sends counts, :meth:`Progress.listen` reads them.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

__all__ = ["Progress", "FrameReporter", "GUESS_SECONDS"]

#: Length assumed for a clip before any clip has finished.
GUESS_SECONDS = 20.0
_REDRAW_SECONDS = 0.1
_BAR_CELLS = 24


@dataclass
class _Clip:
    label: str
    kind: str  # clips of one kind (one scene class) have about the same length
    frames: int | None = None  # known in advance
    drawn: int = 0
    started: float | None = None
    finished: float | None = None


def _clock_text(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """The progress of rendering ``labels`` (one per clip) at ``fps``.

    Parameters
    ----------
    labels : what each clip is called on screen (e.g. the scene's short name).
    fps : frame rate of the clips (for the first guess of a clip's length).
    kinds : which clips are alike in length (e.g. the scene class); defaults to the labels.
    frames : each clip's frame count where it is known in advance (None where not).
    stream : where to write; standard error by default.
    quiet : write nothing at all.
    terminal : redraw one bar in place (True) or print a line per clip (False);
        by default, whether ``stream`` is a terminal.
    clock : seconds, for tests.

    Examples
    --------
    >>> with Progress(["neuron", "uat"], fps=15, terminal=False) as progress:  # doctest: +SKIP
    ...     progress.drawn(0, 30); progress.finished(0)
    """

    def __init__(
        self,
        labels: Sequence[str],
        *,
        fps: float,
        kinds: Sequence[str] | None = None,
        frames: Sequence[int | None] | None = None,
        stream: TextIO | None = None,
        quiet: bool = False,
        terminal: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        kinds = list(kinds) if kinds is not None else list(labels)
        frames = list(frames) if frames is not None else [None] * len(labels)
        for name, given in (("kinds", kinds), ("frame counts", frames)):
            if len(given) != len(labels):
                raise ValueError(f"{len(given)} {name} for {len(labels)} clips")
        self.clips = [_Clip(*clip) for clip in zip(labels, kinds, frames)]
        self.fps = float(fps)
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.terminal = terminal if terminal is not None else _is_terminal(self.stream)
        self.clock = clock
        self.began = clock()
        self._lock = threading.Lock()
        self._drawn_at = float("-inf")
        self._line_width = 0

    # ------------------------------------------------------------ events

    def drawn(self, clip: int, frames: int = 1) -> None:
        """``frames`` more frames of clip number ``clip`` are drawn."""
        with self._lock:
            state = self.clips[clip]
            if state.started is None:
                state.started = self.clock()
            state.drawn += frames
            self._redraw()

    def expect(self, clip: int, frames: int) -> None:
        """Clip number ``clip`` will have ``frames`` frames (learnt once the run has begun)."""
        with self._lock:
            self.clips[clip].frames = frames

    def finished(self, clip: int) -> None:
        """Clip number ``clip`` is done (its files are made).

        A clip whose frames were never reported (workers that cannot, e.g. a
        cluster's) counts its expected frames, and its time from the run's start.
        """
        with self._lock:
            state = self.clips[clip]
            now = self.clock()
            if state.started is None:
                state.started = self.began
            state.drawn = max(state.drawn, state.frames or 0)
            state.finished = now
            if self.quiet:
                return
            if self.terminal:
                self._redraw(force=True)
            else:
                done = sum(c.finished is not None for c in self.clips)
                seconds = now - state.started
                made = f"{state.drawn} frames" if state.drawn else "done"  # a still reports no frames
                self.stream.write(f"[{done}/{len(self.clips)}] {state.label}: {made} in {seconds:.1f} s\n")
                self.stream.flush()

    def close(self) -> None:
        """End the display: the bar's line is finished with a newline."""
        with self._lock:
            if self.quiet or not self.terminal or self._line_width == 0:
                return
            self._redraw(force=True)
            self.stream.write("\n")
            self.stream.flush()
            self._line_width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------ figures

    def expected(self, clip: int) -> tuple[int, bool]:
        """Frames clip ``clip`` will have, and whether that is exact (the clip is done)."""
        state = self.clips[clip]
        if state.finished is not None:
            return state.drawn, True
        if state.frames is not None:
            return max(state.frames, state.drawn), True
        alike = [c.drawn for c in self.clips if c.finished is not None and c.kind == state.kind]
        guess = round(sum(alike) / len(alike)) if alike else round(GUESS_SECONDS * self.fps)
        return max(guess, state.drawn), False

    def totals(self) -> tuple[int, int, bool]:
        """``(frames drawn, frames in all, exact)`` over every clip."""
        expected = [self.expected(i) for i in range(len(self.clips))]
        return (
            sum(c.drawn for c in self.clips),
            sum(n for n, _ in expected),
            all(exact for _, exact in expected),
        )

    def seconds_left(self) -> float | None:
        """Time left at the rate frames have been drawn so far; None before the first frame."""
        drawn, total, _ = self.totals()
        starts = [c.started for c in self.clips if c.started is not None]
        if drawn == 0 or not starts:
            return None
        elapsed = self.clock() - min(starts)
        return (total - drawn) * elapsed / drawn if elapsed > 0 else None

    def line(self, width: int = 80) -> str:
        """The terminal line: bar, frames, clips done, time left, the clip(s) being drawn."""
        drawn, total, exact = self.totals()
        done = sum(c.finished is not None for c in self.clips)
        share = drawn / total if total else 1.0
        filled = int(round(share * _BAR_CELLS))
        bar = "█" * filled + "░" * (_BAR_CELLS - filled)
        left = self.seconds_left()
        running = [c.label for c in self.clips if c.started is not None and c.finished is None]
        parts = [
            f"{bar} {share:4.0%}",
            f"{drawn}/{'' if exact else '~'}{total} frames",
            f"{done}/{len(self.clips)} clips",
        ]
        parts.append(f"ETA {_clock_text(left)}" if left is not None and done < len(self.clips)
                     else f"{_clock_text(self.clock() - self.began)}")
        if running:  # last: a narrow terminal cuts these names rather than the time
            parts.append(", ".join(running))
        text = "  ".join(parts)
        return text if len(text) <= width else text[: width - 1] + "…"

    def _redraw(self, force: bool = False) -> None:
        if self.quiet or not self.terminal:
            return
        now = self.clock()
        if not force and now - self._drawn_at < _REDRAW_SECONDS:
            return
        self._drawn_at = now
        width = shutil.get_terminal_size((80, 24)).columns - 1
        text = self.line(width)
        self.stream.write("\r" + text + " " * max(0, self._line_width - len(text)))
        self.stream.flush()
        self._line_width = len(text)

    # ------------------------------------------------------------ from workers

    @contextmanager
    def listen(self, queue: Any) -> Iterator[None]:
        """Apply ``(clip, frames)`` reports from ``queue`` (worker processes) while the block runs.

        ``(clip, None)`` says the clip is finished: sent through the same queue, it
        comes after every frame reported before it.
        """

        def pump() -> None:
            while (message := queue.get()) is not None:
                clip, frames = message
                if frames is None:
                    self.finished(clip)
                else:
                    self.drawn(clip, frames)

        reader = threading.Thread(target=pump, name="netreel-progress", daemon=True)
        reader.start()
        try:
            yield
        finally:
            queue.put(None)  # the reader's cue to stop, after every report sent before it
            reader.join()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class FrameReporter:
    """A frame sink, ``reporter(frame, repeat)``, that sends ``(clip, frames)`` to a queue.

    Counts are sent at most every ``every`` seconds (and by :meth:`flush`), so a
    worker does not pay for a queue message per frame. Picklable as long as the
    queue is (a ``multiprocessing.Manager().Queue()`` is).
    """

    def __init__(self, queue: Any, clip: int, every: float = 0.2) -> None:
        self.queue, self.clip, self.every = queue, clip, every
        self._pending = 0
        self._sent_at = time.monotonic()

    def __call__(self, frame: Any = None, repeat: int = 1) -> None:
        self._pending += repeat
        if time.monotonic() - self._sent_at >= self.every:
            self.flush()

    def start(self) -> None:
        """Say that the clip has begun (so its time counts from now, not from its first report)."""
        self.queue.put((self.clip, 0))
        self._sent_at = time.monotonic()

    def flush(self) -> None:
        """Send the frames counted since the last report."""
        if self._pending:
            self.queue.put((self.clip, self._pending))
            self._pending = 0
        self._sent_at = time.monotonic()

    def __getstate__(self) -> dict[str, Any]:
        return {"queue": self.queue, "clip": self.clip, "every": self.every}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["queue"], state["clip"], state["every"])
