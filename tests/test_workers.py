"""Worker processes: forked from a server that imported the renderer, with the run's environment."""

from __future__ import annotations

import os
import sys
from multiprocessing import resource_tracker

from scenes.output.workers import Processes


def environment_variable(name: str) -> str | None:
    return os.environ.get(name)


def tqdm_bar_registers(_: int) -> list[str]:
    """What a tqdm bar (as Manim makes one per play) registers with the semaphore tracker."""
    registered = []
    resource_tracker.register = lambda name, kind: registered.append(kind)
    from tqdm import tqdm

    for _ in tqdm(range(2), disable=True):
        pass
    return registered


def imported(name: str) -> bool:
    return name in sys.modules


def test_a_worker_sees_the_environment_of_the_run_not_of_the_fork_server(monkeypatch):
    with Processes(1) as workers:  # the fork server may start here, before the variable exists
        workers.result(workers.submit(environment_variable, "HOME"))
    monkeypatch.setenv("NETREEL_TEST_VARIABLE", "set later")
    with Processes(1) as workers:
        assert workers.result(workers.submit(environment_variable, "NETREEL_TEST_VARIABLE")) == "set later"


def test_a_worker_stopped_mid_play_has_no_semaphore_to_leak():
    with Processes(1) as workers:
        assert workers.result(workers.submit(tqdm_bar_registers, 0)) == []


def test_workers_start_with_every_scene_already_imported():
    # Nothing a call needs imports the registry: a spawned worker would not have it.
    with Processes(2) as workers:
        assert [workers.result(workers.submit(imported, "scenes.registry")) for _ in range(2)] == [True, True]
