"""Captions as files: SubRip (.srt) and WebVTT (.vtt) subtitles, and alt text.

The cues come from the scene's :class:`~scenes.text.Caption` (:func:`scenes.text.scene_cues`),
so the subtitles say exactly what the frames show, at the frames that show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from ..text import Cue, two_lines
from .writers import atomic_path

__all__ = ["Cue", "shift_cues", "joined_cues", "srt_text", "vtt_text", "write_srt", "write_vtt", "alt_text", "write_text"]

#: Longest subtitle line before it is broken in two (the usual broadcast limit).
LINE_LENGTH = 42


def shift_cues(cues: Iterable[Cue], seconds: float) -> list[Cue]:
    """``cues`` moved ``seconds`` later (a clip placed after others in a joined video)."""
    return [Cue(cue.text, cue.start + seconds, cue.end + seconds) for cue in cues]


def joined_cues(clips: Sequence[Sequence[Cue]], durations: Sequence[float]) -> list[Cue]:
    """The cues of clips played one after another: each clip's moved later by the clips before it."""
    if len(clips) != len(durations):
        raise ValueError(f"{len(clips)} clips' cues for {len(durations)} durations")
    cues: list[Cue] = []
    start = 0.0
    for clip, duration in zip(clips, durations):
        cues += shift_cues(clip, start)
        start += float(duration)
    return cues


def _timestamp(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _lines(text: str) -> str:
    text = " ".join(text.split())
    return two_lines(text) if len(text) > LINE_LENGTH and " " in text else text


def _timed(cues: Sequence[Cue]) -> list[Cue]:
    """Cues that last at least a millisecond, in order."""
    return sorted((cue for cue in cues if round(cue.end * 1000) > round(cue.start * 1000)),
                  key=lambda cue: cue.start)


def srt_text(cues: Sequence[Cue]) -> str:
    """The cues as a SubRip file: numbered blocks ``HH:MM:SS,mmm --> HH:MM:SS,mmm``."""
    blocks = [
        f"{number}\n{_timestamp(cue.start, ',')} --> {_timestamp(cue.end, ',')}\n{_lines(cue.text)}\n"
        for number, cue in enumerate(_timed(cues), 1)
    ]
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    # "-->" would end a cue's timing line; & and < start entities and tags.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vtt_text(cues: Sequence[Cue]) -> str:
    """The cues as a WebVTT file: ``WEBVTT``, then ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` blocks."""
    blocks = [
        f"{_timestamp(cue.start, '.')} --> {_timestamp(cue.end, '.')}\n{_vtt_escape(_lines(cue.text))}\n"
        for cue in _timed(cues)
    ]
    return "\n".join(["WEBVTT\n", *blocks])


def write_text(text: str, target: str | Path) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return Path(target)


def write_srt(cues: Sequence[Cue], target: str | Path) -> Path:
    """Write the cues as a SubRip (``.srt``) file, atomically."""
    return write_text(srt_text(cues), target)


def write_vtt(cues: Sequence[Cue], target: str | Path) -> Path:
    """Write the cues as a WebVTT (``.vtt``) file, atomically."""
    return write_text(vtt_text(cues), target)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text[-1:] in ".!?…:" else text + "."


def alt_text(scene_description: str, cues: Sequence[Cue], *, still: bool = False) -> str:
    """A short paragraph for an image's alt attribute: what the scene shows, then its captions in order.

    ``still`` describes one picture (the scene's last frame): only the captions
    on screen at the end are named.

    Examples
    --------
    >>> alt_text("A neuron part by part", [Cue("Inputs come in", 0.2, 1.0)])
    'Animation: A neuron part by part. Its captions say: Inputs come in.'
    """
    cues = sorted(cues, key=lambda cue: cue.start)
    if still:
        end = max((cue.end for cue in cues), default=0.0)
        cues = [cue for cue in cues if cue.end >= end - 1e-6]
    said: list[str] = []
    for cue in cues:
        line = _sentence(cue.text)
        if not said or said[-1] != line:
            said.append(line)
    paragraph = f"{'Still' if still else 'Animation'}: {_sentence(scene_description)}"
    if said:
        paragraph += f" {'The caption reads' if still else 'Its captions say'}: " + " ".join(said)
    return paragraph
