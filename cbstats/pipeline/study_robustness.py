"""Analyses 05 (robustness) and 06 (interpretation)."""

from __future__ import annotations

import arviz as az
import numpy as np
import pandas as pd

from ..casedata.schema import CONDITIONS
from .context import RunContext
from .specs import MAIN_BINARY, MAIN_ORDINAL


def prior_sensitivity(result) -> pd.DataFrame:
    """Power-scaling sensitivity (arviz.psens) of coefficients and cutpoints to prior and likelihood.

    Values >= 0.05 flag sensitivity (Kallioinen et al. 2023, the threshold ArviZ documents):
    prior and likelihood both sensitive suggests prior-data conflict; prior only, a prior
    that dominates a weak likelihood. The log prior is computed with the model the result
    was sampled from (its own prior overrides and options).
    """
    import pymc as pm

    from ..models.builder import rebuild_model

    idata = result.idata.copy()
    if "log_prior" not in idata.groups():
        pm.compute_log_prior(idata, model=rebuild_model(result), progressbar=False)
    # Power-scale the priors of the top-level parameters (the standard-normal offsets z_* of
    # the non-centred group effects are part of the hierarchical structure, not a prior choice),
    # all together and by group, so that a conflict can be traced to the prior causing it.
    top = [str(v) for v in idata.log_prior.data_vars if not str(v).startswith("z_")]
    groups = {
        "all priors": top,
        "coefficient priors (b)": [v for v in top if v == "b"],
        "group-level SD priors": [v for v in top if v.startswith("sd_")],
    }
    rows = []
    like = {var: az.psens(idata, component="likelihood", var_names=[var])
            for var in ("b", "cutpoints", "intercept") if var in idata.posterior}
    for prior_group, components in groups.items():
        if not components:
            continue
        for var, lk in like.items():
            prior = az.psens(idata, component="prior", component_var_names=components, var_names=[var])
            dims = [d for d in prior.dims if d not in ("chain", "draw")]
            labels = prior[dims[0]].values if dims else [var]
            for label in labels:
                sel = {dims[0]: label} if dims else {}
                ps, ls = float(prior.sel(sel)), float(lk.sel(sel))
                diagnosis = ("prior-data conflict" if ps >= 0.05 and ls >= 0.05 else
                             "strong prior / weak likelihood" if ps >= 0.05 else "no concern")
                rows.append({"priors_scaled": prior_group, "parameter": var, "term": str(label),
                             "prior_sensitivity": ps, "likelihood_sensitivity": ls,
                             "diagnosis": diagnosis})
    return pd.DataFrame(rows)


def loo_influence(result, top: int = 10) -> pd.DataFrame:
    """Approximate leave-one-case-out shift of each coefficient (PSIS importance weights).

    For case i the leave-one-out posterior mean is the posterior mean reweighted by
    PSIS-smoothed weights proportional to 1 / p(y_i | theta). Shifts are in
    posterior-sd units; cases with Pareto k > 0.7 are flagged (approximation unreliable).
    """
    idata = result.idata
    ll = idata.log_likelihood[list(idata.log_likelihood.data_vars)[0]]
    ll = ll.stack(sample=("chain", "draw")).transpose("sample", ...).values  # S x N
    b = idata.posterior["b"].stack(sample=("chain", "draw")).transpose("sample", ...).values  # S x P
    terms = [str(t) for t in idata.posterior["b"][idata.posterior["b"].dims[-1]].values]
    cases = [str(c) for c in idata.log_likelihood[ll_dim(idata)].values]
    log_w, k = az.psislw(-ll.T)  # observations first: ArviZ takes samples on the last axis
    w = np.exp(log_w)  # N x S, each row normalised to sum to 1
    loo_means = w @ b  # N x P
    sd = b.std(axis=0)
    shift = (loo_means - b.mean(axis=0)) / sd
    rows = []
    for i, case in enumerate(cases):
        j = int(np.argmax(np.abs(shift[i])))
        rows.append({"case_id": case, "max_abs_shift_sd": float(np.abs(shift[i]).max()),
                     "term_moved_most": terms[j], "shift_sd": float(shift[i, j]),
                     "pareto_k": float(k[i]), "approximation_reliable": bool(k[i] <= 0.7)})
    return pd.DataFrame(rows).sort_values("max_abs_shift_sd", ascending=False).reset_index(drop=True)


def ll_dim(idata) -> str:
    var = list(idata.log_likelihood.data_vars)[0]
    return [d for d in idata.log_likelihood[var].dims if d not in ("chain", "draw")][0]


