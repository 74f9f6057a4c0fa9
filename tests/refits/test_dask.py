"""The Dask backend on a LocalCluster with two workers: same numbers as serial, worker loss,
one compilation per worker."""

from __future__ import annotations

import os
import signal
import sys
import time

import cloudpickle
import numpy as np
import pytest

from cbstats.refits import SerialExecutor, get_executor, task_seed

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not import tests/

pytestmark = pytest.mark.slow


def slow_simulation(seed: int) -> tuple[int, float]:
    """A seeded simulation that takes a moment (time to kill a worker mid-run)."""
    time.sleep(0.4)
    return seed, float(np.random.default_rng(seed).standard_normal(1000).sum())


def worker_pid(_: object) -> int:
    return os.getpid()


@pytest.fixture(scope="module")
def local():
    ex = get_executor("local", workers=2)
    yield ex
    ex.close()


def test_local_cluster_workers_are_isolated_processes(local):
    infos = local.client.run(lambda: __import__("cbstats.refits.worker").refits.worker.worker_info())
    assert len(infos) == 2
    assert len({i["pid"] for i in infos.values()}) == 2 and os.getpid() not in {
        i["pid"] for i in infos.values()}
    dirs = {i["compiledir"] for i in infos.values()}
    assert len(dirs) == 2  # one PyTensor compile dir per worker
    env = local.client.run(lambda: {k: os.environ.get(k) for k in ("OMP_NUM_THREADS",
                                                                     "OPENBLAS_NUM_THREADS")})
    assert all(v == {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"} for v in env.values())
    threads = local.client.nthreads()
    assert list(threads.values()) == [1, 1]


def test_killed_worker_has_its_tasks_rerun_elsewhere_with_the_same_result(local):
    seeds = [task_seed(3, "kill", i) for i in range(10)]
    expected = SerialExecutor().map(slow_simulation, seeds, progress=False)
    client = local.client
    pids = client.run(os.getpid)
    victim_address, victim_pid = sorted(pids.items())[0]
    futures_started = []

    def kill_when_busy():
        # wait until the victim is running a task, then kill its process (SIGKILL: no cleanup)
        for _ in range(100):
            processing = client.processing()
            if processing.get(victim_address):
                os.kill(victim_pid, signal.SIGKILL)
                futures_started.append(True)
                return
            time.sleep(0.05)

    import threading

    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    run = local.run(slow_simulation, seeds, label="kill test", progress=False)
    killer.join()
    assert futures_started, "the worker was never seen busy"
    assert [o.status for o in run.outcomes] == ["ok"] * 10
    assert run.values() == expected
    # the nanny restarted the killed worker: two workers again, one of them new
    for _ in range(100):
        if len(client.scheduler_info()["workers"]) == 2:
            break
        time.sleep(0.1)
    assert victim_pid not in client.run(os.getpid).values()


def test_sbc_on_two_workers_equals_serial_and_compiles_once_per_worker(local):
    from test_sbc import SBC_OPTIONS, design  # noqa: PLC0415 - same settings as the serial test

    from cbstats.refits.sbc import sbc

    serial = sbc("y ~ x", design(), "bernoulli", executor="serial", **SBC_OPTIONS)
    parallel = sbc("y ~ x", design(), "bernoulli", executor=local, **SBC_OPTIONS)
    assert parallel.run.backend == "local"
    assert parallel.ranks.equals(serial.ranks)  # identical numbers, whatever the backend
    assert parallel.truth.equals(serial.truth)
    assert os.getpid() not in parallel.compiles and 1 <= len(parallel.compiles) <= 2
    assert all(n == 1 for n in parallel.compiles.values()), parallel.compiles  # 30 fits


def test_kfold_folds_on_two_workers_equal_the_in_process_folds(local):
    from test_sbc import design  # noqa: PLC0415

    from cbstats.models import fit
    from cbstats.models.kfold import kfold

    result = fit("y ~ x", design(40), "bernoulli", seed=5, draws=150, tune=150, chains=1,
                 progressbar=False, check=False)
    here = kfold(result, folds=3, draws=100)
    lines = []
    local.report = lines.append
    try:
        there = kfold(result, folds=3, draws=100, executor=local)
    finally:
        local.report = None
    np.testing.assert_array_equal(there.pointwise, here.pointwise)
    assert lines and lines[0].startswith("k-fold (3 folds): 3/3 refits ok, 0 failed")


def test_a_complete_fit_on_a_worker_comes_back_as_the_same_result(local):
    from test_sbc import design  # noqa: PLC0415

    from cbstats.refits.fits import FitTask, PortableResult, restore, run_fit

    task = FitTask("demo", "y ~ x", "bernoulli", design(25),
                   {"seed": 3, "draws": 100, "tune": 100, "chains": 1, "check": False})
    here = SerialExecutor().map(run_fit, [task], progress=False)[0]
    [value] = local.map(run_fit, [task], progress=False)
    assert isinstance(value, PortableResult)  # the formula encoder does not pickle
    there = restore(value)
    assert there.summary()["estimate"].tolist() == here.summary()["estimate"].tolist()
