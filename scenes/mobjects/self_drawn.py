"""Mobjects that draw themselves into the frame: a raster copied in, many strokes in one go.

Manim's Cairo camera spends most of a busy frame on per-mobject work in Python (paths
split into subpaths, colours parsed, one mobject at a time), and draws an
``ImageMobject`` through PIL into a frame-sized image it then composites, which
Pillow 13 refuses ("Invalid mode for data type") and which would cost a whole frame
per image anyway. A :class:`SelfDrawn` mobject is an image to Manim and a
:class:`SelfDrawnPath` a ``VMobject`` (so each keeps its place in the drawing order and
in groups), but each draws itself: this module hooks ``Camera.display_image_mobject``
and ``Camera.display_vectorized`` for these. Every other mobject is drawn by Manim's
own code, except that a ``VMobject`` drawn again with the same points reuses the path
Cairo traced for it last time.
"""

from __future__ import annotations

import weakref
from collections import deque
from itertools import starmap

import cairo
import numpy as np
from manim import VMobject
from manim.camera.camera import CAP_STYLE_MAP, LINE_JOIN_MAP, Camera
from manim.mobject.types.image_mobject import AbstractImageMobject

from .cairo_path import PathOps, close_2d, straight_curves

__all__ = ["SelfDrawn", "SelfDrawnPath", "CornerPath", "PathBatch", "Layer"]


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

    Its :attr:`points` place it: its box (one curve from the top-left to the bottom-right
    corner, handles at the other two, see :meth:`set_box`) or the outline it draws, so it
    moves, aligns and groups like any ``VMobject``; how it fades is up to its :meth:`draw`.
    """

    def draw(self, camera: Camera, ctx: cairo.Context, opacity: float = 1.0) -> None:
        """Paint through ``ctx`` (scene units; RGBA colours go to Cairo as BGRA, as Manim does),
        every alpha times ``opacity``."""
        raise NotImplementedError

    def shows_stroke(self, opacity: float = 1.0) -> bool:
        """Whether its stroke, at ``opacity``, would change a pixel."""
        return self.get_stroke_width() > 0 and self.get_stroke_rgbas()[0][3] * opacity > 0

    def stroke_traced(self, camera: Camera, ctx: cairo.Context, opacity: float = 1.0) -> None:
        """Stroke ``ctx``'s path with its stroke (colour, width, joints, caps), as Manim would, at ``opacity``."""
        r, g, b, a = self.get_stroke_rgbas()[0]
        ctx.set_source_rgba(b, g, r, a * opacity)
        ctx.set_line_width(self.get_stroke_width() * camera.cairo_line_width_multiple)
        ctx.set_line_join(LINE_JOIN_MAP[self.joint_type])
        ctx.set_line_cap(CAP_STYLE_MAP[self.cap_style])
        ctx.stroke()

    def set_box(self, lower: np.ndarray, upper: np.ndarray) -> SelfDrawnPath:
        """Make the points the box between two corners (bottom left, top right)."""
        (left, bottom), (right, top) = np.asarray(lower, dtype=float)[:2], np.asarray(upper, dtype=float)[:2]
        self.points = np.array([[left, top, 0.0], [right, top, 0.0], [left, bottom, 0.0], [right, bottom, 0.0]])
        return self


