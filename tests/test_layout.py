"""The rooms of the house and which way imports may run between them, read from the source.

netcore <- base/theme/text <- mobjects <- story <- registry <- cli -> output
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("netcore", "scenes")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of the project modules ``path`` imports (relative imports resolved)."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            stem = ".".join([*base, node.module] if node.module else base)
            names = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name.split(".")[0] in PACKAGES)
    return found


def modules() -> dict[str, set[str]]:
    return {
        module_name(path): imports_of(path)
        for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
    }


def room(module: str) -> str:
    """``scenes.story.backprop.scene`` -> ``story``; ``scenes.base.option`` -> ``scenes.base``."""
    parts = module.split(".")
    if parts[0] == "netcore" or len(parts) == 1:
        return parts[0]
    return parts[1] if parts[1] in ROOMS else f"scenes.{parts[1]}"


ROOMS = ("mobjects", "story", "output", "cli")
SHARED = ("scenes.base", "scenes.theme", "scenes.text", "scenes.cache")

#: room -> rooms (or shared modules) it must never import
FORBIDDEN = {
    "netcore": {"scenes", *ROOMS, *SHARED, "scenes.registry"},
    "scenes.cache": {*ROOMS, "scenes.base", "scenes.theme", "scenes.text", "scenes.registry"},
    "scenes.theme": {*ROOMS, "scenes.base", "scenes.text", "scenes.registry"},
    "scenes.text": {*ROOMS, "scenes.base", "scenes.registry"},
    "scenes.base": set(ROOMS) | {"scenes.registry"},
    "mobjects": {"story", "output", "cli", "scenes.registry"},
    "story": {"output", "cli", "scenes.registry"},
    "scenes.registry": {"mobjects", "story", "output", "cli"},
    "output": {"mobjects", "story", "cli", "scenes.registry"},
    "cli": set(),
}


def test_every_module_belongs_to_a_known_room():
    for module in modules():
        assert room(module) in FORBIDDEN or module in ("scenes",), module


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_run_one_way(module):
    imported = modules()[module]
    bad = sorted(name for name in imported if room(name) in FORBIDDEN.get(room(module), set()))
    assert bad == [], f"{module} imports {bad}"


def test_story_modules_never_import_another_section():
    for module, imported in modules().items():
        if room(module) != "story" or module == "scenes.story":
            continue
        section = module.split(".")[2]  # scenes.story.<section>[.part]
        others = sorted(
            name for name in imported
            if room(name) == "story" and len(name.split(".")) > 2 and name.split(".")[2] != section
        )
        assert others == [], f"{module} borrows from another section: {others}"


def test_cli_is_where_registry_and_output_meet():
    imported = set().union(*(names for module, names in modules().items() if room(module) == "cli"))
    assert any(room(name) == "output" for name in imported)
    assert "scenes.registry" in imported


def test_the_rules_see_a_violation(tmp_path, monkeypatch):
    """The checker itself: a story module importing the CLI is caught."""
    story = tmp_path / "scenes" / "story"
    story.mkdir(parents=True)
    (story / "bad.py").write_text("from scenes.cli.commands import main\nfrom ..output import render\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    imported = imports_of(story / "bad.py")
    assert imported == {"scenes.cli.commands", "scenes.cli.commands.main", "scenes.output", "scenes.output.render"}
    assert {room(name) for name in imported} <= FORBIDDEN[room("scenes.story.bad")]
