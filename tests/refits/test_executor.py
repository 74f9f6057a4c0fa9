"""The refit executor without a cluster: seeds, failures, checkpoints, configuration, progress."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from cbstats.refits import RefitError, SerialExecutor, get_executor, task_seed
from cbstats.refits.config import ENV_SCHEDULER, ENV_WORKERS
from cbstats.refits.executor import DaskExecutor
from cbstats.refits.progress import progress_enabled

CALLS: list[int] = []


@dataclass(frozen=True)
class Item:
    i: int
    seed: int
    stop_file: str = ""
    fail: bool = False


def simulate(item: Item) -> float:
    """A cheap stand-in for a fit: a seeded simulation (interruptible, failing on request)."""
    CALLS.append(item.i)
    if item.stop_file and item.i == 3 and Path(item.stop_file).exists():
        raise KeyboardInterrupt  # Ctrl-C in the middle of the run
    if item.i in (5, 7) and item.fail:
        raise ValueError(f"fit {item.i} diverged")
    return float(np.random.default_rng(item.seed).normal(size=100).mean())


@dataclass
class Diagnosed:
    value: float
    failure_reason: str | None


def diagnosed(i: int) -> Diagnosed:
    return Diagnosed(float(i), "R-hat 1.2 > 1.05" if i == 1 else None)


def test_task_seed_is_stable_across_processes_and_distinct():
    here = task_seed(20261127, "sbc", 17)
    code = "from cbstats.refits import task_seed; print(task_seed(20261127, 'sbc', 17))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(other.stdout) == here  # not Python's per-process string hash
    seeds = {task_seed(20261127, "sbc", i) for i in range(200)}
    assert len(seeds) == 200
    assert task_seed(1, "sbc", 17) != here and task_seed(20261127, "fold", 17) != here
    with pytest.raises(ValueError, match="run_seed"):
        task_seed(-1, "x")


def test_failed_tasks_are_recorded_with_reason_and_do_not_stop_the_others():
    items = [Item(i, i, fail=True) for i in range(9)]
    run = SerialExecutor().run(simulate, items, label="demo", progress=False)
    assert [o.status for o in run.outcomes].count("failed") == 2
    assert [o.key for o in run.failed] == ["task00005", "task00007"]
    assert "ValueError: fit 5 diverged" in run.failed[0].reason
    assert all(o.value is not None for o in run.outcomes if o.ok)
    assert "7/9 refits ok, 2 failed" in run.summary()
    with pytest.raises(RefitError, match=r"2 of 9 tasks of 'demo' failed:\n  task00005: ValueError"):
        SerialExecutor().map(simulate, items, label="demo", progress=False)


def test_a_value_reporting_failed_diagnostics_is_failed_but_kept():
    run = SerialExecutor().run(diagnosed, range(3), progress=False)
    assert [o.status for o in run.outcomes] == ["ok", "failed", "ok"]
    assert run.outcomes[1].reason == "R-hat 1.2 > 1.05" and run.outcomes[1].value.value == 1.0


def test_interrupted_run_resumes_from_checkpoints_with_identical_output(tmp_path):
    stop = tmp_path / "stop"
    stop.touch()
    items = [Item(i, task_seed(5, "demo", i), str(stop)) for i in range(6)]
    ex = SerialExecutor()
    CALLS.clear()
    with pytest.raises(KeyboardInterrupt):
        ex.run(simulate, items, checkpoint=tmp_path / "ckpt", progress=False)
    assert CALLS == [0, 1, 2, 3]
    assert len(list((tmp_path / "ckpt").glob("*.pkl"))) == 3  # finished tasks were kept
    stop.unlink()
    CALLS.clear()
    resumed = ex.run(simulate, items, checkpoint=tmp_path / "ckpt", progress=False)
    assert CALLS == [3, 4, 5]  # finished tasks are not run again
    assert resumed.n_resumed == 3
    fresh = ex.run(simulate, items, checkpoint=tmp_path / "fresh", progress=False)
    assert resumed.values() == fresh.values()
    # a changed task is recomputed, not read from a stale checkpoint
    CALLS.clear()
    changed = [Item(it.i, it.seed + (it.i == 0), it.stop_file) for it in items]
    ex.run(simulate, changed, checkpoint=tmp_path / "ckpt", progress=False)
    assert CALLS == [0]


def test_bad_settings_fail_before_any_work(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_SCHEDULER, raising=False)
    for bad in (0, -2, "two", 1.5):
        with pytest.raises(ValueError, match="workers must be a positive integer"):
            get_executor(workers=bad)
    with pytest.raises(ValueError, match="executor must be a positive integer"):
        get_executor(0)
    monkeypatch.setenv(ENV_WORKERS, "0")
    with pytest.raises(ValueError, match=f"environment variable {ENV_WORKERS}"):
        get_executor()
    monkeypatch.delenv(ENV_WORKERS)
    with pytest.raises(ConnectionError, match=r"cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'"):
        get_executor("tcp://127.0.0.1:9", timeout=2)
    with pytest.raises(ValueError, match="unknown executor"):
        get_executor("fast please")
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    CALLS.clear()
    with pytest.raises(PermissionError, match="a_file/sub' cannot be written"):
        SerialExecutor().run(simulate, [Item(0, 1)], checkpoint=blocker / "sub")
    assert CALLS == []


def test_configuration_from_environment(monkeypatch):
    monkeypatch.delenv(ENV_WORKERS, raising=False)
    monkeypatch.setenv(ENV_SCHEDULER, "serial")
    assert isinstance(get_executor(), SerialExecutor)
    monkeypatch.delenv(ENV_SCHEDULER)
    monkeypatch.setenv(ENV_WORKERS, "3")
    ex = get_executor()  # a LocalCluster is only started when tasks are submitted
    assert isinstance(ex, DaskExecutor) and ex.n_workers == 3 and ex.name == "local"
    assert get_executor("local", workers=2).n_workers == 2
    assert get_executor(workers=2, scheduler="serial").name == "serial"


def test_progress_is_live_in_terminals_and_silent_in_ci(monkeypatch, capsys):
    monkeypatch.setenv("CI", "1")
    assert progress_enabled(None) is False and progress_enabled(True) is True
    SerialExecutor().run(diagnosed, range(3), label="quiet", progress=None)
    assert capsys.readouterr().err == ""
    SerialExecutor().run(diagnosed, range(3), label="shown", progress=True)
    err = capsys.readouterr().err
    assert "shown" in err and "3/3" in err
