"""Tables and figures of the fitted models, written by analysis 03."""

from __future__ import annotations

from . import outputs
from .context import RunContext

TABLE_FORMATS = {"md": "to_markdown", "tex": "to_latex", "html": "to_html", "csv": "to_csv"}


def write_table_formats(ctx: RunContext, name: str, table,
                        formats: tuple[str, ...] = tuple(TABLE_FORMATS)) -> None:
    """Write a rendered table (Markdown, LaTeX, HTML and CSV by default) under ``tables/``."""
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
        ctx._record(outputs.write_text(ctx.out / "tables" / f"{name}.{ext}", text))


def coefficient_tables(ctx: RunContext) -> None:
    """Side-by-side coefficient tables: Bayesian models beside their statsmodels baselines."""
    from ..tables import coef_table

    for kind in ("ordinal", "binary"):
        results = {}
        if f"bayes_{kind}" in ctx.bayes:
            results[f"Bayesian {kind}"] = ctx.bayes[f"bayes_{kind}"]
        if f"baseline_{kind}" in ctx.baselines:
            results[f"ML {kind} (statsmodels)"] = ctx.baselines[f"baseline_{kind}"]
        if not results:
            continue
        title = ("Ordinal model of transformation (0-3)" if kind == "ordinal"
                 else "Binary model of institutionalized transformation")
        # the elpd the study computed (k-fold where PSIS-LOO is unreliable), not a second estimate
        elpd = {f"Bayesian {kind}": ctx.elpd[f"bayes_{kind}"]} if f"bayes_{kind}" in ctx.elpd \
            else "psis"
        table = coef_table(results, prob=0.90, title=title, loo=elpd)
        write_table_formats(ctx, f"coefficients_{kind}", table)


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
        results = {f"Bayesian {kind}": bayes}
        if f"baseline_{kind}" in ctx.baselines:
            results[f"ML {kind} (statsmodels)"] = ctx.baselines[f"baseline_{kind}"]
        ctx.write_figure(f"forest_{kind}", plot_forest(results, prob=0.90))
        ctx.write_figure(f"ppc_{kind}", plot_ppc(bayes))
        ctx.write_figure(f"pareto_k_{kind}", plot_pareto_k(bayes, case_labels=data))
    ctx.write_figure("condition_effects_ordinal",
                     plot_condition_effect(ordinal, list(CONDITIONS), data=data, seed=ordinal.seed))
    labels = {
        "dyad_id": dict(zip(data["dyad_id"], data["dyad_name"], strict=True)),
        "arrangement_id": dict(zip(data["arrangement_id"], data["arrangement_name"], strict=True)),
    }
    ctx.write_figure("group_effects_ordinal", plot_group_effects(ordinal, level_labels=labels))
    ctx.write_figure("prior_posterior_ordinal", plot_prior_posterior(ordinal))
