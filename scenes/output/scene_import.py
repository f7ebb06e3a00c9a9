"""Scene classes by reference: ``package.module:Class`` or ``path/to/file.py:Class``.

A scene file is imported under a name made from its resolved path
(``netreel_file_<hash>``), once per process: two files both called ``scene.py``
never clash, and a worker process that loads the same file gets the same
module. Options dataclasses defined in such a file pickle as (file, class,
values), so a job that carries them can go to a worker process, which imports
the file again before it rebuilds them.

Importing a file runs its code: only the command line decides when that is
wanted (``scenes.cli.scene_file``).
"""

from __future__ import annotations

import copyreg
import hashlib
import importlib
import importlib.util
import sys
from dataclasses import fields, is_dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ..base import SceneOptions

__all__ = ["FILE_MODULE_PREFIX", "is_file_ref", "split_ref", "module_from_file", "import_scene", "scene_ref"]

#: Start of the module name a scene file is imported under.
FILE_MODULE_PREFIX = "netreel_file_"


def is_file_ref(ref: str) -> bool:
    """True for ``path/to/file.py:Class`` (or a bare ``file.py``), False for ``module:Class``."""
    return ref.rsplit(":", 1)[0].lower().endswith(".py")


def split_ref(ref: str) -> tuple[str, str]:
    """``("path/to/file.py", "Class")``; the class is ``""`` when the reference names none."""
    where, _, name = ref.rpartition(":") if ":" in ref else (ref, "", "")
    return where, name


def _module_name(path: Path) -> str:
    return FILE_MODULE_PREFIX + hashlib.sha1(str(path).encode()).hexdigest()[:16]


def module_from_file(path: str | Path) -> ModuleType:
    """Import the Python file ``path`` (once per process) and return its module.

    The file's folder goes on ``sys.path`` (as plain Manim does), so it may import
    modules next to it. Whatever the file raises while it runs is raised here,
    and the half-imported module is forgotten.
    """
    path = Path(path).resolve()
    name = _module_name(path)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path} cannot be imported as Python")
    module = importlib.util.module_from_spec(spec)
    folder = str(path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    # Registered before it runs: dataclasses and pickle look the module up by name.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, SceneOptions) and value.__module__ == name:
            copyreg.pickle(value, _reduce_options)
    return module


def _reduce_options(options: SceneOptions) -> tuple[Any, tuple]:
    cls = type(options)
    values = {f.name: getattr(options, f.name) for f in fields(options)} if is_dataclass(options) else {}
    return _rebuild_options, (sys.modules[cls.__module__].__file__, cls.__qualname__, values)


def _rebuild_options(path: str, qualname: str, values: dict[str, Any]) -> SceneOptions:
    return _attribute(module_from_file(path), qualname)(**values)


def _attribute(module: ModuleType, qualname: str) -> Any:
    value: Any = module
    for part in qualname.split("."):
        value = getattr(value, part)
    return value


def import_scene(ref: str) -> type:
    """The class ``ref`` names: ``package.module:Class`` or ``path/to/file.py:Class``."""
    where, name = split_ref(ref)
    module = module_from_file(where) if is_file_ref(ref) else importlib.import_module(where)
    return _attribute(module, name)


def scene_ref(scene_class: type) -> str:
    """The reference :func:`import_scene` reads back, in this process or a new one."""
    module = sys.modules.get(scene_class.__module__)
    if scene_class.__module__.startswith(FILE_MODULE_PREFIX) and module is not None:
        return f"{module.__file__}:{scene_class.__qualname__}"
    return f"{scene_class.__module__}:{scene_class.__qualname__}"
