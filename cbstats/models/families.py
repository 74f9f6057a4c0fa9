"""Likelihood families: one model builder per family, plus numpy counterparts.

Each family provides

* ``build(design, priors, centered=None) -> pm.Model`` -- the PyMC graph (no
  sampling);
* ``loglik(y, eta, par, trials)`` -- pointwise log-likelihood in numpy, used
  for k-fold cross-validation;
* ``mean(eta, par, trials)`` and ``simulate(eta, par, trials, rng)`` -- the
  expected response and posterior-predictive draws, used by ``predict``.

``par`` is the intercept (binary families) or the cutpoints (cumulative),
always on the original (uncentred) scale. A new family (e.g. a discrete-time
hazard model) is a new :class:`Family` entry in :data:`FAMILIES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pymc as pm
import pytensor.tensor as pt
from scipy.special import expit, log_expit

from .design import Design
from .priors import Prior, make_rv, resolve_priors
from .terms import linear_predictor, model_coords, safe_name

__all__ = ["FAMILIES", "Family", "build_model", "cumulative_logp", "rebuild_model"]

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


def _cumulative_random(eta, cuts, rng=None, size=None):
    eta, cuts = np.asarray(eta, dtype=float), np.asarray(cuts, dtype=float)
    batch = tuple(size) if size is not None else np.broadcast_shapes(eta.shape, cuts.shape[:-1])
    eta_b = np.broadcast_to(eta, batch)
    cuts_b = np.broadcast_to(cuts, batch + cuts.shape[-1:])
    u = rng.uniform(size=batch)
    return (u[..., None] > expit(cuts_b - eta_b[..., None])).sum(-1).astype("int64")


def _cutpoint_init(design: Design) -> np.ndarray:
    K = len(design.response_levels)
    counts = np.bincount(design.y, minlength=K) + 0.5
    cum = np.cumsum(counts)[:-1] / counts.sum()
    init = np.log(cum / (1 - cum))
    return init + np.arange(K - 1) * 1e-3  # strictly increasing


def _weights(obs_weights):
    """Observation weights as a data container (changeable without recompiling)."""
    return pm.Data("obs_weight", np.asarray(obs_weights, dtype="float64"), dims="obs")


def build_cumulative(
    design: Design,
    priors: dict[str, Prior],
    centered: bool | None = None,
    obs_weights: np.ndarray | None = None,
) -> pm.Model:
    """Cumulative (proportional-odds) logit model with K - 1 ordered cutpoints.

    ``P(y <= k) = sigmoid(c_k - eta)``; there is no separate intercept. The
    sampled ``cutpoints_centered`` refer to the centred predictors; the
    Deterministic ``cutpoints`` are on the original scale.

    With ``obs_weights`` the likelihood is a weighted sum of the pointwise
    log-probabilities (a ``Potential``) whose weights live in the data
    container ``obs_weight``: exact k-fold cross-validation sets the weights
    of held-out rows to 0 and re-samples one compiled model.
    """
    with pm.Model(coords=model_coords(design)) as model:
        eta, offset = linear_predictor(design, priors, center=True, centered=centered)
        cuts = make_rv(
            "cutpoints_centered",
            priors["cutpoints"],
            dims="cutpoint",
            transform=pm.distributions.transforms.ordered,
        )
        pm.Deterministic("cutpoints", cuts + offset, dims="cutpoint")
        if obs_weights is not None:
            logp = cumulative_logp(pt.as_tensor(design.y), eta, cuts)
            pm.Potential("weighted_loglik", pt.sum(_weights(obs_weights) * logp))
            return model
        pm.CustomDist(
            safe_name(design.spec.response),
            eta,
            cuts,
            logp=cumulative_logp,
            random=_cumulative_random,
            signature="(),(k)->()",
            dtype="int64",
            observed=design.y,
            dims="obs",
        )
    return model


def _binary_eta(design, priors, centered):
    center = design.has_intercept
    eta, offset = linear_predictor(design, priors, center=center, centered=centered)
    if design.has_intercept:
        alpha = make_rv("intercept_centered", priors["intercept"])
        pm.Deterministic("intercept", alpha - offset)
        eta = eta + alpha
    return eta


def _build_logit(design: Design, priors: dict[str, Prior], centered: bool | None,
                 obs_weights: np.ndarray | None, dist: type, **dist_kwargs) -> pm.Model:
    """Shared builder of the logit-link families (Bernoulli, Binomial)."""
    with pm.Model(coords=model_coords(design)) as model:
        eta = _binary_eta(design, priors, centered)
        if obs_weights is not None:
            logp = pm.logp(dist.dist(logit_p=eta, **dist_kwargs), design.y)
            pm.Potential("weighted_loglik", pt.sum(_weights(obs_weights) * logp))
        else:
            dist(safe_name(design.spec.response), logit_p=eta, observed=design.y, dims="obs",
                 **dist_kwargs)
    return model


def build_bernoulli(
    design: Design,
    priors: dict[str, Prior],
    centered: bool | None = None,
    obs_weights: np.ndarray | None = None,
) -> pm.Model:
    """Bernoulli model with logit link (``intercept`` reported on the original scale).

    ``obs_weights``: see :func:`build_cumulative`.
    """
    return _build_logit(design, priors, centered, obs_weights, pm.Bernoulli)


def build_binomial(
    design: Design,
    priors: dict[str, Prior],
    centered: bool | None = None,
    obs_weights: np.ndarray | None = None,
) -> pm.Model:
    """Binomial model with logit link for ``successes | trials(n)`` responses.

    ``obs_weights``: see :func:`build_cumulative`.
    """
    return _build_logit(design, priors, centered, obs_weights, pm.Binomial, n=design.trials)


# --- numpy counterparts (draws in leading axes, observations last) ----------


def _cum_probs(eta, cuts):
    cdf = expit(cuts[..., None, :] - eta[..., None])  # (..., N, K-1)
    ones = np.ones(cdf.shape[:-1] + (1,))
    cdf = np.concatenate([np.zeros_like(ones), cdf, ones], axis=-1)
    return np.diff(cdf, axis=-1)  # (..., N, K)


def _cum_loglik(y, eta, cuts, trials=None):
    c_ext = np.concatenate(
        [np.full(cuts.shape[:-1] + (1,), -np.inf), cuts, np.full(cuts.shape[:-1] + (1,), np.inf)],
        axis=-1,
    )
    upper = np.take_along_axis(c_ext, np.broadcast_to(y + 1, eta.shape), axis=-1) - eta
    lower = np.take_along_axis(c_ext, np.broadcast_to(y, eta.shape), axis=-1) - eta
    with np.errstate(divide="ignore", invalid="ignore"):
        out = log_expit(upper) + log_expit(-lower) + np.log1p(-np.exp(lower - upper))
    return out


def _cum_simulate(eta, cuts, trials, rng):
    cdf = expit(cuts[..., None, :] - eta[..., None])
    u = rng.uniform(size=eta.shape)
    return (u[..., None] > cdf).sum(-1)


def _bern_loglik(y, eta, alpha, trials=None):
    eta = eta + alpha[..., None]
    return y * log_expit(eta) + (1 - y) * log_expit(-eta)


def _binom_loglik(y, eta, alpha, trials):
    from scipy.special import gammaln

    eta = eta + alpha[..., None]
    lc = gammaln(trials + 1) - gammaln(y + 1) - gammaln(trials - y + 1)
    return lc + y * log_expit(eta) + (trials - y) * log_expit(-eta)


@dataclass(frozen=True)
class Family:
    """A likelihood family: builder plus numpy helpers."""

    name: str
    build: Callable[..., pm.Model]
    loglik: Callable
    mean: Callable
    simulate: Callable
    par: str  # "cutpoints" or "intercept"

    def initvals(self, design: Design) -> dict[str, np.ndarray]:
        """Starting values the sampler needs (ordered cutpoints cannot start at 0)."""
        if self.name == "cumulative":
            return {"cutpoints_centered": _cutpoint_init(design)}
        return {}


FAMILIES: dict[str, Family] = {
    "cumulative": Family(
        "cumulative",
        build_cumulative,
        _cum_loglik,
        lambda eta, cuts, trials=None: _cum_probs(eta, cuts),
        _cum_simulate,
        "cutpoints",
    ),
    "bernoulli": Family(
        "bernoulli",
        build_bernoulli,
        _bern_loglik,
        lambda eta, a, trials=None: expit(eta + a[..., None]),
        lambda eta, a, trials, rng: (
            rng.uniform(size=eta.shape) < expit(eta + a[..., None])
        ).astype(int),
        "intercept",
    ),
    "binomial": Family(
        "binomial",
        build_binomial,
        _binom_loglik,
        lambda eta, a, trials=None: expit(eta + a[..., None]),
        lambda eta, a, trials, rng: rng.binomial(trials, expit(eta + a[..., None])),
        "intercept",
    ),
}


def get_family(name: str) -> Family:
    """Look up a family by name (ValueError listing the known ones)."""
    if name not in FAMILIES:
        raise ValueError(f"unknown family {name!r}; available: {sorted(FAMILIES)}")
    return FAMILIES[name]


def build_model(
    design: Design,
    priors: dict[str, Prior],
    centered: bool | None = None,
    obs_weights: np.ndarray | None = None,
) -> pm.Model:
    """Build the PyMC model for ``design.family`` (weighted likelihood if ``obs_weights``)."""
    return get_family(design.family).build(design, priors, centered, obs_weights=obs_weights)


def rebuild_model(result, obs_weights: np.ndarray | None = None) -> pm.Model:
    """The PyMC model of a fitted result, from its stored design, prior overrides and options.

    Parameters
    ----------
    result : BayesResult
        A fitted (or loaded) result; its data are not needed again.
    obs_weights : array, optional
        Observation weights of a weighted likelihood (see :func:`build_model`).

    Returns
    -------
    pymc.Model
        The same graph as the one that was sampled (same priors, same
        ``centered`` choice), e.g. for ``pm.compute_log_prior`` or k-fold refits.
    """
    priors = resolve_priors(result.design, result.priors_input or None)
    return build_model(result.design, priors, result.fit_options.get("centered"),
                       obs_weights=obs_weights)
