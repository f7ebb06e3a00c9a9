"""Labelled points on the plane: class 0 in the theme's orange, class 1 in its blue.

Each class is one ``VMobject`` whose subpaths are all its dots, so hundreds of points
cost the renderer two mobjects, not hundreds.
"""

from __future__ import annotations

import numpy as np
from manim import Circle, VGroup, VMobject

from ..theme import Theme

__all__ = ["ClassPoints"]


class ClassPoints(VGroup):
    """Dots at scene positions, coloured by a 0/1 label.

    Parameters
    ----------
    positions : ``(n, 3)`` scene points (or ``(n, 2)``).
    labels : ``(n,)`` or ``(n, 1)`` values 0 or 1.
    theme : class 0 is ``theme.negative``, class 1 ``theme.positive``; outlines in ``theme.background``.
    radius : dot radius, scene units.

    Attributes
    ----------
    classes : the two VMobjects, class 0 then class 1.
    """

    def __init__(
        self, positions: np.ndarray, labels: np.ndarray, theme: Theme, *, radius: float = 0.06, **kwargs
    ) -> None:
        self.theme = theme
        self.radius = radius
        self.classes = [
            VMobject(fill_color=color, fill_opacity=1, stroke_color=theme.background, stroke_width=1.5)
            for color in (theme.negative, theme.positive)
        ]
        super().__init__(*self.classes, **kwargs)
        self._circle = Circle(radius=radius).points
        self.set_data(positions, labels)

    def set_data(self, positions: np.ndarray, labels: np.ndarray) -> ClassPoints:
        """Move the dots to ``positions`` with ``labels``."""
        positions = np.asarray(positions, dtype=float)
        if positions.ndim != 2 or positions.shape[1] not in (2, 3):
            raise ValueError(f"positions must have shape (n, 2) or (n, 3), got {positions.shape}")
        if positions.shape[1] == 2:
            positions = np.column_stack([positions, np.zeros(len(positions))])
        labels = np.asarray(labels).reshape(-1)
        if len(labels) != len(positions) or not np.all((labels == 0) | (labels == 1)):
            raise ValueError("labels must be one 0 or 1 per position")
        for value, dots in enumerate(self.classes):
            centres = positions[labels == value]
            if len(centres):
                dots.set_points((centres[:, None, :] + self._circle[None]).reshape(-1, 3))
            else:
                dots.clear_points()
        return self
