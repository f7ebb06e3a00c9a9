"""Hostile input, row by row of issue 10: each ends in one ``Error:`` line, writes nothing, changes no file.

Every row of the issue's table has its own cases here (the issue's values and more).
Rows about files that fail while being written, and the spec reader fed anything at
all (hypothesis), follow the table; signals are in ``test_signals.py``.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import captured, files, run, workdir  # noqa: F401 (fixtures)
from test_cli_support import TinyScene
from test_trace_check import CASES as TRACE_CASES

import netcore as nc
import scenes.cli.plans as cli_plans
import scenes.registry as registry
from scenes.cli.errors import NetreelError
from scenes.cli.settings import _is_mount_point, check_writable
from scenes.cli.spec import read_spec
from scenes.output.jobs import JobFailed

BIG = "9" * 400
SPEC = "s.toml"


@pytest.fixture
def known(monkeypatch):
    """The real scenes and the tiny test scene."""
    monkeypatch.setattr(registry, "_loaded", {**registry.scenes(), "tiny": TinyScene})


def refused(result, *fragments: str, code: int = 2) -> str:
    """One ``Error:`` line with ``fragments``, exit ``code``, no traceback, no warning."""
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output and "Warning" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def trace_file(layers: list[int], *, target: bool = True) -> bytes:
    """A small trace of a ``layers`` network, as the bytes of its .npz file."""
    net = nc.Network(layers, seed=0)
    x = np.linspace(-1, 1, 8 * layers[0]).reshape(8, layers[0])
    y = np.abs(x[:, :1]) * np.ones((1, layers[-1]))
    grid = np.linspace(-1, 1, 20) if layers[0] == layers[-1] == 1 else None
    trace = nc.train(net, x, y, steps=6, lr=0.1, frames=3, grid=grid, target=np.abs if target else None)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **trace.to_arrays())
    return buffer.getvalue()


def altered(trace: nc.Trace, **arrays: np.ndarray) -> bytes:
    """The .npz bytes of ``trace`` with some of its arrays replaced (a file that loads, and lies)."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{**trace.to_arrays(), **arrays})
    return buffer.getvalue()


FIT = nc.fit_function("abs", neurons=3, steps=20, frames=5)
POINTS = nc.fit_points(*nc.DATASETS["xor"](40, None, 0), layers=(2, 4, 1), steps=20, frames=3)


def special(kind: str):
    """Make ``s.toml`` a file that must never be read as it stands."""
    def make(path: Path) -> None:
        if kind == "fifo":
            os.mkfifo(path)  # opening it would wait forever for a writer
        elif kind == "folder":
            path.mkdir()
        elif kind == "loop":
            path.symlink_to(path.name)
        elif kind == "large":
            path.write_text("# padding\n" * 110_000 + 'scene = "tiny"\n')
        else:
            path.symlink_to(kind)  # /dev/zero reads forever; /dev/null is a device
    return make


