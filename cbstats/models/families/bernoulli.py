"""The Bernoulli family: a 0/1 (or boolean) outcome with a logit link."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymc as pm

from .base import LogitFamily, Response

__all__ = ["Bernoulli"]


class Bernoulli(LogitFamily):
    """``y ~ Bernoulli(sigmoid(intercept + eta))``; ``intercept`` on the original scale."""

    name = "bernoulli"
    distribution = pm.Bernoulli

    def encode_response(self, spec, data: pd.DataFrame) -> Response:
        if spec.trials is not None:
            raise ValueError(f"trials() is only valid with family='binomial', not {self.name!r}")
        col = data[spec.response]
        v = col.to_numpy()
        if not pd.api.types.is_bool_dtype(col) and (
            not pd.api.types.is_numeric_dtype(col) or not np.isin(v, [0, 1]).all()
        ):
            raise ValueError(f"bernoulli response {spec.response!r} must be 0/1 or boolean")
        return Response(v.astype(int))

    def random(self, mean, trials, rng):
        mean = np.asarray(mean, dtype=float)
        return (rng.uniform(size=mean.shape) < mean).astype("int64")
