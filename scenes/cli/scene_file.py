"""A user's own scene, ``path/to/file.py:ClassName``: found, imported and checked, or one error line.

Importing a file runs its code, so the command line does it only when the user
asked for that file: on ``netreel render file.py:Class``, or for a spec or a
story with ``--allow-code`` (:func:`scene_for`).
"""

from __future__ import annotations

import difflib
import traceback
from dataclasses import fields
from pathlib import Path
from typing import Any

from manim import Scene

from ..base import NetreelScene, SceneOptions
from ..output.scene_import import is_file_ref, module_from_file, split_ref
from ..registry import UnknownScene, find_scene, scenes
from .errors import NetreelError, one_line
from .options import build_options

__all__ = [
    "is_file_ref", "load_scene_file", "resolve_file_ref", "scene_for", "scene_stem", "options_for", "files_beside",
    "did_you_mean",
]


def scene_for(ref: str, *, base: Path | None, allow_code: bool, source: str) -> type[Scene]:
    """The scene ``ref`` names in a spec or story (``source``): a built-in, or with ``allow_code`` a file's.

    A file is taken relative to ``base`` (the spec's or story's folder). A spec or
    story may come from anyone, so a Python file in it runs only when the user
    says so with ``--allow-code``.
    """
    if is_file_ref(ref):
        if not allow_code:
            raise NetreelError(
                f"scene {ref!r} is Python code; {source} runs it only with --allow-code "
                "(add it if you trust the file)"
            )
        return load_scene_file(ref, base)
    try:
        return find_scene(ref)
    except UnknownScene:
        raise NetreelError(f"unknown scene {ref!r} ({did_you_mean(ref, scenes())}, or file.py:Class)") from None


def scene_stem(scene: type[Scene]) -> str:
    """A scene's short name for file names: its ``name``, else its class name in lower case."""
    return getattr(scene, "name", "") or scene.__name__.lower()


def options_for(scene: type[Scene], values: dict[str, Any], seed: int | None) -> SceneOptions | None:
    """:func:`build_options` for a NetreelScene; None for a plain Manim scene, which takes no parameters."""
    if issubclass(scene, NetreelScene):
        return build_options(scene, values, seed)
    if values:
        raise NetreelError(f"{scene.__name__} is a plain Manim scene: it takes no parameters "
                           f"(got {sorted(values)[0]!r})")
    return None


def files_beside(scene: type[Scene], values: dict[str, Any], base: Path | None) -> dict[str, Any]:
    """``values`` with each relative file a parameter names (``option(file=True)``) taken from
    ``base`` (a spec's or story's folder) when it is there; any other stays as it is."""
    if base is None or not issubclass(scene, NetreelScene):
        return values
    named = {item.name for item in fields(scene.Options) if item.metadata.get("file")}
    return {key: _beside(value, base) if key in named else value for key, value in values.items()}


def _beside(value: Any, base: Path) -> Any:
    if not isinstance(value, str) or not value or "\0" in value or Path(value).is_absolute():
        return value
    try:
        return str(base / value) if (base / value).is_file() else value
    except OSError:  # a name too long for the system: checked, and refused, where it is read
        return value


def did_you_mean(word: str, allowed) -> str:
    """``"did you mean 'x'? allowed: a, b"`` (without the guess when nothing is close)."""
    allowed = list(allowed)
    close = difflib.get_close_matches(word, allowed, n=1)
    return (f"did you mean {close[0]!r}? " if close else "") + f"allowed: {', '.join(allowed) or 'none'}"


def resolve_file_ref(ref: str, base: Path | None = None) -> tuple[Path, str]:
    """The file and class name of ``ref``; a relative file is taken from ``base`` if given.

    Raises
    ------
    NetreelError
        If ``ref`` names no class.
    """
    where, name = split_ref(ref.strip())
    if not name.isidentifier():
        raise NetreelError(f"{ref!r}: name the scene class too, e.g. {where}:MyScene")
    path = Path(where).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    return path, name


def load_scene_file(ref: str, base: Path | None = None) -> type[Scene]:
    """The Manim ``Scene`` subclass ``ref`` (``path/to/file.py:ClassName``) names.

    Raises
    ------
    NetreelError
        One line for a missing file, an import that fails (its error's last line
        and the file:line it came from), a missing class or one that is not a Scene.
    """
    path, name = resolve_file_ref(ref, base)
    if not path.is_file():
        reason = "is a folder" if path.is_dir() else "does not exist"
        raise NetreelError(f"scene file {str(path)!r} {reason}")
    try:
        module = module_from_file(path)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # the file's own code: SystemExit included
        raise NetreelError(f"cannot import {str(path)!r}: {_describe(error, path)}") from None
    scene = getattr(module, name, None)
    if scene is None:
        # only the file's own classes: not the base classes it imports (NetreelScene, MovingCameraScene)
        found = [key for key, value in vars(module).items()
                 if _is_scene(value) and value.__module__ == module.__name__]
        close = difflib.get_close_matches(name, found, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise NetreelError(
            f"{str(path)!r} has no class {name!r} ({hint}scenes in it: {', '.join(found) or 'none'})"
        )
    if not _is_scene(scene):
        what = "a Scene instance" if isinstance(scene, Scene) else f"a {type(scene).__name__}"
        if isinstance(scene, type):
            what = "Manim's own Scene; name your subclass" if scene is Scene else "a class not derived from Scene"
        raise NetreelError(f"{str(path)!r}: {name} is not a Manim Scene subclass ({what})")
    return scene


def _is_scene(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, Scene) and value is not Scene


def _describe(error: BaseException, path: Path) -> str:
    """The error's last line and where it happened: the innermost line of ``path`` it passed."""
    last = one_line(traceback.format_exception_only(error)[-1])
    resolved = str(path.resolve())

    def where(filename: str, line: int | None) -> str:
        return f"{last} ({str(path) if filename == resolved else filename}:{line})"

    if isinstance(error, SyntaxError) and error.filename:
        return where(error.filename, error.lineno)
    frames = traceback.extract_tb(error.__traceback__)
    mine = [frame for frame in frames if frame.filename == resolved] or frames[-1:]
    return where(mine[-1].filename, mine[-1].lineno) if mine else last