# One row of the issue per key: (how the input arrives, the input, fragments of the error line).
ROWS: dict[str, list[tuple[str, object, list[str]]]] = {
    "an int with 400 digits": [
        ("args", ["render", "uat", "--steps", BIG], ["--steps", "400 characters are too many for a number"]),
        ("args", ["render", "uat", "--neurons", "-" + BIG], ["--neurons", "too many"]),
        ("args", ["render", "uat", "--steps", "9" * 20], ["--steps must be at most 1000000, got a 20-digit number"]),
        ("args", ["render", "backprop", "--layers", f"1,{BIG},1"], ["--layers", "too many"]),
        ("args", ["render", "tiny", "-f", "gif", "--max-size", BIG + "MB"], ["--max-size", "not a size"]),
        ("args", ["render", "tiny", "--fps", "1e400"], ["--fps", "'1e400' is too large"]),
        ("args", ["render", "tiny", "--seed", BIG], ["--seed"]),
        ("args", ["render", "--spec", SPEC, "--jobs", BIG], ["--jobs"]),
        ("args", ["trace", "--frames", BIG], ["--frames"]),
        ("args", ["trace", "--steps", "1e3"], ["--steps", "'1e3' is not a whole number"]),
        ("spec", f'scene = "uat"\nsteps = {BIG}', ["steps must be at most 1000000, got a 400-digit number"]),
        ("spec", f'scene = "superposition"\nw11 = -{BIG}', ["w11 must be at least -3, got a 400-digit number"]),
        ("spec", f'scene = "tiny"\nfps = {BIG}', ["fps must be between 1 and 120; got a 400-digit number"]),
        ("spec", f'scene = "tiny"\nseed = {BIG}', ["seed must be between 0 and 4294967295"]),
        ("spec", f'scene = "bumps"\ncounts = [1, {BIG}]', ["counts must be at most 128"]),
        ("spec", f'scene = "superposition"\ncases = [[{BIG}, 1]]', ["cases must be at most 3"]),
        ("spec", f'scene = "tiny"\nhold = {BIG}', ["hold must be on or off"]),
        ("spec", f'scene = "uat"\nsteps = {"9" * 5000}', ["holds a number too long to read"]),
    ],
    "infinite or NaN numbers in a spec": [
        ("spec", 'scene = "bumps"\ncounts = [inf]', ["counts: inf is not a finite number"]),
        ("spec", 'scene = "bumps"\ncounts = [2, -inf]', ["counts: -inf is not a finite number"]),
        ("spec", 'scene = "bumps"\ncounts = [nan]', ["counts: nan is not a finite number"]),
        ("spec", 'scene = "bumps"\ninterval = [-inf, 1]', ["interval"]),
        ("spec", 'scene = "superposition"\ncases = [[nan, 1]]', ["cases"]),
        ("spec", 'scene = "superposition"\nw11 = inf', ["w11: inf is not a finite number"]),
        ("spec", 'scene = "uat"\nlr = nan', ["lr: nan is not a finite number"]),
        ("spec", 'scene = "tiny"\nfps = -inf', ["fps must be between 1 and 120; got -inf"]),
    ],
    "a spec of binary bytes or UTF-16": [
        ("bytes", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["is not UTF-8 text: byte 0x89 at offset 0"]),
        ("bytes", 'scene = "tiny"\n'.encode("utf-16"), ["looks like UTF-16"]),
        ("bytes", b"\xfe\xff" + 'scene = "tiny"\n'.encode("utf-16-be"), ["looks like UTF-16"]),
        ("bytes", 'scene = "tiny"\ntheme = "lïght"\n'.encode("latin-1"), ["byte 0xef at offset 25"]),
        ("bytes", b'scene = "tiny"\n\x80', ["byte 0x80"]),
        ("bytes", b'scene = "tiny"\x00\n', ["not valid TOML"]),
    ],
    "a spec nested 5,000 deep": [
        ("spec", "x = " + "[" * 5000 + "]" * 5000, ["nested more than 32"]),
        ("spec", "x = " + "{a = " * 5000 + "1" + "}" * 5000, ["nested more than 32"]),
        ("spec", "x = " + "[{a = " * 2500 + "1" + "}]" * 2500, ["nested more than 32"]),
        ("spec", 'scene = "tiny"\n' + "a." * 5000 + "b = 1", ["nested more than 32"]),
        ("spec", "x = " + "[" * 40 + "]" * 40, ["nested more than 32"]),
        ("spec", "x = " + "[" * 5000, ["nested more than 32"]),
    ],
    "a spec that is /dev/zero, a FIFO or worse": [
        ("file", special("/dev/zero"), ["not a regular file"]),
        ("file", special("/dev/null"), ["not a regular file"]),
        ("file", special("fifo"), ["not a regular file"]),
        ("file", special("folder"), ["it is a folder"]),
        ("file", special("loop"), ["cannot read"]),
        ("file", special("large"), ["larger than 1 MiB"]),
    ],
    "a path with a NUL byte (or too long)": [
        ("spec", 'scene = "tiny"\noutput = "a\\u0000b.mp4"', ["output 'a\\x00b.mp4' contains a NUL byte"]),
        ("spec", 'scene = "tiny"\noutput = "renders/\\u0000/x.mp4"', ["NUL byte"]),
        ("spec", 'scene = "uat"\ntrace = "fit\\u0000.npz"', ["trace", "NUL bytes"]),
        ("spec", f'scene = "tiny"\noutput = "{"x" * 300}.mp4"', ["is longer than 255 bytes"]),
        ("spec", f'scene = "tiny"\noutput = "{"d/" * 2100}x.mp4"', ["is longer than 4095 bytes"]),
    ],
    "a bool option given a string or a number": [
        ("spec", 'scene = "uat"\ncontributions = "no"', ["contributions must be on or off (true or false), got 'no'"]),
        ("spec", 'scene = "uat"\ncontributions = 5', ["contributions must be on or off", "got 5"]),
        ("spec", 'scene = "uat"\ncontributions = 0', ["contributions must be on or off"]),
        ("spec", 'scene = "uat"\ncontributions = "true"', ["contributions must be on or off"]),
        ("spec", 'scene = "uat"\ncontributions = [true]', ["contributions must be on or off"]),
        ("spec", 'scene = "uat"\ncontributions = {}', ["contributions must be on or off"]),
        ("spec", 'scene = "tiny"\nhold = 1.0', ["hold must be on or off"]),
        ("spec", 'scene = "tiny"\ncount = true', ["count must be a whole number"]),
        ("spec", 'scene = "tiny"\ncolor = 3', ["color must be text"]),
    ],
    "a --trace that is not a trace": [
        ("trace", make(nc.fit_function("abs", neurons=3, steps=20, frames=5)), ["--trace: "])
        for make in TRACE_CASES.values()
    ],
    "a trace claiming enormous arrays": [
        ("trace", TRACE_CASES["a huge claimed hidden layer"](nc.fit_function("abs", neurons=3, steps=20, frames=5)),
         ["--trace", "needs 1,151.1 GiB, over the limit of 512 MiB"]),
    ],
    "a trace of the wrong shape for the scene": [
        ("trace", trace_file([2, 4, 1]), ["holds a 2-4-1 network; this scene needs 1 input, 1 hidden layer, 1 output"]),
        ("trace", trace_file([1, 3, 3, 1]), ["holds a 1-3-3-1 network; this scene needs"]),
        ("trace", trace_file([1, 4, 2]), ["holds a 1-4-2 network"]),
        ("trace", trace_file([1, 4, 1], target=False), ["holds no target function on a grid to draw"]),
    ],
    "a trace that loads but cannot be drawn": [
        ("trace", altered(FIT, grid=FIT.grid[::-1]), ["holds no target function on a grid"]),
        ("trace", altered(FIT, grid=np.zeros_like(FIT.grid)), ["holds no target function on a grid"]),
        ("trace", altered(FIT, loss=np.full_like(FIT.loss, 1e308)), ["holds losses a training cannot have"]),
        ("points", altered(POINTS, x_train=np.zeros((0, 2)), y_train=np.zeros((0, 1))), ["is not a classification"]),
        ("points", altered(POINTS, y_train=np.full_like(POINTS.y_train, 0.5)), ["is not a classification"]),
        ("points", altered(POINTS, loss=-POINTS.loss), ["holds losses a training cannot have"]),
    ],
    "a frame rate too low (or too small to be a number)": [
        ("args", ["render", "tiny", "--fps", "0.01"], ["--fps must be between 1 and 120; got 0.01"]),
        ("args", ["render", "tiny", "-f", "webm", "--fps", "0.5"], ["--fps must be between 1 and 120"]),
        ("args", ["render", "tiny", "-f", "gif", "--fps", "0.001"], ["--fps must be between 1 and 120"]),
        ("args", ["render", "tiny", "--fps", "5e-324"], ["--fps must be between 1 and 120; got 5e-324"]),
        ("args", ["render", "tiny", "--fps", "0.999"], ["--fps must be between 1 and 120"]),
        ("args", ["render", "tiny", "--fps", "121"], ["--fps must be between 1 and 120"]),
        ("args", ["explainer", "--fps", "0.01"], ["--fps must be between 1 and 120"]),
        ("spec", 'scene = "tiny"\nfps = 0.5', ["fps must be between 1 and 120; got 0.5"]),
    ],
    "a target undefined between the training samples": [
        ("args", ["render", "uat", "--target", "sqrt(abs(x-0.005)-0.001)"], ["--target", "not finite at x = 0.004"]),
        ("args", ["render", "uat", "--target", "1/x"], ["--target: '1/x' is not finite at x = 0"]),
        ("args", ["render", "bumps", "--target", "1/(x-0.3)"], ["at x = 0.3; a target must stay within ±1,000,000"]),
        ("args", ["render", "uat", "--target", "1e7*x"], ["reaches -1e+07 at x = -1"]),
        ("args", ["render", "bumps", "--target", "log(x)", "--interval", "-0.5,1"], ["not finite at x = -0.5"]),
        ("args", ["trace", "--target", "sqrt(abs(x-0.005)-0.001)"], ["--target", "not finite at x = 0.004"]),
        ("args", ["trace", "--target", "log(x-1.5)", "--interval", "1,2"], ["not finite at x = 1;"]),
        ("args", ["trace", "--target", "exp(1000*x)"], ["not finite at x = 0.71"]),
    ],
    "an interval that overflows": [
        ("args", ["trace", "--interval=-1e308,1e308"], ["--interval must have LOW < HIGH, both within -1000 and 1000"]),
        ("args", ["trace", "--interval=-1e309,1"], ["--interval must be two numbers"]),
        ("args", ["trace", "--interval=nan,1"], ["--interval must be two numbers"]),
        ("args", ["trace", "--interval=0,1e400"], ["--interval must be two numbers"]),
        ("args", ["trace", "--interval=-1001,0"], ["within -1000 and 1000"]),
        ("args", ["trace", "--interval=1,1"], ["LOW < HIGH"]),
        ("args", ["render", "bumps", "--interval=-1e308,1e308"], ["--interval must be at least -100"]),
    ],
    "products over a resource limit": [
        ("args", ["trace", "--neurons", "1000", "--frames", "100000"],
         ["a trace of 8,001 frames of a 1-1000-1 network needs 12.3 GiB, over the limit of 512 MiB; "
          "record at most 325 frames"]),
        ("args", ["trace", "--frames", "100000", "--steps", "100000"], ["record at most 25,"]),
        ("args", ["trace", "--neurons", "1000", "--steps", "10000000", "--frames", "100"],
         ["are 2.0e12 multiply-adds, over the limit of 2.5e10; use at most 123,723 steps"]),
        ("args", ["render", "uat", "--neurons", "256", "--steps", "1000000"], ["use at most 422,183 steps or fewer neurons"]),
    ],
    "a list with an empty value": [
        ("args", ["render", "neuron", "--weights", "1,,2"], ["--weights", "'1,,2' has an empty value between commas"]),
        ("args", ["render", "neuron", "--weights", "1,2,"], ["has an empty value between commas"]),
        ("args", ["render", "superposition", "--cases", ",1,1 1,-1"], ["has an empty value between commas"]),
        ("spec", 'scene = "neuron"\nweights = "1,,2"', ["weights", "has an empty value between commas"]),
        ("spec", 'scene = "neuron"\nquality = ""', ["quality must not be empty"]),
        ("spec", 'scene = "neuron"\noutput = " "', ["output must not be empty"]),
    ],
    "an output that cannot be written": [
        ("args", ["render", "tiny", "-o", "x" * 300 + ".mp4"], ["longer than 255 bytes"]),
        ("args", ["render", "tiny", "-o", "d/" * 2100 + "x.mp4"], ["longer than 4095 bytes"]),
        ("args", ["render", "tiny", "-o", "s.toml/x.mp4"], ["a part of its folder is a file"]),
        ("args", ["render", "tiny", "-o", "missing/../x.mp4"], ["goes up ('..') from a folder that does not exist"]),
        ("args", ["gif", "s.toml", "-o", "missing/../x.gif"], ["goes up ('..') from a folder"]),
        ("args", ["trace", "-o", "s.toml/t.npz"], ["a part of its folder is a file"]),
        # root ignores permission bits; /proc and /sys refuse a new file all the same
        ("args", ["render", "tiny", "-o", "/proc/x.mp4"], ["cannot write to folder '/proc': it takes no new file"]),
        ("args", ["render", "tiny", "-f", "png", "-o", "/sys/x.png"], ["cannot write to folder '/sys'"]),
        ("args", ["render", "tiny", "-f", "gif", "-o", "/sys/kernel/new/x.gif"], ["folder '/sys/kernel'"]),
        ("args", ["trace", "-o", "/proc/t.npz"], ["cannot write to folder '/proc'"]),
        ("spec", 'scene = "tiny"\noutput = "/proc/self/x.mp4"', ["cannot write to folder '/proc/self'"]),
    ],
    "a spec whose second entry is invalid": [
        ("spec", '[[scene]]\nscene = "tiny"\noutput = "new/one.mp4"\n[[scene]]\nscene = "tiny"\ncount = 99',
         ["scene 2 (tiny): count must be at most 5"]),
        ("spec", '[[scene]]\nscene = "tiny"\noutput = "new/one.mp4"\n[[scene]]\nscene = "nope"', ["scene 2"]),
        ("spec", '[[scene]]\nscene = "tiny"\noutput = "new/a.mp4"\n[[scene]]\nscene = "tiny"\noutput = "s.toml/b.mp4"',
         ["scene 2", "a part of its folder is a file"]),
    ],
}

