"""Bench: truth table and Boolean minimisation with 12 conditions and 1,000 simulated cases.

Goal (issue 15): minimisation in under 2 s. Prints wall-clock times (best of 3) of the
truth table and of the conservative, parsimonious and intermediate solutions.

    .venv/bin/python bench/bench_sets.py [--conditions 12] [--cases 1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from cbstats.sets import minimize, truth_table
from cbstats.sets.chart import MAX_MODELS


def simulate(k: int, n: int, seed: int, noise: float = 0.0) -> pd.DataFrame:
    """Four-value fuzzy memberships (as the CBM scores); Y = C1*C2 + C3*~C4 plus coding noise."""
    rng = np.random.default_rng(seed)
    cols = [f"C{i + 1}" for i in range(k)]
    x = rng.choice([0.0, 0.33, 0.67, 1.0], p=[0.35, 0.15, 0.15, 0.35], size=(n, k))
    data = pd.DataFrame(x, columns=cols, index=[f"case{i:04d}" for i in range(n)])
    signal = np.maximum(np.minimum(x[:, 0], x[:, 1]), np.minimum(x[:, 2], 1 - x[:, 3]))
    # optional coding noise: a share of outcome memberships moved one step on the grid
    step = np.where(rng.random(n) < noise, rng.choice([-0.33, 0.33], size=n), 0.0)
    data["Y"] = np.clip(signal + step, 0, 1).round(2)
    return data


def best_of(fn, repeat: int = 3) -> tuple[float, float, object]:
    """Best wall-clock and CPU (process) time of ``repeat`` runs, and the last result."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conditions", type=int, default=12)
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--noise", type=float, default=0.0,
                    help="share of outcome memberships moved one step (hard charts: slow)")
    args = ap.parse_args()
    data = simulate(args.conditions, args.cases, args.seed, args.noise)
    warnings.simplefilter("ignore", UserWarning)  # the cap on enumerated models is reported below
    import scipy.optimize  # noqa: F401 - imported once here, not timed (about 1 s cold)

    t_tt, c_tt, tt = best_of(lambda: truth_table(data, "Y", incl_cut=0.8))
    print(f"{args.conditions} conditions, {args.cases} cases, noise {args.noise}: {len(tt.table)} observed rows, "
          f"{len(tt.positive_rows)} positive; truth table {t_tt:.3f} s wall, {c_tt:.3f} s CPU")
    directional = {c: 1 for c in tt.conditions}
    for kind in ("conservative", "parsimonious", "intermediate"):
        # intermediate: 100 (Ci, Pj) pairs, since each of C and P has >= 100 models here
        kw = {"directional": directional, "max_pairs": 100} if kind == "intermediate" else {}
        def run(kind=kind, kw=kw):
            sol = minimize(tt, solution=kind, **kw)
            sol.models[0].fit  # noqa: B018 - parameters of fit of M1 are part of the job
            return sol

        t, c, sol = best_of(run)
        n_pi = len(sol.prime_implicants)
        print(f"  {kind:13s} {t:6.3f} s wall {c:6.3f} s CPU ({len(sol.models)} model(s), {n_pi} prime implicants; "
              f"M1 has {len(sol.models[0].terms)} terms; model cap {MAX_MODELS})")


if __name__ == "__main__":
    main()
