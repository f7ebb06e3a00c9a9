"""GIFs: one palette for every frame, true timing, a poster frame that shows the scene, gifsicle, size budgets."""

from __future__ import annotations

import os
import subprocess

import numpy as np
import pytest
from manim import tempconfig
from PIL import Image, ImageSequence

import scenes.output.gif as gif
from scenes.output.frames import FrameStore, GifTooLarge
from scenes.output.gif import (
    GifSettings,
    GifsicleMissing,
    encode_gif,
    fit_gif,
    fit_note,
    poster_start,
    write_gif,
)
from scenes.output.render import render_frames
from scenes.output.writers import format_size
from scenes.registry import scenes


def store_of(frames, fps: float = 10) -> FrameStore:
    store = FrameStore(fps)
    for frame in frames:
        store.add(frame)
    return store


def flat(color, size=(24, 32)) -> np.ndarray:
    return np.broadcast_to(np.array(color, np.uint8), (*size, 3)).copy()


def decode(path) -> tuple[list[np.ndarray], list[int], Image.Image]:
    """Every frame of a GIF as RGB, each frame's delay in ms, and the opened image."""
    image = Image.open(path)
    frames, delays = [], []
    for frame in ImageSequence.Iterator(image):
        frames.append(np.asarray(frame.convert("RGB")))
        delays.append(frame.info["duration"])
    return frames, delays, image


def moving_square(n: int = 12, size=(40, 60)) -> list[np.ndarray]:
    frames = []
    for i in range(n):
        frame = flat((20, 20, 30), size)
        frame[5:15, 2 + 3 * i: 12 + 3 * i] = (250, 200, 40)
        frame[25:35, 10:20] = (40, 120, 240)
        frames.append(frame)
    return frames


def test_every_frame_keeps_its_own_colours(tmp_path):
    """One palette from the whole clip: red, green, blue frames decode as red, green, blue."""
    colours = [(230, 20, 20), (20, 200, 40), (30, 40, 220)]
    store = store_of([flat(c) for c in colours for _ in range(3)])
    frames, _, _ = decode_written(store, tmp_path, GifSettings(10))
    assert len(frames) == 3
    for frame, colour in zip(frames, colours):
        np.testing.assert_array_equal(frame[0, 0], colour)


def decode_written(store, tmp_path, settings):
    path = tmp_path / "clip.gif"
    size = write_gif(store, path, settings)
    assert size == path.stat().st_size
    return decode(path)


def test_frames_round_trip_within_the_palette(tmp_path):
    rng = np.random.default_rng(0)
    base = rng.integers(0, 255, (30, 40, 3), dtype=np.uint8)
    frames = [np.roll(base, i, axis=1) for i in range(4)]
    decoded, _, _ = decode_written(store_of(frames), tmp_path, GifSettings(10, colors=256))
    for got, want in zip(decoded, frames):
        assert np.abs(got.astype(int) - want).mean() < 20


def test_a_gif_loops_forever_and_keeps_the_clips_true_length(tmp_path):
    frames = moving_square(12)
    store = store_of(frames[:4] + [frames[4]] * 5 + frames[5:], fps=15)  # a hold of 5 frames
    decoded, delays, image = decode_written(store, tmp_path, GifSettings(15))
    assert image.info["loop"] == 0
    assert sum(delays) == pytest.approx(1000 * len(store) / 15, abs=10)
    assert len(decoded) == 12  # the hold is one frame with a longer delay
    assert max(delays) == pytest.approx(5000 / 15, abs=10)


def test_lower_fps_keeps_the_length(tmp_path):
    store = store_of(moving_square(12), fps=30)
    decoded, delays, _ = decode_written(store, tmp_path, GifSettings(10))
    assert len(decoded) == 4 and sum(delays) == pytest.approx(400, abs=10)


def fade_in(n_blank: int = 2, n_fade: int = 6, n_hold: int = 4) -> list[np.ndarray]:
    picture = flat((10, 10, 10), (30, 40))
    picture[10:20, 10:30] = (240, 240, 240)
    background = flat((10, 10, 10), (30, 40))
    frames = [background] * n_blank
    for i in range(1, n_fade + 1):
        frames.append((background + (picture.astype(int) - background) * i / n_fade).astype(np.uint8))
    return frames + [picture] * n_hold


def test_a_gif_opens_past_the_fade_in_from_the_background(tmp_path):
    frames = fade_in()
    store = store_of(frames)
    start = poster_start(store)
    assert start == 2 + 2  # the third fade frame is the first at half contrast or more
    decoded, delays, _ = decode_written(store, tmp_path, GifSettings(10))
    first = decoded[0].astype(int)
    assert (first - first[0, 0]).max() >= 0.5 * 230
    assert sum(delays) == pytest.approx(100 * (len(frames) - start), abs=10)


def test_a_clip_that_opens_on_a_picture_keeps_its_first_frame():
    assert poster_start(store_of(moving_square())) == 0
    assert poster_start(store_of([flat((0, 0, 0))] * 3)) == 0  # nothing ever shows: nothing dropped