TABLE = [(row, number) for row, cases in ROWS.items() for number in range(len(cases))]


@pytest.mark.parametrize("row, number", TABLE, ids=[f"{row}-{number}" for row, number in TABLE])
def test_hostile_input_is_one_error_line_and_writes_nothing(known, workdir, captured, row, number):
    how, given, fragments = ROWS[row][number]
    spec = workdir / SPEC
    if how == "spec":
        spec.write_text(given, encoding="utf-8")
    elif how == "bytes":
        spec.write_bytes(given)
    elif how == "file":
        given(spec)
    elif how in ("trace", "points"):
        (workdir / "t.npz").write_bytes(given)
    else:
        spec.write_text('scene = "tiny"\n')
    before = files(workdir)
    args = {"args": given, "trace": ["render", "uat", "--trace", "t.npz"],
            "points": ["render", "boundary", "--trace", "t.npz"]}.get(how, ["render", "--spec", SPEC])
    line = refused(run(*args), *fragments)
    if how == "spec":
        assert not re.search(r"(?<![\w-])--\w", line), "a spec's value is named by its key, not a flag"
    assert captured == [] and files(workdir) == before  # nothing rendered, no file or folder made


def test_an_empty_npz_is_not_an_interruption(known, workdir, captured):
    (workdir / "t.npz").write_bytes(b"")
    refused(run("render", "uat", "--trace", "t.npz"), "--trace", "not an .npz zip file")


