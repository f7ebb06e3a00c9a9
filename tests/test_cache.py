"""netreel's cache (scenes.cache): texts and surveys kept between processes never change a frame."""

from __future__ import annotations

import numpy as np
import pytest

import scenes.text as text_module
from scenes.cache import cache_dir, load_entry, save_entry
from scenes.output.render import render_frames
from scenes.story.title_card import TitleCard, TitleCardOptions


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NETREEL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(text_module, "_BUILT", {})  # as a new process: nothing built yet
    return tmp_path / "cache"


def kept_texts(cache):
    return sorted((cache / "texts").glob("*.pickle"))


def same_text(a, b) -> bool:
    family_a, family_b = a.get_family(), b.get_family()
    return len(family_a) == len(family_b) and all(
        np.array_equal(x.points, y.points) and np.array_equal(x.fill_rgbas, y.fill_rgbas)
        for x, y in zip(family_a, family_b)
    )


def test_a_text_is_kept_once_and_a_new_process_loads_it_unchanged(cache, monkeypatch):
    built = text_module.markup("w<sub>11</sub> · g<sub>1</sub>(x)", "#ffffff", 30)
    (entry,) = kept_texts(cache)
    monkeypatch.setattr(text_module, "_BUILT", {})

    def built_again(text):
        raise AssertionError("a kept text was built again")

    monkeypatch.setattr(text_module, "_light", built_again)  # what every new build goes through
    loaded = text_module.markup("w<sub>11</sub> · g<sub>1</sub>(x)", "#ffffff", 30)
    assert same_text(built, loaded) and kept_texts(cache) == [entry]
    monkeypatch.undo()
    monkeypatch.setenv("NETREEL_CACHE_DIR", str(cache))
    other = text_module.label("w11", "#ffffff", 30)  # another text, another entry
    assert not same_text(built, other) and len(kept_texts(cache)) == 2


def test_a_broken_entry_is_built_again_and_replaced(cache, monkeypatch):
    reference = text_module.label("Σ", "#ff0000", 24)
    (entry,) = kept_texts(cache)
    entry.write_bytes(b"not a pickle")
    monkeypatch.setattr(text_module, "_BUILT", {})
    again = text_module.label("Σ", "#ff0000", 24)
    assert same_text(reference, again) and entry.read_bytes() != b"not a pickle"


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("NETREEL_CACHE_DIR", str(tmp_path / "file"))  # a folder cannot be made under a file
    monkeypatch.setattr(text_module, "_BUILT", {})
    assert len(text_module.label("still here", "#ffffff").submobjects) == len("stillhere")
    save_entry("texts", "x", b"data")
    assert load_entry("texts", "x", bytes) is None


def test_frames_with_a_kept_text_are_the_frames_without(cache, monkeypatch):
    options = TitleCardOptions("Kept texts", "change nothing", 2, 5)
    cold = render_frames(TitleCard, options, width=128, height=72, fps=4)
    assert kept_texts(cache)
    monkeypatch.setattr(text_module, "_BUILT", {})
    warm = render_frames(TitleCard, options, width=128, height=72, fps=4)
    assert np.array_equal(cold, warm)


def test_entries_live_in_one_folder_per_kind(cache):
    save_entry("surveys", "a.json", b"[]")
    assert (cache_dir("surveys") / "a.json").read_bytes() == b"[]" and cache_dir("texts") == cache / "texts"