class CornerPath(SelfDrawnPath):
    """A ``VMobject`` of straight pieces (Manim's corners), stroked through its anchors as lines.

    Its points are Manim's (``set_points_as_corners``, ``append_points``): only the
    drawing differs, one ``line_to`` per piece from the anchors, where a
    :class:`PathBatch` first works out which pieces are straight and which runs of them
    simplify. For a polyline redrawn every frame whose pieces are longer than Cairo's
    tolerance (a chart's line). Subpaths and closing follow Manim; points that are not
    all straight pieces are traced as Manim's curves. Stroke only, in one colour (a
    gradient's first), no fill.

    Examples
    --------
    .. manim:: CornerPathExample
        :save_last_frame:

        import numpy as np
        from manim import Scene
        from scenes.mobjects.self_drawn import CornerPath

        class CornerPathExample(Scene):
            def construct(self):
                xs = np.linspace(-6, 6, 50)
                line = CornerPath(stroke_color="#ff6b6b", stroke_width=4)
                line.set_points_as_corners(np.column_stack([xs, np.sin(xs), 0 * xs]))
                self.add(line)
    """

    def draw(self, camera: Camera, ctx: cairo.Context, opacity: float = 1.0) -> None:
        """Stroke the pieces as lines, each subpath from its first anchor."""
        curves = self.points[:len(self.points) // 4 * 4, :2].reshape(-1, 4, 2)
        if not len(curves) or not self.shows_stroke(opacity):
            return
        tolerance = ctx.get_tolerance() / abs(ctx.get_matrix()[0])
        ctx.new_path()
        if straight_curves(curves, 1e-3 * tolerance).all():
            starts, ends = curves[:, 0], curves[:, 3]
            first = np.flatnonzero(np.concatenate([[True], ~close_2d(ends[:-1], starts[1:])]))
            for low, high in zip(first.tolist(), [*first[1:].tolist(), len(curves)]):
                ctx.move_to(*starts[low])
                deque(starmap(ctx.line_to, ends[low:high].tolist()), maxlen=0)
                if close_2d(starts[low:low + 1], ends[high - 1:high])[0]:
                    ctx.close_path()
        else:
            PathOps(curves.reshape(-1, 2), [len(curves)], tolerance).trace(ctx, 0)
        self.stroke_traced(camera, ctx, opacity)


class PathBatch(SelfDrawnPath):
    """Draws ``members`` (``VMobject``\\s, in order) as Manim's camera would, in one go.

    The same Cairo paths, fills and strokes, without Manim's numpy work per mobject:
    for many small mobjects redrawn every frame. The members are not part of the
    batch's family (put the batch in the scene instead of them); they may move, change
    points or colours between frames. A member with a colour gradient or a background
    stroke is left to Manim.

    Parameters
    ----------
    members : the mobjects to draw (with their families).
    kwargs : passed on to ``VMobject``.

    Attributes
    ----------
    opacity : multiplies every member's opacity (fading them all at once costs one number
        a frame, where Manim's fades interpolate each member).
    """

    def __init__(self, members, **kwargs) -> None:
        self.opacity = 1.0
        self._ops: tuple | None = None
        # Every family member, with points or not: a line may have none now and some later.
        self.members = [m for member in members for m in member.get_family() if isinstance(m, VMobject)]
        super().__init__(**kwargs)
        corners = np.concatenate([m.points for m in self.members if len(m.points)] or [np.zeros((1, 3))])
        self.set_box(corners.min(axis=0), corners.max(axis=0))

    def __deepcopy__(self, clone_from_id: dict) -> PathBatch:
        """A copy drawing the very same members (Manim copies every animated mobject; these
        are the scene's, not the batch's), without the operations kept from the last frame."""
        clone_from_id[id(self.members)] = self.members
        if self._ops is not None:
            clone_from_id[id(self._ops)] = None
        return super().__deepcopy__(clone_from_id)

    def _path_ops(self, points: np.ndarray, counts: list[int], ctx: cairo.Context) -> tuple[PathOps, bool, np.ndarray]:
        """The operations tracing ``points``, whether they were kept from the last frame, and how far
        the points have moved (as a whole) since they were made.

        A fade redraws members that do not move, a chart's dot moves without changing
        shape: their operations (and Cairo's paths, see :meth:`PathOps.trace`) are kept
        while the points keep their shape and the camera's mapping stays.
        """
        matrix = tuple(ctx.get_matrix())
        key = (counts, matrix)
        if self._ops is not None and self._ops[0] == key and len(self._ops[1]) == len(points):
            made = self._ops[1]
            if np.array_equal(made, points):
                return self._ops[2], True, np.zeros(2)
            moved = points[0] - made[0]
            # The last point first: a curve that changed shape (a replay's, every frame) fails there.
            last_kept = np.abs(points[-1] - made[-1] - moved).max() <= 1e-9
            if last_kept and np.allclose(points, made + moved, rtol=0, atol=1e-9):
                return self._ops[2], True, moved
        # Cairo's tolerance is in device pixels; the matrix maps scene units onto them.
        ops = PathOps(points, counts, ctx.get_tolerance() / abs(matrix[0]))
        self._ops = (key, points, ops)
        return ops, False, np.zeros(2)

    def draw(self, camera: Camera, ctx: cairo.Context, opacity: float = 1.0) -> None:
        """Each member's subpaths, fill and stroke, in order.

        Straight pieces go to Cairo as lines, runs of them simplified to within Cairo's
        flattening tolerance (see :class:`~scenes.mobjects.cairo_path.PathOps`); a fill
        or stroke with nothing to show is skipped.
        """
        opacity *= self.opacity
        shown = [m for m in self.members if len(m.points) >= 4]
        if not shown or opacity <= 0:
            return
        # Self-drawn members trace themselves: their points need no operations.
        traced = [m for m in shown if not isinstance(m, SelfDrawnPath)]
        if traced:
            counts = [len(m.points) // 4 for m in traced]
            points = np.concatenate([m.points[:4 * count, :2] for m, count in zip(traced, counts)])
            path, kept, moved = self._path_ops(points, counts, ctx)
            matrix = ctx.get_matrix()
        index = -1
        for member in shown:
            if isinstance(member, SelfDrawnPath):
                member.draw(camera, ctx, opacity)
                continue
            index += 1
            fill, stroke = member.get_fill_rgbas(), member.get_stroke_rgbas()
            if len(fill) > 1 or len(stroke) > 1 or member.get_stroke_width(background=True) > 0:
                if opacity < 1:
                    raise ValueError(f"a PathBatch cannot fade a {type(member).__name__} with a gradient "
                                     "or a background stroke")
                _manim_display_vectorized(camera, member, ctx)
                continue
            ctx.new_path()
            if moved.any():  # kept paths, appended where the points are now
                ctx.translate(*moved)
                path.trace(ctx, index, keep=kept)
                ctx.set_matrix(matrix)  # set back exactly: translating back would round it
            else:
                path.trace(ctx, index, keep=kept)
            r, g, b, a = fill[0]
            if a > 0:
                ctx.set_source_rgba(b, g, r, a * opacity)
                ctx.fill_preserve()
            width = member.get_stroke_width()
            r, g, b, a = stroke[0]
            if width > 0 and a > 0:
                ctx.set_source_rgba(b, g, r, a * opacity)
                ctx.set_line_width(width * camera.cairo_line_width_multiple)
                ctx.set_line_join(LINE_JOIN_MAP[member.joint_type])
                ctx.set_line_cap(CAP_STYLE_MAP[member.cap_style])
                ctx.stroke_preserve()


class Layer(SelfDrawnPath):
    """``members`` drawn once into a raster that is painted every frame until they change.

    For still mobjects drawn over moving ones frame after frame (a diagram's circles over
    its restyled edges): one paint of a small raster where drawing them costs a fill and a
    stroke each. Drawn as a :class:`PathBatch` of the members draws them (compositing the
    raster is compositing each member in turn), up to a level of rounding. The raster is
    drawn again whenever a member's points, colours or widths, the opacity a fading batch
    draws the layer at, or the camera's mapping change. Like a batch, it is not moved:
    its members are.

    Parameters
    ----------
    members : the mobjects to draw (with their families).
    kwargs : passed on to ``VMobject``.

    Attributes
    ----------
    opacity : the raster's opacity as it is painted: fading the layer costs one paint a
        frame, never a new raster. It fades the members as one picture, so where they
        overlap the lower one stays hidden, as in the last frame.
    """

    def __init__(self, members, **kwargs) -> None:
        self.batch = PathBatch(members)
        self.opacity = 1.0
        self._raster: tuple | None = None
        super().__init__(**kwargs)
        self.points = self.batch.points.copy()

    def __deepcopy__(self, clone_from_id: dict) -> Layer:
        """A copy with the same members and no raster (Cairo's surfaces do not copy)."""
        if self._raster is not None:
            clone_from_id[id(self._raster)] = None
        return super().__deepcopy__(clone_from_id)

    def _state(self, ctx: cairo.Context, opacity: float) -> np.ndarray:
        # everything the raster shows: the mapping, the opacity, each member's points, colours and widths
        members = self.batch.members
        widths = [w for m in members for w in (m.get_stroke_width(), m.get_stroke_width(background=True))]
        return np.concatenate([[*ctx.get_matrix(), opacity, *widths], *(m.points.ravel() for m in members),
                               *(m.get_fill_rgbas().ravel() for m in members),
                               *(m.get_stroke_rgbas().ravel() for m in members)])

    def draw(self, camera: Camera, ctx: cairo.Context, opacity: float = 1.0) -> None:
        """Paint the raster, drawn first if anything it shows changed."""
        state = self._state(ctx, opacity)
        if self._raster is None or not np.array_equal(self._raster[0], state):
            self._raster = (state, *self._rasterize(camera, ctx, opacity))
        _, surface, left, top = self._raster
        if surface is None or self.opacity <= 0:
            return
        ctx.save()
        ctx.identity_matrix()
        ctx.set_source_surface(surface, left, top)
        ctx.rectangle(left, top, surface.get_width(), surface.get_height())
        if self.opacity < 1:
            ctx.clip()
            ctx.paint_with_alpha(self.opacity)
        else:
            ctx.fill()
        ctx.restore()

    def _rasterize(self, camera: Camera, ctx: cairo.Context, opacity: float) -> tuple:
        """The members drawn on a transparent surface over their box (whole device pixels, so
        every edge falls on the frame's pixels as it would), and its top left corner."""
        shown = [m for m in self.batch.members if len(m.points)]
        if not shown:
            return None, 0, 0
        matrix = ctx.get_matrix()
        corners = np.concatenate([m.points[:, :2] for m in shown])
        xs = matrix.xx * corners[:, 0] + matrix.xy * corners[:, 1] + matrix.x0
        ys = matrix.yx * corners[:, 0] + matrix.yy * corners[:, 1] + matrix.y0
        # room for the widest stroke and its miters (Cairo's limit: 10 half widths), and anti-aliasing
        reach = 2 + 5 * abs(matrix.xx) * camera.cairo_line_width_multiple * max(
            max(m.get_stroke_width(), m.get_stroke_width(background=True)) for m in shown)
        left, top = int(np.floor(xs.min() - reach)), int(np.floor(ys.min() - reach))
        right, bottom = int(np.ceil(xs.max() + reach)), int(np.ceil(ys.max() + reach))
        surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, right - left, bottom - top)
        raster = cairo.Context(surface)
        raster.set_matrix(cairo.Matrix(matrix.xx, matrix.yx, matrix.xy, matrix.yy, matrix.x0 - left, matrix.y0 - top))
        self.batch.draw(camera, raster, opacity)
        surface.flush()
        return surface, left, top


_manim_display_image = Camera.display_image_mobject
_manim_display_vectorized = Camera.display_vectorized


def _display_image(camera: Camera, image: AbstractImageMobject, pixel_array: np.ndarray) -> None:
    """Self-drawn mobjects draw themselves; every other image goes to Manim."""
    if isinstance(image, SelfDrawn):
        image.draw(camera, pixel_array)
    else:
        _manim_display_image(camera, image, pixel_array)


# Each VMobject's last Cairo path, with the points and the matrix it was traced from.
_TRACED: weakref.WeakKeyDictionary[VMobject, tuple[np.ndarray, tuple, cairo.Path]] = weakref.WeakKeyDictionary()


def _display_vectorized(camera: Camera, vmobject: VMobject, ctx: cairo.Context) -> Camera:
    """Self-drawn paths draw themselves; every other ``VMobject`` is drawn as Manim draws it.

    Manim traces a mobject's path curve by curve in Python every time it draws it, and a
    fading or recoloured mobject (most of a play) is drawn again with the same points:
    Cairo's copy of its last path is then appended in one call instead. A fill that is
    fully transparent (a line's, an outline's) is skipped.
    """
    if isinstance(vmobject, SelfDrawnPath):
        vmobject.draw(camera, ctx)
        return camera
    points = vmobject.points
    if not len(points):
        return _manim_display_vectorized(camera, vmobject, ctx)
    matrix = tuple(ctx.get_matrix())
    traced = _TRACED.get(vmobject)
    if traced is not None and traced[1] == matrix and np.array_equal(traced[0], points):
        ctx.new_path()
        ctx.append_path(traced[2])
    else:
        camera.set_cairo_context_path(ctx, vmobject)
        _TRACED[vmobject] = (points.copy(), matrix, ctx.copy_path())
    camera.apply_stroke(ctx, vmobject, background=True)
    if camera.get_fill_rgbas(vmobject)[:, 3].any():  # a fill with nothing to show changes no pixel
        camera.apply_fill(ctx, vmobject)
    camera.apply_stroke(ctx, vmobject)
    return camera


Camera.display_image_mobject = _display_image
Camera.display_vectorized = _display_vectorized
