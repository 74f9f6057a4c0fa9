"""Benchmark: the sampling target ``fit(..., ess=400)`` and nutpie's adaptation settings.

Prints one Markdown table for the study's main ordinal model
(``cbstats.pipeline.specs.MAIN_ORDINAL``, cumulative, the complete cases of the
bundled dataset, default priors, 4 chains, 1,000 tuning steps unless said):

* ``fit()`` at its defaults (1,000 draws per chain) and with ``ess=400``:
  warm wall time (the model compiled by an untimed first fit), draws per
  chain, batches, minimum bulk ESS over every reported parameter (group
  effects included) and over the group-level SDs, and bulk ESS per draw of
  the slowest SD;
* nutpie settings that might close the gap to Stan's ESS per draw on the
  group SDs, on the same compiled model and seed: Stan-like variance-based
  mass matrix (``use_grad_based_mass_matrix=False``), the low-rank modified
  mass matrix, longer warm-up, a higher target acceptance; sampling time only.

Then the same for a simple model (``institutionalized ~ mo(leap_of_faith) +
mo(epistemic_community) + standing_body + (1 | region)``, bernoulli):
median warm wall time of three fits, default against ``ess=400``, to decide
whether the target can be the default.

Usage: ``python bench/bench_ess_target.py [--seed N] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np

import cbstats
from cbstats.models.api import fit, prepare
from cbstats.models.families import get_family
from cbstats.models.result import BayesResult
from cbstats.models.sampling import _clean
from cbstats.pipeline.specs import MAIN_ORDINAL

SIMPLE = ("institutionalized ~ mo(leap_of_faith) + mo(epistemic_community) + standing_body"
          " + (1 | region)")

SETTINGS = [  # label, nutpie.sample keyword arguments
    ("nutpie default (gradient-based diagonal mass matrix)", {}),
    ("use_grad_based_mass_matrix=False (Stan-like variance-based)",
     {"use_grad_based_mass_matrix": False}),
    ("low_rank_modified_mass_matrix=True", {"low_rank_modified_mass_matrix": True}),
    ("tune=2000", {"tune": 2000}),
    ("tune=2000, use_grad_based_mass_matrix=False",
     {"tune": 2000, "use_grad_based_mass_matrix": False}),
    ("target_accept=0.9", {"target_accept": 0.9}),
]


def _ess(result: BayesResult) -> dict[str, object]:
    table = result.summary(prob=0.9, group_effects=True)
    sds = table[table["param_class"] == "sd"]
    worst_sd = sds.loc[sds["ess_bulk"].idxmin()]
    i = int(np.nanargmin(table["ess_bulk"].to_numpy()))
    draws = result.posterior.sizes["draw"]
    chains = result.posterior.sizes["chain"]
    return {"min_ess": float(table["ess_bulk"].iloc[i]), "worst": str(table["term"].iloc[i]),
            "min_sd_ess": float(worst_sd["ess_bulk"]), "worst_sd": str(worst_sd["term"]),
            "sd_per_draw": float(worst_sd["ess_bulk"]) / (draws * chains), "draws": draws}


def _row(label: str, seconds: float, ess: dict, batches: object = "–") -> str:
    return (f"| {label} | {seconds:.1f} | {ess['draws']:,} | {batches} | {ess['min_ess']:.0f} "
            f"({ess['worst']}) | {ess['min_sd_ess']:.0f} ({ess['worst_sd']}) | "
            f"{ess['sd_per_draw']:.3f} |")


def _fit(formula, data, family, seed, **kw):
    t = time.perf_counter()
    res = fit(formula, data, family, seed=seed, id_col="case_id", missing="drop",
              progressbar=False, check=False, **kw)
    return res, time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--parts", default="fit,settings,simple",
                        help="comma-separated subset of: fit, settings, simple")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    warnings.simplefilter("ignore")
    wide = cbstats.load_cbm().cases_wide()

    print("Main ordinal model (MAIN_ORDINAL, cumulative), 4 chains, seed", args.seed)
    print("| configuration | wall s (warm) | draws per chain | batches | min bulk ESS (parameter) "
          "| min bulk ESS of group SDs (SD) | ESS per draw, slowest SD |")
    print("|---|---|---|---|---|---|---|")
    if "fit" in parts:
        _fit(MAIN_ORDINAL, wide, "cumulative", args.seed)  # compile (untimed)
        res, sec = _fit(MAIN_ORDINAL, wide, "cumulative", args.seed)
        print(_row("fit() defaults (1,000 draws)", sec, _ess(res)), flush=True)
        for target in (400, 1000):
            res, sec = _fit(MAIN_ORDINAL, wide, "cumulative", args.seed, ess=target)
            attrs = res.idata.sample_stats.attrs
            print(_row(f"fit(ess={target})", sec, _ess(res), attrs["ess_batches"]), flush=True)
    if "settings" in parts:
        _settings(wide, args.seed)
    if "simple" in parts:
        _simple(wide, args.seed, args.repeat)


def _settings(wide, seed: int) -> None:

    import nutpie

    design, _, model = prepare(MAIN_ORDINAL, wide, "cumulative", None, id_col="case_id",
                               missing="drop", centered=None)
    compiled = nutpie.compile_pymc_model(model, initial_points=get_family("cumulative").initvals(design))
    for label, kw in SETTINGS:
        kw = {"draws": 1000, "tune": 1000, **kw}
        t = time.perf_counter()
        idata = nutpie.sample(compiled, chains=4, seed=seed, save_warmup=False,
                              progress_bar=False, **kw)
        sec = time.perf_counter() - t
        result = BayesResult(idata=_clean(idata), design=design, priors={}, formula=MAIN_ORDINAL,
                             family="cumulative", seed=seed, sampler="nutpie", data_hash="",
                             versions={})
        print(_row(f"nutpie.sample: {label} (sampling only)", sec, _ess(result)), flush=True)


def _simple(wide, seed: int, repeat: int) -> None:
    print()
    print(f"Simple model ({SIMPLE}, bernoulli): median warm wall time of {repeat} fits")
    print("| configuration | median wall s | draws per chain | min bulk ESS |")
    print("|---|---|---|---|")
    _fit(SIMPLE, wide, "bernoulli", seed)  # compile (untimed)
    for label, kw in [("fit() defaults", {}), ("fit(ess=400)", {"ess": 400})]:
        times, res = [], None
        for r in range(repeat):
            res, sec = _fit(SIMPLE, wide, "bernoulli", seed + r, **kw)
            times.append(sec)
        e = _ess(res)
        print(f"| {label} | {statistics.median(times):.2f} | {e['draws']:,} | {e['min_ess']:.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
