"""Mobjects that draw themselves into the frame: a raster copied in, many strokes in one go.

Manim's Cairo camera spends most of a busy frame on per-mobject work in Python (paths
split into subpaths, colours parsed, one mobject at a time), and draws an
``ImageMobject`` through PIL into a frame-sized image it then composites, which
Pillow 13 refuses ("Invalid mode for data type") and which would cost a whole frame
per image anyway. A :class:`SelfDrawn` mobject is an image to Manim and a
:class:`SelfDrawnPath` a ``VMobject`` (so each keeps its place in the drawing order and
in groups), but each draws itself: this module hooks ``Camera.display_image_mobject``
and ``Camera.display_vectorized`` for these only; every other mobject goes to Manim's
own code.
"""

from __future__ import annotations

import cairo
import numpy as np
from manim import VMobject
from manim.camera.camera import Camera
from manim.mobject.types.image_mobject import AbstractImageMobject

__all__ = ["SelfDrawn", "SelfDrawnPath"]


class SelfDrawn(AbstractImageMobject):
    """A mobject whose :meth:`draw` paints it into the camera's frame.

    Subclasses set :attr:`points` in ``reset_points`` (the four corners of their box:
    top left, top right, bottom left, bottom right, as Manim's images have them),
    follow them when moved, and implement :meth:`draw`. Colours do not interpolate
    unless a subclass says how (:meth:`interpolate_color`).
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(scale_to_resolution=0, **kwargs)

    def draw(self, camera: Camera, pixel_array: np.ndarray) -> None:
        """Paint into ``pixel_array``, ``camera``'s RGBA frame (top row first)."""
        raise NotImplementedError

    def get_pixel_array(self) -> np.ndarray:
        """An empty image: what a self-drawn mobject shows exists only when drawn."""
        return np.zeros((1, 1, 4), dtype=np.uint8)

    def interpolate_color(self, mobject1: SelfDrawn, mobject2: SelfDrawn, alpha: float) -> SelfDrawn:
        """Nothing, unless a subclass says how its colours blend."""
        return self


class SelfDrawnPath(VMobject):
    """A ``VMobject`` whose :meth:`draw` paints it through the camera's Cairo context.

    Its :attr:`points` are only its box (one curve from the top-left to the bottom-right
    corner, handles at the other two), so it moves, aligns and groups like any
    ``VMobject``; its stroke opacity (which Manim's fades animate) scales what it draws.
    """

    def draw(self, camera: Camera, ctx: cairo.Context) -> None:
        """Paint through ``ctx``: scene units, and RGBA colours given to Cairo as BGRA (as Manim does)."""
        raise NotImplementedError

    def set_box(self, lower: np.ndarray, upper: np.ndarray) -> SelfDrawnPath:
        """Make the points the box between two corners (bottom left, top right)."""
        (left, bottom), (right, top) = np.asarray(lower, dtype=float)[:2], np.asarray(upper, dtype=float)[:2]
        self.points = np.array([[left, top, 0.0], [right, top, 0.0], [left, bottom, 0.0], [right, bottom, 0.0]])
        return self


_manim_display_image = Camera.display_image_mobject
_manim_display_vectorized = Camera.display_vectorized


def _display_image(camera: Camera, image: AbstractImageMobject, pixel_array: np.ndarray) -> None:
    """Self-drawn mobjects draw themselves; every other image goes to Manim."""
    if isinstance(image, SelfDrawn):
        image.draw(camera, pixel_array)
    else:
        _manim_display_image(camera, image, pixel_array)


def _display_vectorized(camera: Camera, vmobject: VMobject, ctx: cairo.Context) -> Camera:
    """Self-drawn paths draw themselves; every other ``VMobject`` goes to Manim."""
    if isinstance(vmobject, SelfDrawnPath):
        vmobject.draw(camera, ctx)
        return camera
    return _manim_display_vectorized(camera, vmobject, ctx)


Camera.display_image_mobject = _display_image
Camera.display_vectorized = _display_vectorized
