"""The fitted-model result: :class:`BayesResult`.

It holds an :class:`arviz.InferenceData` (posterior, sample stats,
log-likelihood, observed data) with named dimensions, plus the design and
priors needed to summarise, check, predict, cross-validate and save the fit.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import arviz as az
import numpy as np
import pandas as pd
import xarray as xr

from .._warn import warn_user
from .design import Design
from .ess_target import diagnostics_row
from .terms import coef_dim, safe_name

if TYPE_CHECKING:
    from .elpd import ELPDResult

__all__ = ["BayesResult", "DiagnosticsError", "SUMMARY_COLUMNS", "THRESHOLDS"]

SUMMARY_COLUMNS = [
    "term",
    "param_class",
    "estimate",
    "std_error",
    "lower",
    "upper",
    "prob",
    "ess_bulk",
    "ess_tail",
    "r_hat",
    "method",
]
THRESHOLDS = {"r_hat": 1.01, "ess_bulk": 400, "ess_tail": 400, "divergences": 0, "e_bfmi": 0.3}


class DiagnosticsError(RuntimeError):
    """Raised by ``diagnostics(strict=True)`` when a convergence check fails."""


@dataclass
class BayesResult:
    """A fitted Bayesian model (returned by :func:`cbstats.models.fit`).

    Attributes
    ----------
    idata
        ArviZ InferenceData: ``posterior`` (dims ``term``, ``cutpoint``, one
        dim per grouping factor named after it, ...), ``sample_stats``,
        ``log_likelihood`` and ``observed_data`` (dim ``obs``, coordinate =
        case ids or the DataFrame index).
    design
        The :class:`~cbstats.models.design.Design` (arrays, levels, encoders).
    priors
        The prior of every parameter as strings, e.g. ``{"b[x]": "normal(0, 2.5)"}``.
    """

    idata: az.InferenceData
    design: Design
    priors: dict[str, str]
    formula: str
    family: str
    seed: int
    sampler: str
    data_hash: str
    versions: dict[str, str]
    fit_options: dict[str, Any] = field(default_factory=dict)
    priors_input: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ basics
    @property
    def posterior(self) -> xr.Dataset:
        return self.idata.posterior

    @property
    def response(self) -> str:
        return safe_name(self.design.spec.response)

    def __repr__(self) -> str:
        from ..display import bayes_repr

        return bayes_repr(self)

    # ---------------------------------------------------------------- tables
    def _parameters(self, group_effects: bool) -> list[tuple[str, str, xr.DataArray]]:
        """(term label, class, (chain, draw) DataArray) for every reported scalar."""
        post = self.posterior
        out: list[tuple[str, str, xr.DataArray]] = []
        d = self.design
        if "b" in post:
            for t in post["term"].values:
                out.append((str(t), "b", post["b"].sel(term=t)))
        if "intercept" in post:
            out.append(("Intercept", "intercept", post["intercept"]))
        if "cutpoints" in post:
            for c in post["cutpoint"].values:
                out.append((f"cutpoint[{c}]", "cutpoints", post["cutpoints"].sel(cutpoint=c)))
        for g in d.groups:
            nm = safe_name(g.name)
            sd = post[f"sd_{nm}"]
            if g.k == 1:
                out.append((f"sd({g.name})", "sd", sd))
            else:
                cd = coef_dim(g)
                coefs = list(post[cd].values)
                for c in coefs:
                    out.append((f"sd({g.name})[{c}]", "sd", sd.sel({cd: c})))
                cor = post[f"cor_{nm}"]
                for i in range(len(coefs)):
                    for j in range(i + 1, len(coefs)):
                        out.append(
                            (
                                f"cor({g.name})[{coefs[i]},{coefs[j]}]",
                                "cor",
                                cor.isel({cd: i, cd + "_bis": j}),
                            )
                        )
        for m in d.mono:
            sim = post[f"simplex_{safe_name(m.term.var)}"]
            dim = sim.dims[-1]
            for s in sim[dim].values:
                out.append((f"{m.term.name}[{s}]", "simplex", sim.sel({dim: s})))
        if group_effects:
            for g in d.groups:
                r = post[f"r_{safe_name(g.name)}"]
                for lv in r[g.name].values:
                    if g.k == 1:
                        out.append((f"r({g.name})[{lv}]", "r", r.sel({g.name: lv})))
                    else:
                        cd = coef_dim(g)
                        for c in r[cd].values:
                            out.append((f"r({g.name})[{lv},{c}]", "r", r.sel({g.name: lv, cd: c})))
        return out

    def _stats_frame(self, group_effects: bool, prob: float) -> pd.DataFrame:
        params = self._parameters(group_effects)
        arr = np.stack([p[2].transpose("chain", "draw").values for p in params], axis=-1)
        ds = xr.Dataset({"x": (("chain", "draw", "p"), arr)})
        alpha = (1 - prob) / 2
        flat = arr.reshape(-1, arr.shape[-1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ess_b = az.ess(ds, method="bulk")["x"].values
            ess_t = az.ess(ds, method="tail")["x"].values
            rhat = az.rhat(ds)["x"].values
        return pd.DataFrame(
            {
                "term": [p[0] for p in params],
                "param_class": [p[1] for p in params],
                "estimate": flat.mean(axis=0),
                "std_error": flat.std(axis=0, ddof=1),
                "lower": np.quantile(flat, alpha, axis=0),
                "upper": np.quantile(flat, 1 - alpha, axis=0),
                "prob": prob,
                "ess_bulk": ess_b,
                "ess_tail": ess_t,
                "r_hat": rhat,
                "method": "bayes",
            }
        )[SUMMARY_COLUMNS]

    def summary(self, prob: float = 0.95, *, group_effects: bool = False) -> pd.DataFrame:
        """Tidy posterior summary.

        Parameters
        ----------
        prob
            Mass of the equal-tailed credible interval ``[lower, upper]``.
        group_effects
            Also list every group-level effect (class ``r``).

        Returns
        -------
        pandas.DataFrame
            Columns ``term, param_class, estimate, std_error, lower, upper,
            prob, ess_bulk, ess_tail, r_hat, method`` (estimate = posterior
            mean, std_error = posterior sd, method = ``"bayes"``); the same
            columns as the frequentist baselines (method = ``"mle"``).
        """
        if not 0 < prob < 1:
            raise ValueError(f"prob must be in (0, 1), got {prob}")
        from ..display import SummaryTable  # a DataFrame that prints compactly

        return SummaryTable(self._stats_frame(group_effects, prob))

    def diagnostics(self, strict: bool = False, *, warn: bool = True) -> pd.DataFrame:
        """Convergence checks on every reported parameter (group effects included).

        Checks: max R-hat <= 1.01, min bulk ESS >= 400, min tail ESS >= 400,
        zero divergent transitions, E-BFMI >= 0.3 in every chain; for a fit
        with an ESS target (``fit(..., ess=N)``) also ``ess_target``: the
        target, the draws per chain and batches it took, and whether a cap
        was hit.

        Parameters
        ----------
        strict
            Raise :class:`DiagnosticsError` if any check fails.
        warn
            Issue a ``UserWarning`` listing failing checks (when not strict).

        Returns
        -------
        pandas.DataFrame
            One row per check: ``check, threshold, value, passed, n_failing,
            failing`` (the failing parameters, comma-separated).
        """
        st = self._stats_frame(True, 0.9)
        rows = []

        def add(check, threshold, value, bad_terms, passed):
            rows.append(
                {
                    "check": check,
                    "threshold": threshold,
                    "value": value,
                    "passed": bool(passed),
                    "n_failing": len(bad_terms),
                    "failing": ", ".join(bad_terms),
                }
            )

        rh = st["r_hat"].to_numpy()
        bad = st["term"][~(rh <= THRESHOLDS["r_hat"])].tolist()
        add("r_hat", f"<= {THRESHOLDS['r_hat']}", float(np.nanmax(rh)), bad, not bad)
        for col in ("ess_bulk", "ess_tail"):
            v = st[col].to_numpy()
            bad = st["term"][~(v >= THRESHOLDS[col])].tolist()
            add(col, f">= {THRESHOLDS[col]}", float(np.nanmin(v)), bad, not bad)
        ss = self.idata.sample_stats
        div_name = "diverging" if "diverging" in ss else None
        n_div = int(ss[div_name].sum()) if div_name else 0
        by_chain = ss[div_name].sum("draw").values if div_name else np.zeros(1)
        bad_chains = [f"chain {i}: {int(n)}" for i, n in enumerate(by_chain) if n > 0]
        add("divergences", "== 0", float(n_div), bad_chains, n_div == 0)
        if "energy" in ss:
            bfmi = np.atleast_1d(az.bfmi(self.idata))
            bad = [f"chain {i}" for i, v in enumerate(bfmi) if not v >= THRESHOLDS["e_bfmi"]]
            add("e_bfmi", f">= {THRESHOLDS['e_bfmi']}", float(np.min(bfmi)), bad, not bad)
        target_row = diagnostics_row(self.idata)  # fit(..., ess=N): target, batches, caps
        if target_row is not None:
            rows.append(target_row)
        table = pd.DataFrame(rows)
        failed = table[~table["passed"]]
        if len(failed):
            msg = "MCMC diagnostics failed: " + "; ".join(
                f"{r.check} (worst {r.value:.3g}, needs {r.threshold}) for "
                f"{r.n_failing} item(s): {_clip(r.failing)}"
                for r in failed.itertuples()
            )
            if strict:
                raise DiagnosticsError(msg)
            if warn:
                warn_user(msg, UserWarning)
        from ..display import DiagnosticsTable  # a DataFrame that prints compactly

        return DiagnosticsTable(table)

    # ------------------------------------------------------------ prediction
    def predict(
        self,
        newdata: pd.DataFrame | None = None,
        kind: str = "mean",
        *,
        seed: int | None = None,
        new_levels: str | None = None,
    ) -> xr.DataArray:
        """Posterior predictions for ``newdata`` (the fitted data if None).

        Parameters
        ----------
        newdata
            DataFrame with the predictor and grouping columns.
        kind
            ``"mean"``: expected response per draw -- success probability for
            bernoulli/binomial, category probabilities (extra dim
            ``category``) for cumulative. ``"pps"``: posterior predictive
            draws of the response (original labels for cumulative, counts for
            binomial).
        seed
            Seed for new-level effects and predictive draws.
        new_levels
            Group levels of ``newdata`` that the model was not fitted on:
            None (default) raises a ``ValueError`` naming each with the
            nearest fitted levels (``"South Asia"`` vs ``"south_asia"`` is a
            typo, not a new region); ``"sample"`` predicts them as new groups,
            their effects drawn from the population distribution
            (``Normal(0, sd)``, or the LKJ covariance for correlated slopes),
            still warning about levels close to fitted ones. See
            :mod:`cbstats.models.newlevels`.

        Returns
        -------
        xarray.DataArray
            Dims ``(chain, draw, obs[, category])``.
        """
        from .newlevels import check_new_levels
        from .predict import predict

        check_new_levels(self.design, newdata, new_levels)
        return predict(self, newdata, kind=kind, seed=seed)

    def posterior_predictive(self, seed: int | None = None) -> xr.DataArray:
        """Posterior predictive draws for the fitted rows, stored in ``idata``."""
        pps = self.predict(None, kind="pps", seed=self.seed if seed is None else seed)
        ds = xr.Dataset({self.response: pps})
        if "posterior_predictive" in self.idata.groups():
            del self.idata.posterior_predictive
        self.idata.add_groups({"posterior_predictive": ds})
        return pps

    def loo(self, **kwargs: Any) -> ELPDResult:
        """PSIS-LOO with exact k-fold CV fallback; see :func:`cbstats.models.loo.loo`."""
        from .loo import loo

        return loo(self, **kwargs)

    def save(self, path: str) -> None:
        """Write the result to netCDF atomically; see :func:`cbstats.models.io.save_result`."""
        from .io import save_result

        save_result(self, path)


def _clip(text: str, n: int = 300) -> str:
    return text if len(text) <= n else text[:n] + " ..."
