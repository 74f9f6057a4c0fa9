"""Prior specifications: documented weakly-informative defaults and overrides.

Default priors (logit scale; population predictors are centred)
-------------------------------------------------------------------
============  =======================================  =========================================
class         default                                  notes
============  =======================================  =========================================
b             normal(0, 2.5 / sd(x))                   per column x of the design (for ``mo(x)``
                                                       x is the level index 0..D, so b is the
                                                       average effect of one step); sd(x) = 1
                                                       for constant columns
intercept     normal(0, 2.5)                           bernoulli/binomial; on the centred scale
cutpoints     normal(0, 2.5), ordered                  cumulative; on the centred scale
sd            halfnormal(1)                            every group-level standard deviation
cor           lkj(2)                                   correlation of varying intercepts/slopes
simplex       dirichlet(1)                             step proportions of every ``mo()`` term
============  =======================================  =========================================

Overrides are given as a dict whose keys are a class (``"b"``, ``"sd"``,
``"cor"``, ``"cutpoints"``, ``"intercept"``, ``"simplex"``) or one term
(``"b[n_interaction]"``, ``"b[mo(forum)]"``, ``"sd[region]"``, ``"cor[dyad]"``,
``"simplex[mo(forum)]"``); a term key wins over its class key. Values are
strings such as ``"normal(0, 1)"``, ``"student_t(3, 0, 2.5)"``,
``"halfnormal(0.5)"``, ``"exponential(1)"``, ``"lkj(4)"``, ``"dirichlet(2)"``,
a :class:`Prior`, or a dict ``{"dist": "normal", "mu": 0, "sigma": 1}``.
Unknown keys are an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pymc as pm

from .checks import prior_param_problems
from .design import Design

__all__ = ["DEFAULT_PRIORS", "Prior", "resolve_priors", "make_rv", "make_signed_scale_rv"]

# distribution name -> (parameter names in order, pymc class, allowed classes)
_DISTS: dict[str, tuple[tuple[str, ...], str]] = {
    "normal": (("mu", "sigma"), "location"),
    "student_t": (("nu", "mu", "sigma"), "location"),
    "cauchy": (("alpha", "beta"), "location"),
    "halfnormal": (("sigma",), "scale"),
    "halfstudent_t": (("nu", "sigma"), "scale"),
    "halfcauchy": (("beta",), "scale"),
    "exponential": (("lam",), "scale"),
    "lkj": (("eta",), "cor"),
    "dirichlet": (("alpha",), "simplex"),
}
_CLASS_KIND = {
    "b": "location",
    "intercept": "location",
    "cutpoints": "location",
    "sd": "scale",
    "cor": "cor",
    "simplex": "simplex",
}


@dataclass(frozen=True)
class Prior:
    """A prior distribution, e.g. ``Prior("normal", mu=0, sigma=1)``."""

    dist: str
    params: dict[str, float] = field(default_factory=dict)

    def __init__(self, dist: str, **params: float) -> None:
        dist = dist.lower()
        if dist not in _DISTS:
            raise ValueError(f"unknown prior distribution {dist!r}; allowed: {sorted(_DISTS)}")
        names = _DISTS[dist][0]
        unknown = set(params) - set(names)
        if unknown or set(params) != set(names):
            raise ValueError(f"{dist} prior needs parameters {names}, got {sorted(params)}")
        problems = prior_param_problems(dist, {k: params[k] for k in names})
        if problems:
            raise ValueError("; ".join(problems))
        object.__setattr__(self, "dist", dist)
        object.__setattr__(self, "params", {k: float(params[k]) for k in names})

    def __str__(self) -> str:
        return f"{self.dist}({', '.join(f'{v:.4g}' for v in self.params.values())})"

    @property
    def kind(self) -> str:
        return _DISTS[self.dist][1]


def parse_prior(value: Any) -> Prior:
    """Turn a string, dict or :class:`Prior` into a :class:`Prior`."""
    if isinstance(value, Prior):
        return value
    if isinstance(value, dict):
        d = dict(value)
        return Prior(d.pop("dist"), **d)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*([a-z_]+)\s*\((.*)\)\s*", value.lower())
        if not m:
            raise ValueError(f"cannot parse prior {value!r}; expected e.g. 'normal(0, 1)'")
        dist = m.group(1)
        if dist not in _DISTS:
            raise ValueError(f"unknown prior distribution {dist!r}; allowed: {sorted(_DISTS)}")
        args = [float(a) for a in m.group(2).split(",") if a.strip()]
        names = _DISTS[dist][0]
        if len(args) != len(names):
            raise ValueError(f"{dist}() takes {len(names)} argument(s) {names}: {value!r}")
        return Prior(dist, **dict(zip(names, args, strict=True)))
    raise TypeError(f"cannot interpret {value!r} as a prior")


DEFAULT_PRIORS: dict[str, Prior] = {
    "b": Prior("normal", mu=0, sigma=2.5),  # divided by sd(x) per column
    "intercept": Prior("normal", mu=0, sigma=2.5),
    "cutpoints": Prior("normal", mu=0, sigma=2.5),
    "sd": Prior("halfnormal", sigma=1),
    "cor": Prior("lkj", eta=2),
    "simplex": Prior("dirichlet", alpha=1),
}


def _b_scales(design: Design) -> dict[str, float]:
    cols = [design.X[:, j] for j in range(design.X.shape[1])]
    cols += [m.index.astype(float) for m in design.mono]
    out = {}
    for name, x in zip(design.coef_names, cols, strict=True):
        s = float(np.std(x))
        out[name] = s if s > 1e-12 else 1.0
    return out


def prior_keys(design: Design) -> dict[str, str]:
    """All valid prior keys for this design, mapped to their class."""
    from .families import get_family

    keys = {"b": "b", "sd": "sd", "simplex": "simplex", "cor": "cor"}
    family_class = get_family(design.family).prior_class
    keys[family_class] = family_class
    for n in design.coef_names:
        keys[f"b[{n}]"] = "b"
    for g in design.groups:
        keys[f"sd[{g.name}]"] = "sd"
        if g.k > 1:
            keys[f"cor[{g.name}]"] = "cor"
    for m in design.mono:
        keys[f"simplex[{m.term.name}]"] = "simplex"
    return keys


def resolve_priors(design: Design, priors: dict[str, Any] | None = None) -> dict[str, Prior]:
    """Resolve user overrides against the defaults for every parameter.

    Returns
    -------
    dict
        One entry per parameter key (``"b[x]"``, ``"cutpoints"``, ``"sd[g]"``,
        ...), mapped to its :class:`Prior`.

    Raises
    ------
    ValueError
        For an unknown key (the message names the key and the allowed keys) or
        a distribution that does not fit the class (e.g. a normal prior on sd).
    """
    priors = dict(priors or {})
    allowed = prior_keys(design)
    unknown = [k for k in priors if k not in allowed]
    if unknown:
        raise ValueError(f"unknown prior key(s) {unknown}; allowed keys: {list(allowed)}")
    user = {k: parse_prior(v) for k, v in priors.items()}
    for k, p in user.items():
        cls = allowed[k]
        if p.kind != _CLASS_KIND[cls]:
            raise ValueError(f"prior {k!r}={p} is not valid for class {cls!r}")
    scales = _b_scales(design)
    out: dict[str, Prior] = {}
    for key, cls in allowed.items():
        if key == cls and cls in ("b", "sd", "simplex", "cor"):
            continue  # class keys only act as defaults for the term keys
        if key in user:
            out[key] = user[key]
        elif cls in user:
            out[key] = user[cls]
        elif cls == "b":
            name = key[2:-1]
            out[key] = Prior("normal", mu=0, sigma=2.5 / scales[name])
        else:
            out[key] = DEFAULT_PRIORS[cls]
    return out


def make_rv(name: str, prior: Prior, **kwargs: Any):
    """Create a PyMC random variable for ``prior`` (inside a model context)."""
    p = prior.params
    match prior.dist:
        case "normal":
            return pm.Normal(name, mu=p["mu"], sigma=p["sigma"], **kwargs)
        case "student_t":
            return pm.StudentT(name, nu=p["nu"], mu=p["mu"], sigma=p["sigma"], **kwargs)
        case "cauchy":
            return pm.Cauchy(name, alpha=p["alpha"], beta=p["beta"], **kwargs)
        case "halfnormal":
            return pm.HalfNormal(name, sigma=p["sigma"], **kwargs)
        case "halfstudent_t":
            return pm.HalfStudentT(name, nu=p["nu"], sigma=p["sigma"], **kwargs)
        case "halfcauchy":
            return pm.HalfCauchy(name, beta=p["beta"], **kwargs)
        case "exponential":
            return pm.Exponential(name, lam=p["lam"], **kwargs)
    raise ValueError(f"{prior} cannot be used for {name}")


def make_signed_scale_rv(name: str, prior: Prior, **kwargs: Any):
    """A real-valued RV whose absolute value has the scale prior ``prior``, or None.

    ``|Normal(0, s)|`` is ``HalfNormal(s)``, ``|StudentT(nu, 0, s)|`` is
    ``HalfStudentT(nu, s)`` and ``|Cauchy(0, b)|`` is ``HalfCauchy(b)``, so
    sampling the signed variable and reporting its absolute value leaves the
    model unchanged. ``exponential`` has no smooth symmetric counterpart (the
    Laplace density has a kink at 0) and returns None.
    """
    p = prior.params
    match prior.dist:
        case "halfnormal":
            return pm.Normal(name, mu=0.0, sigma=p["sigma"], **kwargs)
        case "halfstudent_t":
            return pm.StudentT(name, nu=p["nu"], mu=0.0, sigma=p["sigma"], **kwargs)
        case "halfcauchy":
            return pm.Cauchy(name, alpha=0.0, beta=p["beta"], **kwargs)
    return None


def make_dist(prior: Prior, **kwargs: Any):
    """The unnamed ``.dist`` version of :func:`make_rv` (for LKJ sd_dist)."""
    p = prior.params
    match prior.dist:
        case "halfnormal":
            return pm.HalfNormal.dist(sigma=p["sigma"], **kwargs)
        case "halfstudent_t":
            return pm.HalfStudentT.dist(nu=p["nu"], sigma=p["sigma"], **kwargs)
        case "halfcauchy":
            return pm.HalfCauchy.dist(beta=p["beta"], **kwargs)
        case "exponential":
            return pm.Exponential.dist(lam=p["lam"], **kwargs)
    raise ValueError(f"{prior} cannot be used as a scale prior")
