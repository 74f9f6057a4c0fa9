"""Analysis 07: set-theoretic reading of the study (fuzzy-set QCA with coding uncertainty).

Necessity and sufficiency of the seven supporting conditions for an institutionalized
transformation and for its absence; robustness of the sufficient paths to the cut-offs
(a small grid) and to coding doubts (draws from the misclassification model of
``cbstats.sets.uncertainty``); permutation p-values against chance; the regression's
condition effects alongside when the models analysis ran in this run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..casedata.schema import CONDITIONS
from .context import RunContext

OUTCOME = "transformation"
OUTCOMES = (OUTCOME, f"~{OUTCOME}")
MAIN_CUTS = {"incl_cut": 0.8, "pri_cut": 0.5, "n_cut": 1}
CUT_GRID = {"incl_cut": (0.75, 0.8, 0.85, 0.9), "n_cut": (1, 2)}
DRAWS = {"quick": 200, "full": 1000}
PERMUTATIONS = {"quick": 500, "full": 2000}
LOW_CONFIDENCE = "low"


def set_data(ctx: RunContext) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Memberships (complete cases), confidence of each cell, and short case labels."""
    from ..sets import CBM_TRANSFORMATION_MEMBERSHIPS, assign_memberships
    from .analyses import complete_cases

    wide = complete_cases(ctx).set_index("case_id")
    data = pd.DataFrame({c: assign_memberships(wide[c], name=c) for c in CONDITIONS}, index=wide.index)
    data[OUTCOME] = assign_memberships(wide[OUTCOME].astype(int), CBM_TRANSFORMATION_MEMBERSHIPS, name=OUTCOME)
    long = ctx.data.conditions_long()
    conf = long.pivot(index="case_id", columns="condition", values="confidence")
    conf[OUTCOME] = ctx.data.table("cases").set_index("case_id")["transformation_confidence"]
    conf = conf.reindex(index=data.index, columns=data.columns)
    labels = wide["case_label"].astype(str) if "case_label" in wide else pd.Series(wide.index, index=wide.index)
    short = labels.str.replace(r"\s*\(.*?\)", "", regex=True).str.slice(0, 34)
    return data, conf, short


def _solutions_table(solutions: dict) -> pd.DataFrame:
    rows = []
    for (outcome, kind), sol in solutions.items():
        for model in sol.models:
            for term, fit in model.fit.iterrows():
                rows.append({"outcome": outcome, "solution": kind, "model": model.name, "term": term,
                             **{k: fit.get(k) for k in ("inclS", "PRI", "covS", "covU")}})
    return pd.DataFrame(rows, columns=["outcome", "solution", "model", "term", "inclS", "PRI", "covS", "covU"])


