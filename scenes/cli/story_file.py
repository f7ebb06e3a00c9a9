"""Story files (TOML): an opening card and sections, each a scene with its parameters and its card.

::

    title = "How neurons network"          # the opening card (no title: no card)
    subtitle = "to learn (almost) anything"
    [[section]]
    scene = "superposition"                # a built-in scene, or "my_scene.py:MyScene"
    title = "Two neurons"                  # its card; no title: no card
    subtitle = "weights scale each step"
    [section.params]
    w11 = 2.0

The whole story is checked before anything renders: an unknown scene or key
(with a did-you-mean over every allowed key), a value out of range, or a Python
scene without ``--allow-code`` is one error line naming the section's number.
The default explainer is such a file inside the package (:func:`default_story_text`).
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from manim import Scene

from ..base import NetreelScene, SceneOptions
from ..story.title_card import TitleCardOptions
from .errors import FileEntry, NetreelError, keys_not_flags, named, one_line
from .options import build_options, scene_fields
from .scene_file import did_you_mean, files_beside, scene_for, scene_stem
from .toml_file import read_toml

__all__ = ["Story", "StorySection", "read_story", "parse_story", "default_story", "default_story_text"]

_STORY_KEYS = ("title", "subtitle", "section")
_SECTION_KEYS = ("scene", "title", "subtitle", "params")


@dataclass(frozen=True)
class StorySection:
    """One section: its scene class, validated options (None for a plain Manim scene) and card."""

    scene: type[Scene]
    options: SceneOptions | None
    title: str = ""
    subtitle: str = ""
    entry: FileEntry | None = None  # where the story file has it, for the errors of its render

    @property
    def name(self) -> str:
        """Short name for file names: the scene's ``name``, else its class name in lower case."""
        return scene_stem(self.scene)


@dataclass(frozen=True)
class Story:
    """The opening card's lines ("" title: no card) and the sections, in order."""

    title: str
    subtitle: str
    sections: tuple[StorySection, ...]


def default_story_text() -> str:
    """The default explainer's story file, as text (``netreel explainer --print-story``)."""
    return resources.files(__package__).joinpath("default_story.toml").read_text(encoding="utf-8")


def default_story(seed: int | None = None) -> Story:
    """The default explainer, read from the story file inside the package."""
    data = tomllib.loads(default_story_text())
    return parse_story(data, where="the default story", base=None, allow_code=False, seed=seed)


def read_story(path: Path, *, allow_code: bool = False, seed: int | None = None) -> Story:
    """Read and check the story file ``path``; file scenes are relative to its folder.

    Raises
    ------
    NetreelError
        One line for an unreadable file or anything wrong in it.
    """
    where = f"story {str(path)!r}"
    data = read_toml(path, where)
    return parse_story(data, where=where, base=Path(path).parent, allow_code=allow_code, seed=seed)


def parse_story(
    data: dict[str, Any], *, where: str, base: Path | None, allow_code: bool, seed: int | None
) -> Story:
    """A :class:`Story` from parsed TOML; ``where`` starts every error message."""
    try:
        _check_keys(data, _STORY_KEYS, "key")
        title, subtitle = _card(data)
    except NetreelError as error:
        raise NetreelError(f"{where}: {error.message}") from None
    entries = data.get("section")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise NetreelError(f'{where} needs [[section]] tables, each with scene = "NAME"')
    sections = []
    for number, entry in enumerate(entries, 1):
        try:
            sections.append(_section(entry, base, allow_code, seed, f"{where}, section {number}"))
        except NetreelError as error:
            label = named(entry.get("scene"), error.message)
            raise NetreelError(f"{where}, section {number}{label}: {error.message}") from None
    return Story(title, subtitle, tuple(sections))


def _section(entry: dict[str, Any], base: Path | None, allow_code: bool, seed: int | None, where: str) -> StorySection:
    _check_keys(entry, _SECTION_KEYS, "key", hint="; scene parameters go under [section.params]")
    ref = entry.get("scene")
    if not isinstance(ref, str) or not ref.strip():
        raise NetreelError('needs scene = "NAME" (a built-in scene or "file.py:Class")')
    title, subtitle = _card(entry)
    params = entry.get("params", {})
    if not isinstance(params, dict):
        raise NetreelError("params must be a table: [section.params]")
    scene = scene_for(ref, base=base, allow_code=allow_code, source="a story")
    if not issubclass(scene, NetreelScene):
        if params:
            raise NetreelError(f"{ref} is a plain Manim scene: it takes no params")
        return StorySection(scene, None, title, subtitle, FileEntry(where, ref, ()))
    allowed = [item.name for item in scene_fields(scene)]
    has_seed = "seed" in {f.name for f in fields(scene.Options)}
    values = {key.replace("-", "_"): value for key, value in params.items()}
    _check_keys(values, (*allowed, *(("seed",) if has_seed else ())), "parameter", owner=f"{ref} has no")
    section_seed = values.pop("seed", seed)
    if section_seed is not None and (isinstance(section_seed, bool) or not isinstance(section_seed, int)):
        raise NetreelError(f"seed must be a whole number; got {section_seed!r}")
    keys = (*allowed, "seed")
    with keys_not_flags(keys):
        options = build_options(scene, files_beside(scene, values, base), section_seed)
    return StorySection(scene, options, title, subtitle, FileEntry(where, ref, keys))


def _card(table: dict[str, Any]) -> tuple[str, str]:
    title, subtitle = table.get("title", ""), table.get("subtitle", "")
    for key, value in (("title", title), ("subtitle", subtitle)):
        if not isinstance(value, str):
            raise NetreelError(f"{key} must be a string; got {value!r}")
    if subtitle and not title:
        raise NetreelError("a subtitle needs a title (without a title there is no card)")
    try:
        TitleCardOptions(title, subtitle).validate()
    except ValueError as error:
        raise NetreelError(one_line(error).replace("--", "", 1)) from None
    return title.strip(), subtitle.strip()


def _check_keys(
    table: dict[str, Any], allowed: tuple[str, ...], kind: str, *, owner: str = "unknown", hint: str = ""
) -> None:
    for key in table:
        if key not in allowed:
            guessed = difflib.get_close_matches(key, list(allowed), n=1)
            raise NetreelError(f"{owner} {kind} {key!r} ({did_you_mean(key, allowed)}{'' if guessed else hint})")
