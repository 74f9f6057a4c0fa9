"""Side-by-side coefficient tables of Bayesian and frequentist fits.

Any result with ``summary(prob)`` returning the shared tidy columns
(``term, param_class, estimate, std_error, lower, upper, prob, ess_bulk,
ess_tail, r_hat, method``) can be tabulated: :class:`cbstats.BayesResult`
(method ``"bayes"``) and :class:`cbstats.baselines.BaselineResult` (method
``"mle"``). The numbers in the table are the numbers of those summaries; the
CSV (:meth:`CoefTable.to_csv`) carries them at full precision.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .labels import group_label, term_label
from .render import Table

__all__ = ["CoefTable", "coef_table", "tidy_estimates", "SECTIONS"]

SECTIONS: dict[str, str] = {
    "intercept": "Population-level effects",
    "b": "Population-level effects",
    "cutpoints": "Cutpoints",
    "sd": "Group-level (varying) effects",
    "cor": "Group-level (varying) effects",
    "simplex": "Monotonic-effect step proportions",
    "r": "Group-level effects by level",
}
"""Table section of each parameter class (unknown classes get their own section)."""

FIT_SECTION = "Model fit"

_ESTIMATE_KIND = {
    "bayes": "posterior mean [{p}% CrI]",
    "mle": "ML estimate [{p}% CI]",
}


def _canonical(term: str, param_class: str) -> str:
    """Row key shared by Bayesian and baseline terms (``cutpoint[0|1]`` and ``0|1`` match)."""
    if param_class == "intercept":
        return "Intercept"
    if param_class == "cutpoints":
        m = re.fullmatch(r"cutpoints?\[(.*)\]", term)
        return f"cutpoint[{m.group(1) if m else term}]"
    return term


def _response(result: Any) -> str | None:
    formula = getattr(result, "formula", None)
    if not isinstance(formula, str):
        return None
    try:
        from ..models.formula import parse_formula

        return parse_formula(formula).response
    except (ValueError, ImportError):
        return None


def _model_names(results: Mapping[str, Any] | Sequence[Any]) -> dict[str, Any]:
    if isinstance(results, Mapping):
        out = {str(k): v for k, v in results.items()}
    else:
        out = {f"({i})": r for i, r in enumerate(results, start=1)}
    if not out:
        raise ValueError("coef_table needs at least one fitted result")
    for name, r in out.items():
        if not callable(getattr(r, "summary", None)):
            raise TypeError(f"model {name!r} ({type(r).__name__}) has no summary(prob) method")
    return out


def _method(summary: pd.DataFrame) -> str:
    methods = summary["method"].dropna().unique().tolist() if "method" in summary else []
    return str(methods[0]) if methods else "unknown"


def _elpd(result: Any, loo: Any) -> tuple[dict[str, float], list[str]]:
    """Evaluate LOO for one Bayesian result; never raises."""
    notes: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if loo == "psis":
                elpd = result.loo(fallback=False)
            elif loo == "auto":
                elpd = result.loo()
            else:
                elpd = loo  # a precomputed result
        for w in caught:
            if issubclass(w.category, UserWarning):
                notes.append(str(w.message))
    except Exception as exc:  # noqa: BLE001 - the table must not fail because of LOO
        return {}, [f"LOO not available ({type(exc).__name__}: {exc})"]
    value = getattr(elpd, "elpd", getattr(elpd, "elpd_loo", None))
    se = getattr(elpd, "se", np.nan)
    if value is None:
        return {}, ["LOO not available (unrecognised result)"]
    method = getattr(elpd, "method", "psis-loo")
    stats = {"elpd": float(value), "elpd_se": float(se)}
    n_high = getattr(elpd, "n_high_k", 0) or 0
    if method == "kfold":
        notes = [n for n in notes if "Pareto k" not in n]  # superseded by the k-fold estimate
        why = f" (PSIS-LOO unreliable: {n_high} case(s) with Pareto k > 0.7)" if n_high else ""
        notes.append(f"elpd from exact {getattr(elpd, 'folds', '?')}-fold cross-validation{why}")
        n_failed = getattr(elpd, "n_failed_folds", 0) or 0
        if n_failed:
            notes.append(f"k-fold: {n_failed} of {getattr(elpd, 'folds', '?')} fold fits failed "
                         "their diagnostics or sampling")
    elif n_high:
        notes.append(f"PSIS-LOO elpd unreliable: {n_high} case(s) with Pareto k > 0.7")
    return stats, list(dict.fromkeys(notes))


def _bayes_stats(result: Any, summary: pd.DataFrame) -> tuple[dict[str, float], list[str]]:
    stats: dict[str, float] = {}
    notes: list[str] = []
    diag = None
    if callable(getattr(result, "diagnostics", None)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                diag = result.diagnostics(warn=False)
        except Exception:  # noqa: BLE001 - fall back on the summary columns
            diag = None
    if isinstance(diag, pd.DataFrame) and {"check", "value"} <= set(diag.columns):
        d = diag.set_index("check")
        for check, key in (("r_hat", "max_r_hat"), ("ess_bulk", "min_ess_bulk"),
                           ("divergences", "divergences")):
            if check in d.index:
                stats[key] = float(d.loc[check, "value"])
        failed = diag[~diag["passed"].astype(bool)] if "passed" in diag else diag.iloc[:0]
        for r in failed.itertuples():
            notes.append(f"MCMC diagnostics FAILED: {r.check} = {r.value:.3g} (needs {r.threshold})")
    else:
        stats["max_r_hat"] = float(summary["r_hat"].max())
        stats["min_ess_bulk"] = float(summary["ess_bulk"].min())
        idata = getattr(result, "idata", None)
        ss = getattr(idata, "sample_stats", None) if idata is not None else None
        if ss is not None and "diverging" in ss:
            stats["divergences"] = float(ss["diverging"].sum())
    post = getattr(getattr(result, "idata", None), "posterior", None)
    if post is not None:
        opts = getattr(result, "fit_options", {}) or {}
        notes.insert(0, f"{post.sizes.get('chain', '?')} chains × {post.sizes.get('draw', '?')} draws "
                     f"({getattr(result, 'sampler', opts.get('sampler', '?'))}, "
                     f"seed {getattr(result, 'seed', '?')})")
    return stats, notes


def _size_stats(result: Any) -> dict[str, float]:
    stats: dict[str, float] = {}
    footer = result.footer() if callable(getattr(result, "footer", None)) else {}
    design = getattr(result, "design", None)
    if "N" in footer:
        stats["N"] = float(footer["N"])
    elif design is not None and hasattr(design, "n_obs"):
        stats["N"] = float(design.n_obs)
    else:
        obs = getattr(getattr(result, "idata", None), "observed_data", None)
        if obs is not None and "obs" in obs.sizes:
            stats["N"] = float(obs.sizes["obs"])
    for k, v in footer.items():
        if k.startswith("groups: "):
            stats[k] = float(v)
    if design is not None:
        for g in getattr(design, "groups", []):
            stats[f"groups: {g.name}"] = float(len(g.levels))
    for k in ("log-likelihood", "AIC"):
        if k in footer:
            stats[k] = float(footer[k])
    return stats


def _stat_label(key: str, labels: Mapping[str, str] | None) -> str:
    if key.startswith("groups: "):
        return f"Groups: {group_label(key[8:], labels)}"
    return {"N": "N (cases)", "max_r_hat": "Max R-hat", "min_ess_bulk": "Min bulk ESS",
            "divergences": "Divergent transitions", "elpd": "ELPD (SE)",
            "log-likelihood": "Log-likelihood", "AIC": "AIC"}.get(key, key)


def _stat_text(key: str, value: float, se: float | None) -> str:
    if not np.isfinite(value):
        return ""
    if key in ("N", "divergences", "min_ess_bulk") or key.startswith("groups: "):
        return f"{value:.0f}"
    if key == "max_r_hat":
        return f"{value:.3f}"
    if key == "elpd":
        return f"{value:.1f} ({se:.1f})" if se is not None and np.isfinite(se) else f"{value:.1f}"
    return f"{value:.1f}"


@dataclass
class CoefTable:
    """A side-by-side coefficient table.

    Attributes
    ----------
    estimates : DataFrame
        Tidy, one row per model and parameter: ``model, method, section, row,
        term, label`` and the summary columns ``param_class, estimate,
        std_error, lower, upper, prob, ess_bulk, ess_tail, r_hat`` exactly as
        the results' ``summary(prob)`` returned them.
    stats : DataFrame
        Tidy footer statistics: ``model, statistic, label, value, se``.
    models : dict
        Model name -> method (``"bayes"``, ``"mle"``).
    prob : float
    notes : list of str
    title : str
    digits : int
        Decimals shown for estimates and intervals.
    """

    estimates: pd.DataFrame
    stats: pd.DataFrame
    models: dict[str, str]
    prob: float
    notes: list[str] = field(default_factory=list)
    title: str = "Estimates"
    digits: int = 2

    def _kind(self, method: str) -> str:
        pct = f"{100 * self.prob:g}"
        return _ESTIMATE_KIND.get(method, "estimate [{p}% interval]").format(p=pct)

    def table(self) -> Table:
        """The display :class:`Table` (strings; one column per model)."""
        names = list(self.models)
        est = self.estimates
        rows: list[list[str]] = []
        sections: list[str | None] = []
        order = est.drop_duplicates("row")[["row", "label", "section"]]
        section_order = list(dict.fromkeys(order["section"]))
        for sec in section_order:
            for r in order[order["section"] == sec].itertuples(index=False):
                cells = [r.label]
                for name in names:
                    hit = est[(est["model"] == name) & (est["row"] == r.row)]
                    if hit.empty:
                        cells.append("")
                    else:
                        h = hit.iloc[0]
                        d = self.digits
                        cells.append(f"{h['estimate']:.{d}f} [{h['lower']:.{d}f}, {h['upper']:.{d}f}]")
                rows.append(cells)
                sections.append(sec)
        st = self.stats
        for key in dict.fromkeys(st["statistic"]):
            sub = st[st["statistic"] == key]
            cells = [sub["label"].iloc[0]]
            for name in names:
                hit = sub[sub["model"] == name]
                cells.append("" if hit.empty else
                             _stat_text(key, float(hit["value"].iloc[0]), float(hit["se"].iloc[0])))
            rows.append(cells)
            sections.append(FIT_SECTION)
        subheader = [""] + [self._kind(self.models[n]) for n in names]
        return Table(columns=[""] + names, rows=rows, sections=sections, title=self.title,
                     subheader=subheader, notes=list(self.notes), data=self.tidy())

    def tidy(self) -> pd.DataFrame:
        """Estimates and footer statistics in one long frame (what :meth:`to_csv` writes).

        Columns: ``kind`` (``"estimate"`` or ``"statistic"``), ``model,
        method, section, row, term, label, param_class, estimate, std_error,
        lower, upper, prob, ess_bulk, ess_tail, r_hat``. For statistics,
        ``term`` is the statistic's key, ``estimate`` its value and
        ``std_error`` its standard error (elpd).
        """
        e = self.estimates.assign(kind="estimate")
        s = self.stats.rename(columns={"statistic": "term", "value": "estimate", "se": "std_error"})
        s = s.assign(kind="statistic", section=FIT_SECTION, row=s["term"],
                     method=s["model"].map(self.models), prob=self.prob)
        cols = ["kind", "model", "method", "section", "row", "term", "label", "param_class",
                "estimate", "std_error", "lower", "upper", "prob", "ess_bulk", "ess_tail", "r_hat"]
        out = pd.concat([e, s], ignore_index=True)
        return out.reindex(columns=cols)

    # writers -----------------------------------------------------------
    def to_markdown(self) -> str:
        """Markdown pipe table (see :meth:`Table.to_markdown`)."""
        return self.table().to_markdown()

    def to_latex(self, **kwargs: Any) -> str:
        """Booktabs LaTeX table (see :meth:`Table.to_latex`)."""
        return self.table().to_latex(**kwargs)

    def to_html(self, **kwargs: Any) -> str:
        """HTML via great-tables (see :meth:`Table.to_html`)."""
        return self.table().to_html(**kwargs)

    def to_csv(self, *, layout: str = "tidy") -> str:
        """CSV of the table.

        Parameters
        ----------
        layout : {"tidy", "display"}
            ``"tidy"`` (default): the numbers at full precision, one row per
            model and parameter or statistic (:meth:`tidy`); ``"display"``:
            the formatted side-by-side strings.
        """
        if layout == "tidy":
            return self.tidy().to_csv(index=False)
        if layout == "display":
            return self.table().to_frame().to_csv(index=False)
        raise ValueError(f"layout must be 'tidy' or 'display', got {layout!r}")

    def to_formats(self, formats: tuple[str, ...] = ("md", "tex", "html", "csv")) -> dict[str, str]:
        """Text of the table in each format, keyed by file extension."""
        return self.table().to_formats(formats)

    def __repr__(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        return self.to_html()


def coef_table(
    results: Mapping[str, Any] | Sequence[Any],
    *,
    prob: float = 0.95,
    labels: Mapping[str, str] | None = None,
    classes: Sequence[str] | None = ("intercept", "b", "cutpoints", "sd", "cor"),
    loo: str | Mapping[str, Any] | None = "psis",
    digits: int = 2,
    title: str = "Estimates",
) -> CoefTable:
    """Side-by-side table of fitted models (Bayesian and frequentist).

    Parameters
    ----------
    results : dict or list
        Fitted results keyed by the column header (a list is numbered
        ``(1)``, ``(2)``, ...). Each needs ``summary(prob)`` with the shared
        tidy columns; Bayesian results (method ``"bayes"``) also give
        diagnostics and LOO, baselines their ``footer()``.
    prob : float
        Interval mass: equal-tailed credible interval (Bayesian) or Wald
        confidence interval (frequentist).
    labels : mapping, optional
        Label overrides by term or column name (default labels come from the
        codebook, see :func:`cbstats.tables.term_label`).
    classes : sequence of str, optional
        Parameter classes to show, in this order of sections; None shows
        every class in the summaries.
    loo : {"psis", "auto"}, mapping or None
        LOO elpd of Bayesian models: ``"psis"`` (default) computes PSIS-LOO
        without refitting (with a note when Pareto k is high); ``"auto"``
        falls back on exact k-fold cross-validation (refits the model);
        a mapping gives precomputed results by model name; None skips it.
        Failures never break the table: they are noted.
    digits : int
        Decimals shown.
    title : str
        Table caption.

    Returns
    -------
    CoefTable
        With ``to_markdown()``, ``to_latex()``, ``to_html()``, ``to_csv()``.
    """
    if not 0 < prob < 1:
        raise ValueError(f"prob must be in (0, 1), got {prob}")
    if isinstance(loo, str) and loo not in ("psis", "auto"):
        raise ValueError(f"loo must be 'psis', 'auto', a mapping or None, got {loo!r}")
    named = _model_names(results)
    estimates, models, summaries = _estimates(named, prob=prob, labels=labels, classes=classes)
    mo_terms = {t for t in estimates["row"] if str(t).startswith("mo(")}
    stat_rows, notes = [], []
    for name, result in named.items():
        method = models[name]
        stats = _size_stats(result)
        model_notes: list[str] = []
        if method == "bayes":
            bstats, bnotes = _bayes_stats(result, summaries[name])
            stats.update(bstats)
            model_notes += bnotes
            if loo is not None:
                src = loo.get(name) if isinstance(loo, Mapping) else loo
                if src is not None:
                    lstats, lnotes = _elpd(result, src)
                    stats.update(lstats)
                    model_notes += lnotes
        else:
            if getattr(result, "cov_type", "nonrobust") == "cluster":
                model_notes.append("cluster-robust standard errors")
            if getattr(result, "link", "logit") == "probit":
                model_notes.append("probit link: coefficients on the probit scale")
            if getattr(result, "converged", True) is False:
                model_notes.append("the optimiser did NOT converge")
        model_notes += [str(n) for n in getattr(result, "notes", []) or []]
        se = stats.pop("elpd_se", np.nan)
        for key, value in stats.items():
            stat_rows.append({"model": name, "statistic": key, "label": _stat_label(key, labels),
                              "value": value, "se": se if key == "elpd" else np.nan})
        notes += [f"{name}: {n}" for n in model_notes]
    stats_frame = pd.DataFrame(stat_rows, columns=["model", "statistic", "label", "value", "se"])
    stats_frame = _order_stats(stats_frame)
    head = _header_notes(models, prob, mo_terms)
    return CoefTable(estimates=estimates, stats=stats_frame, models=models, prob=prob,
                     notes=head + notes, title=title, digits=digits)


ESTIMATE_COLUMNS = ["model", "method", "section", "row", "term", "label", "param_class", "estimate",
                    "std_error", "lower", "upper", "prob", "ess_bulk", "ess_tail", "r_hat"]


def _estimates(named: dict[str, Any], *, prob: float, labels: Mapping[str, str] | None,
               classes: Sequence[str] | None) -> tuple[pd.DataFrame, dict[str, str], dict]:
    frames, models, summaries = [], {}, {}
    for name, result in named.items():
        summary = result.summary(prob)
        summaries[name] = summary
        method = _method(summary)
        models[name] = method
        response = _response(result)
        s = summary.copy()
        if classes is not None:
            s = s[s["param_class"].isin(classes)]
        s["row"] = [_canonical(t, c) for t, c in zip(s["term"], s["param_class"], strict=True)]
        s["label"] = [term_label(r, labels, response=response) for r in s["row"]]
        s["section"] = s["param_class"].map(lambda c: SECTIONS.get(c, str(c)))
        s.insert(0, "model", name)
        frames.append(s)
    estimates = pd.concat(frames, ignore_index=True)
    if classes is not None:
        rank = {c: i for i, c in enumerate(classes)}
        estimates["_order"] = estimates["param_class"].map(rank)
        estimates = estimates.sort_values("_order", kind="stable").drop(columns="_order")
    estimates = estimates.reset_index(drop=True).reindex(columns=ESTIMATE_COLUMNS)
    return estimates, models, summaries


def tidy_estimates(
    results: Mapping[str, Any] | Sequence[Any],
    *,
    prob: float = 0.95,
    labels: Mapping[str, str] | None = None,
    classes: Sequence[str] | None = ("intercept", "b", "cutpoints", "sd", "cor"),
) -> pd.DataFrame:
    """The summaries of several results in one tidy frame, with shared row keys and labels.

    Parameters are as in :func:`coef_table`. Returns the ``estimates`` frame
    of a :class:`CoefTable`: one row per model and parameter, the summary
    columns unchanged, plus ``model, method, section, row`` (a key shared by
    Bayesian and baseline terms, e.g. ``cutpoint[0|1]``) and ``label``.
    """
    return _estimates(_model_names(results), prob=prob, labels=labels, classes=classes)[0]


_STAT_ORDER = ["N", "groups: ", "max_r_hat", "min_ess_bulk", "divergences", "elpd",
               "log-likelihood", "AIC"]


def _order_stats(frame: pd.DataFrame) -> pd.DataFrame:
    def rank(key: str) -> int:
        for i, k in enumerate(_STAT_ORDER):
            if key == k or (k.endswith(": ") and key.startswith(k)):
                return i
        return len(_STAT_ORDER)

    keys = list(dict.fromkeys(frame["statistic"]))
    order = {k: (rank(k), i) for i, k in enumerate(keys)}
    return frame.assign(_o=frame["statistic"].map(order)).sort_values("_o", kind="stable") \
        .drop(columns="_o").reset_index(drop=True)


def _header_notes(models: dict[str, str], prob: float, mo_terms: set[str]) -> list[str]:
    pct = f"{100 * prob:g}"
    bayes = [n for n, m in models.items() if m == "bayes"]
    freq = [n for n, m in models.items() if m != "bayes"]
    notes = []
    if bayes:
        notes.append(f"Bayesian models ({', '.join(bayes)}): posterior mean [{pct}% equal-tailed "
                     "credible interval].")
    if freq:
        notes.append(f"Frequentist baselines ({', '.join(freq)}): maximum-likelihood estimate "
                     f"[{pct}% Wald confidence interval].")
    notes.append("Coefficients and cutpoints on the log-odds (logit) scale unless stated; "
                 "a blank cell means the term is not in that model.")
    if mo_terms:
        notes.append("Monotonic terms mo(x): the coefficient is the average effect of one step of "
                     "the ordered scale (Bürkner & Charpentier 2020); baselines estimate a linear "
                     "effect per step.")
    return notes
