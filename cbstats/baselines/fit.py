"""Frequentist baselines with statsmodels, reported in the same tidy columns as Bayesian fits."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .._warn import warn_user
from .design import BaselineDesign, baseline_design
from .separation import SeparationReport, check_binary_separation, check_ordinal_separation

SUMMARY_COLUMNS = ["term", "param_class", "estimate", "std_error", "lower", "upper", "prob",
                   "ess_bulk", "ess_tail", "r_hat", "method"]
"""Columns shared by Bayesian and baseline summaries."""

FAMILIES = ("bernoulli", "cumulative", "binomial")


class SeparationError(ValueError):
    """The data are separated: maximum-likelihood estimates do not exist."""

    def __init__(self, report: SeparationReport) -> None:
        self.report = report
        super().__init__(str(report))


@dataclass
class BaselineResult:
    """A fitted statsmodels baseline.

    Attributes
    ----------
    formula, family, link : str
        What was fitted.
    params : Series
        Estimates (cutpoints on the threshold scale, ``0|1``, ``1|2`` ...).
    cov : DataFrame
        Covariance of ``params`` (cluster-robust when ``cluster`` was given).
    llf, aic : float
        Log-likelihood and AIC at the estimate.
    nobs : int
    n_groups : dict
        Levels per grouping factor named in the formula (for table footers).
    notes : list of str
        How special terms were mapped or dropped; separation warnings.
    separation : SeparationReport
    """

    formula: str
    family: str
    link: str
    params: pd.Series
    cov: pd.DataFrame
    param_class: pd.Series
    llf: float
    aic: float
    nobs: int
    n_groups: dict[str, int]
    notes: list[str] = field(default_factory=list)
    separation: SeparationReport | None = None
    cov_type: str = "nonrobust"
    converged: bool = True
    method: str = "mle"

    def __repr__(self) -> str:
        from ..display import baseline_repr

        return baseline_repr(self)

    @property
    def bse(self) -> pd.Series:
        """Standard errors."""
        return pd.Series(np.sqrt(np.clip(np.diag(self.cov.to_numpy()), 0, None)), index=self.params.index)

    def summary(self, prob: float = 0.95) -> pd.DataFrame:
        """Tidy table: one row per parameter, the columns shared with Bayesian results.

        ``lower``/``upper`` form a Wald confidence interval of level ``prob``;
        ``ess_bulk``, ``ess_tail`` and ``r_hat`` are NaN (not applicable).
        """
        z = stats.norm.ppf(0.5 + prob / 2)
        se = self.bse
        out = pd.DataFrame({
            "term": self.params.index,
            "param_class": self.param_class.reindex(self.params.index).to_numpy(),
            "estimate": self.params.to_numpy(),
            "std_error": se.to_numpy(),
            "lower": (self.params - z * se).to_numpy(),
            "upper": (self.params + z * se).to_numpy(),
            "prob": prob,
            "ess_bulk": np.nan,
            "ess_tail": np.nan,
            "r_hat": np.nan,
            "method": self.method,
        })
        from ..display import SummaryTable  # a DataFrame that prints compactly

        return SummaryTable(out[SUMMARY_COLUMNS])

    def footer(self) -> dict[str, object]:
        """Footer statistics for coefficient tables."""
        return {"N": self.nobs, **{f"groups: {k}": v for k, v in self.n_groups.items()},
                "log-likelihood": self.llf, "AIC": self.aic}


def _cluster_codes(data: pd.DataFrame, cluster: str | None) -> np.ndarray | None:
    if cluster is None:
        return None
    if cluster not in data:
        raise ValueError(f"cluster column {cluster!r} is not in the data")
    return pd.factorize(data[cluster])[0]


def _fit_kwargs(groups: np.ndarray | None) -> dict:
    if groups is None:
        return {}
    return {"cov_type": "cluster", "cov_kwds": {"groups": groups}}


def _n_groups(design: BaselineDesign, data: pd.DataFrame) -> dict[str, int]:
    out = {}
    for g in design.spec.groups:
        if g.mm:
            levels = pd.unique(pd.concat([data[f].astype(str) for f in g.factors]))
            out[g.name] = len(levels)
        else:
            out[g.name] = int(data[list(g.factors)].astype(str).agg(":".join, axis=1).nunique())
    return out


def _handle_separation(report: SeparationReport, on_separation: str, notes: list[str]) -> None:
    if not report.separated:
        return
    if on_separation == "raise":
        raise SeparationError(report)
    for m in report.messages:
        warn_user(m, UserWarning)
        notes.append(m)


def fit_baseline(
    formula: str,
    data: pd.DataFrame,
    family: str = "bernoulli",
    *,
    link: str = "logit",
    cluster: str | None = None,
    groups: str = "drop",
    on_separation: str = "raise",
) -> BaselineResult:
    """Fit the population part of a model formula by maximum likelihood (statsmodels).

    Parameters
    ----------
    formula : str
        Same syntax as :func:`cbstats.fit`; varying and monotonic terms are
        mapped or dropped as described in :mod:`cbstats.baselines.design`,
        with a note in ``result.notes``.
    data : DataFrame
        Not modified.
    family : {"bernoulli", "cumulative", "binomial"}
        Logit/probit for binary outcomes, ``OrderedModel`` for ordinal ones,
        GLM binomial for aggregated outcomes (``y | trials(n) ~ ...``).
    link : {"logit", "probit"}
    cluster : str, optional
        Column whose levels define clusters for cluster-robust standard errors.
    groups : {"drop", "fixed"}
        Varying intercepts dropped, or mapped to fixed effects.
    on_separation : {"raise", "warn"}
        Separation is detected before fitting; by default it raises
        :class:`SeparationError` explaining which terms and which outcome
        split are separated. ``"warn"`` fits anyway and records the warning.

    Returns
    -------
    BaselineResult
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    if link not in ("logit", "probit"):
        raise ValueError(f"link must be 'logit' or 'probit', got {link!r}")
    if on_separation not in ("raise", "warn"):
        raise ValueError(f"on_separation must be 'raise' or 'warn', got {on_separation!r}")
    design = baseline_design(formula, data, groups=groups)
    notes = list(design.notes)
    clusters = _cluster_codes(data, cluster)
    kwargs = _fit_kwargs(clusters)
    result = _FITTERS[family](design, link, kwargs, on_separation, notes)
    params, cov, pclass, llf, k, converged, report = result
    n = len(design.y)
    return BaselineResult(
        formula=formula, family=family, link=link, params=params, cov=cov, param_class=pclass,
        llf=float(llf), aic=float(2 * k - 2 * llf), nobs=n, n_groups=_n_groups(design, data),
        notes=notes, separation=report, cov_type="cluster" if cluster else "nonrobust",
        converged=converged,
    )