@pytest.fixture(scope="module")
def opening_gifs(tmp_path_factory):
    """Each scene's opening (its first three animations) as a GIF: decoded frames, delays, source frames, poster."""
    folder = tmp_path_factory.mktemp("posters")
    gifs = {}
    for name, scene in scenes().items():
        with tempconfig({"upto_animation_number": 2}):
            source = [frame[..., :3].astype(int) for frame in render_frames(scene, width=64, height=36, fps=4)]
        store = store_of([frame.astype(np.uint8) for frame in source], fps=4)
        write_gif(store, folder / f"{name}.gif", GifSettings(4))
        frames, delays, _ = decode(folder / f"{name}.gif")
        gifs[name] = [frame.astype(int) for frame in frames], delays, source, poster_start(store)
    return gifs


@pytest.mark.parametrize("name", list(scenes()))
def test_no_scene_gif_opens_on_a_blank_or_faint_frame(opening_gifs, name):
    frames = opening_gifs[name][0]
    background = frames[0][0, 0]
    contrasts = [np.abs(frame - background).max() for frame in frames[:8]]  # its first 2 s
    assert contrasts[0] > 0, f"{name}'s GIF opens on a background-only frame"
    assert 2 * contrasts[0] >= max(contrasts), f"{name}'s GIF opens on a faint frame: {contrasts}"


# ---------------------------------------------------------------- gifsicle


def test_every_gif_goes_through_gifsicle(tmp_path, monkeypatch):
    commands = []
    run = subprocess.run

    def recording(command, **kwargs):
        commands.append(command)
        return run(command, **kwargs)

    monkeypatch.setattr(gif.subprocess, "run", recording)
    store = store_of(moving_square())
    lossless = encode_gif(store, GifSettings(10))
    lossy = encode_gif(store, GifSettings(10, lossy=80))
    assert [c[1:] for c in commands] == [["-O3", "--no-warnings"], ["-O3", "--no-warnings", "--lossy=80"]]
    assert lossless[:6] == lossy[:6] == b"GIF89a"


def test_a_missing_gifsicle_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(gif.shutil, "which", lambda name: None)
    with pytest.raises(GifsicleMissing, match="apt-get install gifsicle"):
        write_gif(store_of(moving_square()), tmp_path / "x.gif", GifSettings(10))
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------- size budgets


def noisy_clip(n: int = 10) -> FrameStore:
    rng = np.random.default_rng(1)
    return store_of([rng.integers(0, 255, (48, 64, 3), dtype=np.uint8) for _ in range(n)], fps=20)


def test_fewer_colours_make_smaller_gifs():
    store = noisy_clip(4)
    sizes = [len(encode_gif(store, GifSettings(20, colors=c))) for c in (256, 16, 4)]
    assert sizes[0] > sizes[1] > sizes[2]


def test_fit_gif_changes_nothing_when_the_gif_fits(tmp_path, monkeypatch):
    store = noisy_clip()
    full = len(encode_gif(store, GifSettings(20)))
    encoded = []
    monkeypatch.setattr(gif, "encode_gif",
                        lambda store, settings: encoded.append(settings) or encode_gif(store, settings))
    chosen, size = fit_gif(store, tmp_path / "fit.gif", GifSettings(20), full + 10)
    assert chosen == GifSettings(20) and size == full
    assert encoded == [GifSettings(20)]  # a GIF that fits as asked is encoded once
    assert fit_note(store, GifSettings(20), chosen, full + 10) == ""


