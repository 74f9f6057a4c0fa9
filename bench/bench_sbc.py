"""Simulation-based calibration of every family (``make sbc``; a benchmark, not a test).

For each family a model with the building blocks of the study is calibrated
on a simulated design (``cbstats.refits.sbc.sbc``):

* cumulative: ``y ~ x + mo(f) + (1 | g)``   -- monotonic effect, varying intercepts
* bernoulli:  ``yb ~ x + (1 + x | g)``       -- varying slope (correlated, LKJ prior)
* binomial:   ``k | trials(n) ~ x + mo(f) + (1 | mm(state_a, state_b))`` -- multi-membership

Writes ``bench/sbc/sbc_<family>.png`` (ECDF-difference plots with 95%
simultaneous bands) and ``bench/sbc/sbc_table.csv`` (p-value per parameter),
and prints every parameter whose ranks are not uniform (Bonferroni over the
parameters of a model, alpha 0.05), plus the failed fits.

Usage: ``python bench/bench_sbc.py [--sims 100] [--draws 300] [--tune 300]
[--workers N | --scheduler ADDRESS] [--out bench/sbc]``
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
import pandas as pd

os.environ.setdefault("CI", "1")
warnings.filterwarnings("ignore")

MODELS = {
    "cumulative": "y ~ x + mo(f) + (1 | g)",
    "bernoulli": "yb ~ x + (1 + x | g)",
    "binomial": "k | trials(n) ~ x + mo(f) + (1 | mm(state_a, state_b))",
}


def design(n: int = 80, seed: int = 5) -> pd.DataFrame:
    """A simulated design: a covariate, an ordered 0-3 score, 8 groups, pairs of 10 states."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 10, n)
    b = (a + rng.integers(1, 10, n)) % 10
    return pd.DataFrame({
        "x": rng.normal(size=n),
        "f": rng.integers(0, 4, n),
        "g": rng.choice([f"g{i}" for i in range(8)], n),
        "state_a": [f"s{v}" for v in a], "state_b": [f"s{v}" for v in b],
        "y": rng.integers(0, 4, n), "yb": rng.integers(0, 2, n),
        "n": rng.integers(3, 8, n),
    }).assign(k=lambda d: rng.binomial(d["n"], 0.4))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=100)
    parser.add_argument("--draws", type=int, default=300)
    parser.add_argument("--tune", type=int, default=300)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--scheduler", default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="bench/sbc")
    args = parser.parse_args()

    from cbstats.refits.config import executor_scope
    from cbstats.refits.sbc import sbc

    os.makedirs(args.out, exist_ok=True)
    data = design()
    tables = []
    with executor_scope(None, workers=args.workers, scheduler=args.scheduler) as ex:
        for family, formula in MODELS.items():
            t0 = time.perf_counter()
            res = sbc(formula, data, family, n_sims=args.sims, draws=args.draws, tune=args.tune,
                      chains=1, seed=args.seed, executor=ex, checkpoint=f"{args.out}/ckpt_{family}",
                      progress=False)
            table = res.table()
            table.insert(0, "formula", formula)
            table.insert(0, "family", family)
            tables.append(table)
            fig = res.plot(ncols=5, title=f"SBC, {family}: {formula} ({args.sims} simulations)")
            fig.savefig(f"{args.out}/sbc_{family}.png", dpi=110)
            bad = res.non_uniform()
            print(f"{family:11s} {time.perf_counter() - t0:7.1f} s  {res.summary()}", flush=True)
            if res.n_failed:
                print(f"  failed fits: {res.n_failed} (e.g. {res.failures()['reason'].iloc[0]})")
            if bad:
                print(f"  NON-UNIFORM: {', '.join(bad)}")
    out = pd.concat(tables, ignore_index=True)
    out.to_csv(f"{args.out}/sbc_table.csv", index=False, float_format="%.4g")
    print(out.to_string(index=False))


if __name__ == "__main__":
    main()