def _classes(names: list[str]) -> pd.Series:
    return pd.Series(["intercept" if n == "Intercept" else "b" for n in names], index=names)


def _fit_binary(design, link, kwargs, on_separation, notes):
    import statsmodels.api as sm

    y = np.asarray(design.y, dtype=float)
    if not set(np.unique(y)) <= {0.0, 1.0}:
        raise ValueError(f"bernoulli family needs a 0/1 outcome; {design.spec.response!r} has "
                         f"values {sorted(set(np.unique(y)))[:10]}")
    report = check_binary_separation(design.X, y)
    _handle_separation(report, on_separation, notes)
    cls = sm.Logit if link == "logit" else sm.Probit
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cls(y, design.X).fit(disp=False, maxiter=200, **kwargs)
    names = list(design.X.columns)
    params = pd.Series(np.asarray(res.params), index=names)
    cov = pd.DataFrame(np.asarray(res.cov_params()), index=names, columns=names)
    return params, cov, _classes(names), res.llf, len(names), bool(res.mle_retvals.get("converged", True)), report


def _fit_binomial(design, link, kwargs, notes):
    import statsmodels.api as sm

    if design.trials is None:
        raise ValueError("binomial family needs 'successes | trials(n) ~ ...' in the formula")
    y = np.asarray(design.y, dtype=float)
    endog = np.column_stack([y, design.trials - y])
    lk = sm.families.links.Logit() if link == "logit" else sm.families.links.Probit()
    res = sm.GLM(endog, design.X, family=sm.families.Binomial(link=lk)).fit(**kwargs)
    names = list(design.X.columns)
    params = pd.Series(np.asarray(res.params), index=names)
    cov = pd.DataFrame(np.asarray(res.cov_params()), index=names, columns=names)
    return params, cov, _classes(names), res.llf, len(names), bool(res.converged), None


def _fit_ordinal(design, link, kwargs, on_separation, notes):
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    y_raw = pd.Series(design.y)
    categories = sorted(pd.unique(y_raw.dropna()).tolist())
    X = design.X.drop(columns=[c for c in design.X.columns if c == "Intercept"])
    report = check_ordinal_separation(X, y_raw.to_numpy(), categories)
    _handle_separation(report, on_separation, notes)
    endog = pd.Series(pd.Categorical(y_raw, categories=categories, ordered=True))
    model = OrderedModel(endog, X.reset_index(drop=True), distr=link)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(method="bfgs", disp=False, maxiter=2000, **kwargs)
    theta = np.asarray(res.params)
    p = X.shape[1]
    raw_cov = np.asarray(res.cov_params())
    # statsmodels parameterises thresholds as t1, log(t2 - t1), ...; report the thresholds
    # themselves, with the delta-method covariance.
    incr = theta[p:]
    cuts = np.cumsum(np.concatenate([[incr[0]], np.exp(incr[1:])]))
    J = np.eye(len(theta))
    m = len(incr)
    Jc = np.zeros((m, m))
    for k in range(m):
        Jc[k, 0] = 1.0
        for j in range(1, k + 1):
            Jc[k, j] = np.exp(incr[j])
    J[p:, p:] = Jc
    cov = J @ raw_cov @ J.T
    cut_names = [f"{a}|{b}" for a, b in zip(categories[:-1], categories[1:], strict=True)]
    names = list(X.columns) + cut_names
    params = pd.Series(np.concatenate([theta[:p], cuts]), index=names)
    classes = pd.Series(["b"] * p + ["cutpoints"] * m, index=names)
    converged = bool(res.mle_retvals.get("converged", True))
    return params, pd.DataFrame(cov, index=names, columns=names), classes, res.llf, len(names), converged, report


# the statsmodels estimator of each family (the baselines' own registry)
_FITTERS = {
    "bernoulli": _fit_binary,
    "cumulative": _fit_ordinal,
    "binomial": lambda design, link, kwargs, on_separation, notes: _fit_binomial(
        design, link, kwargs, notes),
}
