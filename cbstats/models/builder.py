"""Build the PyMC model of a design: shared terms composed with one family.

The builder is the same for every family: data containers, the linear
predictor of :mod:`cbstats.models.terms`, then the family's parameters and
likelihood (:mod:`cbstats.models.families`). It returns a
:class:`ModelGraph`, which keeps handles on the linear predictor, the family
parameters and the data containers, so that predictions and held-out
densities are computed from this same graph (:mod:`cbstats.models.evaluate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from .design import Design
from .families import Family, get_family
from .priors import Prior, resolve_priors
from .terms import design_arrays, linear_predictor, model_coords, safe_name

if TYPE_CHECKING:
    from .result import BayesResult

__all__ = ["ModelGraph", "build_graph", "build_model", "rebuild_graph", "rebuild_model"]


@dataclass
class ModelGraph:
    """A PyMC model with handles on the pieces that predictions need.

    Attributes
    ----------
    model : pymc.Model
        The model (no sampling has happened).
    family : Family
        The family object that built the likelihood.
    eta : TensorVariable
        The linear predictor as the likelihood sees it (centred predictors,
        group effects included; without the family parameters).
    params : tuple of TensorVariable
        The family parameters as the likelihood sees them (centred
        cutpoints, or the centred intercept, or nothing).
    data : dict
        The data containers by name (see :func:`cbstats.models.terms.design_arrays`;
        plus ``obs_weight`` for a weighted likelihood).
    """

    model: pm.Model
    family: Family
    eta: Any
    params: tuple
    data: dict[str, Any] = field(default_factory=dict)


def build_graph(
    design: Design,
    priors: dict[str, Prior],
    centered: bool | None = None,
    obs_weights: np.ndarray | None = None,
) -> ModelGraph:
    """Build the model of ``design`` with its family (no sampling).

    Parameters
    ----------
    design
        Arrays and levels from :func:`cbstats.models.design.build_design`.
    priors
        Resolved priors (:func:`cbstats.models.priors.resolve_priors`).
    centered
        Parameterisation of varying intercepts (None: chosen per term).
    obs_weights
        If given, the likelihood is a weighted sum of the pointwise
        log-likelihoods (a ``Potential``) with the weights in the data
        container ``obs_weight``: exact k-fold cross-validation sets the
        weights of held-out rows to 0 and re-samples one compiled model.
    """
    family = get_family(design.family)
    with pm.Model(coords={**model_coords(design), **family.coords(design)}) as model:
        data = {name: pm.Data(name, value) for name, value in design_arrays(design).items()}
        eta, offset = linear_predictor(design, priors, center=family.center_predictors(design),
                                       centered=centered, data=data)
        params = family.add_parameters(design, priors, offset)
        trials = data.get("data_trials")
        if obs_weights is not None:
            data["obs_weight"] = pm.Data("obs_weight", np.asarray(obs_weights, dtype="float64"),
                                         dims="obs")
            logp = family.logp(pt.as_tensor(design.y), eta, params, trials)
            pm.Potential("weighted_loglik", pt.sum(data["obs_weight"] * logp))
        else:
            family.add_observed(safe_name(design.spec.response), design.y, eta, params, trials)
    return ModelGraph(model=model, family=family, eta=eta, params=tuple(params), data=data)


def build_model(
    design: Design,
    priors: dict[str, Prior],
    centered: bool | None = None,
    obs_weights: np.ndarray | None = None,
) -> pm.Model:
    """The PyMC model of :func:`build_graph` (weighted likelihood if ``obs_weights``)."""
    return build_graph(design, priors, centered, obs_weights).model


def rebuild_graph(result: BayesResult, obs_weights: np.ndarray | None = None) -> ModelGraph:
    """The graph of a fitted result, from its stored design, prior overrides and options.

    Parameters
    ----------
    result : BayesResult
        A fitted (or loaded) result; its data are not needed again.
    obs_weights : array, optional
        Observation weights of a weighted likelihood (see :func:`build_graph`).

    Returns
    -------
    ModelGraph
        The same graph as the one that was sampled (same priors, same
        ``centered`` choice), e.g. for ``pm.compute_log_prior``, predictions
        or k-fold refits.
    """
    priors = resolve_priors(result.design, result.priors_input or None)
    return build_graph(result.design, priors, result.fit_options.get("centered"),
                       obs_weights=obs_weights)


def rebuild_model(result: BayesResult, obs_weights: np.ndarray | None = None) -> pm.Model:
    """The PyMC model of :func:`rebuild_graph`."""
    return rebuild_graph(result, obs_weights).model
