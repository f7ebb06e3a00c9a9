"""GIF/PNG writers: frame store, timing, palette, differencing, size budget, atomic writes."""

from __future__ import annotations

import errno
import os
import shutil
import stat

import av
import numpy as np
import pytest
from PIL import Image, ImageSequence

from scenes.output.frames import FrameStore, GifTooLong, _schedule
from scenes.output.gif import EDGE_SLACK, SLACK, GifSettings, encode_gif, write_gif
from scenes.output.writers import (
    atomic_path,
    format_size,
    parse_size,
    publish_all,
    write_png,
)


def moving_dot(n: int = 20, height: int = 36, width: int = 64, hold: int = 0) -> list[np.ndarray]:
    """RGBA frames of an anti-aliased dot crossing a dark gradient, then ``hold`` still frames."""
    yy, xx = np.mgrid[0:height, 0:width]
    frames = []
    for i in range(n):
        alpha = np.clip(6 - np.hypot(xx - (4 + i * (width - 8) / max(1, n - 1)), yy - height / 2), 0, 1)
        frame = np.zeros((height, width, 4), np.uint8)
        frame[..., 0] = (40 + 200 * alpha).astype(np.uint8)
        frame[..., 1] = (xx * 2 + 150 * alpha).clip(0, 255).astype(np.uint8)
        frame[..., 2] = 30
        frame[..., 3] = 255
        frames.append(frame)
    return frames + [frames[-1]] * hold


def store_of(frames: list[np.ndarray], fps: float = 10) -> FrameStore:
    store = FrameStore(fps)
    for frame in frames:
        store.add(frame)
    return store


def decode(path) -> tuple[list[np.ndarray], list[int], dict]:
    image = Image.open(path)
    info = dict(image.info)
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info["duration"])
        frames.append(np.asarray(frame.convert("RGB")).astype(int))
    return frames, durations, info


def test_sizes():
    assert parse_size("2MB") == 2_000_000
    assert parse_size("500 kb") == 500_000
    assert parse_size("1.5MiB") == int(1.5 * 2**20)
    assert parse_size("800") == 800
    for bad in ("", "2 parsecs", "-1MB", "0", "MB", "1e3", "1" * 400 + "MB", "9" * 20 + ".5", " " * 5000 + "1"):
        with pytest.raises(ValueError):
            parse_size(bad)
    assert format_size(1_234_567) == "1.23 MB"
    assert format_size(4_500) == "4.5 KB"
    assert format_size(12) == "12 B"