def test_a_spec_with_a_utf8_byte_order_mark_is_fine(known, workdir, captured):
    (workdir / SPEC).write_bytes('\ufeffscene = "tiny"\ncount = 3\n'.encode("utf-8"))
    assert run("render", "--spec", SPEC).exit_code == 0
    assert captured[0].options.count == 3


def test_an_interval_is_checked_without_numpy_warnings(known, workdir, captured):
    result = run("trace", "--interval=-1e308,1e308")
    assert "RuntimeWarning" not in result.stderr and "x = nan" not in result.stderr


# ------------------------------------------------------------------ files that fail while being written


def old_outputs(workdir: Path) -> dict[str, bytes]:
    (workdir / "a.mp4").write_bytes(b"old a")
    (workdir / "b.mp4").write_bytes(b"old b")
    return {"a.mp4": b"old a", "b.mp4": b"old b"}


def fail_copy_number(monkeypatch, failing: int, code: int = errno.ENOSPC) -> None:
    real, calls = shutil.copyfile, []

    def copy(source, target, *args, **kwargs):
        calls.append(target)
        if len(calls) == failing:
            raise OSError(code, os.strerror(code), str(target))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", copy)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EIO, errno.EDQUOT])
def test_a_second_file_failing_leaves_the_first_older_file_and_makes_no_folder(
    known, workdir, captured, monkeypatch, code
):
    before = old_outputs(workdir)
    (workdir / SPEC).write_text('[[scene]]\nscene = "tiny"\noutput = "a.mp4"\n'
                                '[[scene]]\nscene = "tiny"\noutput = "new/deeper/c.mp4"\n'
                                '[[scene]]\nscene = "tiny"\noutput = "b.mp4"\n')
    fail_copy_number(monkeypatch, 3, code)
    refused(run("render", "--spec", SPEC), "cannot write the output", os.strerror(code), "b.mp4",
            "no file was changed", code=1)
    assert {name: (workdir / name).read_bytes() for name in before} == before
    assert files(workdir) == ["a.mp4", "b.mp4", SPEC]


