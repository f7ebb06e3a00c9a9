"""The scenes netreel knows, in the order the story tells them.

Adding a scene is one line in :data:`SCENE_PATHS`. Scene modules are imported
on first use, so ``netreel --help`` stays quick; a listed scene that cannot be
imported is an error, never silently skipped.
"""

from __future__ import annotations

import importlib

from .base import NetreelScene

__all__ = ["SCENE_PATHS", "scenes", "find_scene", "UnknownScene"]

#: ``module:Class`` of every scene, in story order.
SCENE_PATHS: tuple[str, ...] = (
    "scenes.story.neuron_anatomy:NeuronAnatomy",
    "scenes.story.neuron_as_function:NeuronAsFunction",
    "scenes.story.superposition:Superposition",
    "scenes.story.bump_construction:BumpConstruction",
    "scenes.story.universal_approximation:UniversalApproximation",
    "scenes.story.region_construction:RegionConstruction",
    "scenes.story.decision_boundary:DecisionBoundary",
    "scenes.story.backprop.scene:Backpropagation",
)

_loaded: dict[str, type[NetreelScene]] | None = None


class UnknownScene(ValueError):
    """A scene name that matches no scene; the message lists the known names."""


def _load(path: str) -> type[NetreelScene]:
    module_name, class_name = path.split(":")
    scene = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(scene, type) and issubclass(scene, NetreelScene) and scene.name):
        raise TypeError(f"{path} is not a NetreelScene with a name")
    return scene


def scenes() -> dict[str, type[NetreelScene]]:
    """Every scene by its short name, in story order."""
    global _loaded
    if _loaded is None:
        loaded = [_load(path) for path in SCENE_PATHS]
        _loaded = {scene.name: scene for scene in loaded}
        if len(_loaded) != len(loaded):
            raise TypeError("two scenes share a name")
    return _loaded


def find_scene(name: str) -> type[NetreelScene]:
    """The scene called ``name``: its short name or class name, in any case.

    Raises
    ------
    UnknownScene
        One line listing the known scenes.
    """
    wanted = name.strip().lower()
    for short, scene in scenes().items():
        if wanted in (short.lower(), scene.__name__.lower()):
            return scene
    raise UnknownScene(f"unknown scene {name!r} (known: {', '.join(scenes())})")
