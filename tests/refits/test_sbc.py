"""Simulation-based calibration: rank statistics, uniformity test, plot, and that it can fail."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from cbstats.refits.ranks import ecdf_band, ranks_of, uniformity_test
from cbstats.refits.sbc import sbc

FIT_PRIORS = {"b": "normal(0, 0.5)", "intercept": "normal(0, 1)"}
SBC_OPTIONS = {"n_sims": 30, "draws": 100, "tune": 150, "chains": 1, "seed": 11,
               "priors": FIT_PRIORS, "progress": False}


def design(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame({"x": rng.normal(size=n), "y": rng.integers(0, 2, n)})


@pytest.fixture(scope="module")
def calibrated():
    return sbc("y ~ x", design(), "bernoulli", executor="serial", **SBC_OPTIONS)


def test_ranks_by_hand():
    draws = np.array([[0.1, 5.0], [0.2, 6.0], [0.3, 7.0], [0.4, 8.0]])
    assert ranks_of(draws, np.array([0.25, 100.0])).tolist() == [2, 4]
    assert ranks_of(draws, np.array([0.0, 6.0])).tolist() == [0, 1]  # a tie counts half


def test_uniformity_test_accepts_uniform_and_rejects_skewed_ranks():
    rng = np.random.default_rng(0)
    uniform = rng.integers(0, 100, size=200)
    assert uniformity_test(uniform, 99).p_value > 0.05
    skewed = np.minimum(99, (rng.beta(2, 1, size=200) * 100).astype(int))  # posterior too low
    assert uniformity_test(skewed, 99).p_value < 0.01
    u_shaped = np.where(rng.random(200) < 0.5, rng.integers(0, 10, 200), rng.integers(90, 100, 200))
    assert uniformity_test(u_shaped, 99).p_value < 0.01  # overconfident posterior
    z, lower, upper = ecdf_band(200, 99)
    assert np.all(lower <= z + 1e-12) and np.all(upper >= z - 1e-12) and np.all(upper - lower < 0.25)


@pytest.mark.slow
def test_sbc_of_a_calibrated_model(calibrated):
    r = calibrated
    assert sorted(r.ranks.columns) == ["b[x]", "intercept"]
    assert len(r.ranks) == 30 and r.n_failed == len(r.failures())
    assert r.ranks.to_numpy().min() >= 0 and r.ranks.to_numpy().max() <= r.n_rank_draws == 99
    table = r.table()
    assert list(table.columns) == ["parameter", "n_sims", "mean_rank_frac", "p_value", "non_uniform"]
    # two parameters, each tested at 5%: a calibrated model is flagged by chance about one time in
    # ten, so the check here is at 1% per parameter (the miscalibrated model below gives p < 0.01)
    assert (table["p_value"] > 0.01).all(), table
    assert r.compiles == {os.getpid(): r.compiles[os.getpid()]}
    assert sum(r.compiles.values()) <= 1  # 30 refits, at most one compilation (0: cached earlier)
    # the truth is drawn from the prior: b ~ normal(0, 0.5)
    assert 0.3 < r.truth["b[x]"].std() < 0.8


@pytest.mark.slow
def test_sbc_detects_a_miscalibrated_model(calibrated):
    # the simulator draws b from a much wider prior than the one the fit assumes: the fitted
    # posterior is shrunk towards 0, so true values land in the tails of their posteriors
    wrong = sbc("y ~ x", design(), "bernoulli", executor="serial",
                simulate_priors={"b": "normal(0, 4)", "intercept": "normal(0, 1)"},
                **SBC_OPTIONS)
    table = wrong.table().set_index("parameter")
    assert table.loc["b[x]", "non_uniform"], table
    assert table.loc["b[x]", "p_value"] < 0.01
    assert wrong.non_uniform() == ["b[x]"] or "b[x]" in wrong.non_uniform()
    assert "b[x]" in wrong.summary()


@pytest.mark.slow
def test_sbc_plot(calibrated):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from cbstats.plots.sbc import sbc_ecdf_data

    fig = calibrated.plot(prob=0.9)
    assert isinstance(fig, Figure) and len([a for a in fig.axes if a.get_visible()]) == 2
    data = sbc_ecdf_data(calibrated)
    assert set(data["parameter"]) == {"intercept", "b[x]"}
    assert (data["lower_diff"] <= data["upper_diff"]).all()
    plt.close(fig)
    with pytest.raises(TypeError):
        calibrated.plot(0.9, None)  # keyword-only options


def test_uniformity_test_rejects_exactly_when_the_ecdf_leaves_the_band():
    # the documented duality: p < 1 - prob  <=>  the ECDF leaves the simultaneous prob band
    from cbstats.refits.ranks import rank_ecdf

    rng = np.random.default_rng(4)
    samples = [rng.integers(0, 100, 150) for _ in range(4)]
    samples += [np.concatenate([rng.integers(0, 100, 125), rng.integers(48, 53, 25)]),
                np.minimum(99, (rng.beta(1.3, 1, 150) * 100).astype(int))]
    outside = []
    for r in samples:
        z, ecdf = rank_ecdf(r, 99)
        _, lower, upper = ecdf_band(r.size, 99, prob=0.95)
        leaves = bool(np.any((ecdf < lower - 1e-12) | (ecdf > upper + 1e-12)))
        assert (uniformity_test(r, 99).p_value < 0.05) == leaves
        outside.append(leaves)
    assert any(outside) and not all(outside)  # both cases occur among these samples
