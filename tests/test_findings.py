"""Findings in words: each sentence states the numbers it was given, and judges them correctly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from cbstats.pipeline import findings


class _Result:
    """The two things coefficient_findings reads from a fit: summary(prob) and posterior draws of b."""

    response = "transformation"

    def __init__(self, draws: dict[str, np.ndarray]) -> None:
        terms = list(draws)
        arr = np.stack([draws[t] for t in terms], axis=-1).reshape(2, -1, len(terms))
        self.posterior = xr.Dataset({"b": (("chain", "draw", "term"), arr)}, coords={"term": terms})

    def summary(self, prob: float) -> pd.DataFrame:
        b = self.posterior["b"].values.reshape(-1, self.posterior.sizes["term"])
        a = (1 - prob) / 2
        return pd.DataFrame({"term": list(self.posterior["term"].values), "param_class": "b",
                             "estimate": b.mean(0), "lower": np.quantile(b, a, axis=0),
                             "upper": np.quantile(b, 1 - a, axis=0)})


def test_coefficient_findings_name_the_effects_whose_interval_excludes_zero():
    rng = np.random.default_rng(1)
    result = _Result({"mo(forum)": rng.normal(1.0, 0.3, 4000), "n_interaction": rng.normal(0.0, 1.0, 4000),
                      "mo(fatigue)": rng.normal(-0.9, 0.3, 4000)})
    (text,) = findings.coefficient_findings(result, "bayes_ordinal", prob=0.9)
    assert text.startswith("In bayes_ordinal (transformation), 2 of 3 population effects have a 90% credible")
    assert "Forum for discussion (monotonic) raises it (1.00 [" in text
    assert "Security management fatigue (monotonic) lowers it (−0.90 [" in text
    assert "P(b > 0) = 1.00" in text and "P(b > 0) = 0.00" in text
    assert "interaction" not in text.lower()
    texts = findings.coefficient_findings(result, "bayes_ordinal", prob=0.9, passed=False)
    assert texts[-1] == "bayes_ordinal FAILED its sampler diagnostics: these estimates are not reliable."
    none = _Result({"n_interaction": rng.normal(0.0, 1.0, 4000)})
    assert "none of the 1 population effects" in findings.coefficient_findings(none, "m")[0]


def test_comparison_findings_judge_the_difference_by_its_standard_error():
    table = pd.DataFrame({"model": ["full", "conditions only"], "elpd": [-150.0, -151.5],
                          "elpd_diff": [0.0, -1.5], "se_diff": [0.0, 2.0], "method": ["psis-loo", "kfold"]})
    (close,) = findings.comparison_findings(table, "ordinal")
    assert "'full' has the highest" in close and "'conditions only', is 1.5 lower (SE 2.0)" in close
    assert "within two standard errors" in close and "(method: kfold, psis-loo)" in close
    far = table.assign(elpd_diff=[0.0, -9.0])
    assert "a clear difference" in findings.comparison_findings(far, "ordinal")[0]
    edge = table.assign(elpd_diff=[0.0, -4.0])  # exactly two standard errors: not "clear"
    assert "within two standard errors" in findings.comparison_findings(edge, "ordinal")[0]


def test_refit_and_profile_findings_report_the_extremes():
    rows = pd.DataFrame({"model": ["ordinal", "binary", "binary"], "subset": ["a", "b", "b"],
                         "n_cases": [100, 90, 90], "term": ["mo(forum)", "n_interaction", "mo(forum)"],
                         "shift_in_sd": [0.4, -1.7, 1.2]})
    (text,) = findings.refit_findings(rows)
    assert "moves 2 of 3 coefficient estimates by more than one posterior SD" in text
    assert "Interaction measures (count) in the binary model on subset 'b' (90 cases): −1.70 SD" in text
    profiles = pd.DataFrame({"profile": ["1/1", "0/1", "0/0"], "profile_order": "forum/leap_of_faith",
                             "n_cases": [3, 2, 5], "p_mean": [0.8, 0.4, 0.1], "p_lower": [0.6, 0.2, 0.02],
                             "p_upper": [0.9, 0.6, 0.3]})
    (text,) = findings.profile_findings(profiles, "bayes_binary")
    assert "from 0.10 [0.02, 0.30] (profile 0/0, 5 case(s)) to 0.80 [0.60, 0.90] (profile 1/1" in text
    assert "scores of forum, leap_of_faith" in text
