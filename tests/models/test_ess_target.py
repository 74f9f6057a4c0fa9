"""fit(..., ess=N): sampling continues, adaptation kept, until the bulk-ESS target or a cap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbstats.models import fit
from cbstats.models.ess_target import EssTarget, diagnostics_row, next_checkpoint


def test_checkpoints_and_options():
    # ESS grows about linearly: 400 reached at 100 of 1000 draws -> 4,400 (10 % margin)
    assert next_checkpoint(1000, 100.0, 400, 10_000, 1000) == 4400
    assert next_checkpoint(1000, 100.0, 400, 3000, 1000) == 3000  # the cap
    assert next_checkpoint(1000, 390.0, 400, 10_000, 1000) == 1250  # at least a quarter batch more
    assert next_checkpoint(1000, float("nan"), 400, 10_000, 1000) == 2000
    assert EssTarget.make(400, 1000, None, None) == EssTarget(400, 10_000, None)
    with pytest.raises(ValueError, match="ess must be a positive integer.*max_draws must be"):
        EssTarget.make(0, 1000, 10, None)
    with pytest.raises(ValueError, match="max_time"):
        EssTarget.make(400, 1000, None, -1)


def _data(n=120, seed=5):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"x": rng.normal(size=n), "g": rng.choice(list("abcdef"), n)})
    eta = 0.8 * df.x + rng.normal(size=6)[pd.factorize(df.g, sort=True)[0]]
    return df.assign(y=(rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int))


@pytest.mark.slow
def test_target_continues_the_same_chains_and_is_recorded():
    df = _data()
    kw = dict(draws=100, tune=200, chains=2, seed=11, progressbar=False, check=False)
    plain = fit("y ~ x + (1 | g)", df, "bernoulli", **kw)
    res = fit("y ~ x + (1 | g)", df, "bernoulli", ess=400, **kw)
    attrs = res.idata.sample_stats.attrs
    n = res.posterior.sizes["draw"]
    assert attrs["ess_target"] == 400 and attrs["ess_draws_per_chain"] == n
    assert attrs["ess_batches"] >= 2 and n > 100 and attrs["ess_cap_hit"] == ""
    summary = res.summary(group_effects=True)
    assert summary["ess_bulk"].min() == pytest.approx(attrs["ess_achieved"]) and attrs["ess_achieved"] >= 400
    # the first 100 draws are those of the plain fit: the same chains, continued
    np.testing.assert_array_equal(res.posterior["b"].values[:, :100], plain.posterior["b"].values)
    assert res.idata.log_likelihood.sizes["draw"] == n
    row = res.diagnostics(warn=False).set_index("check").loc["ess_target"]
    assert row["passed"] and f"sampled {n} draws per chain" in row["threshold"]
    assert "ess_target" not in set(plain.diagnostics(warn=False)["check"])
    again = fit("y ~ x + (1 | g)", df, "bernoulli", ess=400, **kw)  # reproducible
    np.testing.assert_array_equal(again.posterior["b"].values, res.posterior["b"].values)


@pytest.mark.slow
def test_draw_cap_is_hit_and_reported():
    res = fit("y ~ x + (1 | g)", _data(), "bernoulli", draws=100, tune=200, chains=2, seed=3,
              progressbar=False, check=False, ess=100_000, max_draws=150)
    attrs = res.idata.sample_stats.attrs
    assert res.posterior.sizes["draw"] == 150 and attrs["ess_cap_hit"] == "draws"
    row = diagnostics_row(res.idata)
    assert not row["passed"] and "draws cap hit" in row["threshold"] and row["failing"]
