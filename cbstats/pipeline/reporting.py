"""Tables and figures of the fitted models, written by analysis 03."""

from __future__ import annotations

from . import outputs
from .context import RunContext

TABLE_FORMATS = {"md": "to_markdown", "tex": "to_latex", "html": "to_html", "csv": "to_csv"}


def write_table_formats(ctx: RunContext, name: str, table,
                        formats: tuple[str, ...] = tuple(TABLE_FORMATS), *, title: str | None = None,
                        caption: str | None = None, model: str | None = None) -> None:
    """Write a rendered table (Markdown, LaTeX, HTML and CSV by default) under ``tables/``.

    The CSV (``tables/<name>.csv``, written here or before by :meth:`RunContext.write_table`)
    is the table's record in the manifest; the other formats are recorded as its renderings,
    and the report shows the HTML rendering.
    """
    paths = []
    for ext in formats:
        method = TABLE_FORMATS[ext]
        text = getattr(table, method)()
        if ctx.quick and ext in ("md", "csv"):
            text = f"{'# ' if ext == 'csv' else ''}{ctx.quick_banner}\n\n{text}" if ext == "md" \
                else f"# {ctx.quick_banner}\n{text}"
        elif ctx.quick and ext == "tex":
            text = f"% {ctx.quick_banner}\n{text}"
        elif ctx.quick and ext == "html":
            text = f"<!-- {ctx.quick_banner} -->\n<p><strong>{ctx.quick_banner}</strong></p>\n{text}"
        paths.append(ctx._record(outputs.write_text(ctx.out / "tables" / f"{name}.{ext}", text)))
    ctx.describe(ctx.out / "tables" / f"{name}.csv", "table", title=title, caption=caption, model=model,
                 also=tuple(p for p in paths if p.suffix != ".csv"))


def coefficient_tables(ctx: RunContext) -> None:
    """Side-by-side coefficient tables: Bayesian models beside their statsmodels baselines.

    The per-model summaries these tables are built from stay in the output folder; the
    report lists them as links, so that each coefficient is shown once.
    """
    from ..tables import coef_table

    for kind in ("ordinal", "binary"):
        results, names = {}, []
        if f"bayes_{kind}" in ctx.bayes:
            results[f"Bayesian {kind}"] = ctx.bayes[f"bayes_{kind}"]
            names.append(f"bayes_{kind}")
        if f"baseline_{kind}" in ctx.baselines:
            results[f"ML {kind} (statsmodels)"] = ctx.baselines[f"baseline_{kind}"]
            names.append(f"baseline_{kind}")
        if not results:
            continue
        title = ("Ordinal model of transformation (0-3)" if kind == "ordinal"
                 else "Binary model of institutionalized transformation")
        # the elpd the study computed (k-fold where PSIS-LOO is unreliable), not a second estimate
        elpd = {f"Bayesian {kind}": ctx.elpd[f"bayes_{kind}"]} if f"bayes_{kind}" in ctx.elpd \
            else "psis"
        table = coef_table(results, prob=0.90, title=title, loo=elpd)
        write_table_formats(
            ctx, f"coefficients_{kind}", table, model=", ".join(names),
            title=f"Coefficients: {title[0].lower()}{title[1:]}",
            caption=f"Estimates of {' and '.join(names)} side by side: posterior mean and 90% "
                    "equal-tailed credible interval (Bayesian), maximum-likelihood estimate and 90% "
                    "Wald confidence interval, cluster-robust by dyad (statsmodels). Log-odds scale; "
                    "mo() terms are the average effect of one step of the condition score.")
        for name in names:
            path = ctx.out / "tables" / f"{name}_summary.csv"
            if path in ctx.written:
                ctx.describe(path, "table", link_only=True)


