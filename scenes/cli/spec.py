"""Spec files (TOML): one scene, or several ``[[scene]]`` tables, with output settings.

Every key is checked against every key the entry allows (its scene's parameters and
the output settings), with a did-you-mean; an ``output`` is relative to the spec's folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from manim import Scene

from ..base import NetreelScene, number_text
from .errors import FileEntry, NetreelError, keys_not_flags, named
from .options import scene_fields
from .plans import Plan, files_written, plan_for
from .scene_file import did_you_mean, files_beside, options_for, scene_for, scene_stem
from .settings import check_writable, resolve_output
from .toml_file import read_toml

__all__ = ["read_spec"]


_SETTING_KEYS = ("theme", "format", "output", "quality", "size", "fps", "max_size", "seed", "captions", "at",
                 "subtitles")
_SCENE_KEY = re.compile(r"[ \t]*scene[ \t]*=")
_TABLE = re.compile(r"[ \t]*\[\[?[ \t]*[\w.-]+[ \t]*\]\]?[ \t]*(#.*)?")
_SCENE_TABLE = re.compile(r"[ \t]*\[\[[ \t]*scene[ \t]*\]\][ \t]*(#.*)?")


def read_spec(path: Path, *, allow_code: bool = False) -> list[Plan]:
    """The plans of a TOML spec file: one scene, or several ``[[scene]]`` tables.

    Top-level settings (theme, format, output, quality, size, fps, max_size, seed,
    captions, at, subtitles) are defaults for every entry; an entry's other keys are the scene's parameters.
    A relative ``output`` is relative to the spec's folder, as a scene ``file.py:Class``
    is (run only with ``allow_code``); without ``output`` a file goes to ``renders/``
    in the working folder, as on the command line.
    """
    data = read_toml(path, f"spec {str(path)!r}", explain=_explain_toml_error)
    entries = data.get("scene")
    defaults = {key: value for key, value in data.items() if key != "scene"}
    if isinstance(entries, str):
        entries, defaults = [{"scene": entries, **defaults}], {}
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise NetreelError(f"spec {str(path)!r} needs scene = \"NAME\" or [[scene]] tables with a scene key")
    unknown = [key for key in defaults if _key(key) not in _SETTING_KEYS]
    if unknown:
        allowed = ("scene", *_SETTING_KEYS)
        guess = did_you_mean(_key(unknown[0]), allowed)
        tables = "" if guess.startswith("did") else "; a scene's parameters go in its [[scene]] table"
        raise NetreelError(f"spec {str(path)!r}: unknown top-level key {unknown[0]!r} ({guess}{tables})")
    plans, seen = [], set()
    for number, entry in enumerate(entries, 1):
        where = f"spec {str(path)!r}, scene {number}"
        try:
            plan = _spec_plan({**defaults, **entry}, Path(path).parent, allow_code, where)
        except NetreelError as error:
            raise NetreelError(f"{where}{named(entry.get('scene'), error.message)}: {error.message}") from None
        for target in files_written(plan):
            if target.resolve() in seen:
                raise NetreelError(f"{where}: another scene also writes {str(target)!r}; give each an output")
            seen.add(target.resolve())
        plans.append(plan)
    return plans


def _spec_plan(entry: dict[str, Any], base: Path, allow_code: bool, where: str) -> Plan:
    name = entry.pop("scene", None)
    if not isinstance(name, str):
        raise NetreelError("needs a scene name (scene = \"uat\")")
    scene = scene_for(name, base=base, allow_code=allow_code, source="a spec")
    _check_keys(scene, entry)
    with keys_not_flags(_allowed_keys(scene)):
        plan = _entry_plan(scene, entry, base)
    plan.entry = FileEntry(where, name, _allowed_keys(scene))
    return plan


def _entry_plan(scene: type[Scene], entry: dict[str, Any], base: Path) -> Plan:
    """The plan of an entry whose keys are known to be settings or the scene's parameters."""
    settings = {_key(key): entry.pop(key) for key in list(entry) if _key(key) in _SETTING_KEYS}
    for key, kind, what in (("fps", (int, float), "a number"), ("seed", int, "a whole number"),
                            ("at", (int, float), "a number of seconds"), ("captions", bool, "true or false"),
                            ("subtitles", bool, "true or false")):
        value = settings.get(key)
        if value is not None and (isinstance(value, bool) is not (kind is bool) or not isinstance(value, kind)):
            raise NetreelError(f"{key} must be {what}; got {number_text(value)}")
    for key in ("quality", "format", "output", "theme", "size", "max_size"):
        value = settings.get(key)
        if value is not None and not isinstance(value, str):
            raise NetreelError(f"{key} must be a string; got {number_text(value)}")
        if value is not None and not value.strip():
            raise NetreelError(f"{key} must not be empty (leave the key out for its default)")
    seed = settings.pop("seed", None)
    subtitles = settings.pop("subtitles", False)
    if seed is not None and not 0 <= seed < 2**32:
        raise NetreelError(f"seed must be between 0 and {2**32 - 1}; got {number_text(seed)}")
    if not settings.get("captions", True) and not issubclass(scene, NetreelScene):
        raise NetreelError("captions = false is for netreel scenes; a plain Manim scene has no running caption")
    if settings.get("output"):
        settings["output"] = base / settings["output"]  # an absolute output stays as it is
    settings = {"quality": None, "format": None, "output": None, "theme": "dark", **settings}
    out = resolve_output(stem=scene_stem(scene), seed=seed, **settings)
    options = options_for(scene, files_beside(scene, entry, base), seed)
    check_writable(out.path)
    return plan_for(scene, options, out, subtitles=subtitles)


def _key(key: str) -> str:
    return key.replace("-", "_")


def _allowed_keys(scene: type[Scene]) -> tuple[str, ...]:
    """The keys of an entry of ``scene``: the settings, and a netreel scene's parameters."""
    own = issubclass(scene, NetreelScene)
    return ("scene", *_SETTING_KEYS, *([item.name for item in scene_fields(scene)] if own else []))


def _check_keys(scene: type[Scene], entry: dict[str, Any]) -> None:
    """Refuse a key that is neither a setting nor one of the scene's parameters, guessing the one meant."""
    own = issubclass(scene, NetreelScene)
    allowed = _allowed_keys(scene)
    for key in entry:
        if _key(key) not in allowed:
            what = (f"{scene.name or scene.__name__} has no parameter {key!r}" if own
                    else f"{scene.__name__} is a plain Manim scene: it takes no parameters, and {key!r} is no setting")
            raise NetreelError(f"{what} ({did_you_mean(_key(key), allowed)})")


def _explain_toml_error(text: str) -> str | None:
    """What a spec that TOML refuses most likely got wrong, when it is the usual mistake."""
    lines = text.splitlines()
    first_table = next((n for n, line in enumerate(lines) if _TABLE.fullmatch(line)), len(lines))
    if any(_SCENE_KEY.match(line) for line in lines[:first_table]) and any(map(_SCENE_TABLE.fullmatch, lines)):
        return ("has both a top-level scene = and [[scene]] tables: for one scene keep scene = \"NAME\" "
                "and no tables; for several give each its own [[scene]] table (top-level settings then apply to all)")
    return None
