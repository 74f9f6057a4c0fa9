"""Bench: 1,000 coding draws of the study's set-theoretic analysis (issue 15 target: < 30 s on 2 cores).

One run = draw 1,000 codings of the 145 complete CBM cases (7 conditions + outcome) from the
default misclassification model, then for the outcome *and* its negation: necessity of every
condition and negation, the truth table (inclS, PRI, n, OUT of all 128 rows), and the
parsimonious minimisation of every draw's truth table (prime implicants and every minimal
model), with the summaries of ``cbstats.sets.uncertainty.coding_uncertainty``.

Usage: python bench/bench_sets_uncertainty.py [--draws 1000] [--jobs 1 2]
Prints wall and CPU time per setting and the machine's load (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import cbstats
from cbstats.casedata.schema import CONDITIONS
from cbstats.pipeline.study_sets import MAIN_CUTS, OUTCOME, OUTCOMES


def study_data():
    from cbstats import sets

    cbm = cbstats.load_cbm()
    wide = cbm.cases_wide().set_index("case_id")
    data = wide[list(CONDITIONS)].copy()
    data[OUTCOME] = wide[OUTCOME].map(sets.CBM_TRANSFORMATION_MEMBERSHIPS)
    data = data.dropna()
    conf = cbm.conditions_long().pivot(index="case_id", columns="condition", values="confidence")
    conf[OUTCOME] = cbm.table("cases").set_index("case_id")["transformation_confidence"]
    return data, conf.reindex(index=data.index, columns=data.columns)


def run(data, conf, n_draws: int, n_jobs: int, seed: int = 1) -> dict:
    from cbstats.sets.uncertainty import coding_uncertainty, draw_codings

    t0, c0 = time.perf_counter(), time.process_time()
    k0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    draws = draw_codings(data, conf, n_draws=n_draws, seed=seed)
    results = {o: coding_uncertainty(data, conf, o, list(CONDITIONS), draws=draws, n_jobs=n_jobs, **MAIN_CUTS)
               for o in OUTCOMES}
    k1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall_s": time.perf_counter() - t0, "cpu_s_main_process": time.process_time() - c0,
            "cpu_s_workers": (k1.ru_utime + k1.ru_stime) - (k0.ru_utime + k0.ru_stime),
            "distinct_truth_tables": {o: r.settings["distinct_truth_tables"] for o, r in results.items()},
            "capped_draws": {o: r.settings["draws_with_capped_models"] for o, r in results.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    data, conf = study_data()
    print(f"cases {len(data)}, conditions {len(CONDITIONS)}, draws {args.draws}, cores {os.cpu_count()}")
    for jobs in args.jobs:
        load = os.getloadavg()[0]
        res = run(data, conf, args.draws, jobs)
        print(f"n_jobs={jobs}: wall {res['wall_s']:.1f} s, CPU main process {res['cpu_s_main_process']:.1f} s + workers {res['cpu_s_workers']:.1f} s, "
              f"load average before {load:.1f}; distinct truth tables {res['distinct_truth_tables']}; "
              f"draws with >= max_models models {res['capped_draws']}")


if __name__ == "__main__":
    main()
