"""Shared building blocks of the linear predictor (used inside a model context).

Geometry choices
----------------
* **Centred population predictors.** Columns of the design matrix are centred
  at their sample means before sampling, so the intercept (or the cutpoints)
  is nearly uncorrelated with the slopes. ``mo()`` terms are centred the same
  way (at the sample mean of their monotonic transform, which depends on the
  simplex and is computed inside the graph). The builders add back the
  ``offset`` so that ``intercept``/``cutpoints`` are reported on the original
  scale.
* **Zero-sum varying effects.** With an intercept or cutpoints in the model,
  group effects are given a :class:`pymc.ZeroSumNormal` distribution: they sum
  to zero over the levels, so their mean cannot trade off against the
  intercept or (in the ordinal model) shift all cutpoints at once. That
  ridge is what makes a naive cumulative model with ~300 group levels mix
  badly. The ZeroSumNormal with scale ``sd`` is exactly the distribution of
  i.i.d. ``Normal(0, sd)`` effects after removing their mean (which the
  intercept absorbs), so ``sd`` keeps its usual meaning and new levels are
  drawn from ``Normal(0, sd)``.
* **Centred or non-centred.** Varying intercepts use the non-centred form
  ``r = sd * z`` (``z`` zero-sum with unit scale) when groups are small,
  which avoids the funnel between ``sd`` and the effects; with many
  observations per level (``n / levels >= 100`` by default) the centred form
  ``r ~ ZeroSumNormal(sd)`` is better conditioned and is used instead.
  Correlated varying slopes are always non-centred via the Cholesky factor of
  an LKJ covariance.
* **Folded standard deviations.** In the non-centred form the scale of a
  varying intercept is sampled as a real number ``s`` with the symmetric
  counterpart of its prior (``Normal(0, 1)`` for ``halfnormal(1)``, likewise
  Student-t and Cauchy) and the model uses ``r = s * z`` and reports
  ``sd = |s|``; ``|s|`` has exactly the stated half-prior, so the model is
  unchanged (a redundant, "parameter-expanded" parameterisation in the sense
  of Gelman 2006 and Gelman, van Dyk, Huang & Boscardin 2008). The sampler then
  moves through ``sd = 0`` smoothly instead of exploring the long left tail
  of ``log(sd)``, which is where group-level SDs of small case datasets
  (posterior mass near zero) mixed slowly. The sign of ``s`` and ``z`` is not
  identified, but ``sd`` and the effects ``r`` are, and only they are
  reported and diagnosed. An ``exponential`` prior keeps the log-transformed
  ``sd``.
* **Monotonic effects** with the same number of steps share one batched
  Dirichlet, and all of them enter the linear predictor through one constant
  matrix product (see :func:`monotonic_effects`).
"""

from __future__ import annotations

import re

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from .design import Design, GroupDesign, MonoDesign
from .priors import Prior, make_dist, make_rv, make_signed_scale_rv

__all__ = ["safe_name", "model_coords", "linear_predictor", "design_arrays", "mono_steps",
           "CENTERED_MIN_PER_LEVEL"]

CENTERED_MIN_PER_LEVEL = 100


