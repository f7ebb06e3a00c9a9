"""Render netreel scenes in-process (one Python process, no ``manim`` subprocess).

:func:`render_frames` returns the frames a scene draws as numpy arrays, which is
what tests and the GIF writer need. Caching is always off: Manim's cache hashes
mobjects, not the Trace behind an updater, so it could replay a stale video.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from manim import config, tempconfig
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter

from .base import NetreelScene, SceneOptions
from .theme import Theme

__all__ = ["render_frames", "manim_settings"]


def manim_settings(width: int, height: int, fps: float, media_dir: str | Path) -> dict[str, Any]:
    """The Manim config netreel renders with, for a frame of ``width`` x ``height`` pixels."""
    return {
        "pixel_width": int(width),
        "pixel_height": int(height),
        "frame_width": config.frame_height * width / height,
        "frame_rate": fps,
        "media_dir": str(media_dir),
        "disable_caching": True,
        "notify_outdated_version": False,
        "progress_bar": "none",
        "verbosity": "ERROR",
        "video_encoder_options": {"preset": "veryfast"},
    }


class _FrameCollector(SceneFileWriter):
    """A file writer that also keeps every frame (RGBA, top row first)."""

    collected: list[np.ndarray]

    def write_frame(self, pixels: np.ndarray, *, repeat: int = 1) -> None:
        frame = np.array(pixels, copy=True)
        self.collected.extend([frame] * repeat)
        super().write_frame(pixels, repeat=repeat)


def render_frames(
    scene_class: type[NetreelScene],
    options: SceneOptions | None = None,
    theme: str | Theme = "dark",
    *,
    width: int = 160,
    height: int = 90,
    fps: float = 5,
) -> np.ndarray:
    """Render a scene without writing a video and return its frames.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_frames, height, width, 4)``, ``uint8`` RGBA.
    """
    with tempfile.TemporaryDirectory(prefix="netreel-") as media_dir:
        settings = manim_settings(width, height, fps, media_dir)
        settings["write_to_movie"] = False
        with tempconfig(settings):
            collector = type("FrameCollector", (_FrameCollector,), {"collected": []})
            scene = scene_class(options, theme, renderer=CairoRenderer(file_writer_class=collector))
            scene.render()
            return np.stack(collector.collected)
