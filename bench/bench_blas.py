"""Benchmark PyTensor with and without the OpenBLAS link of ``cbstats._pytensor_setup``.

The main ordinal model of the study is fitted once (nutpie, few draws) and
saved; then two fresh processes load it, one with the link (the default) and
one with ``CBSTATS_PYTENSOR_BLAS=0`` (PyTensor's own detection, which finds no
BLAS in a pip install and falls back to slower code), and time the same work:

- ``logp`` and ``dlogp``: one evaluation of the model's compiled log density
  and of its gradient at the initial point (what PyMC's NUTS does at every
  leapfrog step), mean over many calls;
- ``compute_log_likelihood``: ``pm.compute_log_likelihood`` over all
  posterior draws (every fit runs it, and k-fold CV for each fold);
- ``posterior_predictive``: ``pm.sample_posterior_predictive`` over all draws
  (PyTensor-compiled forward sampling);
- ``predict``: ``BayesResult.predict(kind="mean")`` (numpy only: expected to
  be unaffected, as a control).

Each time is the best over ``--rounds`` fresh processes per configuration,
run alternately (so that a change in the machine's load hits both alike),
of ``--repeat`` runs after a first, compiling call (also reported). CPU time
of the process is shown beside wall time: on a shared machine it is far less
disturbed by other processes. PyTensor's compile cache is on disk, so the
first call of a configuration is only slow the first time it is compiled.

Usage: ``python bench/bench_blas.py [--draws 1000] [--repeat 3] [--rounds 3] [--result FIT.nc]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

os.environ.setdefault("CI", "1")  # no progress bars in benchmark output

CHILD = "--child"


def fit_and_save(path: str, draws: int) -> None:
    """Fit the study's main ordinal model with nutpie (few draws) and save it."""
    import cbstats
    from cbstats.pipeline.specs import MAIN_ORDINAL

    wide = cbstats.load_cbm().complete_cases()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = cbstats.fit(MAIN_ORDINAL, wide, family="cumulative", seed=11, id_col="case_id",
                             chains=2, draws=draws // 2, tune=500, progressbar=False)
    result.save(path)


def _best(fn, repeat: int) -> tuple[float, float, float]:
    """(wall seconds of the first call, best wall and best CPU seconds of ``repeat`` further calls).

    CPU time (of this process, all threads) is much less disturbed than wall
    time by other processes on a shared machine.
    """
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return first, min(wall), min(cpu)


def child(path: str, repeat: int) -> dict:
    """Time the work in this process (PyTensor configured by importing cbstats.models)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import pymc as pm
        import pytensor

        import cbstats
        from cbstats.models.families import rebuild_model

        result = cbstats.load_result(path)
        model = rebuild_model(result)
        point = model.initial_point()
        logp, dlogp = model.compile_logp(), model.compile_dlogp()
    blas_warning = any("could not link to a BLAS" in str(w.message) for w in caught)
    out = {"ldflags": "OpenBLAS wheel" if "scipy_openblas" in pytensor.config.blas__ldflags
           else (pytensor.config.blas__ldflags or "(none)"), "blas_warning": blas_warning}
    calls = 1000
    for name, f in (("logp", logp), ("dlogp", dlogp)):
        first, wall, cpu = _best(lambda f=f: [f(point) for _ in range(calls)], repeat)
        out[name] = {"first_s": first, "wall": wall / calls * 1e6, "cpu": cpu / calls * 1e6}
    idata = result.idata.copy()
    if "log_likelihood" in idata.groups():
        del idata.log_likelihood

    def loglik() -> None:
        data = idata.copy()
        pm.compute_log_likelihood(data, model=model, progressbar=False, extend_inferencedata=True)

    first, wall, cpu = _best(loglik, repeat)
    out["compute_log_likelihood"] = {"first_s": first, "wall": wall, "cpu": cpu}

    def pps() -> None:
        with model:
            pm.sample_posterior_predictive(idata, progressbar=False, random_seed=1,
                                           extend_inferencedata=False)

    first, wall, cpu = _best(pps, repeat)
    out["posterior_predictive"] = {"first_s": first, "wall": wall, "cpu": cpu}
    wide = result.design.data
    first, wall, cpu = _best(lambda: result.predict(wide, kind="mean"), repeat)
    out["predict"] = {"first_s": first, "wall": wall, "cpu": cpu}
    out["draws"] = int(result.posterior.sizes["chain"] * result.posterior.sizes["draw"])
    out["cases"] = int(result.design.n_obs)
    return out


def run_child(path: str, repeat: int, blas: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTENSOR_FLAGS"}
    env["CBSTATS_PYTENSOR_BLAS"] = "1" if blas else "0"
    cmd = [sys.executable, __file__, CHILD, path, str(repeat)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


WORK = (("logp", "logp, one evaluation", "µs"),
        ("dlogp", "dlogp, one gradient", "µs"),
        ("compute_log_likelihood", "compute_log_likelihood, all draws", "s"),
        ("posterior_predictive", "sample_posterior_predictive, all draws", "s"),
        ("predict", "BayesResult.predict, numpy (control)", "s"))


def _merge(runs: list[dict]) -> dict:
    """Per work item: the best wall and CPU time over rounds, the first-call time of the first round."""
    out = dict(runs[0])
    for key, _, _ in WORK:
        out[key] = {"first_s": runs[0][key]["first_s"],
                    "wall": min(r[key]["wall"] for r in runs), "cpu": min(r[key]["cpu"] for r in runs)}
    return out


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == CHILD:
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--draws", type=int, default=1000, help="posterior draws in total (2 chains)")
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions after the first call")
    parser.add_argument("--rounds", type=int, default=3,
                        help="fresh processes per configuration, run alternately (best is kept)")
    parser.add_argument("--result", help="a saved fit to reuse (written there first if missing)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.result or os.path.join(tmp, "main_ordinal.nc")
        if not os.path.exists(path):
            t0 = time.perf_counter()
            fit_and_save(path, args.draws)
            print(f"fitted and saved the main ordinal model in {time.perf_counter() - t0:.1f} s")
        runs: dict[bool, list[dict]] = {False: [], True: []}
        for _ in range(args.rounds):  # alternate, so that changing load hits both alike
            for blas in (False, True):
                runs[blas].append(run_child(path, args.repeat, blas))
    off, on = _merge(runs[False]), _merge(runs[True])
    print(f"\nmain ordinal model, {on['cases']} cases, {on['draws']} posterior draws; best of "
          f"{args.rounds} processes x {args.repeat} repetitions after a first (compiling) call")
    print(f"PyTensor blas__ldflags without the link: {off['ldflags']} (BLAS warning: {off['blas_warning']}); "
          f"with: {on['ldflags']} (BLAS warning: {on['blas_warning']})\n")
    print("| work | CPU without | CPU with | CPU ratio | wall without | wall with | first call without / with |")
    print("|---|---|---|---|---|---|---|")
    for key, name, unit in WORK:
        fmt = "{:.1f} " + unit if unit == "µs" else "{:.3f} " + unit
        a, b = off[key], on[key]
        print(f"| {name} | {fmt.format(a['cpu'])} | {fmt.format(b['cpu'])} | {a['cpu'] / b['cpu']:.2f}× | "
              f"{fmt.format(a['wall'])} | {fmt.format(b['wall'])} | "
              f"{a['first_s']:.2f} s / {b['first_s']:.2f} s |")


if __name__ == "__main__":
    main()