def test_atomic_path_replaces_only_on_success(tmp_path):
    target = tmp_path / "out.gif"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as temporary:
            assert temporary.parent == tmp_path and temporary.suffix == ".gif"
            temporary.write_bytes(b"half")
            raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target) as temporary:
            raise KeyboardInterrupt
    assert os.listdir(tmp_path) == ["out.gif"]
    with atomic_path(target) as temporary:
        temporary.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["out.gif"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # as any new file


def test_frame_store_merges_repeats_and_round_trips():
    frames = moving_dot(6, hold=3)
    store = store_of(frames)
    store.add(frames[-1], repeat=2)
    assert len(store) == 11 and store.duration == pytest.approx(1.1)
    assert store.shape == (36, 64)
    pictures = list(store.pictures())  # each picture is its own array: safe to keep
    assert [count for _, count in pictures] == [1, 1, 1, 1, 1, 6]
    for (picture, _), frame in zip(pictures, frames):
        assert np.array_equal(picture, frame[..., :3])
    other = store_of(moving_dot(3))
    store.extend(other)
    assert len(store) == 14
    with pytest.raises(ValueError):
        store.add(np.zeros((10, 10, 4), np.uint8))


@pytest.mark.parametrize("n, source_fps, fps", [(45, 15, 15), (113, 15, 15), (120, 60, 60), (100, 30, 12), (7, 30, 10)])
def test_schedule_adds_up_to_the_true_length(n, source_fps, fps):
    sources, delays = _schedule(n, source_fps, min(fps, 50))
    assert sum(delays) == round(100 * n / source_fps)
    assert min(delays) >= 2  # browsers slow down shorter delays
    assert sources == sorted(sources) and sources[-1] < n and len(sources) == len(delays)


def test_gif_round_trip_within_palette_error(tmp_path):
    frames = moving_dot(20, hold=5)
    path = tmp_path / "clip.gif"
    size = write_gif(store_of(frames, fps=10), path, GifSettings(fps=10, colors=64))
    assert size == path.stat().st_size
    decoded, durations, info = decode(path)
    assert info.get("loop") == 0  # loops forever
    assert sum(durations) == 2500
    # the 5 held frames merge into the last one, and one more that settles what moved before
    assert len(decoded) in (20, 21) and sum(durations[19:]) == 600
    # Every pixel decodes to the palette colour nearest its input, or (once shown) one
    # at most the steady slack further: differencing and transparency lose nothing more.
    with Image.open(path) as image:
        palette = np.asarray(image.getpalette(), int).reshape(-1, 3)[:63]
    for number, (got, want) in enumerate(zip(decoded, frames)):
        want = want[..., :3].astype(int)
        nearest = palette[((want[:, :, None, :] - palette[None, None]) ** 2).sum(axis=-1).argmin(axis=-1)]
        slack = 0 if number == 0 else SLACK if number == len(decoded) - 1 else EDGE_SLACK
        assert (np.abs(got - want).max(axis=-1) <= np.abs(nearest - want).max(axis=-1) + slack).all()
        assert np.abs(got - want).mean() < 4
    # an independent decoder (FFmpeg's) sees the same pictures
    with av.open(str(path)) as container:
        ffmpeg = [f.to_ndarray(format="rgb24").astype(int) for f in container.decode(video=0)]
    assert len(ffmpeg) == len(decoded)
    assert np.abs(ffmpeg[7] - decoded[7]).max() <= 2


def test_gif_with_few_colors_is_exact_and_only_writes_changes(tmp_path):
    base = np.zeros((30, 40, 4), np.uint8)
    base[..., 3] = 255
    frames = []
    for i in range(6):
        frame = base.copy()
        frame[5:9, 3 + 5 * i: 7 + 5 * i, :3] = (255, 200, 0)
        frames.append(frame)
    data = encode_gif(store_of(frames), GifSettings(fps=10, colors=16))
    path = tmp_path / "exact.gif"
    path.write_bytes(data)
    decoded, _, _ = decode(path)
    for got, want in zip(decoded, frames):
        assert np.array_equal(got, want[..., :3])
    assert len(data) < 600  # small rectangles, not six full frames


def test_lower_fps_and_scale(tmp_path):
    store = store_of(moving_dot(30), fps=30)
    path = tmp_path / "low.gif"
    write_gif(store, path, GifSettings(fps=10, scale=0.5, colors=32))
    decoded, durations, _ = decode(path)
    assert decoded[0].shape == (18, 32, 3)
    assert len(decoded) == 10 and sum(durations) == 1000


def test_write_png(tmp_path):
    frame = moving_dot(3)[1]
    path = write_png(frame, tmp_path / "still.png")
    with Image.open(path) as image:
        assert image.size == (64, 36) and image.mode == "RGB"
        assert np.array_equal(np.asarray(image), frame[..., :3])


# ------------------------------------------------------------------ frames handed out, and their limit


def test_a_red_green_blue_clip_decodes_to_red_green_blue(tmp_path):
    """The shared palette samples every frame, not the last picture three times."""
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    store = FrameStore(2)
    for colour in colours:
        store.add(np.broadcast_to(np.array(colour, np.uint8), (8, 12, 3)))
    write_gif(store, tmp_path / "rgb.gif", GifSettings(2, colors=16))
    frames, durations, _ = decode(tmp_path / "rgb.gif")
    assert [tuple(frame[4, 6]) for frame in frames] == colours
    assert durations == [500, 500, 500]


def test_pictures_are_separate_read_only_arrays():
    store = store_of(moving_dot(4))
    pictures = [picture for picture, _ in store.pictures()]
    assert len({id(picture) for picture in pictures}) == 4
    assert not any(np.array_equal(a, b) for a, b in zip(pictures, pictures[1:]))
    with pytest.raises(ValueError):
        pictures[0][0, 0] = 1


def test_frame_store_refuses_more_pixels_than_a_gif_may_hold():
    store = FrameStore(10, max_pixels=64 * 36 * 5)
    for frame in moving_dot(5):
        store.add(frame)
    with pytest.raises(GifTooLong, match=r"at most 0.01152 megapixels .*: 5 frames of 64x36, 0.5 s at 10 fps; .*lower --fps or --size"):
        store.add(moving_dot(6)[-1])
    with pytest.raises(GifTooLong):
        store.add(moving_dot(5)[-1], repeat=1)  # a repeat counts as a frame too
    assert len(store) == 5
    for fps in (0, -1, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            FrameStore(fps)


# ------------------------------------------------------------------ publishing all or nothing


def finished(tmp_path, *texts: str) -> list:
    made = []
    for number, text in enumerate(texts):
        path = tmp_path / "work" / f"made{number}"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        made.append(path)
    return made


def tree(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if "work" not in path.parts)


def test_publish_all_writes_every_file_and_its_folders(tmp_path):
    a, b = finished(tmp_path, "a", "b")
    (tmp_path / "old.gif").write_text("old")
    publish_all([(a, tmp_path / "old.gif"), (b, tmp_path / "new" / "deep" / "b.png")])
    assert (tmp_path / "old.gif").read_text() == "a" and (tmp_path / "new/deep/b.png").read_text() == "b"
    assert tree(tmp_path) == ["new", "new/deep", "new/deep/b.png", "old.gif"]


@pytest.mark.parametrize("failing", ["copy", "rename"])
def test_a_later_failure_leaves_every_older_file_and_makes_no_folder(tmp_path, monkeypatch, failing):
    a, b, c = finished(tmp_path, "a", "b", "c")
    (tmp_path / "first.gif").write_text("old first")
    (tmp_path / "third.gif").write_text("old third")
    calls = []
    real = shutil.copyfile if failing == "copy" else os.replace

    def fail_on_the_third(source, target, *args, **kwargs):
        calls.append(target)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(shutil if failing == "copy" else os, "copyfile" if failing == "copy" else "replace",
                        fail_on_the_third)
    with pytest.raises(OSError, match="No space left") as error:
        publish_all([(a, tmp_path / "first.gif"), (b, tmp_path / "sub" / "second.gif"), (c, tmp_path / "third.gif")])
    assert error.value.filename == str(tmp_path / "third.gif")  # the file asked for, not a temporary name
    monkeypatch.undo()
    assert (tmp_path / "first.gif").read_text() == "old first"
    assert (tmp_path / "third.gif").read_text() == "old third"
    assert tree(tmp_path) == ["first.gif", "third.gif"]


def test_an_interrupt_while_publishing_changes_nothing(tmp_path, monkeypatch):
    a, b = finished(tmp_path, "a", "b")
    (tmp_path / "first.gif").write_text("old")
    real = os.replace

    def interrupted(source, target):
        if str(target).endswith("second.gif"):
            raise KeyboardInterrupt
        return real(source, target)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish_all([(a, tmp_path / "first.gif"), (b, tmp_path / "second.gif")])
    monkeypatch.undo()
    assert (tmp_path / "first.gif").read_text() == "old" and tree(tmp_path) == ["first.gif"]


def test_temporary_names_stay_short_whatever_the_target(tmp_path):
    target = tmp_path / ("x" * 251 + ".gif")  # 255 bytes: the longest name Linux allows
    with atomic_path(target) as temporary:
        assert len(temporary.name) < 40
        temporary.write_bytes(b"gif")
    (a,) = finished(tmp_path, "again")
    publish_all([(a, target)])
    assert target.read_text() == "again" and tree(tmp_path) == [target.name]