def _cutoff_robustness(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parsimonious solutions over the cut-off grid: one row per setting, one per term."""
    from ..sets import truth_table
    from ..sets.uncertainty import solution_terms

    settings, presence = [], []
    for outcome in OUTCOMES:
        for incl in CUT_GRID["incl_cut"]:
            for n_cut in CUT_GRID["n_cut"]:
                tt = truth_table(data, outcome, list(CONDITIONS), incl_cut=incl, n_cut=n_cut,
                                 pri_cut=MAIN_CUTS["pri_cut"])
                models = solution_terms(tt.positive_rows, tt.negative_rows, CONDITIONS, "parsimonious",
                                        max_models=100)
                settings.append({"outcome": outcome, "incl_cut": incl, "n_cut": n_cut,
                                 "pri_cut": MAIN_CUTS["pri_cut"], "positive_rows": len(tt.positive_rows),
                                 "negative_rows": len(tt.negative_rows), "n_models": len(models),
                                 "first_model": " + ".join(models[0]) if models else ""})
                for term in sorted({t for m in models for t in m}):
                    presence.append({"outcome": outcome, "incl_cut": incl, "n_cut": n_cut, "term": term,
                                     "share_of_models": np.mean([term in m for m in models])})
    return pd.DataFrame(settings), pd.DataFrame(presence)


def _regression_effects(ctx: RunContext) -> tuple[pd.DataFrame | None, str]:
    """Condition effects of the ordinal model if the models analysis ran (never refits)."""
    result = ctx.bayes.get("bayes_ordinal")
    if result is not None:
        summary = result.summary()
        source = "Bayesian ordinal model of this run (ctx.bayes['bayes_ordinal'])"
    else:
        path = ctx.out / "tables" / "bayes_ordinal_summary.csv"
        if not path.exists():
            return None, "the models analysis did not run in this output folder"
        summary = pd.read_csv(path, comment="#")
        source = f"{path.relative_to(ctx.out)} (written by the models analysis)"
    rows = []
    for cond in CONDITIONS:
        hit = summary[summary["term"].astype(str).str.contains(rf"\b{cond}\b", regex=True)]
        hit = hit[~hit["term"].astype(str).str.contains("simplex|\\[", regex=True)] if len(hit) > 1 else hit
        if len(hit):
            r = hit.iloc[0]
            rows.append({"condition": cond, "regression_term": r["term"], "estimate": r["estimate"],
                         "lower": r["lower"], "upper": r["upper"]})
    return pd.DataFrame(rows), source


def _path_verdicts(unc, *, influence_cut: float = 0.1, z_cut: float = 3.0, few: int = 5) -> pd.DataFrame:
    """Per coded path: robustness and the cells it hangs on.

    A cell is influential when recoding it lowers the probability that the path stays
    consistent by at least ``influence_cut`` with z >= ``z_cut``. Verdicts: "robust"
    (consistent in >= 80 % of draws and a prime implicant in >= 50 %); "consistent under
    coding doubts, but other implicants often replace it"; "hangs on a few low-confidence
    cells" (at most ``few`` influential cells, most of them low-confidence); "fragile".
    """
    rows = []
    for term, p in unc.paths.iterrows():
        infl = unc.cell_influence(term, which="consistent", top=None)
        strong = infl[(infl["influence"] >= influence_cut) & (infl["z"] >= z_cut)]
        low = strong[strong["confidence"] == LOW_CONFIDENCE]
        if p["p_consistent"] >= 0.8 and p["p_in_solution"] >= 0.5:
            verdict = "robust"
        elif p["p_consistent"] >= 0.8:
            verdict = "consistent under coding doubts, but other implicants often replace it"
        elif 0 < len(strong) <= few and len(low) >= max(1, len(strong) // 2 + 1):
            verdict = "hangs on a few low-confidence cells"
        else:
            verdict = "fragile"
        top = ", ".join(f"{r.case}/{r.column} ({r.confidence}, {r.influence:+.2f})"
                        for r in strong.head(3).itertuples())
        rows.append({"outcome": unc.outcome, "term": term, "p_consistent": p["p_consistent"],
                     "p_in_solution": p["p_in_solution"], "inclS_coded": p["inclS_coded"],
                     "inclS_lo": p["inclS_lo"], "inclS_hi": p["inclS_hi"],
                     "influential_cells": len(strong), "influential_low_confidence": len(low),
                     "verdict": verdict, "top_cells": top})
    return pd.DataFrame(rows)


def _findings(ctx, nec, verdicts, cut_settings, perm, reg, reg_source, n_draws) -> str:
    lines = ["# Set-theoretic findings (fuzzy-set QCA with coding uncertainty)", ""]
    lines.append(f"Cases: {nec.attrs['n_cases']} with complete condition scores. Outcome memberships: "
                 "transformation level 0/1/2/3 -> 0/0.33/0.67/1 (institutionalized = 1). Main cut-offs: "
                 f"inclS >= {MAIN_CUTS['incl_cut']}, PRI >= {MAIN_CUTS['pri_cut']}, n >= {MAIN_CUTS['n_cut']}. "
                 f"Coding uncertainty: {n_draws} draws from the default misclassification model "
                 "(docs/sets_uncertainty.md).")
    lines += ["", "## Necessity", ""]
    for outcome in OUTCOMES:
        sub = nec[nec["outcome"] == outcome].sort_values("inclN_coded", ascending=False)
        top = sub.iloc[0]
        lines.append(f"- {outcome}: highest necessity consistency {top['term']} (inclN {top['inclN_coded']:.3f}, "
                     f"{int(100 * (1 - 2 * 0.05))}% interval over coding draws {top['inclN_lo']:.3f}-"
                     f"{top['inclN_hi']:.3f}, RoN {top['RoN_coded']:.3f}, permutation p {top['p_value']:.3f}). "
                     + ("Passes inclN >= 0.9 as coded." if top["inclN_coded"] >= 0.9 else
                        "No condition reaches inclN 0.9.")
                     + f" Share of draws in which it is necessary (inclN >= 0.9, RoN >= 0.6): "
                     f"{top['p_necessary']:.2f}.")
    lines += ["", "## Sufficient paths and coding doubts", ""]
    if not verdicts.empty:
        shift = (verdicts["inclS_coded"] - (verdicts["inclS_lo"] + verdicts["inclS_hi"]) / 2).median()
        lines.append(f"Random coding errors attenuate set relations as measurement error attenuates "
                     f"regression slopes: the middle of the paths' inclS intervals over draws lies a median "
                     f"{shift:.3f} below the coded inclS. A path is called robust when it stays consistent "
                     "(inclS and PRI above the cut-offs) in at least 80% of draws and is a prime implicant "
                     "of the draw's solution in at least 50%. The intermediate solution is not reported: "
                     "with this many equally good parsimonious models it has over a thousand models.")
        lines.append("")
    for outcome in OUTCOMES:
        v = verdicts[verdicts["outcome"] == outcome]
        if v.empty:
            lines.append(f"- {outcome}: no truth-table row passes the cut-offs; nothing is sufficient.")
            continue
        counts = v["verdict"].value_counts()
        lines.append(f"- {outcome}: {len(v)} prime implicants in the coded parsimonious solution(s); "
                     + "; ".join(f"{n} {k}" for k, n in counts.items()) + ".")
        for r in v.sort_values("p_consistent", ascending=False).itertuples():
            lines.append(f"  - `{r.term}`: stays consistent in {r.p_consistent:.0%} of draws, is a prime "
                         f"implicant of the draw's solution in {r.p_in_solution:.0%}; verdict: {r.verdict}"
                         + (f"; hangs most on {r.top_cells}" if r.top_cells else "") + ".")
    lines += ["", "## Robustness to cut-offs", ""]
    for outcome in OUTCOMES:
        sub = cut_settings[cut_settings["outcome"] == outcome]
        lines.append(f"- {outcome}: positive rows range {sub['positive_rows'].min()}-{sub['positive_rows'].max()} "
                     f"over inclS cut-offs {list(CUT_GRID['incl_cut'])} and n cut-offs {list(CUT_GRID['n_cut'])}; "
                     f"number of equally good models {sub['n_models'].min()}-{sub['n_models'].max()}.")
    lines += ["", "## Against chance (permutation tests)", ""]
    sig = perm[perm["p_adjusted"] < 0.05]
    lines.append(f"- {len(sig)} of {len(perm)} tested claims beat chance at 5% after Holm adjustment "
                 "(outcome memberships permuted across cases, marginals kept).")
    lines += ["", "## Set-theoretic and regression findings side by side", ""]
    if reg is None or reg.empty:
        lines.append(f"- Not available: {reg_source}; run the models analysis in the same output folder "
                     "(`cbstats reproduce`) to compare.")
    else:
        lines.append(f"- Regression source: {reg_source}.")
        pos = verdicts[(verdicts["outcome"] == OUTCOME)]
        for r in reg.itertuples():
            in_paths = [t for t in pos["term"] if r.condition in [lit.lstrip("~") for lit in t.split("*")]]
            positive = [t for t in in_paths if f"~{r.condition}" not in t.split("*")]
            sign = "positive" if r.lower > 0 else ("negative" if r.upper < 0 else "uncertain in sign")
            sets_side = (f"present in {len(positive)} of {len(pos)} sufficient paths" if in_paths
                         else "in no sufficient path")
            agree = ("agree" if (sign == "positive") == bool(positive) and sign != "uncertain in sign"
                     else "do not clearly agree")
            lines.append(f"- {r.condition}: regression effect {sign} ({r.estimate:.2f} [{r.lower:.2f}, "
                         f"{r.upper:.2f}]); set-theoretic: {sets_side} -> {agree}.")
    return "\n".join(lines) + "\n"


def sets(ctx: RunContext) -> None:
    """Necessity and sufficiency of the seven conditions, with cut-off and coding robustness."""
    from ..plots import plot_path_robustness, plot_truth_table, plot_xy
    from ..sets import minimize, necessity, skewness, truth_table
    from ..sets.permutation import permutation_test
    from ..sets.uncertainty import coding_uncertainty, draw_codings

    data, conf, labels = set_data(ctx)
    n_draws = DRAWS["quick" if ctx.quick else "full"]
    n_perm = PERMUTATIONS["quick" if ctx.quick else "full"]
    conds = list(CONDITIONS)
    ctx.write_table("sets_skewness", skewness(data).reset_index())

    # coded analysis
    solutions, tts = {}, {}
    for outcome in OUTCOMES:
        tts[outcome] = truth_table(data, outcome, conds, **MAIN_CUTS)
        # The intermediate solution is not computed here: on these data the parsimonious
        # solution for the outcome has many equally good models and the intermediate one
        # (one set of models per conservative x parsimonious pair) has over a thousand.
        if tts[outcome].positive_rows:
            solutions[(outcome, "parsimonious")] = minimize(tts[outcome], solution="parsimonious")
        else:
            note = (f"sets: no truth-table row for {outcome} passes inclS >= {MAIN_CUTS['incl_cut']} and "
                    f"PRI >= {MAIN_CUTS['pri_cut']}; nothing is sufficient")
            if note not in ctx.notes:
                ctx.notes.append(note)
    ctx.write_table("sets_solutions", _solutions_table(solutions))

    # coding uncertainty: the same draws for the outcome and its absence
    draws = draw_codings(data[[*conds, OUTCOME]], conf[[*conds, OUTCOME]], n_draws=n_draws, seed=ctx.seed)
    unc = {o: coding_uncertainty(data[[*conds, OUTCOME]], conf, o, conds, draws=draws, **MAIN_CUTS)
           for o in OUTCOMES}

    # necessity with intervals and permutation p-values
    nec_rows = []
    for outcome in OUTCOMES:
        coded = necessity(data, outcome, conds)
        perm = permutation_test(data, outcome, list(coded.index), relation="necessity",
                                n_permutations=n_perm, seed=ctx.seed)
        t = unc[outcome].necessity.join(perm.table[["p_value", "p_adjusted"]])
        t.insert(0, "outcome", outcome)
        nec_rows.append(t.reset_index())
    nec = pd.concat(nec_rows, ignore_index=True)
    nec.attrs["n_cases"] = len(data)
    ctx.write_table("sets_necessity", nec)

    # truth tables with the probability that each row passes
    for outcome in OUTCOMES:
        name = "transformation" if outcome == OUTCOME else "not_transformation"
        table = tts[outcome].table.drop(columns=["cases"]).join(unc[outcome].rows[["p_observed", "p_out"]])
        ctx.write_table(f"sets_truth_table_{name}", table.reset_index())
        ctx.write_table(f"sets_uncertainty_implicants_{name}", unc[outcome].implicants.reset_index())
        ctx.write_figure(f"sets_truth_table_{name}", plot_truth_table(tts[outcome], p_out=unc[outcome].rows["p_out"]))
        if not unc[outcome].paths.empty:
            ctx.write_figure(f"sets_path_robustness_{name}", plot_path_robustness(unc[outcome]))

    # paths: sufficiency tests and verdicts
    verdicts = pd.concat([_path_verdicts(unc[o]) for o in OUTCOMES], ignore_index=True)
    suff = []
    for outcome in OUTCOMES:
        terms = list(unc[outcome].paths.index)
        if terms:
            p = permutation_test(data, outcome, terms, relation="sufficiency", n_permutations=n_perm, seed=ctx.seed)
            suff.append(p.table[["p_value", "p_adjusted"]].assign(outcome=outcome).reset_index())
    suff_df = pd.concat(suff, ignore_index=True) if suff else pd.DataFrame(columns=["term", "outcome"])
    verdicts = verdicts.merge(suff_df, on=["outcome", "term"], how="left")
    ctx.write_table("sets_paths", verdicts)
    influence = []
    for outcome in OUTCOMES:
        for term in unc[outcome].paths.index:
            top = unc[outcome].cell_influence(term, which="consistent", top=5)
            influence.append(top.assign(outcome=outcome, term=term))
    if influence:
        ctx.write_table("sets_cell_influence", pd.concat(influence, ignore_index=True))

    # robustness to cut-offs
    cut_settings, cut_terms = _cutoff_robustness(data)
    ctx.write_table("sets_cutoff_robustness", cut_settings)
    ctx.write_table("sets_cutoff_terms", cut_terms)

    # XY plots: the most consistent necessary condition and the most robust path
    top_nec = nec[nec["outcome"] == OUTCOME].sort_values("inclN_coded", ascending=False).iloc[0]["term"]
    ctx.write_figure("sets_xy_necessity", plot_xy(data, OUTCOME, top_nec, relation="necessity",
                                                  case_labels=labels.to_dict()))
    pos = verdicts[verdicts["outcome"] == OUTCOME]
    if not pos.empty:
        best = pos.sort_values(["p_consistent", "inclS_coded"], ascending=False).iloc[0]["term"]
        ctx.write_figure("sets_xy_sufficiency", plot_xy(data, OUTCOME, best, case_labels=labels.to_dict()))

    # side by side with the regression
    reg, reg_source = _regression_effects(ctx)
    if reg is not None:
        ctx.write_table("sets_regression_comparison", reg)
    perm_all = pd.concat([nec[["outcome", "term", "p_adjusted"]], suff_df[["outcome", "term", "p_adjusted"]]],
                         ignore_index=True)
    ctx.write_text("sets_findings.md",
                   _findings(ctx, nec, verdicts, cut_settings, perm_all, reg, reg_source, n_draws))