def test_a_failure_while_rendering_makes_no_folder(known, workdir, monkeypatch):
    def failing(*args, **kwargs):
        raise JobFailed("TrainingDiverged", "training diverged at step 3 with learning rate 5: loss inf")

    monkeypatch.setattr(cli_plans, "run_jobs", failing)
    refused(run("render", "tiny", "-o", "new/folder/x.mp4"), "diverged")
    assert files(workdir) == [] and not (workdir / "new").exists()


def test_a_long_name_is_written_when_it_fits(known, workdir, captured):
    name = "x" * 251 + ".mp4"  # 255 bytes: the temporary name beside it is short whatever this is
    assert run("render", "tiny", "-o", name, "--quiet").exit_code == 0
    assert files(workdir) == [name]


def test_a_mount_point_is_never_replaced(tmp_path):
    with open("/proc/self/mountinfo", encoding="utf-8") as handle:
        mounted = [line.split()[4] for line in handle]
    files_mounted = [point for point in mounted if os.path.isfile(point)]
    assert not _is_mount_point(tmp_path / "nothing-here.mp4")
    assert _is_mount_point(Path("/proc")) and _is_mount_point(Path("/"))
    if not files_mounted:
        pytest.skip("no file is mounted on its own here (a container's /etc/hosts usually is)")
    with pytest.raises(NetreelError, match="is a mount point"):
        check_writable(Path(files_mounted[0]))


