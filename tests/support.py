"""Helpers several test modules share."""

from __future__ import annotations

import re
import tempfile
import textwrap

import av
import numpy as np
from manim import Scene, VMobject, config, tempconfig

from scenes.output.render import manim_settings
from scenes.text import FRAME_MARGIN

__all__ = ["InFrame", "decoded", "examples", "outside_frame", "render_plain"]


def decoded(path) -> list[np.ndarray]:
    """Every frame of the video at ``path``, as RGB arrays."""
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def render_plain(scene_class: type[Scene], *, width: int = 96, height: int = 54, fps: float = 4) -> Scene:
    """Render a plain Manim scene tiny, caching off, writing nothing; return it with its last frame drawn."""
    with tempfile.TemporaryDirectory(prefix="netreel-test-") as media_dir:
        with tempconfig({**manim_settings(width, height, fps, media_dir), "write_to_movie": False}):
            scene = scene_class()
            scene.render()
            scene.renderer.update_frame(scene)
            return scene


def outside_frame(scene: Scene) -> list[str]:
    """Every drawn part of ``scene`` that leaves the frame, less half a margin of slack.

    The margin is where layouts aim, the frame's edge is the limit.
    """
    w = config.frame_width / 2 - FRAME_MARGIN / 2
    h = config.frame_height / 2 - FRAME_MARGIN / 2
    outside = []
    for mobject in scene.mobjects:
        # VMobjects only: a ValueTracker keeps its value as an off-screen point
        for part in mobject.family_members_with_points():
            if not isinstance(part, VMobject):
                continue
            (x0, y0, _), (x1, y1, _) = part.get_corner([-1, -1, 0]), part.get_corner([1, 1, 0])
            if x0 < -w or x1 > w or y0 < -h or y1 > h:
                outside.append(f"{type(part).__name__} at x {x0:.2f}..{x1:.2f}, y {y0:.2f}..{y1:.2f}")
    return outside


class InFrame:
    """Mixed into a scene class: after every animation, note in ``outside`` what leaves the frame.

    Give the mixed class its own list: ``type("Probe", (InFrame, SomeScene), {"outside": []})``.
    """

    outside: list[str]

    def play(self, *animations, **kwargs):
        super().play(*animations, **kwargs)
        type(self).outside.extend(outside_frame(self))


DIRECTIVE = re.compile(r"^(?P<indent> *)\.\. manim:: (?P<name>\w+)$")


def examples(doc: str) -> dict[str, str]:
    """``{scene name: code}`` of every ``.. manim:: Name`` block in ``doc``, its ``:option:`` lines dropped."""
    found, lines = {}, doc.splitlines()
    for n, line in enumerate(lines):
        match = DIRECTIVE.match(line)
        if match:
            indent, body = len(match["indent"]), []
            for row in lines[n + 1:]:
                if row.strip() and len(row) - len(row.lstrip()) <= indent:
                    break
                if not row.strip().startswith(":"):
                    body.append(row)
            found[match["name"]] = textwrap.dedent("\n".join(body))
    return found
