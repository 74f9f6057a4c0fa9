"""Pieces of the study analysis `sets` that need no data run: the regression side by side."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cbstats.pipeline.context import RunContext
from cbstats.pipeline.study_sets import _regression_effects


class _FakeResult:
    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({
            "term": ["Intercept[1]", "mo(forum)[0.33]", "mo(forum)", "mo(fatigue)", "n_interaction"],
            "param_class": ["b", "simplex", "b", "b", "b"],
            "estimate": [0.1, 0.3, 0.8, -0.2, 0.05], "lower": [0.0, 0.1, 0.2, -0.9, -0.1],
            "upper": [0.2, 0.6, 1.4, 0.4, 0.2],
        })


def test_regression_effects_read_from_the_run_without_refitting(tmp_path: Path):
    ctx = RunContext(out=tmp_path, seed=1, quick=True, data=None)  # type: ignore[arg-type]
    table, source = _regression_effects(ctx)
    assert table is None and "did not run" in source
    ctx.bayes["bayes_ordinal"] = _FakeResult()
    table, source = _regression_effects(ctx)
    assert "ctx.bayes" in source
    got = table.set_index("condition")
    assert got.loc["forum", "regression_term"] == "mo(forum)" and got.loc["forum", "estimate"] == 0.8
    assert got.loc["fatigue", "upper"] == 0.4
    assert "leap_of_faith" not in got.index


def test_findings_set_paths_beside_regression_effects(tmp_path: Path):
    from cbstats.pipeline.study_sets import OUTCOMES, _findings

    nec = pd.DataFrame([{"outcome": o, "term": "forum", "inclN_coded": 0.91, "inclN_lo": 0.82, "inclN_hi": 0.89,
                         "RoN_coded": 0.45, "p_value": 0.03, "p_necessary": 0.1} for o in OUTCOMES])
    nec.attrs["n_cases"] = 10
    verdicts = pd.DataFrame([{"outcome": OUTCOMES[0], "term": "forum*~fatigue", "verdict": "robust",
                              "p_consistent": 0.9, "p_in_solution": 0.6, "top_cells": "", "inclS_coded": 0.85,
                              "inclS_lo": 0.8, "inclS_hi": 0.84}])
    cuts = pd.DataFrame([{"outcome": o, "positive_rows": 3, "n_models": 1} for o in OUTCOMES])
    perm = pd.DataFrame({"p_adjusted": [0.01, 0.2]})
    reg = pd.DataFrame([{"condition": "forum", "estimate": 0.8, "lower": 0.2, "upper": 1.4},
                        {"condition": "fatigue", "estimate": -0.2, "lower": -0.9, "upper": 0.4}])
    text = _findings(None, nec, verdicts, cuts, perm, reg, "fake", 100)
    assert "- forum: regression effect positive (0.80 [0.20, 1.40]); set-theoretic: present in 1 of 1" in text
    assert "-> agree" in text
    assert "- fatigue: regression effect uncertain in sign" in text and "do not clearly agree" in text
    assert "1 of 2 tested claims beat chance" in text