def test_stdout_on_a_full_disk_is_one_error_line():
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-c", "from scenes.cli import main; main()", "list"],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["Error: cannot write to standard output: No space left on device"]


def test_a_reader_that_leaves_early_ends_the_command_quietly():
    process = subprocess.Popen([sys.executable, "-c", "from scenes.cli import main; main()", "list"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # as `| head` does once it has read enough (here: before anything is written)
    assert process.wait(timeout=60) == 141
    assert process.stderr.read() == ""


# ------------------------------------------------------------------ the spec reader fed anything


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(value), repr(value))
    if isinstance(value, (int, str)):
        return json.dumps(value) if isinstance(value, str) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return "{" + ", ".join(f"{json.dumps(key)} = {toml_value(item)}" for key, item in value.items()) + "}"


_KEYS = ["scene", "quality", "format", "output", "theme", "seed", "fps", "size", "max_size", "count", "speed",
         "color", "hold", "interval", "cases", "steps", "neurons", "target", "trace", "w11", "counts",
         "layers", "contributions", "lr", "duration"]
_SCALARS = st.one_of(
    st.none().map(lambda _: "tiny"), st.sampled_from(["tiny", "uat", "bumps", "superposition", "backprop", "gif",
                                                       "png", "light", "160x90", "2MB", "a.gif", "x.npz", "-1,1"]),
    st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=3), max_leaves=12)
_TABLES = st.dictionaries(st.sampled_from(_KEYS) | st.text(min_size=1, max_size=6), _VALUES, max_size=6)


