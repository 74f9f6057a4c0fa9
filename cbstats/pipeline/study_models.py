"""Analyses 03 (main Bayesian models) and 04 (model comparison)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .context import RunContext
from .fitting import KFOLD, fit_settings, get_fit, get_fits
from .specs import COMPARISON_ORDINAL, CONDITION_TERMS, MAIN_BINARY, MAIN_ORDINAL, PROCESS_TERMS


def main_ordinal(ctx: RunContext):
    """The cases the models use and the main ordinal model (fitted once per run)."""
    from .analyses import complete_cases

    data = complete_cases(ctx)
    return data, get_fit(ctx, "bayes_ordinal", MAIN_ORDINAL, "cumulative", data)


def main_fits(ctx: RunContext):
    """The main ordinal and binary models (fitted once per run)."""
    data, ordinal = main_ordinal(ctx)
    binary = get_fit(ctx, "bayes_binary", MAIN_BINARY, "bernoulli", data)
    return data, ordinal, binary


def ppc_table(result, observed: pd.Series) -> pd.DataFrame:
    """Observed vs posterior-predictive counts per outcome category (90% intervals)."""
    pps = result.predict(None, kind="pps", seed=result.seed).values  # chain, draw, obs
    draws = pps.reshape(-1, pps.shape[-1])
    rows = []
    for level in sorted(pd.unique(observed)):
        counts = (draws == level).sum(axis=1)
        rows.append({"category": level, "observed": int((observed == level).sum()),
                     "predicted_mean": float(counts.mean()),
                     "predicted_lower": float(np.quantile(counts, 0.05)),
                     "predicted_upper": float(np.quantile(counts, 0.95))})
    return pd.DataFrame(rows)


def model_elpd(ctx: RunContext, name: str, result):
    """The study's elpd of fit ``name``: PSIS-LOO, or exact k-fold where Pareto k is high.

    Computed once per run (every fold with the fit's own priors, centring and
    sampler settings, on ``ctx.executor``) and kept in ``ctx.elpd``, so the
    comparison tables and the coefficient tables report the same number.
    Warnings (high Pareto k, failed folds) become notes of the run.
    """
    if name not in ctx.elpd:
        folds = KFOLD["quick" if ctx.quick else "full"]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ctx.elpd[name] = result.loo(folds=folds, seed=ctx.seed, executor=ctx.executor,
                                        **fit_settings(ctx, "kfold"))
        for message in sorted({str(w.message) for w in caught
                               if "Pareto" in str(w.message) or "k-fold" in str(w.message)}):
            ctx.add_fit_note(message, name)
    return ctx.elpd[name]


def models(ctx: RunContext) -> None:
    """Main ordinal (transformation) and binary (institutionalized) models."""
    from .analyses import ensure_baselines

    data, ordinal, binary = main_fits(ctx)
    for name, result, outcome in (("bayes_ordinal", ordinal, "transformation"),
                                  ("bayes_binary", binary, "institutionalized")):
        ctx.write_table(f"{name}_ppc", ppc_table(result, data[outcome]), model=name, topic="diagnostics",
                        title=f"Posterior predictive check of {name}: cases per outcome category",
                        caption=f"Observed number of cases in each category of {outcome} against the "
                                "number predicted by posterior predictive draws of the fitted cases: "
                                "mean and 90% interval over draws.")
    priors = pd.DataFrame(
        [{"model": name, "class_or_term": k, "prior": v}
         for name, r in (("bayes_ordinal", ordinal), ("bayes_binary", binary)) for k, v in r.priors.items()]
    )
    ctx.write_table("bayes_priors", priors, topic="specification", model="bayes_ordinal, bayes_binary",
                    title="Priors of the main models",
                    caption="The prior of every parameter class and of every term given its own prior, "
                            "as used by the two main fits (population predictors are centred before "
                            "sampling; intercept and cutpoint priors apply on that centred scale).")
    ensure_baselines(ctx)
    from .findings import coefficient_findings
    from .reporting import coefficient_tables, model_figures

    for name, result in (("bayes_ordinal", ordinal), ("bayes_binary", binary)):
        model_elpd(ctx, name, result)

    coefficient_tables(ctx)
    group_effects = ordinal.summary(group_effects=True)
    ctx.write_table("bayes_ordinal_group_effects", group_effects[group_effects["param_class"] == "r"],
                    model="bayes_ordinal", title="Varying intercepts of the main ordinal model",
                    caption="Posterior mean, SD and 95% credible interval of every region, dyad and "
                            "arrangement intercept of bayes_ordinal (deviations from the population "
                            "value, logit scale).")
    model_figures(ctx, data)
    passed = {f["name"]: bool(f.get("passed")) for f in ctx.fits}
    for name, result in (("bayes_ordinal", ordinal), ("bayes_binary", binary)):
        for text in coefficient_findings(result, name, prob=0.9, passed=passed.get(name, True)):
            ctx.add_finding(text, model=name)


def comparison(ctx: RunContext) -> None:
    """Conditions only vs process only vs both; complete pooling vs hierarchical (LOO / k-fold)."""
    from ..models import compare
    from ..models.compare import check_same_observations
    from .analyses import complete_cases
    from .findings import comparison_findings

    data = complete_cases(ctx)
    names = {label: "bayes_ordinal" if formula == MAIN_ORDINAL else "cmp_" + "_".join(
        w for w in label.replace(",", "").replace("(", "").replace(")", "").split() if w != "+")
        for label, formula in COMPARISON_ORDINAL.items()}
    pooled = f"institutionalized ~ {CONDITION_TERMS} + {PROCESS_TERMS}"
    main_fits(ctx)
    fitted = get_fits(ctx, [*((names[label], formula, "cumulative", data)
                              for label, formula in COMPARISON_ORDINAL.items()),
                            ("cmp_binary_pooled", pooled, "bernoulli", data)],
                      label="comparison models")
    ordinal = {label: (names[label], result)
               for label, result in zip(COMPARISON_ORDINAL, fitted, strict=False)}
    binary = {"binary hierarchical": ("bayes_binary", ctx.bayes["bayes_binary"]),
              "binary complete pooling": ("cmp_binary_pooled", fitted[-1])}
    for name, group in (("ordinal", ordinal), ("binary", binary)):
        # same observation ids in every model, checked before any k-fold refit
        check_same_observations({label: result for label, (_, result) in group.items()})
        elpds = {label: model_elpd(ctx, fit_name, result)
                 for label, (fit_name, result) in group.items()}
        table = compare(elpds)
        ctx.write_table(f"model_comparison_{name}", table, model=", ".join(group),
                        title=f"Comparison of the {name} models by expected log predictive density",
                        caption=f"Expected log predictive density of each {name} model with its standard "
                                "error, best first: PSIS-LOO, or exact k-fold cross-validation when "
                                "PSIS-LOO is unreliable (Pareto k > 0.7; failed folds are counted); "
                                "elpd_diff and se_diff are relative to the best model, p is the "
                                "effective number of parameters.")
        for text in comparison_findings(table, name):
            ctx.add_finding(text, model=", ".join(group))
