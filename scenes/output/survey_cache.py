"""Surveys kept between runs: a scene's plays depend only on its code and inputs.

A survey (:func:`scenes.output.render.survey`) runs a scene's ``construct``
without drawing, which costs a fair part of a render; the next render of the same
scene with the same options, theme, size and frame rate reuses it. The key holds
a digest of netreel's own source (and of a scene file's), so an edited scene is
surveyed again. The cache only balances work: a stale entry would make pieces of
unequal length, never wrong frames.

Entries are small JSON files in the ``surveys`` folder of netreel's cache
(:mod:`scenes.cache`).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
from collections.abc import Sequence
from pathlib import Path

from ..cache import load_entry, save_entry
from .chunks import Play

__all__ = ["survey_key", "load_survey", "save_survey"]

_VERSION = 1


@functools.cache
def _source_digest(*files: str) -> str:
    """Digest of every ``.py`` file of netcore and scenes, and of ``files``."""
    import netcore
    import scenes

    paths = sorted(
        path for package in (netcore, scenes) for path in Path(package.__file__).parent.rglob("*.py")
    )
    digest = hashlib.sha256()
    for path in [*paths, *map(Path, files)]:
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def survey_key(scene_class: type, options: object, theme: str, width: int, height: int, fps: float,
               seed: int) -> str:
    """The cache key of a survey: the scene's code, its inputs and the frame settings."""
    module_file = inspect.getsourcefile(scene_class) or ""
    inputs = [_VERSION, f"{scene_class.__module__}:{scene_class.__qualname__}", repr(options), theme,
              width, height, fps, seed]
    text = json.dumps(inputs) + _source_digest(module_file)
    return hashlib.sha256(text.encode()).hexdigest()


def _plays(data: bytes) -> list[Play]:
    return [Play(int(frames), float(seconds)) for frames, seconds in json.loads(data)]


def load_survey(key: str) -> list[Play] | None:
    """The survey kept under ``key``, or None."""
    return load_entry("surveys", f"{key}.json", _plays)


def save_survey(key: str, plays: Sequence[Play]) -> None:
    """Keep ``plays`` under ``key`` (skipped if the cache is not writable)."""
    save_entry("surveys", f"{key}.json", json.dumps([[play.frames, play.seconds] for play in plays]).encode())