def spec_text(top: dict, entries: list[dict]) -> str:
    lines = [f"{json.dumps(key)} = {toml_value(value)}" for key, value in top.items()]
    for entry in entries:
        lines.append("[[scene]]")
        lines += [f"{json.dumps(key)} = {toml_value(value)}" for key, value in entry.items()]
    return "\n".join(lines) + "\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(top=_TABLES, entries=st.lists(_TABLES, max_size=3))
def test_random_toml_specs_give_plans_or_only_our_errors(known, workdir, top, entries):
    path = workdir / SPEC
    text = spec_text(top, entries)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = files(workdir)
    try:
        read_spec(path)
    except NetreelError as error:
        assert "\n" not in error.message
    assert files(workdir) == before


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_random_bytes_as_a_spec_give_only_our_errors(known, workdir, data):
    path = workdir / SPEC
    path.write_bytes(data)
    try:
        read_spec(path)
    except NetreelError as error:
        assert "\n" not in error.message


# ------------------------------------------------------------------ a user's scene file


MY_SCENES = """
from manim import Create, MovingCameraScene, Scene, Square
from scenes.base import NetreelScene

class Mine(NetreelScene):
    def construct(self):
        self.play(Create(Square()))
"""


@pytest.mark.parametrize("name", ["Nope", "NetreelScen", "MovingCamera"])
def test_a_missing_class_suggests_only_the_files_own_scenes(workdir, captured, name):
    (workdir / "myscenes.py").write_text(MY_SCENES)
    line = refused(run("render", f"myscenes.py:{name}"))
    assert line == f"Error: 'myscenes.py' has no class {name!r} (scenes in it: Mine)"
    assert captured == []


# ------------------------------------------------------------------ a file's values are named by their keys


@pytest.mark.parametrize("text, expected", [
    ('[[scene]]\nscene = "superposition"\noutput = "a.mp4"\n[[scene]]\nscene = "uat"\nneurons = 100000',
     "scene 2 (uat): neurons must be at most 256, got 100000"),
    ('scene = "uat"\nmax-size = "2MB"', "scene 1 (uat): max_size applies to GIFs only (use format gif)"),
    ('scene = "uat"\nsize = "10x10"', "scene 1 (uat): size must be between 16x16 and 7680x4320; got '10x10'"),
    ('scene = "uat"\ntarget = "1/x"', "scene 1 (uat): target: '1/x' is not finite at x = 0"),
    ('scene = "function"\nw = 0', "scene 1 (function): w and w_flip must not be 0"),
    ('scene = "tiny"\nformat = "gif"\nsubtitles = true', "scene 1 (tiny): subtitles goes with a video"),
])
def test_a_spec_names_its_keys_not_flags(known, workdir, captured, text, expected):
    (workdir / SPEC).write_text(text)
    line = refused(run("render", "--spec", SPEC), expected)
    assert "--" not in line and captured == []


@pytest.mark.parametrize("params, expected", [
    ("neurons = 100000", "section 2 (uat): neurons must be at most 256, got 100000"),
    ("steps = 0", "section 2 (uat): steps must be at least 1, got 0"),
    ('target = "1/x"', "section 2 (uat): target: '1/x' is not finite at x = 0"),
])
def test_a_story_names_its_keys_not_flags(known, workdir, captured, params, expected):
    (workdir / "story.toml").write_text(f'[[section]]\nscene = "neuron"\n[[section]]\nscene = "uat"\n'
                                         f'[section.params]\n{params}\n')
    line = refused(run("explainer", "--story", "story.toml"), expected)
    assert "--" not in line and captured == []


def test_the_command_line_still_names_flags(known, workdir, captured):
    refused(run("render", "uat", "--neurons", "100000"), "Error: --neurons must be at most 256, got 100000")
    refused(run("render", "uat", "--max-size", "2MB"), "--max-size applies to GIFs only (use --format gif)")


def test_an_error_quoting_a_huge_value_keeps_its_start_and_end_on_one_short_line(known, workdir, captured):
    (workdir / SPEC).write_text(f'scene = "neuron"\n{"k" * 100_000} = 1\n')
    line = refused(run("render", "--spec", SPEC), "neuron has no parameter 'kkk", "characters ...]", "allowed: scene")
    assert len(line) <= 2100
