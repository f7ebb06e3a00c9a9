"""Trace files that may be anything: every bad one is refused by our own error, before a large allocation."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netcore as nc
from netcore.limits import (
    LimitError,
    check_trace_bytes,
    check_training_work,
    trace_bytes,
)
from netcore.trace_check import MAX_MEMBERS, TraceFileError

OURS = (TraceFileError, LimitError)


@pytest.fixture(scope="module")
def good() -> nc.Trace:
    return nc.fit_function("abs", neurons=3, steps=20, frames=5)


def npz(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def with_meta(trace: nc.Trace, **changes) -> dict[str, np.ndarray]:
    arrays = trace.to_arrays()
    meta = json.loads(str(arrays["meta"]))
    meta.update(changes)
    arrays["meta"] = np.array(json.dumps(meta))
    return arrays


def changed(trace: nc.Trace, **arrays) -> dict[str, np.ndarray]:
    out = trace.to_arrays()
    for key, value in arrays.items():
        if value is None:
            del out[key]
        else:
            out[key] = value
    return out


def load_error(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "t.npz"
    path.write_bytes(data)
    with pytest.raises(OURS) as error:
        nc.Trace.load(path)
    message = str(error.value)
    assert "\n" not in message and "allow_pickle" not in message
    return message


def test_a_good_trace_still_round_trips(tmp_path, good):
    assert nc.Trace.load(good.save(tmp_path / "t.npz")).equals(good)


CASES = {
    "empty file": lambda t: b"",
    "text file": lambda t: b"W0 = [[1, 2]]\n",
    "PNG bytes": lambda t: b"\x89PNG\r\n\x1a\n" + bytes(100),
    "truncated zip": lambda t: npz(t.to_arrays())[:-40],
    "half a zip": lambda t: npz(t.to_arrays())[: len(npz(t.to_arrays())) // 2],
    "a zip of text files": lambda t: _zip({"meta.npy": b"hello", "steps.npy": b"world"}),
    "an empty zip": lambda t: _zip({}),
    "object array (pickle)": lambda t: npz(changed(t, loss=np.array([object()] * len(t)))),
    "object meta": lambda t: npz(changed(t, meta=np.array({"format": "netreel-trace"}, dtype=object))),
    "missing meta": lambda t: npz(changed(t, meta=None)),
    "missing weights": lambda t: npz(changed(t, W1=None)),
    "missing steps": lambda t: npz(changed(t, steps=None)),
    "wrong weight shape": lambda t: npz(changed(t, W0=np.zeros((len(t), 2, 3)))),
    "one frame too few in loss": lambda t: npz(changed(t, loss=t.loss[:-1])),
    "contributions for a wider net": lambda t: npz(changed(t, contributions=np.zeros((len(t), 4, 200)))),
    "weights as text": lambda t: npz(changed(t, W0=np.full(t.weights[0].shape, "1"))),
    "complex weights": lambda t: npz(changed(t, W0=t.weights[0].astype(complex))),
    "structured steps": lambda t: npz(changed(t, steps=np.zeros(len(t), dtype=[("a", "i8")]))),
    "float steps": lambda t: npz(changed(t, steps=t.steps.astype(float))),
    "meta not JSON": lambda t: npz(changed(t, meta=np.array("{layer_sizes: [1, 3, 1]"))),
    "meta nested 50,000 deep": lambda t: npz(changed(t, meta=np.array("[" * 50_000 + "]" * 50_000))),
    "meta a list": lambda t: npz(changed(t, meta=np.array("[1, 2]"))),
    "meta of another format": lambda t: npz(with_meta(t, format="pickle")),
    "meta version 2": lambda t: npz(with_meta(t, version=2)),
    "meta version true": lambda t: npz(with_meta(t, version=True)),
    "meta without lr": lambda t: npz({**t.to_arrays(), "meta": np.array(json.dumps(
        {k: v for k, v in json.loads(str(t.to_arrays()["meta"])).items() if k != "lr"}))}),
    "lr NaN": lambda t: npz(with_meta(t, lr=float("nan"))),
    "lr a string": lambda t: npz(with_meta(t, lr="0.1")),
    "unknown activation": lambda t: npz(with_meta(t, activation="os.system")),
    "layer sizes with a zero": lambda t: npz(with_meta(t, layer_sizes=[1, 0, 1])),
    "layer sizes true": lambda t: npz(with_meta(t, layer_sizes=[True, 3, True])),
    "layer sizes 400 digits": lambda t: npz(with_meta(t, layer_sizes=[1, int("9" * 400), 1])),
    "one layer size": lambda t: npz(with_meta(t, layer_sizes=[1])),
    "100 layers": lambda t: npz(with_meta(t, layer_sizes=[1] * 100)),
    "layer sizes disagree with the arrays": lambda t: npz(with_meta(t, layer_sizes=[1, 4, 1])),
    "a huge claimed hidden layer": lambda t: npz(with_meta(t, layer_sizes=[1, 150_000_000, 1])),
    "NaN weight": lambda t: npz(changed(t, W0=np.where(np.arange(3) == 1, np.nan, t.weights[0]))),
    "infinite loss": lambda t: npz(changed(t, loss=np.full(len(t), np.inf))),
    "infinite target": lambda t: npz(changed(t, target=np.full(t.grid.shape, np.inf))),
    "NaN training input": lambda t: npz(changed(t, x_train=np.full(t.x_train.shape, np.nan))),
    "accuracy above 1": lambda t: npz(changed(t, accuracy=np.full(len(t), 2.0))),
    "steps going back": lambda t: npz(changed(t, steps=t.steps[::-1].copy())),
    "steps past total_steps": lambda t: npz(changed(t, steps=t.steps + 1000)),
    "zero frames": lambda t: npz({k: (v[:0] if k in _FRAMED else v) for k, v in t.to_arrays().items()}),
    "a grid for a 2-input net": lambda t: npz(with_meta(t, layer_sizes=[2, 3, 1])),
}
_FRAMED = {"steps", "loss", "accuracy", "outputs", "contributions", "W0", "W1", "b0", "b1",
           "grad_W0", "grad_W1", "grad_b0", "grad_b1"}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, data in members.items():
            out.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(CASES))
def test_bad_traces_are_one_line_of_ours(tmp_path, good, case):
    load_error(tmp_path, CASES[case](good))


def test_messages_say_what_is_wrong(tmp_path, good):
    assert "holds Python objects" in load_error(tmp_path, CASES["object array (pickle)"](good))
    assert "missing 'W1'" in load_error(tmp_path, CASES["missing weights"](good))
    assert "expected (5, 1, 3) for a 1-3-1 network" in load_error(tmp_path, CASES["wrong weight shape"](good))
    assert "holds no frames" in load_error(tmp_path, CASES["zero frames"](good))
    assert "'W0' holds NaN" in load_error(tmp_path, CASES["NaN weight"](good))
    huge = load_error(tmp_path, CASES["a huge claimed hidden layer"](good))
    assert "over the limit of 512 MiB" in huge and "use fewer neurons" in huge


def test_special_files_are_never_read(tmp_path):
    os.mkfifo(tmp_path / "fifo.npz")  # opening it for reading would wait for a writer forever
    (tmp_path / "zero.npz").symlink_to("/dev/zero")  # reading it would never end
    (tmp_path / "folder.npz").mkdir()
    for name in ("fifo.npz", "zero.npz", "folder.npz"):
        with pytest.raises(TraceFileError, match="not a regular file"):
            nc.Trace.load(tmp_path / name)
    with pytest.raises(TraceFileError, match="no such file"):
        nc.Trace.load(tmp_path / "missing.npz")
    with pytest.raises(TraceFileError, match="cannot read"):
        nc.Trace.load("a\0b.npz")


def _zeros_member(out: zipfile.ZipFile, key: str, shape: tuple[int, ...], dtype: str) -> None:
    """Stream an all-zero array into ``out`` without holding it in memory."""
    with out.open(f"{key}.npy", "w", force_zip64=True) as member:
        np.lib.format.write_array_header_1_0(member, {"descr": dtype, "fortran_order": False, "shape": shape})
        left, chunk = int(np.prod(shape)) * np.dtype(dtype).itemsize, bytes(2**24)
        while left > 0:
            member.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)


def test_a_zip_bomb_is_refused_from_its_headers(tmp_path, good):
    """90,000 frames of zeros: a 2 MB file whose arrays hold 565 MiB; refused before any is read."""
    frames = 90_000
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for key, value in good.to_arrays().items():
            if key in _FRAMED:
                _zeros_member(out, key, (frames, *value.shape[1:]), "<i8" if key == "steps" else "<f8")
            else:
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, with_meta(good, total_steps=frames)["meta"] if key == "meta" else value)
                out.writestr(f"{key}.npy", buffer.getvalue())
    assert path.stat().st_size < 3_000_000
    with pytest.raises(LimitError, match=r"90,000 frames of a 1-3-1 network needs 565 MiB, over the limit of 512 MiB; record at most 81,541 frames"):
        nc.Trace.load(path)


def test_a_zip_listing_too_many_entries_is_refused_before_parsing(tmp_path, good):
    members = {f"x{i}.npy": b"" for i in range(MAX_MEMBERS + 1)}
    assert "more than" in load_error(tmp_path, _zip(members))


def test_unknown_extra_arrays_are_never_read(tmp_path, good):
    arrays = {**good.to_arrays(), "extra": np.array([object()])}
    path = tmp_path / "t.npz"
    path.write_bytes(npz(arrays))
    assert nc.Trace.load(path).equals(good)


# ------------------------------------------------------------------ limits on products


def test_trace_bytes_match_a_real_trace(good):
    stored = sum(np.asarray(v).nbytes for k, v in good.to_arrays().items() if k != "meta")
    assert trace_bytes(good.layer_sizes, len(good), good.grid.size, len(good.x_train)) == stored


def test_limits_say_how_to_get_under_them():
    check_trace_bytes([1, 12, 1], 120, 200)
    with pytest.raises(LimitError, match=r"over the limit of 512 MiB; record at most 25,[0-9]{3} frames"):
        check_trace_bytes([1, 12, 1], 100_000, 200)
    check_training_work([1, 12, 1], 64, 8000)
    with pytest.raises(LimitError, match=r"use at most [0-9,]+ steps or fewer neurons"):
        check_training_work([1, 1000, 1], 64, 10_000_000)
    fit = int(str(pytest.raises(LimitError, check_training_work, [1, 256, 1], 64, 10**6).value)
              .split("at most ")[1].split(" steps")[0].replace(",", ""))
    check_training_work([1, 256, 1], 64, fit)
    with pytest.raises(LimitError):
        check_training_work([1, 256, 1], 64, fit + 1)


# ------------------------------------------------------------------ anything at all


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000))
def test_random_bytes_give_only_our_errors(tmp_path, data):
    path = tmp_path / "r.npz"
    path.write_bytes(data)
    with pytest.raises(OURS):
        nc.Trace.load(path)


_DTYPES = st.sampled_from(["f8", "f4", "i8", "i2", "u1", "?", "c16", "U3", "S2", "O", "V4"])
_SHAPES = st.lists(st.integers(0, 4), max_size=3).map(tuple)


@st.composite
def mutated(draw, trace: nc.Trace) -> dict[str, np.ndarray]:
    arrays = trace.to_arrays()
    for key in draw(st.lists(st.sampled_from(sorted(arrays) + ["extra"]), max_size=3)):
        action = draw(st.sampled_from(["drop", "replace", "nan", "meta"]))
        if action == "drop":
            arrays.pop(key, None)
        elif action == "replace":
            dtype = np.dtype(draw(_DTYPES))
            shape = draw(_SHAPES)
            arrays[key] = np.zeros(shape, dtype) if dtype.kind != "O" else np.full(shape, None, object)
        elif action == "nan" and key in arrays and arrays[key].dtype.kind == "f" and arrays[key].size:
            arrays[key] = arrays[key].copy()
            with np.errstate(over="ignore"):  # 1e308 in a float32 array is inf, as meant
                arrays[key].flat[draw(st.integers(0, arrays[key].size - 1))] = draw(
                    st.sampled_from([np.nan, np.inf, -np.inf, 1e308]))
        elif action == "meta":
            try:
                meta = dict(json.loads(str(arrays["meta"])))
            except (KeyError, ValueError, TypeError):  # meta dropped or replaced by an earlier action
                continue
            field = draw(st.sampled_from(sorted(meta) + ["other"]))
            meta[field] = draw(st.one_of(
                st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(), st.text(max_size=5),
                st.lists(st.integers(-3, 10**9), max_size=5),
            ))
            arrays["meta"] = np.array(json.dumps(meta))
    return arrays


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_arrays_give_a_trace_or_only_our_errors(tmp_path, good, data):
    arrays = data.draw(mutated(good))
    path = tmp_path / "m.npz"
    path.write_bytes(npz(arrays))
    try:
        loaded = nc.Trace.load(path)
    except OURS as error:
        assert "\n" not in str(error)
        return
    assert len(loaded) >= 1 and all(np.isfinite(w).all() for w in loaded.weights)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_zips_give_only_our_errors(tmp_path, good, data):
    raw = bytearray(npz(good.to_arrays()))
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    raw = raw[: data.draw(st.integers(0, len(raw)))]
    path = tmp_path / "d.npz"
    path.write_bytes(bytes(raw))
    try:
        nc.Trace.load(path)
    except OURS:
        pass