def robustness(ctx: RunContext) -> None:
    """Prior sensitivity, leave-one-case-out influence, refits without low-confidence codings."""
    from .findings import refit_findings, sensitivity_findings
    from .fitting import get_fits
    from .study_models import main_fits

    data, ordinal, binary = main_fits(ctx)
    for name, result in (("ordinal", ordinal), ("binary", binary)):
        fit = f"bayes_{name}"
        sensitivity = prior_sensitivity(result)
        ctx.write_table(
            f"robustness_prior_sensitivity_{name}", sensitivity, model=fit,
            title=f"Prior sensitivity of the {name} model (power scaling)",
            caption=f"Power-scaling sensitivity (arviz.psens) of each coefficient and cutpoint of {fit} "
                    "to its priors (all together, the coefficient priors, the group-SD priors) and to "
                    "the likelihood; a value >= 0.05 flags sensitivity, and prior and likelihood both "
                    "sensitive suggests prior-data conflict.")
        for text in sensitivity_findings(sensitivity, fit):
            ctx.add_finding(text, model=fit)
        influence = loo_influence(result)
        labels = data.set_index("case_id")["case_label"]
        influence.insert(1, "case_label", influence["case_id"].map(labels))
        ctx.write_table(
            f"robustness_case_influence_{name}", influence, model=fit,
            title=f"Influence of each case on the {name} model",
            caption=f"Approximate leave-one-case-out shift of each coefficient of {fit}: the posterior "
                    "mean reweighted by PSIS-smoothed importance weights 1 / p(y_i | theta), minus the "
                    "full posterior mean, in posterior-SD units; the largest shift per case, cases that "
                    "move estimates most first. Pareto k > 0.7 marks a case where the approximation is "
                    "unreliable.")
    cases = ctx.data.table("cases").set_index("case_id")
    conds = ctx.data.table("conditions")
    n_low = conds[conds["confidence"] == "low"].groupby("case_id").size()
    subsets = {
        "no_low_confidence_outcome": data[data["case_id"].map(cases["transformation_confidence"]) != "low"],
        "at_most_2_low_confidence_conditions": data[data["case_id"].map(n_low).fillna(0) <= 2],
    }
    rows = []
    main = {"ordinal": ordinal.summary(), "binary": binary.summary()}
    models = (("ordinal", MAIN_ORDINAL, "cumulative"), ("binary", MAIN_BINARY, "bernoulli"))
    subsets = {subset: frame.reset_index(drop=True) for subset, frame in subsets.items()}
    refits = get_fits(ctx, [(f"robust_{kind}_{subset}", formula, family, frame)
                            for subset, frame in subsets.items() for kind, formula, family in models],
                      label="robustness refits (low-confidence codings left out)")
    refits = iter(refits)
    for subset, frame in subsets.items():
        for kind, _, _ in models:
            s = next(refits).summary().set_index("term")
            m = main[kind].set_index("term")
            for term in m.index[m["param_class"] == "b"]:
                rows.append({"model": kind, "subset": subset, "n_cases": len(frame), "term": term,
                             "estimate_all": m.loc[term, "estimate"], "estimate_subset": s.loc[term, "estimate"],
                             "lower_subset": s.loc[term, "lower"], "upper_subset": s.loc[term, "upper"],
                             "shift_in_sd": (s.loc[term, "estimate"] - m.loc[term, "estimate"])
                             / m.loc[term, "std_error"]})
    refits = pd.DataFrame(rows)
    ctx.write_table(
        "robustness_low_confidence_refits", refits, model="bayes_ordinal, bayes_binary",
        title="Refits on better-documented cases",
        caption="Both main models refitted on two subsets: cases whose outcome coding is not "
                "low-confidence, and cases with at most two low-confidence condition codings. For each "
                "coefficient: estimate on all cases and on the subset (posterior mean, 95% interval), "
                "and the shift (subset - all) in posterior SDs of the main model.")
    for text in refit_findings(refits):
        ctx.add_finding(text, model="bayes_ordinal, bayes_binary")


def interpretation(ctx: RunContext) -> None:
    """Predicted probability of institutionalization by condition profile; effect of removing a condition."""
    from ..models.counterfactual import counterfactual_change
    from .study_models import main_fits

    data, _, binary = main_fits(ctx)
    p = binary.predict(data, kind="mean").values.reshape(-1, len(data))  # draws x cases
    profile = data[list(CONDITIONS)].map(lambda v: f"{v:g}").agg("/".join, axis=1)
    rows = []
    for key, idx in profile.groupby(profile, sort=False).indices.items():
        draws = p[:, idx].mean(axis=1)  # average over the cases sharing the profile, per draw
        rows.append({"profile": key, "profile_order": "/".join(CONDITIONS), "n_cases": len(idx),
                     "p_mean": draws.mean(), "p_lower": np.quantile(draws, 0.05),
                     "p_upper": np.quantile(draws, 0.95),
                     "observed_share": data["institutionalized"].to_numpy()[idx].mean(),
                     "cases": "; ".join(data["case_label"].to_numpy()[idx])})
    by_profile = pd.DataFrame(rows).sort_values(["p_mean", "profile"], ascending=[False, True])
    by_profile = by_profile.reset_index(drop=True)
    ctx.write_table(
        "interpretation_profiles", by_profile, model="bayes_binary",
        title="Predicted institutionalization by condition profile",
        caption="Cases grouped by their profile of the seven condition scores (in the order of "
                "profile_order). For each profile, the predicted probability of an institutionalized "
                "transformation from bayes_binary is averaged over the cases sharing it, draw by draw: "
                "posterior mean and 90% interval of that average, beside the observed share.")
    from .findings import profile_findings

    for text in profile_findings(by_profile, "bayes_binary"):
        ctx.add_finding(text, model="bayes_binary")
    changes = pd.concat([counterfactual_change(binary, data, cond, 0.0) for cond in CONDITIONS],
                        ignore_index=True)
    changes = changes[changes["observed_value"] != 0].rename(columns={"id": "case_id", "column": "condition"})
    changes.insert(1, "case_label", changes["case_id"].map(data.set_index("case_id")["case_label"]))
    ctx.write_table(
        "interpretation_condition_absent", changes.reset_index(drop=True), model="bayes_binary",
        title="What if a condition had been absent?",
        caption="For each case and each condition it has (score > 0): its predicted probability of an "
                "institutionalized transformation from bayes_binary as observed and with that "
                "condition set to 0, other predictors unchanged, and their difference computed draw by "
                "draw (posterior mean and 90% interval).")