def test_fit_gif_shrinks_until_it_fits_and_says_how(tmp_path):
    store = noisy_clip()
    full = len(encode_gif(store, GifSettings(20)))
    path = tmp_path / "fit.gif"
    chosen, size = fit_gif(store, path, GifSettings(20), full // 3)
    assert size <= full // 3
    assert path.stat().st_size == size and chosen != GifSettings(20)
    assert chosen.lossy > 0  # lossy compression is one of the steps, taken first
    note = fit_note(store, GifSettings(20), chosen, full // 3)
    assert note.startswith(f"{chosen.fps:g} fps") and "lossy" in note and note.endswith("to fit " + format_size(full // 3))


def test_fit_gif_refuses_an_impossible_budget_and_writes_nothing(tmp_path):
    with pytest.raises(GifTooLarge, match="over the 100 B limit"):
        fit_gif(noisy_clip(), tmp_path / "fit.gif", GifSettings(20), 100)
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------- size work keeps colours and timing


def shown_at(delays: list[int], count: int, fps: float) -> list[int]:
    """Which decoded frame is on screen at each of ``count`` source frames at ``fps`` (each starts on a 1/100 s)."""
    ends = np.cumsum(delays)
    return [int(np.searchsorted(ends, 10 * round(100 * k / fps), side="right")) for k in range(count)]


def captioned_clip(background, ink, n_fade: int = 100, n_hold: int = 6) -> list[np.ndarray]:
    """An anti-aliased dot crossing the frame while a caption fades in (2 levels a frame), then out; a hold."""
    yy, xx = np.mgrid[0:36, 0:64]
    caption = np.zeros((36, 64))
    caption[26:32, 8:56:2] = np.linspace(0.7, 1.0, 24)  # strokes of text, each fading at its own pace
    frames = []
    steps = [i / n_fade for i in range(n_fade + 1)] + [1 - i / n_fade for i in range(1, n_fade + 1)]
    for i, level in enumerate(steps):
        dot = np.clip(5 - np.hypot(xx - 6 - 52 * i / len(steps), yy - 12), 0, 1)
        cover = np.maximum(dot, caption * level)[..., None]
        frames.append(np.round(background + (np.array(ink) - background) * cover).astype(np.uint8))
    return frames + [frames[-1]] * n_hold


@pytest.mark.parametrize("background, ink", [((0, 0, 0), (250, 250, 250)), ((255, 255, 255), (20, 40, 200))])
def test_decoded_frames_keep_the_colours_and_the_length_of_the_clip(tmp_path, background, ink):
    frames = captioned_clip(np.array(background), ink)
    decoded, delays, _ = decode_written(store_of(frames, fps=15), tmp_path, GifSettings(15))
    assert sum(delays) == pytest.approx(1000 * len(frames) / 15, abs=10)
    assert len(decoded) < len(frames)  # changes of a few levels cost no frame of their own
    with Image.open(tmp_path / "clip.gif") as image:
        palette = np.asarray(image.getpalette(), int).reshape(-1, 3)
    for k, index in enumerate(shown_at(delays, len(frames), 15)):
        got, want = decoded[index].astype(int), frames[k].astype(int)
        nearest = palette[((want[:, :, None] - palette[None, None]) ** 2).sum(axis=-1).argmin(axis=-1)]
        assert (np.abs(got - want).max(axis=-1) <= np.abs(nearest - want).max(axis=-1) + gif.EDGE_SLACK).all()
        assert np.abs(got - want).mean() < 1.5
    resting = decoded[-1].astype(int)
    assert np.array_equal(resting[20:36], frames[-1][20:36])  # the faded caption leaves no ghost
    assert np.abs(resting - frames[-1]).max() <= gif.SLACK


def test_a_smooth_drifting_gradient_keeps_its_colours(tmp_path):
    """Away from sharp edges a pixel lags at most SLACK levels behind (a training heatmap stays smooth)."""
    ramp = np.linspace(40, 100, 64)[None, :, None] * np.ones((36, 1, 3))
    frames = [np.round(ramp + k).astype(np.uint8) for k in range(30)]
    decoded, delays, _ = decode_written(store_of(frames, fps=15), tmp_path, GifSettings(15))
    for k, index in enumerate(shown_at(delays, len(frames), 15)):
        assert np.abs(decoded[index].astype(int) - frames[k]).max() <= gif.SLACK, k


def test_the_steady_pixels_are_what_makes_gifs_small(monkeypatch):
    store = store_of(captioned_clip(np.array((0, 0, 0)), (250, 250, 250)), fps=15)
    steady = len(encode_gif(store, GifSettings(15)))
    monkeypatch.setattr(gif, "SLACK", 0)
    monkeypatch.setattr(gif, "EDGE_SLACK", 0)
    assert steady < 0.8 * len(encode_gif(store, GifSettings(15)))


@pytest.mark.parametrize("name", list(scenes()))
def test_a_scene_gif_shows_its_frames_for_as_long_as_the_clip(opening_gifs, name):
    frames, delays, source, start = opening_gifs[name]
    assert sum(delays) == pytest.approx(1000 * (len(source) - start) / 4, abs=10)
    errors = [np.abs(frames[index] - source[start + k]).max(axis=-1)
              for k, index in enumerate(shown_at(delays, len(source) - start, 4))]
    assert np.mean([error.mean() for error in errors]) < 3
    assert max(np.percentile(error, 99) for error in errors) < 40


def test_a_gif_of_one_picture_and_one_of_a_picture_held_past_the_longest_delay(tmp_path):
    still = FrameStore(fps=2)
    still.add(np.full((24, 32, 3), 200, np.uint8), 3)  # one picture: Pillow saves a single frame
    write_gif(still, tmp_path / "still.gif", GifSettings(2, 1.0, 16))
    with Image.open(tmp_path / "still.gif") as image:
        assert image.n_frames == 1 and image.info["duration"] == 1500
    held = FrameStore(fps=1)
    held.add(np.zeros((24, 32, 3), np.uint8), 700)  # 700 s: over a GIF delay's 655.35
    held.add(np.full((24, 32, 3), 255, np.uint8))
    write_gif(held, tmp_path / "held.gif", GifSettings(1, 1.0, 16))
    with Image.open(tmp_path / "held.gif") as image:
        delays = [frame.info["duration"] for frame in ImageSequence.Iterator(image)]
    assert delays == [10 * gif.LONGEST_DELAY, 1000]  # the longest wait a GIF frame has
