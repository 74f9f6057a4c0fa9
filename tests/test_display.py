"""Short printed forms: summary tables fit 80 columns, result objects print a few lines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbstats.display import MAX_ROWS, DiagnosticsTable, SummaryTable, compact_summary

COLUMNS = ["term", "param_class", "estimate", "std_error", "lower", "upper", "prob", "ess_bulk",
           "ess_tail", "r_hat", "method"]


def summary_frame(n: int = 5, method: str = "bayes") -> pd.DataFrame:
    rng = np.random.default_rng(0)
    est = rng.normal(size=n) * 10
    terms = [f"b[term_{i}]" for i in range(n)]
    terms[0] = "r(arrangement_id)[a_very_long_arrangement_identifier_name_1990__750-770]"
    bayes = method == "bayes"
    return pd.DataFrame({
        "term": terms, "param_class": "b", "estimate": est, "std_error": np.abs(est) / 3,
        "lower": est - 2, "upper": est + 2, "prob": 0.9,
        "ess_bulk": rng.uniform(100, 5000, n) if bayes else np.nan,
        "ess_tail": rng.uniform(100, 5000, n) if bayes else np.nan,
        "r_hat": rng.uniform(0.99, 1.02, n) if bayes else np.nan, "method": method,
    })[COLUMNS]


def test_summary_prints_in_80_columns_with_the_numbers():
    frame = summary_frame()
    text = repr(SummaryTable(frame))
    lines = text.splitlines()
    assert max(map(len, lines)) <= 80
    assert "90% interval" in lines[1] and "ess_bulk" in lines[1] and "r_hat" in lines[1]
    for row in frame.itertuples():
        line = next(x for x in lines if x.startswith(row.term[:10]))
        for value in (f"{row.estimate:.2f}", f"[{row.lower:.2f}, {row.upper:.2f}]", f"{row.ess_bulk:,.0f}",
                      f"{row.r_hat:.3f}"):
            assert value in line, (value, line)
    assert "…" in lines[2]  # the long label is shortened, not the numbers


def test_summary_stays_a_full_dataframe():
    frame = summary_frame()
    table = SummaryTable(frame)
    assert isinstance(table, pd.DataFrame) and list(table.columns) == COLUMNS
    pd.testing.assert_frame_equal(pd.DataFrame(table), frame)
    assert table.to_csv(index=False) == frame.to_csv(index=False)
    assert table.to_string() == frame.to_string()  # everything, for code and logs
    head = table.head(2)
    assert type(head) is pd.DataFrame  # derived frames are plain DataFrames
    assert "param_class" in repr(table[["term", "param_class"]])  # no compact form without its columns


def test_baseline_summary_shows_standard_errors_and_long_tables_are_cut():
    text = compact_summary(summary_frame(5, method="mle"))
    assert "std_error" in text and "r_hat" not in text and "(Wald)" in text
    long = compact_summary(summary_frame(MAX_ROWS + 5))
    assert f"... {MAX_ROWS + 5 - 40} more rows ..." in long
    assert f"b[term_{MAX_ROWS + 4}]" in long and len(long.splitlines()) < 50


def test_diagnostics_table_prints_in_80_columns():
    table = DiagnosticsTable(pd.DataFrame({
        "check": ["r_hat", "ess_bulk"], "threshold": ["<= 1.01", ">= 400"], "value": [1.05, 120.0],
        "passed": [False, False], "n_failing": [30, 2],
        "failing": [", ".join(f"r(dyad_id)[{i}]" for i in range(30)), "sd(region), b[x]"]}))
    lines = repr(table).splitlines()
    assert lines[0] == "MCMC diagnostics: 0 of 2 checks passed"
    assert max(map(len, lines)) <= 80
    assert "1.050" in lines[2] and "NO" in lines[2] and "30: r(dyad_id)[0]" in lines[2]
    assert "120" in lines[3] and "2: sd(region), b[x]" in lines[3]


def test_elpd_result_repr_is_short():
    from cbstats.models.loo import ELPDResult

    rng = np.random.default_rng(1)
    res = ELPDResult(method="psis-loo", elpd=-152.34, se=8.71, p=12.5, pointwise=rng.normal(size=10_000),
                     pareto_k=rng.uniform(0, 0.8, 10_000), n_high_k=3)
    text = repr(res)
    assert len(text.splitlines()) <= 5 and len(text) < 400
    assert "PSIS-LOO, 10000 observations" in text and "elpd -152.3 (SE 8.7)" in text
    assert "12.5" in text and "3 above the threshold" in text


def test_baseline_result_repr_is_short():
    from cbstats import fit_baseline

    rng = np.random.default_rng(2)
    x = rng.normal(size=200)
    data = pd.DataFrame({"y": (rng.uniform(size=200) < 1 / (1 + np.exp(-x))).astype(int), "x": x})
    result = fit_baseline("y ~ x", data, family="bernoulli")
    lines = repr(result).splitlines()
    assert len(lines) <= 6 and max(map(len, lines)) <= 80
    assert "200 obs." in lines[0] and "y ~ x" in lines[1]
    assert isinstance(result.summary(), SummaryTable)


@pytest.mark.slow
def test_bayes_result_prints_briefly(cbm_like_small):
    import cbstats
    from cbstats import fit

    data = cbm_like_small.assign(forum=cbstats.ordered(cbm_like_small["forum"], levels=[0, 1 / 3, 2 / 3, 1]))
    result = fit("institutionalized ~ mo(forum) + n_interaction + (1 | region)", data, "bernoulli",
                 draws=100, tune=100, chains=2, seed=5, progressbar=False, check=False)
    lines = repr(result).splitlines()
    assert len(lines) <= 6 and max(map(len, lines)) <= 80
    assert "bernoulli model" in lines[0] and "2 chains x 100 draws, seed 5" in repr(result)
    summary = result.summary()
    assert isinstance(summary, SummaryTable) and max(map(len, repr(summary).splitlines())) <= 80
    assert "mo(forum)" in repr(summary)
    assert isinstance(result.diagnostics(warn=False), DiagnosticsTable)


@pytest.fixture
def cbm_like_small() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    n = 80
    forum = rng.choice([0.0, 0.33, 0.67, 1.0], n)
    data = pd.DataFrame({"forum": forum, "n_interaction": rng.poisson(2, n),
                         "region": rng.choice(["a", "b", "c"], n)})
    data["institutionalized"] = (rng.uniform(size=n) < 0.3 + 0.4 * forum).astype(int)
    return data
