"""Shared simulators for the models tests."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

warnings.filterwarnings("ignore", message=".*could not link to a BLAS.*")

from models_sim import GRID, mono_value, simulate_ordinal  # noqa: E402

from cbstats.ordinal import ordered  # noqa: E402


@pytest.fixture(scope="session")
def cbm_like():
    """A simulated stand-in shaped like ``cbstats.load_cbm().cases_wide()``."""
    rng = np.random.default_rng(11)
    n = 120
    states = [2, 365, 710, 750, 770, 200, 220, 255, 640, 350]
    a = rng.choice(states, n)
    b = np.array([rng.choice([s for s in states if s != x]) for x in a])
    df = pd.DataFrame(
        {
            "case_id": [f"case{i:03d}" for i in range(n)],
            "dyad_id": [f"{min(x, y)}_{max(x, y)}" for x, y in zip(a, b, strict=True)],
            "arrangement_id": rng.choice([f"arr{i}" for i in range(25)], n),
            "region": rng.choice(["Europe", "Asia", "Americas", "Middle East"], n),
            "state_a": a,
            "state_b": b,
            "forum": ordered(rng.choice(GRID, n), GRID),
            "leap_of_faith": ordered(rng.choice(GRID, n), GRID),
            "n_interaction": rng.poisson(3, n),
            "institutionalized": rng.integers(0, 2, n),
        }
    )
    eta = 1.5 * mono_value(
        df.forum.cat.codes.to_numpy(), [0.2, 0.3, 0.5]
    ) / 3 + 0.2 * (df.n_interaction - 3)
    df["transformation"] = simulate_ordinal(rng, eta.to_numpy(), [-1.0, 0.3, 1.5])
    return df
