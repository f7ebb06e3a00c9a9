"""Ctrl-C, SIGTERM and SIGHUP at any moment, with and without --jobs: exit 128 + the signal,
one ``Error:`` line, no traceback or warning, no temporary folder, no file written or changed.

Each test runs the real command in its own process group (as a terminal would), with its
own TMPDIR, and sends the signal while the modules load (early) or while frames are drawn (late).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
NETREEL = Path(sys.executable).with_name("netreel")
#: The command with the tiny test scenes registered (workers import them from this folder).
RUNNER = (
    "import scenes.registry as registry; from test_cli_support import TinyScene, OtherScene; "
    "registry._loaded = {'tiny': TinyScene, 'other': OtherScene}; "
    "from scenes.cli import main; main()"
)
LONG = ["--speed", "20", "--slow", "--size", "64x36", "--fps", "10", "--quiet"]  # 4 s of frames at least


def start(command: list[str], tmp_path: Path) -> subprocess.Popen:
    (tmp_path / "tmp").mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp"), "PYTHONPATH": str(TESTS)}
    return subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def wait_for_frames(tmp_path: Path, process: subprocess.Popen, timeout: float = 30) -> None:
    """Until a piece's folder exists: a scene is being drawn."""
    end = time.monotonic() + timeout
    while not list((tmp_path / "tmp").glob("netreel-*/piece-*")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < end, "the render never started"
        time.sleep(0.05)
    time.sleep(0.3)


def stopped_cleanly(process: subprocess.Popen, tmp_path: Path, signum: int, outputs: dict[str, bytes]) -> None:
    out, err = process.communicate(timeout=30)
    assert process.returncode == 128 + signum, err
    assert err.splitlines() == [f"Error: interrupted ({signal.Signals(signum).name}); no file was written"], err
    assert list((tmp_path / "tmp").iterdir()) == []  # the working folder is gone
    written = {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()}
    assert written == outputs and not (tmp_path / "new").exists()
    # No worker is left behind in the process group.
    end = time.monotonic() + 5
    while True:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < end, "a worker process outlived the command"
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("delay", [0.2, 0.7])
def test_a_signal_while_modules_load(tmp_path, signum, delay):
    process = start([str(NETREEL), "render", "neuron", "--size", "96x54", "--fps", "2", "-o", "x.mp4"], tmp_path)
    time.sleep(delay)
    os.killpg(process.pid, signum)
    stopped_cleanly(process, tmp_path, signum, {})


@pytest.mark.parametrize("signum, group", [(signal.SIGINT, True), (signal.SIGTERM, False), (signal.SIGHUP, True)])
def test_a_signal_while_drawing(tmp_path, signum, group):
    (tmp_path / "new.mp4").write_bytes(b"older")
    process = start([sys.executable, "-c", RUNNER, "render", "tiny", *LONG, "-o", "new.mp4"], tmp_path)
    wait_for_frames(tmp_path, process)
    (os.killpg if group else os.kill)(process.pid, signum)
    stopped_cleanly(process, tmp_path, signum, {"new.mp4": b"older"})


@pytest.mark.slow  # 8-20 s: two spawned workers import Manim before they draw
@pytest.mark.parametrize("signum, group", [(signal.SIGINT, True), (signal.SIGTERM, False), (signal.SIGHUP, True)])
def test_a_signal_while_workers_draw(tmp_path, signum, group):
    """--jobs: the workers leave the signal to the command, which stops them; no semaphore is leaked."""
    (tmp_path / "spec.toml").write_text(
        'format = "gif"\nsize = "64x36"\nfps = 10\n[[scene]]\nscene = "tiny"\nspeed = 20\nslow = true\noutput = "new/a.gif"\n'
        '[[scene]]\nscene = "other"\nspeed = 20\nslow = true\noutput = "b.gif"\n'
    )
    (tmp_path / "b.gif").write_bytes(b"older")
    process = start([sys.executable, "-c", RUNNER, "render", "--spec", "spec.toml", "--jobs", "2", "--quiet"],
                    tmp_path)
    wait_for_frames(tmp_path, process)
    (os.killpg if group else os.kill)(process.pid, signum)
    stopped_cleanly(process, tmp_path, signum, {"b.gif": b"older", "spec.toml": (tmp_path / "spec.toml").read_bytes()})


def test_a_stop_python_drops_is_raised_again_and_never_printed(capsys):
    """A handler run inside a weakref callback raises where Python drops exceptions: the stop is
    kept quiet, and raised again by the next signal, or before anything is published."""
    from scenes.cli import signals

    class Thing:
        pass

    def kill_here(_) -> None:
        os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(0.05)  # the handler runs here, inside the callback

    def lose_a_stop() -> None:
        thing = Thing()
        reference = weakref.ref(thing, kill_here)
        del thing
        assert reference() is None and signals.received() == signal.SIGHUP

    with signals.handling():
        lose_a_stop()
        with pytest.raises(signals.Stopped) as stopped:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
        assert stopped.value.exit_code == 128 + signal.SIGHUP  # the first signal stopped the run
    with signals.handling():
        lose_a_stop()
        with pytest.raises(signals.Stopped):
            signals.check()
    assert "Exception ignored" not in capsys.readouterr().err


def test_publishing_refuses_after_a_lost_stop(tmp_path):
    from scenes.cli import signals
    from scenes.cli.plans import publish_files

    made = tmp_path / "made.mp4"
    made.write_bytes(b"new")
    with signals.handling():
        signals._State.stopped, signals._State.lost = signal.SIGINT, True
        with pytest.raises(signals.Stopped):
            publish_files([(made, tmp_path / "out.mp4", "")], quiet=True)
    assert not (tmp_path / "out.mp4").exists()
