"""Benchmark the cbstats Bayesian models: nutpie vs PyMC NUTS side by side.

Prints, for each model and sampler: cold wall time (first fit in the process,
including compilation), warm wall time (same model again; nutpie reuses its
compiled model, PyMC its C cache), min bulk ESS over every parameter
(group-level effects included), min bulk ESS per second of warm wall time,
divergences and peak resident memory.

Models
------
(a) the study's main ordinal model (``cbstats.pipeline.specs.MAIN_ORDINAL``: seven
    monotonic conditions, eight process features, varying intercepts for region,
    dyad and arrangement) on the bundled dataset, at the sampler's default
    target acceptance and at ``--target-accept`` (default 0.9, the best ESS per
    second measured for the group-level SDs; ``cbstats reproduce`` uses 0.95
    with 3,000 draws per chain);
(b) a simulated ordinal dataset: 10,000 rows, 7 categories, 5 population terms
    (incl. an interaction), crossed varying intercepts with 330 and 12 levels.

Usage: ``python bench/bench_models.py [--draws 1000] [--chains 4] [--only cbm|scale]
[--samplers nutpie,pymc] [--target-accept 0.9]``
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import warnings

import numpy as np
import pandas as pd
from scipy.special import expit

os.environ.setdefault("CI", "1")  # no progress bars in benchmark output
warnings.filterwarnings("ignore")

SCALE_FORMULA = "y ~ x1 + x2 + x3 + w + x1:w + (1 | subject) + (1 | item)"


def cbm_data() -> pd.DataFrame:
    """The bundled dataset's complete cases (the rows the study's models use)."""
    from cbstats import load_cbm

    return load_cbm().complete_cases()


def scale_data(seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 10_000
    df = pd.DataFrame({
        "x1": rng.normal(size=n), "x2": rng.normal(1, 2, n), "x3": rng.uniform(0, 10, n),
        "w": rng.binomial(1, 0.5, n),
        "subject": rng.choice([f"s{i:03d}" for i in range(330)], n),
        "item": rng.choice([f"i{i:02d}" for i in range(12)], n),
    })
    u = rng.normal(0, 0.8, 330)
    v = rng.normal(0, 0.5, 12)
    eta = (0.5 * df.x1 - 0.3 * df.x2 + 0.1 * df.x3 + 0.4 * df.w + 0.3 * df.x1 * df.w
           + u[df.subject.str[1:].astype(int)] + v[df.item.str[1:].astype(int)])
    cuts = np.array([-1.0, 0.0, 0.7, 1.4, 2.2, 3.2])
    cdf = expit(cuts[None, :] - eta.to_numpy()[:, None])
    df["y"] = (rng.uniform(size=n)[:, None] > cdf).sum(1)
    return df


def peak_mb() -> float:
    self_ = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_, kids) / 1024


def run(name, formula, data, samplers, draws, chains, **kw):
    from cbstats.models import fit

    rows = []
    for sampler in samplers:
        times = []
        for _ in range(2):
            t0 = time.perf_counter()
            res = fit(formula, data, "cumulative", sampler=sampler, draws=draws, tune=draws,
                      chains=chains, seed=2024, progressbar=False, check=False, **kw)
            times.append(time.perf_counter() - t0)
        s = res.summary(group_effects=True)
        n_div = int(res.idata.sample_stats["diverging"].sum())
        worst = s.loc[s.ess_bulk.idxmin()]
        rows.append({
            "model": name, "sampler": res.sampler, "cold_s": times[0], "warm_s": times[1],
            "min_ess_bulk": worst.ess_bulk, "min_ess_param": worst.term,
            "min_ess_bulk_per_s": worst.ess_bulk / times[1], "max_rhat": s.r_hat.max(),
            "divergences": n_div, "peak_rss_mb": peak_mb(),
        })
        print(pd.DataFrame(rows[-1:]).to_string(index=False), flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--chains", type=int, default=4)
    ap.add_argument("--only", choices=["cbm", "scale"], default=None)
    ap.add_argument("--samplers", default="nutpie,pymc")
    ap.add_argument("--target-accept", type=float, default=0.9,
                    help="target acceptance of the CBM model's second run per sampler")
    args = ap.parse_args()
    samplers = args.samplers.split(",")
    rows = []
    if args.only in (None, "cbm"):
        from cbstats.pipeline.specs import MAIN_ORDINAL

        df = cbm_data()
        print(f"(a) main CBM model on the bundled dataset: {len(df)} rows\n    {MAIN_ORDINAL}")
        rows += run("cbm", MAIN_ORDINAL, df, samplers, args.draws, args.chains)
        rows += run(f"cbm ta={args.target_accept}", MAIN_ORDINAL, df, samplers, args.draws,
                    args.chains, target_accept=args.target_accept)
    if args.only in (None, "scale"):
        df = scale_data()
        print(f"(b) simulated ordinal scale model: {len(df)} rows, 7 categories\n    {SCALE_FORMULA}")
        rows += run("scale", SCALE_FORMULA, df, samplers, args.draws, args.chains)
    print("\nsummary (peak RSS is the process-wide maximum so far):")
    with pd.option_context("display.width", 200, "display.float_format", "{:.2f}".format):
        print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
