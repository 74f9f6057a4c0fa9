"""The cumulative (proportional-odds) logit family for ordered outcomes.

``P(y <= k) = sigmoid(c_k - eta)`` with K - 1 ordered cutpoints and no
separate intercept. The sampled ``cutpoints_centered`` refer to the centred
predictors; the Deterministic ``cutpoints`` are on the original scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt

from .base import Family, Response

__all__ = ["Cumulative", "cumulative_logp"]

_PAD = 1e4  # stands in for -inf/+inf cutpoints; keeps gradients finite


def _log_sigmoid(x):
    return -pt.softplus(-x)


def cumulative_logp(value, eta, cuts):
    """Cumulative-logit log-probability, computed stably and vectorised.

    ``P(y = k) = sigmoid(c_k - eta) - sigmoid(c_{k-1} - eta)`` with
    ``c_{-1} = -inf`` and ``c_{K-1} = +inf``. Using the identity
    ``sigmoid(a) - sigmoid(b) = sigmoid(a) * sigmoid(-b) * (1 - exp(b - a))``
    the log-probability is ``log_sigmoid(a) + log_sigmoid(-b) + log1mexp(b - a)``,
    one gather per row and no N x K probability matrix.
    """
    value = pt.cast(value, "int64")
    if cuts.ndim > 1 and all(cuts.type.broadcastable[:-1]):
        cuts = cuts.reshape((cuts.shape[-1],))  # PyMC adds a leading length-1 batch dim
    if cuts.ndim == 1:
        c_ext = pt.concatenate([pt.as_tensor([-_PAD]), cuts, pt.as_tensor([_PAD])])
        a = c_ext[value + 1] - eta
        b = c_ext[value] - eta
    else:  # genuinely batched cutpoints (not produced by the builders)
        pad = pt.ones_like(cuts[..., :1]) * _PAD
        c_ext = pt.concatenate([-pad, cuts, pad], axis=-1)
        a = pt.take_along_axis(c_ext, (value + 1)[..., None], axis=-1)[..., 0] - eta
        b = pt.take_along_axis(c_ext, value[..., None], axis=-1)[..., 0] - eta
    return _log_sigmoid(a) + _log_sigmoid(-b) + pt.log1mexp(b - a)


def category_probabilities(eta, cuts):
    """``P(y = k)`` for every category (pytensor; last axis = category)."""
    cdf = pt.sigmoid(cuts[None, :] - eta[:, None])
    lower = pt.zeros_like(cdf[:, :1])
    upper = pt.ones_like(cdf[:, :1])
    return pt.diff(pt.concatenate([lower, cdf, upper], axis=1), axis=1)


def _draw_categories(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Inverse-CDF draws of category codes from probabilities (last axis = category)."""
    cdf = np.cumsum(probs, axis=-1)[..., :-1]
    u = rng.uniform(size=probs.shape[:-1])
    return (u[..., None] > cdf).sum(-1).astype("int64")


def _cumulative_random(eta, cuts, rng=None, size=None):
    """Random generation of the observed variable (PyMC prior/posterior predictive)."""
    eta, cuts = np.asarray(eta, dtype=float), np.asarray(cuts, dtype=float)
    batch = tuple(size) if size is not None else np.broadcast_shapes(eta.shape, cuts.shape[:-1])
    eta_b = np.broadcast_to(eta, batch)
    cuts_b = np.broadcast_to(cuts, batch + cuts.shape[-1:])
    cdf = 1.0 / (1.0 + np.exp(-(cuts_b - eta_b[..., None])))
    ones = np.ones(batch + (1,))
    probs = np.diff(np.concatenate([0 * ones, cdf, ones], axis=-1), axis=-1)
    return _draw_categories(probs, rng)


class Cumulative(Family):
    """Cumulative logit model for an ordered response with K >= 2 categories."""

    name = "cumulative"
    prior_class = "cutpoints"
    outcome = "ordinal"

    def encode_response(self, spec, data: pd.DataFrame) -> Response:
        from ..design import _encode_ordinal, _ordinal_levels

        if spec.trials is not None:
            raise ValueError(f"trials() is only valid with family='binomial', not {self.name!r}")
        col = data[spec.response]
        levels = _ordinal_levels(col)
        if len(levels) < 2:
            raise ValueError(f"response {spec.response!r} needs at least 2 ordered categories")
        return Response(_encode_ordinal(col, levels, spec.response), None, levels)

    def coords(self, design):
        lv = [str(v) for v in design.response_levels]
        return {"cutpoint": [f"{a}|{b}" for a, b in zip(lv[:-1], lv[1:], strict=True)]}

    def initvals(self, design):
        K = len(design.response_levels)
        counts = np.bincount(design.y, minlength=K) + 0.5
        cum = np.cumsum(counts)[:-1] / counts.sum()
        init = np.log(cum / (1 - cum))
        return {"cutpoints_centered": init + np.arange(K - 1) * 1e-3}  # strictly increasing

    def add_parameters(self, design, priors, offset):
        from ..priors import make_rv

        cuts = make_rv("cutpoints_centered", priors["cutpoints"], dims="cutpoint",
                       transform=pm.distributions.transforms.ordered)
        pm.Deterministic("cutpoints", cuts + offset, dims="cutpoint")
        return (cuts,)

    def logp(self, y, eta, params, trials):
        return cumulative_logp(y, eta, params[0])

    def mean(self, eta, params, trials):
        return category_probabilities(eta, params[0])

    def add_observed(self, name, y, eta, params, trials):
        return pm.CustomDist(name, eta, params[0], logp=cumulative_logp, random=_cumulative_random,
                             signature="(),(k)->()", dtype="int64", observed=y, dims="obs")

    def random(self, mean, trials, rng):
        return _draw_categories(np.asarray(mean, dtype=float), rng)

    def decode(self, design, codes):
        return np.asarray(design.response_levels)[np.asarray(codes)]

    def categories(self, design):
        return [str(v) for v in design.response_levels]
