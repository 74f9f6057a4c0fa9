"""Simulation helpers shared by the models tests."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

GRID = np.array([0.0, 0.33, 0.67, 1.0])


def simulate_ordinal(rng, eta, cuts):
    cdf = expit(np.asarray(cuts)[None, :] - np.asarray(eta)[:, None])
    return (rng.uniform(size=len(eta))[:, None] > cdf).sum(1)


def mono_value(idx, simplex):
    D = len(simplex)
    return D * np.concatenate([[0.0], np.cumsum(simplex)])[idx]
