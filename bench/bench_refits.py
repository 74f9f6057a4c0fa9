"""Benchmark the refit executor: SBC of the study's main ordinal model on 1 and 2 workers.

Runs simulation-based calibration (``cbstats.refits.sbc.sbc``) of
``cbstats.pipeline.specs.MAIN_ORDINAL`` on the bundled dataset's complete
cases -- ``--sims`` simulations, one refit each, with few draws per fit -- on
a Dask ``LocalCluster`` with 1 worker and then with 2 workers (same seed:
the ranks must be identical), and prints, side by side:

* wall time of the run (cluster start excluded, compilation included) and
  refits per minute; the speed-up of 2 workers over 1;
* the time of the tasks themselves and the warm throughput (refits per
  minute once every worker has compiled);
* compilations per worker process (the goal: one);
* failed fits and the non-uniform parameters (Bonferroni, alpha 0.05).

Usage: ``python bench/bench_refits.py [--sims 200] [--draws 200] [--tune 200]
[--workers 1,2] [--out bench/refits]``
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import pandas as pd

os.environ.setdefault("CI", "1")  # no progress bars in benchmark output
warnings.filterwarnings("ignore")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=200)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--tune", type=int, default=300)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--out", default="bench/refits")
    args = parser.parse_args()

    from cbstats import load_cbm
    from cbstats.pipeline.specs import MAIN_ORDINAL
    from cbstats.refits import get_executor
    from cbstats.refits.sbc import sbc

    data = load_cbm().complete_cases()
    rows, ranks = [], {}
    for n in [int(w) for w in args.workers.split(",")]:
        ex = get_executor("local", workers=n)
        t0 = time.perf_counter()
        ex.client.wait_for_workers(n)
        start = time.perf_counter() - t0
        t1 = time.perf_counter()
        res = sbc(MAIN_ORDINAL, data, "cumulative", n_sims=args.sims, draws=args.draws,
                  tune=args.tune, chains=1, seed=args.seed, executor=ex, id_col="case_id",
                  missing="drop", progress=False)
        wall = time.perf_counter() - t1
        ex.close()
        secs = pd.Series([o.seconds for o in res.run.outcomes])
        # warm: tasks after each worker's first (which includes its compilation)
        by_worker = pd.DataFrame({"worker": [o.worker for o in res.run.outcomes], "s": secs})
        first = by_worker.groupby("worker")["s"].transform(lambda s: s.index == s.index.min())
        warm = by_worker.loc[~first.astype(bool), "s"]
        rows.append({
            "workers": n, "sims": args.sims, "cluster_start_s": round(start, 1),
            "wall_s": round(wall, 1), "refits_per_min": round(60 * args.sims / wall, 1),
            "median_task_s": round(float(secs.median()), 2),
            "warm_refits_per_min": round(60 * n / float(warm.mean()), 1) if len(warm) else None,
            "compiles_per_worker": ",".join(str(c) for c in sorted(res.compiles.values())),
            "failed_fits": res.n_failed,
            "non_uniform": ", ".join(res.non_uniform()) or "none",
        })
        ranks[n] = res.ranks
        os.makedirs(args.out, exist_ok=True)
        res.table().to_csv(f"{args.out}/sbc_main_ordinal_{n}w_table.csv", index=False)
        if n == max(int(w) for w in args.workers.split(",")):
            fig = res.plot(ncols=6)
            fig.savefig(f"{args.out}/sbc_main_ordinal_ranks.png", dpi=110)
        print(pd.DataFrame(rows[-1:]).to_string(index=False), flush=True)
    table = pd.DataFrame(rows)
    if len(rows) > 1:
        base = table["wall_s"].iloc[0]
        table["speedup"] = (base / table["wall_s"]).round(2)
        same = all(r.equals(ranks[rows[0]["workers"]]) for r in ranks.values())
        print(f"identical ranks on every worker count: {same}")
    print()
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
