"""The one progress display: a bar on a terminal, a line per clip in a log, nothing when quiet."""

from __future__ import annotations

import io
import multiprocessing
import queue
import re

import pytest

from scenes.output.progress import GUESS_SECONDS, FrameReporter, Progress


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make(labels=("card", "neuron", "card", "uat"), kinds=("card", "neuron", "card", "uat"), **kwargs):
    stream, clock = io.StringIO(), Clock()
    progress = Progress(labels, fps=10, kinds=kinds, stream=stream, clock=clock, **kwargs)
    return progress, stream, clock


def test_a_log_gets_one_plain_line_per_finished_clip_with_its_time():
    progress, stream, clock = make(terminal=False)
    progress.drawn(0, 28)
    clock.now += 1.5
    progress.finished(0)
    progress.drawn(1, 100)
    assert stream.getvalue() == "[1/4] card: 28 frames in 1.5 s\n"  # nothing until a clip is done
    clock.now += 12.25
    progress.finished(1)
    progress.close()
    assert stream.getvalue().splitlines() == ["[1/4] card: 28 frames in 1.5 s", "[2/4] neuron: 100 frames in 12.2 s"]


def test_quiet_writes_nothing_at_all():
    for terminal in (True, False):
        progress, stream, clock = make(terminal=terminal, quiet=True)
        progress.drawn(0, 5)
        clock.now += 1
        progress.finished(0)
        progress.close()
        assert stream.getvalue() == ""


def test_the_terminal_bar_redraws_one_line_with_frames_clip_and_eta():
    progress, stream, clock = make(terminal=True)
    progress.drawn(0, 10)  # clip 0 starts at t = 100
    clock.now += 1.0
    progress.drawn(0, 10)
    line = progress.line(200)
    guess = round(GUESS_SECONDS * 10)
    assert f"20/~{4 * guess} frames" in line and "0/4 clips" in line and "card" in line
    # 20 frames in 1 s: the other 4 * guess - 20 take (4 * guess - 20) / 20 seconds
    eta = (4 * guess - 20) / 20
    assert f"ETA {int(eta // 60)}:{round(eta % 60):02d}" in line
    output = stream.getvalue()
    assert output.startswith("\r") and "\n" not in output
    progress.finished(0)
    progress.close()
    assert stream.getvalue().endswith("\n") and stream.getvalue().count("\n") == 1


def test_redraws_are_limited_to_ten_a_second():
    progress, stream, clock = make(terminal=True)
    for _ in range(50):
        progress.drawn(1)
    assert stream.getvalue().count("\r") == 1
    clock.now += 0.2
    progress.drawn(1)
    assert stream.getvalue().count("\r") == 2


def test_a_clip_to_come_counts_as_the_done_clips_of_its_kind_else_a_guess():
    progress, _, clock = make()
    assert progress.expected(1) == (round(GUESS_SECONDS * 10), False)
    progress.drawn(0, 28)
    progress.finished(0)
    assert progress.expected(0) == (28, True)
    assert progress.expected(2) == (28, False)  # another card
    progress.drawn(1, 300)
    progress.finished(1)
    assert progress.expected(3) == (round(GUESS_SECONDS * 10), False)  # no uat done yet
    progress.drawn(3, 500)
    assert progress.expected(3) == (500, False)  # never fewer than already drawn
    progress.drawn(2, 28)
    progress.finished(2)
    progress.finished(3)
    assert progress.totals() == (856, 856, True)
    assert "~" not in progress.line(200) and "100%" in progress.line(200)


def test_frame_counts_known_in_advance_make_an_exact_total():
    progress, _, _ = make(frames=[28, 300, None, 120])
    assert progress.totals() == (0, 28 + 300 + round(GUESS_SECONDS * 10) + 120, False)
    progress.drawn(0, 28)
    progress.finished(0)
    assert progress.expected(2) == (28, False)
    progress, _, _ = make(frames=[28, 300, 28, 120])
    assert progress.totals() == (0, 476, True) and "0/476 frames" in progress.line(200)


def test_the_line_fits_the_terminal():
    progress, _, _ = make(labels=["a" * 100] * 4)
    progress.drawn(0)
    assert len(progress.line(60)) == 60


def test_kinds_must_match_the_clips():
    with pytest.raises(ValueError, match="2 kinds for 3 clips"):
        Progress(["a", "b", "c"], fps=10, kinds=["a", "b"])
    with pytest.raises(ValueError, match="1 frame counts for 3 clips"):
        Progress(["a", "b", "c"], fps=10, frames=[5])


def test_frames_reported_through_a_queue_reach_the_display():
    reports: queue.Queue = queue.Queue()
    progress, _, _ = make(terminal=False)
    with progress.listen(reports):
        reporter = FrameReporter(reports, clip=3, every=3600)
        for _ in range(7):
            reporter(None, 2)
        reporter.flush()
    assert progress.clips[3].drawn == 14


def _worker(reporter: FrameReporter) -> None:
    for _ in range(5):
        reporter(None, 3)
    reporter.flush()


def test_a_worker_process_reports_its_frames():
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        reports = manager.Queue()
        progress, stream, _ = make(terminal=False)
        with progress.listen(reports):
            worker = context.Process(target=_worker, args=(FrameReporter(reports, clip=1),))
            worker.start()
            worker.join(60)
        assert worker.exitcode == 0
        assert progress.clips[1].drawn == 15
        progress.finished(1)
        assert re.fullmatch(r"\[1/4\] neuron: 15 frames in [0-9.]+ s\n", stream.getvalue())


def test_a_clip_never_reported_counts_its_expected_frames_from_the_start():
    clock = iter([0.0, 5.0, 5.0, 5.0]).__next__
    log = io.StringIO()
    progress = Progress(["uat"], fps=15, stream=log, terminal=False, clock=clock)
    progress.expect(0, 120)
    progress.finished(0)
    assert log.getvalue() == "[1/1] uat: 120 frames in 5.0 s\n"


def test_a_still_says_done_rather_than_no_frames():
    progress = Progress(["neuron"], fps=15, stream=(log := io.StringIO()), terminal=False,
                        clock=iter([0.0, 0.5]).__next__)
    progress.finished(0)
    assert log.getvalue() == "[1/1] neuron: done in 0.5 s\n"