def safe_name(name: str) -> str:
    """A variable-name-safe version of a term or group name."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name.replace(":", "__"))


def coef_dim(g: GroupDesign) -> str:
    return f"{g.name}__coef"


def step_dim(m: MonoDesign) -> str:
    return f"{m.term.var}__step"


def model_coords(design: Design) -> dict[str, list]:
    """Named coordinates of every dimension of the model."""
    coords: dict[str, list] = {"obs": list(design.obs_ids)}
    if design.coef_names:
        coords["term"] = design.coef_names
    for g in design.groups:
        coords[g.name] = g.levels
        if g.k > 1:
            coords[coef_dim(g)] = g.term.coef_names
            coords[coef_dim(g) + "_bis"] = g.term.coef_names
    for m in design.mono:
        coords[step_dim(m)] = [str(v) for v in m.levels[1:]]
    for D, members in mono_batches(design).items():
        term_dim, batch_step_dim = batch_dims(D)
        coords[term_dim] = [design.mono[i].term.name for i in members]
        coords[batch_step_dim] = [str(j + 1) for j in range(D)]
    return coords


def mono_batches(design: Design) -> dict[int, list[int]]:
    """Positions of the ``mo()`` terms grouped by their number of steps ``D``."""
    batches: dict[int, list[int]] = {}
    for i, m in enumerate(design.mono):
        batches.setdefault(m.D, []).append(i)
    return batches


def batch_dims(D: int) -> tuple[str, str]:  # noqa: N803 - D as in the paper
    """Dimension names of the batched simplex of the ``mo()`` terms with D steps."""
    return f"mo{D}__term", f"mo{D}__step"


def mono_steps(design: Design, indices: list[np.ndarray] | None = None) -> np.ndarray:
    """Step indicators of every ``mo()`` term, in the column order of the model.

    ``indices`` are the level indices of each ``mo()`` term (default: the
    design's own rows); columns are grouped by batch (terms with equal ``D``)
    as in :func:`monotonic_effects`. Shape ``(N, sum of D)``.
    """
    if indices is None:
        indices = [m.index for m in design.mono]
    columns = [np.zeros((len(indices[0]) if indices else design.n_obs, 0))]
    for _, members in mono_batches(design).items():
        for i in members:
            columns.append(design.mono[i].step_matrix(np.asarray(indices[i])))
    return np.concatenate(columns, axis=1)


def design_arrays(design: Design, new: dict | None = None) -> dict[str, np.ndarray]:
    """The numeric inputs of the model graph, by data-container name.

    ``new`` is the output of :meth:`Design.new_arrays` (arrays of new data; the
    group indices may point past the fitted levels); None gives the fitted
    rows. Keys: ``data_X``, ``data_mo_steps``, ``data_index_<g>``,
    ``data_Z_<g>`` and ``data_trials`` (when the design has trials).
    """
    if new is None:
        new = {"X": design.X, "mono": [m.index for m in design.mono],
               "groups": [g.index for g in design.groups], "Z": [g.Z for g in design.groups],
               "trials": design.trials}
    out = {"data_X": np.asarray(new["X"], dtype="float64"),
           "data_mo_steps": mono_steps(design, new["mono"]) if design.mono else
           np.zeros((len(new["X"]), 0))}
    for g, idx, Z in zip(design.groups, new["groups"], new["Z"], strict=True):
        out[f"data_index_{safe_name(g.name)}"] = np.asarray(idx, dtype="int32")
        out[f"data_Z_{safe_name(g.name)}"] = np.asarray(Z, dtype="float64")
    if design.trials is not None:
        trials = new.get("trials")  # absent for new data without the trials column
        out["data_trials"] = np.asarray(np.ones(len(new["X"])) if trials is None else trials,
                                        dtype="int64")
    return out


def population_effects(design: Design, priors: dict[str, Prior], center: bool, data: dict):
    """Population terms and ``mo()`` terms: returns ``(eta, offset)``.

    ``eta`` uses centred predictors when ``center``; ``offset`` is what the
    uncentred linear predictor adds (``eta_raw = eta + offset``). ``data``
    holds the data containers (see :func:`design_arrays`); the centring
    constants always come from the fitted rows of ``design``.
    """
    names = design.coef_names
    n_rows = data["data_X"].shape[0]
    if not names:
        return pt.zeros((n_rows,)), pt.constant(0.0)
    ps = [priors[f"b[{n}]"] for n in names]
    if len({p.dist for p in ps}) == 1 and ps[0].dist in ("normal", "student_t"):
        kw = {k: np.array([p.params[k] for p in ps]) for k in ps[0].params}
        if ps[0].dist == "normal":
            b = pm.Normal("b", mu=kw["mu"], sigma=kw["sigma"], dims="term")
        else:
            b = pm.StudentT("b", nu=kw["nu"], mu=kw["mu"], sigma=kw["sigma"], dims="term")
    else:
        parts = [make_rv(f"b_{safe_name(n)}", p) for n, p in zip(names, ps, strict=True)]
        b = pm.Deterministic("b", pt.stack(parts), dims="term")
    p = design.X.shape[1]
    offset = pt.constant(0.0)
    if p:
        mean = design.X_mean if center else np.zeros(p)
        eta = pt.dot(data["data_X"] - mean, b[:p])
        offset = offset + pt.dot(mean, b[:p])
    else:
        eta = pt.zeros((n_rows,))
    eta_mo, offset_mo = monotonic_effects(design, priors, b[p:], center, data)
    return eta + eta_mo, offset + offset_mo


def monotonic_effects(design: Design, priors: dict[str, Prior], b_mo, center: bool, data: dict):
    """All ``mo()`` terms at once: returns ``(eta, offset)``.

    The terms with the same number of steps ``D`` share one batched Dirichlet
    ``simplex_steps<D>`` (one row per term); each term's simplex is also
    recorded as the Deterministic ``simplex_<var>``. The monotonic transform
    ``D * cumsum(zeta)[index]`` of every term is one product of the constant
    matrix of step indicators with the step weights ``b * D * zeta``, centred
    (if ``center``) by subtracting the column means of that matrix, so the
    whole block costs a single matrix-vector product.
    """
    if not design.mono:
        return pt.zeros((data["data_X"].shape[0],)), pt.constant(0.0)
    weights = []
    for D, members in mono_batches(design).items():
        alpha = np.array([
            np.full(D, priors[f"simplex[{design.mono[i].term.name}]"].params["alpha"])
            for i in members
        ])
        zeta = pm.Dirichlet(f"simplex_steps{D}", a=alpha, dims=batch_dims(D))
        for row, i in enumerate(members):
            m = design.mono[i]
            pm.Deterministic(f"simplex_{safe_name(m.term.var)}", zeta[row], dims=step_dim(m))
        weights.append((zeta * (b_mo[members] * D)[:, None]).ravel())
    w = pt.concatenate(weights) if len(weights) > 1 else weights[0]
    fitted = mono_steps(design)  # centring constants from the fitted rows
    mean = fitted.mean(axis=0) if center else np.zeros(fitted.shape[1])
    return pt.dot(data["data_mo_steps"] - mean, w), pt.dot(mean, w)


def _use_centered(design: Design, g: GroupDesign, centered: bool | None) -> bool:
    if g.k > 1:
        return False
    if centered is not None:
        return centered
    return (not g.term.mm) and design.n_obs / len(g.levels) >= CENTERED_MIN_PER_LEVEL


def varying_effects(
    design: Design,
    g: GroupDesign,
    priors: dict[str, Prior],
    *,
    zero_sum: bool,
    centered: bool | None = None,
    data: dict,
):
    """The contribution of one ``(... | g)`` or ``mm()`` term to the linear predictor.

    Creates ``sd_<g>`` (and ``cor_<g>`` for correlated slopes) and the
    Deterministic or free variable ``r_<g>`` of group-level effects with the
    grouping factor's levels as coordinate.
    """
    nm = safe_name(g.name)
    index, Z = data[f"data_index_{nm}"], data[f"data_Z_{nm}"]
    sd_prior = priors[f"sd[{g.name}]"]
    if g.k == 1:
        centred = _use_centered(design, g, centered)
        signed = None if centred else make_signed_scale_rv(f"sd_{nm}_signed", sd_prior)
        if signed is None:
            sd = scale = make_rv(f"sd_{nm}", sd_prior)
        else:  # folded: sd = |signed| has exactly the stated prior
            scale = signed
            sd = pm.Deterministic(f"sd_{nm}", pt.abs(signed))
        if centred:
            if zero_sum:
                r = pm.ZeroSumNormal(f"r_{nm}", sigma=sd, dims=g.name)
            else:
                r = pm.Normal(f"r_{nm}", 0.0, sigma=sd, dims=g.name)
        else:
            if zero_sum:
                z = pm.ZeroSumNormal(f"z_{nm}", sigma=1.0, dims=g.name)
            else:
                z = pm.Normal(f"z_{nm}", 0.0, 1.0, dims=g.name)
            r = pm.Deterministic(f"r_{nm}", scale * z, dims=g.name)
        if g.term.mm:
            M = g.index.shape[1]
            return r[index].sum(axis=1) / M
        return r[index] * Z[:, 0]
    # correlated varying intercept(s) and slopes: non-centred with LKJ Cholesky factor
    eta = priors[f"cor[{g.name}]"].params["eta"]
    packed = pm.LKJCholeskyCov(
        f"chol_{nm}", n=g.k, eta=eta, sd_dist=make_dist(sd_prior, shape=g.k), compute_corr=False
    )
    chol = pm.expand_packed_triangular(g.k, packed, lower=True)
    stds = pt.sqrt(pt.sum(chol**2, axis=1))
    pm.Deterministic(f"sd_{nm}", stds, dims=coef_dim(g))
    corr = pt.dot(chol, chol.T) / pt.outer(stds, stds)
    pm.Deterministic(f"cor_{nm}", corr, dims=(coef_dim(g), coef_dim(g) + "_bis"))
    pop_cols = set(design.terms)
    all_zero_sum = zero_sum and all(c == "Intercept" or c in pop_cols for c in g.term.coef_names)
    if all_zero_sum:
        z = pm.ZeroSumNormal(f"z_{nm}", sigma=1.0, dims=(coef_dim(g), g.name))
    else:
        z = pm.Normal(f"z_{nm}", 0.0, 1.0, dims=(coef_dim(g), g.name))
    r = pm.Deterministic(f"r_{nm}", pt.dot(chol, z).T, dims=(g.name, coef_dim(g)))
    return (r[index] * Z).sum(axis=1)


def linear_predictor(
    design: Design, priors: dict[str, Prior], *, center: bool, centered: bool | None = None,
    data: dict | None = None,
):
    """Assemble population, monotonic and varying terms: returns ``(eta, offset)``.

    Must be called inside a :class:`pymc.Model` context with
    :func:`model_coords` registered. ``data`` maps the names of
    :func:`design_arrays` to tensors (data containers); by default
    :class:`pymc.Data` containers of the fitted rows are created.
    """
    if data is None:
        data = {k: pm.Data(k, v) for k, v in design_arrays(design).items()}
    eta, offset = population_effects(design, priors, center, data)
    for g in design.groups:
        eta = eta + varying_effects(design, g, priors, zero_sum=center, centered=centered,
                                    data=data)
    return eta, offset
