"""The binomial family: ``successes | trials(n) ~ ...`` with a logit link."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymc as pm

from .base import LogitFamily, Response

__all__ = ["Binomial"]


class Binomial(LogitFamily):
    """``y ~ Binomial(n, sigmoid(intercept + eta))`` for aggregated trials."""

    name = "binomial"
    distribution = pm.Binomial

    def _kwargs(self, trials) -> dict:
        return {"n": trials}

    def encode_response(self, spec, data: pd.DataFrame) -> Response:
        if spec.trials is None:
            raise ValueError("the binomial family needs 'successes | trials(n) ~ ...'")
        y = data[spec.response].to_numpy(dtype=float)
        trials = data[spec.trials].to_numpy(dtype=float)
        if (np.any(y != np.round(y)) or np.any(trials != np.round(trials)) or np.any(y < 0)
                or np.any(y > trials)):
            raise ValueError(
                f"binomial response {spec.response!r} must be integers in 0..{spec.trials}"
            )
        return Response(y.astype(int), trials.astype(int))

    def one_outcome_per_row(self, response: Response) -> bool:
        return bool(np.all(response.trials == 1))

    def random(self, mean, trials, rng):
        if trials is None:
            raise ValueError("binomial predictions need the number of trials of every row")
        return rng.binomial(np.asarray(trials), np.asarray(mean, dtype=float)).astype("int64")
