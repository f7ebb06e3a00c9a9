"""Spec files (TOML): one scene, or several ``[[scene]]`` tables, with output settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..base import NetreelScene, number_text
from .errors import NetreelError
from .plans import Plan, plan_for
from .scene_file import options_for, scene_for, scene_stem
from .settings import check_writable, resolve_output
from .toml_file import read_toml

__all__ = ["read_spec"]


_SETTING_KEYS = ("quality", "format", "output", "theme", "seed", "fps", "size", "max_size", "captions", "at")


def read_spec(path: Path, *, allow_code: bool = False) -> list[Plan]:
    """The plans of a TOML spec file: one scene, or several ``[[scene]]`` tables.

    Top-level settings (theme, quality, format, fps, size, seed, max_size,
    captions, at) are defaults for every entry; an entry's other keys are the scene's parameters.
    A scene may be ``file.py:Class`` (relative to the spec's folder), run only
    with ``allow_code``.
    """
    data = read_toml(path, f"spec {str(path)!r}")
    entries = data.get("scene")
    defaults = {key: value for key, value in data.items() if key != "scene"}
    if isinstance(entries, str):
        entries, defaults = [{"scene": entries, **defaults}], {}
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise NetreelError(f"spec {str(path)!r} needs scene = \"NAME\" or [[scene]] tables with a scene key")
    unknown = set(defaults) - set(_SETTING_KEYS)
    if unknown:
        raise NetreelError(
            f"spec {str(path)!r}: unknown top-level key {sorted(unknown)[0]!r} "
            f"(allowed: scene, {', '.join(_SETTING_KEYS)})"
        )
    plans, seen = [], set()
    for number, entry in enumerate(entries, 1):
        where = f"spec {str(path)!r}, scene {number}"
        try:
            plan = _spec_plan({**defaults, **entry}, Path(path).parent, allow_code)
        except NetreelError as error:
            raise NetreelError(f"{where}: {error.message}") from None
        for target in plan.targets.values():
            if target.resolve() in seen:
                raise NetreelError(f"{where}: another scene also writes {str(target)!r}; give each an output")
            seen.add(target.resolve())
        plans.append(plan)
    return plans


def _spec_plan(entry: dict[str, Any], base: Path, allow_code: bool) -> Plan:
    name = entry.pop("scene", None)
    if not isinstance(name, str):
        raise NetreelError("needs a scene name (scene = \"uat\")")
    scene = scene_for(name, base=base, allow_code=allow_code, source="a spec")
    settings = {key.replace("-", "_"): entry.pop(key) for key in list(entry) if key.replace("-", "_") in _SETTING_KEYS}
    for key, kind, what in (("fps", (int, float), "a number"), ("seed", int, "a whole number"),
                            ("at", (int, float), "a number of seconds"), ("captions", bool, "true or false")):
        value = settings.get(key)
        if value is not None and (isinstance(value, bool) is not (kind is bool) or not isinstance(value, kind)):
            raise NetreelError(f"{key} must be {what}; got {number_text(value)}")
    for key in ("quality", "format", "output", "theme", "size", "max_size"):
        value = settings.get(key)
        if value is not None and not isinstance(value, str):
            raise NetreelError(f"{key} must be a string; got {number_text(value)}")
    seed = settings.pop("seed", None)
    if seed is not None and not 0 <= seed < 2**32:
        raise NetreelError(f"seed must be between 0 and {2**32 - 1}; got {number_text(seed)}")
    if not settings.get("captions", True) and not issubclass(scene, NetreelScene):
        raise NetreelError("captions = false is for netreel scenes; a plain Manim scene has no running caption")
    settings = {"quality": None, "format": None, "output": None, "theme": "dark", **settings}
    out = resolve_output(stem=scene_stem(scene), seed=seed, **settings)
    options = options_for(scene, entry, seed)
    check_writable(out.path)
    return plan_for(scene, options, out)
