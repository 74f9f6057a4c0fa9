"""The analyses of the study, in order. Each takes a :class:`RunContext` and writes outputs.

The numbered scripts in ``analyses/`` and ``cbstats reproduce`` both run these
functions; no analysis logic lives anywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from .context import RunContext


@dataclass(frozen=True)
class Analysis:
    """One step of the reproduction: a name, a description and the function that runs it."""

    name: str
    description: str
    run: Callable[[RunContext], None]


def descriptives(ctx: RunContext) -> None:
    """Validation report, descriptive tables and the two dataset figures."""
    from ..plots import plot_condition_heatmap, plot_timeline

    data = ctx.data
    wide = data.cases_wide()
    lines = [
        f"Dataset: {data.source}",
        f"Version: {data.version}",
        f"SHA-256 (all files): {data.data_hash()}",
        "Result: valid — 0 problems (schema, keys, references, dates, codings).",
        "",
        "Tables:",
    ]
    for name in data.table_names:
        lines.append(f"  {name}: {len(data.table(name))} rows")
    lines.append("")
    lines.append("Files:")
    for file, digest in data.file_hashes().items():
        lines.append(f"  {file}  sha256={digest}")
    ctx.write_text("validation_report.txt", "\n".join(lines) + "\n", title="Validation report",
                   caption="The dataset passed every schema, key, reference, date and coding check; "
                           "SHA-256 of every input file.")
    from ..tables import descriptive_tables
    from ..tables.describe import DESCRIPTIVE_TITLES
    from .findings import dataset_findings
    from .reporting import write_table_formats

    described = data.describe()
    for name, table in described.items():
        ctx.write_table(f"descriptive_{name}", table, title=DESCRIPTIVE_TITLES.get(name),
                        caption=DESCRIPTIVE_CAPTIONS.get(name))
    for name, table in descriptive_tables(described).items():  # Markdown, LaTeX, HTML for papers
        write_table_formats(ctx, f"descriptive_{name}", table, formats=("md", "tex", "html"))
    ctx.write_table("cases_wide", wide, title="The case matrix",
                    caption="One row per case (a dyad under an arrangement): the seven condition "
                            "scores, the process features and the outcome, as the models read them.")
    ctx.write_figure("cases_conditions_heatmap", plot_condition_heatmap(wide),
                     title="Supporting conditions of every case",
                     caption="Each row is a case, ordered by its transformation outcome (highest first), "
                             "then by year signed; each column one of the seven supporting conditions, "
                             "shaded by its coded score (0, 0.33, 0.67, 1). The strip on the right gives "
                             "the outcome; a dash marks a missing score.")
    ctx.write_figure("arrangements_timeline", plot_timeline(wide),
                     title="Timeline of the arrangements",
                     caption="Each bar runs from the year an arrangement was signed to the year it ended "
                             "or, if it is still in force, the last year its cases are observed; grouped "
                             "by region and coloured by the highest transformation level among its cases.")
    for text in dataset_findings(data, wide):
        ctx.add_finding(text)


DESCRIPTIVE_CAPTIONS = {
    "cases_by_region": "Cases (dyads under an arrangement), distinct dyads and arrangements per region, "
                       "and how many cases reached an institutionalized transformation (level 3).",
    "cases_by_decade": "Cases by the decade in which their arrangement was signed (rows) and region "
                       "(columns).",
    "outcome_distribution": "Cases at each transformation level (0 none to 3 institutionalized) by region.",
    "condition_coverage": "For each condition: cases coded and missing, mean score, the distribution of "
                          "scores and the number of low-confidence codings.",
}


def complete_cases(ctx: RunContext):
    """The wide case matrix without cases that lack a condition score, with a recorded note."""
    complete = ctx.data.complete_cases()
    dropped = complete.attrs["dropped_case_ids"]
    total = len(complete) + len(dropped)
    note = (f"{len(dropped)} of {total} cases have a missing condition score and are left out of "
            f"every model of this run (statsmodels baselines and Bayesian fits): {', '.join(dropped)}") if dropped else ""
    if note and note not in ctx.notes:
        ctx.notes.append(note)
    return complete


def baselines(ctx: RunContext) -> None:
    """statsmodels baselines of the main models (population terms), cluster-robust by dyad."""
    import pandas as pd

    from ..baselines import SeparationError, fit_baseline
    from .specs import COMPARISON_ORDINAL, MAIN_BINARY, MAIN_ORDINAL

    data = complete_cases(ctx)
    specs = {
        "baseline_ordinal": (MAIN_ORDINAL, "cumulative"),
        "baseline_binary": (MAIN_BINARY, "bernoulli"),
        "baseline_ordinal_conditions_only": (COMPARISON_ORDINAL["conditions only"], "cumulative"),
    }
    status = []
    for name, (formula, family) in specs.items():
        try:
            result = fit_baseline(formula, data, family=family, cluster="dyad_id")
        except SeparationError as err:
            status.append({"model": name, "formula": formula, "family": family, "status": "not estimable",
                           "message": str(err)})
            continue
        ctx.baselines[name] = result
        table = result.summary()
        table.insert(0, "model", name)
        ctx.write_table(f"{name}_summary", table, model=name,
                        title=f"Maximum-likelihood estimates: {BASELINE_TITLES[name]}",
                        caption=f"statsmodels fit of {formula} ({family}; population terms only, mo() "
                                "terms as linear effects of the level index); standard errors "
                                "cluster-robust by dyad.")
        status.append({"model": name, "formula": formula, "family": family,
                       "status": "ok" if result.converged else "did not converge",
                       "message": "; ".join(result.notes), "N": result.nobs,
                       "log_likelihood": result.llf, "AIC": result.aic})
    ctx.write_table("baselines_status", pd.DataFrame(status), title="Status of the baseline fits",
                    caption="Each statsmodels baseline: converged, not estimable (complete or "
                            "quasi-complete separation, with the reason) or did not converge.")


BASELINE_TITLES = {
    "baseline_ordinal": "ordinal model (ordered logit)",
    "baseline_binary": "binary model (logit)",
    "baseline_ordinal_conditions_only": "ordinal model, conditions only",
}


def ensure_baselines(ctx: RunContext) -> None:
    """Fit the baselines if this run has not done so yet (for analyses run on their own)."""
    if not ctx.baselines:
        baselines(ctx)


def _lazy(module: str, function: str) -> Callable[[RunContext], None]:
    """An analysis whose module (and its heavy imports, e.g. ArviZ) is loaded only when it runs."""

    def run(ctx: RunContext) -> None:
        getattr(import_module(module, __package__), function)(ctx)

    run.__name__ = function
    return run


ANALYSES: tuple[Analysis, ...] = (
    Analysis("descriptives", "validation report, descriptive tables, dataset figures", descriptives),
    Analysis("baselines", "statsmodels maximum-likelihood baselines (cluster-robust by dyad)", baselines),
    Analysis("models", "main Bayesian ordinal and binary models: summaries, diagnostics, tables, figures",
             _lazy(".study_models", "models")),
    Analysis("comparison", "model comparison by LOO (exact k-fold when Pareto k is high)",
             _lazy(".study_models", "comparison")),
    Analysis("robustness", "prior sensitivity, case influence, refits without low-confidence codings",
             _lazy(".study_robustness", "robustness")),
    Analysis("interpretation", "predicted probabilities by condition profile; removing one condition",
             _lazy(".study_robustness", "interpretation")),
    Analysis("sets", "fuzzy-set QCA: necessity, sufficiency, robustness to cut-offs and coding doubts",
             _lazy(".study_sets", "sets")),
    Analysis("versions", "dataset release: coding reliability, sampling-frame coverage, main "
             "coefficients under the previous and current release and without failed negotiations",
             _lazy(".study_versions", "versions")),
    Analysis("explorer", "interactive case explorer for students (explorer.html, offline)",
             _lazy(".study_explorer", "explorer")),
)


def analysis_names() -> list[str]:
    """Names of all analyses, in run order."""
    return [a.name for a in ANALYSES]


def get_analysis(name: str) -> Analysis:
    """Look up an analysis by name (error lists the valid names)."""
    for a in ANALYSES:
        if a.name == name:
            return a
    raise KeyError(f"Unknown analysis {name!r}; choose from: {', '.join(analysis_names())}")
