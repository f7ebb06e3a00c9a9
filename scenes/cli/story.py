"""The explainer's clips: the opening card, then each section's card (if it has a title) and its scene.

The story itself is a story file (:mod:`.story_file`); the default explainer's
ships with the package. ``netreel explainer`` renders each clip on its own (in
parallel processes with ``--jobs``); :func:`scenes.output.video.concat_videos`
joins them without re-encoding.
"""

from __future__ import annotations

from ..output.jobs import GifRequest, Job, scene_path
from ..story.title_card import TitleCard, TitleCardOptions
from .story_file import Story, StorySection, default_story

__all__ = ["story_clips", "story_jobs"]


def story_jobs(story: Story | None = None, **settings) -> list[Job]:
    """The story's clips in order (the default explainer's if ``story`` is None): see :func:`story_clips`."""
    return [job for job, _ in story_clips(story, **settings)]


def story_clips(
    story: Story | None = None,
    *,
    theme: str,
    width: int,
    height: int,
    fps: float,
    seed: int | None = None,
    video: str | None = "mp4",
    gifs: GifRequest | None = None,
    keep_frames: bool = False,
    captions: bool = True,
) -> list[tuple[Job, StorySection | None]]:
    """The story's clips in order, each with its section (None for a title card).

    ``gifs`` asks for a GIF of each section's scene; ``keep_frames`` returns
    every clip's frames (for a GIF of the whole story).
    """
    story = story if story is not None else default_story(seed)
    settings = dict(
        theme=theme, width=width, height=height, fps=fps, seed=seed or 0,
        video=video, keep_frames=keep_frames, captions=captions,
    )

    def card(options: TitleCardOptions) -> tuple[Job, None]:
        return Job(scene_path(TitleCard), options, **settings), None

    clips = [card(TitleCardOptions(story.title, story.subtitle))] if story.title else []
    for number, section in enumerate(story.sections, 1):
        if section.title:
            clips.append(card(TitleCardOptions(section.title, section.subtitle, number, len(story.sections))))
        clips.append((Job(scene_path(section.scene), section.options, gif=gifs, **settings), section))
    return clips