def model_figures(ctx: RunContext, data) -> None:
    """Forest plots, posterior predictive checks, condition effects, group effects,
    prior vs posterior and Pareto-k figures of the main models (PNG + PDF)."""
    from ..casedata.schema import CONDITIONS
    from ..plots import (
        plot_condition_effect,
        plot_forest,
        plot_group_effects,
        plot_pareto_k,
        plot_ppc,
        plot_prior_posterior,
    )

    ordinal, binary = ctx.bayes["bayes_ordinal"], ctx.bayes["bayes_binary"]
    for kind, bayes in (("ordinal", ordinal), ("binary", binary)):
        name = f"bayes_{kind}"
        results = {f"Bayesian {kind}": bayes}
        if f"baseline_{kind}" in ctx.baselines:
            results[f"ML {kind} (statsmodels)"] = ctx.baselines[f"baseline_{kind}"]
        ctx.write_figure(
            f"forest_{kind}", plot_forest(results, prob=0.90),
            model=", ".join([name] + [f"baseline_{kind}"] * (len(results) > 1)),
            title=f"Population effects of the {kind} model",
            caption="Each row is a population effect (log-odds scale): posterior mean and 90% credible "
                    f"interval of {name}" + (" beside the maximum-likelihood estimate and 90% Wald "
                                            "interval of the statsmodels baseline"
                                            if len(results) > 1 else "") + ".")
        if kind == "ordinal":
            ppc_caption = ("Bars: observed number of cases at each transformation level; points and "
                           "whiskers: mean and 90% interval of the number predicted by posterior "
                           "predictive draws of the fitted cases.")
        else:
            ppc_caption = ("Cases sorted by their posterior mean probability and cut into five bins of "
                           "nearly equal size: observed share of institutionalized cases (Jeffreys 90% "
                           "interval) against the mean predicted probability (90% posterior interval); "
                           "points on the diagonal are well calibrated.")
        ctx.write_figure(f"ppc_{kind}", plot_ppc(bayes), model=name, topic="diagnostics",
                         title=f"Posterior predictive check of the {kind} model", caption=ppc_caption)
        ctx.write_figure(
            f"pareto_k_{kind}", plot_pareto_k(bayes, case_labels=data), model=name, topic="diagnostics",
            title=f"Influential cases in the {kind} model (Pareto k)",
            caption="Pareto k of each case's PSIS-LOO importance weights (arviz.loo): above 0.7 the "
                    "leave-one-out approximation is unreliable and the case is influential; such cases "
                    "are named.")
    ctx.write_figure(
        "condition_effects_ordinal",
        plot_condition_effect(ordinal, list(CONDITIONS), data=data, seed=ordinal.seed),
        model="bayes_ordinal", title="Predicted transformation as each condition moves",
        caption="For each condition and score, the condition is set to that score for every case while "
                "all other predictors and group memberships keep their observed values; the predicted "
                "probability of each transformation level is averaged over the cases, draw by draw "
                "(line: posterior mean; band: 90% interval).")
    labels = {
        "dyad_id": dict(zip(data["dyad_id"], data["dyad_name"], strict=True)),
        "arrangement_id": dict(zip(data["arrangement_id"], data["arrangement_name"], strict=True)),
    }
    ctx.write_figure(
        "group_effects_ordinal", plot_group_effects(ordinal, level_labels=labels), model="bayes_ordinal",
        title="Varying intercepts of the ordinal model",
        caption="Posterior mean and 90% interval of each region, dyad and arrangement intercept "
                "(deviation from the population value, logit scale), sorted; intervals that exclude "
                "zero in orange. Panels with many levels show the levels largest in absolute value.")
    ctx.write_figure(
        "prior_posterior_ordinal", plot_prior_posterior(ordinal), model="bayes_ordinal",
        topic="specification", title="Priors against posteriors of the ordinal model",
        caption="Prior density (dashed orange, exact) and posterior density (filled blue, kernel "
                "estimate of the draws) of each population effect and group-level SD of bayes_ordinal: "
                "how far the data moved it from its prior.")
