"""Joining video clips without re-encoding, with a chapter where each part of the story starts.

The explainer's sections become one file; its chapters are stored in the
container (MP4 and WebM players list them, as does ``av.open(path).chapters()``)
and can be written as the ``0:00 Title`` lines that video sites read from a
description (:func:`chapters_text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

__all__ = ["Chapter", "concat_videos", "chapters_text", "clip_durations"]


@dataclass(frozen=True)
class Chapter:
    """A titled stretch of a video, in seconds."""

    title: str
    start: float
    end: float


def clip_durations(paths: Sequence[Path]) -> list[Fraction]:
    """Each video's length in seconds, exactly: where its last frame ends.

    (WebM stores no stream duration and no packet durations, so it is read from
    the packets, a frame being ``1 / rate`` long where a packet does not say.)
    """
    durations = []
    for path in paths:
        with av.open(str(path)) as clip:
            stream = clip.streams.video[0]
            frame = round(1 / (stream.average_rate * stream.time_base))
            end = max(packet.pts + (packet.duration or frame)
                      for packet in clip.demux(stream) if packet.pts is not None)
            durations.append(Fraction(end) * stream.time_base)
    return durations


def _chapters(titles: Sequence[str | None], durations: Sequence[Fraction]) -> list[tuple[str, Fraction, Fraction]]:
    if len(titles) != len(durations):
        raise ValueError(f"{len(titles)} chapter titles for {len(durations)} clips")
    if titles and titles[0] is None:
        raise ValueError("the first clip must start a chapter")
    chapters: list[list] = []
    start = Fraction(0)
    for title, duration in zip(titles, durations):
        if title is not None:
            chapters.append([title, start, start])
        start += duration
        chapters[-1][2] = start
    return [tuple(chapter) for chapter in chapters]


def concat_videos(
    paths: Sequence[Path], target: Path, chapters: Sequence[str | None] | None = None
) -> list[Chapter]:
    """Join videos of the same codec, size and rate into ``target`` without re-encoding.

    Parameters
    ----------
    chapters : one entry per clip: a title starts a chapter at that clip, None
        continues the chapter before. None (the default) writes no chapters.

    Returns
    -------
    list of Chapter
        The chapters written into ``target``.
    """
    durations = clip_durations(paths)
    spans = _chapters(chapters, durations) if chapters is not None else []
    with av.open(str(target), mode="w") as joined:
        out_stream = None
        offset = Fraction(0)  # where the current clip starts, in seconds
        for path, duration in zip(paths, durations):
            with av.open(str(path)) as clip:
                stream = clip.streams.video[0]
                if out_stream is None:
                    out_stream = joined.add_stream_from_template(template=stream)
                    # The mov muxer lays out its chapter track with the header.
                    joined.set_chapters([
                        {"id": number, "start": round(start / stream.time_base),
                         "end": round(end / stream.time_base), "time_base": stream.time_base,
                         "metadata": {"title": title}}
                        for number, (title, start, end) in enumerate(spans, 1)
                    ])
                shift = round(offset / stream.time_base)
                for packet in clip.demux(stream):
                    if packet.dts is None:  # the demuxer's flushing packet
                        continue
                    # Each clip's timestamps start at zero (dts a little before, for B-frames).
                    packet.pts += shift
                    packet.dts += shift
                    packet.stream = out_stream
                    joined.mux(packet)
            offset += duration
    return [Chapter(title, float(start), float(end)) for title, start, end in spans]


def _clock(seconds: float) -> str:
    whole = int(seconds)  # down: a chapter link never skips the start of its part
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def chapters_text(chapters: Sequence[Chapter]) -> str:
    """``0:00 Title`` lines, one per chapter, as video sites read them from a description."""
    return "".join(f"{_clock(chapter.start)} {chapter.title}\n" for chapter in chapters)
