"""Pieces on a Dask cluster: the same files as a local run, retried when a worker dies."""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from manim import FadeIn, Square, Wait

from scenes.base import NetreelScene, SceneOptions, option
from scenes.output.engine import run_jobs
from scenes.output.jobs import Job, JobFailed, scene_path
from scenes.story.superposition import Superposition
from scenes.story.title_card import TitleCard, TitleCardOptions

distributed = pytest.importorskip("distributed")
from scenes.output import cluster as cluster_module  # noqa: E402
from scenes.output.cluster import ClusterError, connect, run_on_cluster  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NETREEL_CACHE_DIR", str(tmp_path / "cache"))


def job(scene, options=None, **files):
    return Job(scene_path(scene), options, "dark", 96, 54, 3, **files)


def pictures(store):
    return [frame for frame, count in store.pictures() for _ in range(count)]


@pytest.mark.slow
def test_a_two_section_story_on_a_cluster_gives_the_frames_of_a_local_run(tmp_path, client):
    files = dict(video="mp4", keep_frames=True)
    jobs = [job(TitleCard, TitleCardOptions("Two sections", "on a cluster"), **files),
            job(TitleCard, TitleCardOptions("One", "", 1, 2), **files), job(Superposition, **files),
            job(TitleCard, TitleCardOptions("Two", "", 2, 2), png=True, **files)]
    remote = run_on_cluster(jobs, tmp_path, client)
    local = run_jobs(jobs, tmp_path)
    for ours, reference in zip(remote, local):
        assert ours.movie.parent.parent == tmp_path and ours.movie.stat().st_size > 0
        theirs, expected = pictures(ours.frames), pictures(reference.frames)
        assert len(theirs) == len(expected) and all(np.array_equal(a, b) for a, b in zip(theirs, expected))
    assert remote[-1].png.read_bytes() == local[-1].png.read_bytes()


@dataclass
class DiesOnceOptions(SceneOptions):
    marker: str = option("", "file that says the worker died once already")


class DiesOnce(NetreelScene):
    """Kills its worker process the first time its second play is drawn."""

    Options = DiesOnceOptions
    name = "dies-once"

    def construct(self):
        self.play(FadeIn(Square()), run_time=1)
        if not self.renderer.skip_animations and not os.path.exists(self.options.marker):
            Path(self.options.marker).touch()
            os._exit(1)
        self.play(Wait(1))


class Fails(NetreelScene):
    name = "fails"

    def construct(self):
        self.play(Wait(1))
        raise ValueError("this scene cannot be drawn")


@pytest.mark.slow
def test_a_piece_whose_worker_dies_runs_again_and_a_scene_error_comes_back_once(tmp_path, client):
    marker = tmp_path / "died"
    (result,) = run_on_cluster([job(DiesOnce, DiesOnceOptions(str(marker)), keep_frames=True)], tmp_path, client)
    assert marker.exists() and len(result.frames) == 6
    with pytest.raises(JobFailed, match="cannot be drawn"):
        run_on_cluster([job(Fails, video="mp4")], tmp_path, client)


def test_an_unreachable_scheduler_is_one_error_line(monkeypatch):
    monkeypatch.setattr("scenes.output.cluster.CONNECT_SECONDS", 1)
    with pytest.raises(ClusterError, match=r"--scheduler: cannot reach a Dask scheduler at 'tcp://127.0.0.1:9'"):
        connect("tcp://127.0.0.1:9")


@pytest.fixture
def refused_port():
    """A port bound here that nothing listens on: a connection to it is refused at once."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]


@pytest.fixture
def no_dask_client(monkeypatch):
    def constructed(*args, **kwargs):
        raise AssertionError("Dask's Client was constructed (it would wait out its timeout)")

    monkeypatch.setattr(cluster_module, "Client", constructed)


def test_a_refused_scheduler_fails_before_dask_tries(refused_port, no_dask_client):
    address = f"tcp://127.0.0.1:{refused_port}"
    with pytest.raises(ClusterError, match=rf"cannot reach a Dask scheduler at '{address}' \(connection refused"):
        connect(address)


def test_a_refused_scheduler_is_one_error_line_on_the_command_line(tmp_path, monkeypatch, refused_port,
                                                                     no_dask_client):
    from click.testing import CliRunner

    from scenes.cli import main

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["render", "superposition", "--size", "96x54", "--fps", "2",
                                       "--scheduler", f"127.0.0.1:{refused_port}"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [
        f"Error: --scheduler: cannot reach a Dask scheduler at 'tcp://127.0.0.1:{refused_port}' "
        f"(connection refused: nothing listens on port {refused_port})"
    ]
    assert list(tmp_path.iterdir()) == []


def test_dask_is_not_imported_without_a_scheduler():
    code = ("import sys, scenes.cli, scenes.output.engine, scenes.output.render; "
            "sys.exit(int(any(name.split('.')[0] in ('dask', 'distributed') for name in sys.modules)))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-800:] or "dask or distributed was imported"


@pytest.mark.slow
def test_ctrl_c_cancels_every_piece_on_the_cluster(tmp_path, client, monkeypatch):
    cancelled = []
    stop = cluster_module._Cluster.stop
    monkeypatch.setattr(cluster_module._Cluster, "stop", lambda self: cancelled.append(stop(self)))

    def interrupt(_index):
        raise KeyboardInterrupt

    cards = [job(TitleCard, TitleCardOptions(f"Card {n}", ""), video="mp4") for n in range(6)]
    with pytest.raises(KeyboardInterrupt):
        run_on_cluster(cards, tmp_path, client, on_done=interrupt)
    assert cancelled == [None]
    deadline = time.monotonic() + 10
    while any(client.processing().values()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(client.processing().values())


@pytest.mark.slow
def test_the_command_line_renders_on_the_cluster_as_it_does_here(tmp_path, client, monkeypatch):
    from click.testing import CliRunner

    from scenes.cli import main

    monkeypatch.chdir(tmp_path)
    common = ["render", "superposition", "--size", "96x54", "--fps", "3", "--subtitles", "--quiet"]
    remote = CliRunner().invoke(main, [*common, "-o", "remote.mp4", "--scheduler", client.scheduler.address])
    assert remote.exit_code == 0, remote.output
    local = CliRunner().invoke(main, [*common, "-o", "local.mp4"])
    assert local.exit_code == 0, local.output
    assert (tmp_path / "remote.srt").read_text() == (tmp_path / "local.srt").read_text()
    assert frame_count(tmp_path / "remote.mp4") == frame_count(tmp_path / "local.mp4") > 0


def frame_count(path):
    import av

    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))
