"""Analysis: the dataset release — reliability, sampling-frame coverage, results across releases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .context import RunContext
from .fitting import get_fit
from .specs import MAIN_ORDINAL

ESTIMATE_COLUMNS = ["term", "param_class", "estimate", "lower", "upper"]


def _is_bundled(ctx: RunContext) -> bool:
    from ..casedata.bundled import bundled_cbm_path

    return Path(ctx.data.source).resolve() == bundled_cbm_path().resolve()


def coverage_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Share of the sampling frame's instruments in the dataset, by region and kind, and overall."""
    frame = frame.assign(in_data=frame["in_dataset"].fillna("").astype(str).str.strip() != "")
    parts = []
    for by in ("region", "kind"):
        g = frame.groupby(by)["in_data"].agg(["size", "sum"]).reset_index()
        parts.append(g.rename(columns={by: "group"}).assign(by=by))
    total = pd.DataFrame({"by": ["all"], "group": ["all"], "size": [len(frame)],
                          "sum": [int(frame["in_data"].sum())]})
    out = pd.concat([*parts, total], ignore_index=True)
    out = out.rename(columns={"size": "instruments_in_frame", "sum": "in_dataset"})
    out["coverage"] = out["in_dataset"] / out["instruments_in_frame"]
    return out[["by", "group", "instruments_in_frame", "in_dataset", "coverage"]]


def coefficients_across(results: dict[str, object]) -> pd.DataFrame:
    """Population coefficients and cutpoints of several fits side by side, with the shifts."""
    merged = None
    for label, result in results.items():
        s = result.summary()
        s = s[s["param_class"].isin(["b", "cutpoints", "intercept"])][ESTIMATE_COLUMNS]
        s = s.rename(columns={c: f"{c} ({label})" for c in ("estimate", "lower", "upper")})
        merged = s if merged is None else merged.merge(s, on=["term", "param_class"], how="outer")
    labels = list(results)
    for label in labels[1:]:
        merged[f"shift ({label} - {labels[0]})"] = (merged[f"estimate ({label})"]
                                                     - merged[f"estimate ({labels[0]})"])
    return merged


def versions(ctx: RunContext) -> None:
    """Reliability of the coding, coverage of the sampling frame, and the main ordinal model's
    coefficients under the previous and the current release (and without failed negotiations)."""
    from ..casedata import cbm_versions, load_cbm
    from .study_models import main_ordinal

    if not _is_bundled(ctx):
        ctx.notes.append("versions: the data are not the bundled CBM-T release; reliability and "
                         "release comparison skipped.")
        return
    root = Path(ctx.data.source)
    if (root / "reliability" / "second_coding").is_dir():
        rel = ctx.data.reliability()
        a = rel.agreement.set_index("variable")
        if "transformation" in a.index:
            ctx.add_finding(
                f"Intercoder reliability (blind second coding): Krippendorff's alpha "
                f"{a.loc['transformation', 'alpha']:.2f} for the outcome level"
                + (f", {a.loc['conditions (pooled)', 'alpha']:.2f} for the sampled condition scores"
                   if "conditions (pooled)" in a.index else "") + ".")
        ctx.write_table(
            "reliability_agreement", rel.agreement, title="Intercoder reliability of the coding",
            caption=(f"Blind second coding against the first coding of v{rel.first_coding_version}: "
                     "Krippendorff's alpha (ordinal for scores and outcome levels, nominal for binary "
                     "features and measure types, interval for years) with a 95% percentile bootstrap "
                     "interval over units, and percentage agreement."))
        ctx.write_table(
            "reliability_confusion", rel.confusion, title="First against second coding, by confidence",
            caption="Counts of each (first, second) pair of values, by the first coder's confidence.",
            link_only=True)
        if rel.adjudication is not None:
            basis = (rel.adjudication.groupby(["variable", "resolution_basis"]).size()
                     .unstack(fill_value=0).reset_index())
            ctx.write_table("reliability_adjudication_summary", basis,
                            title="Adjudication of the disagreements",
                            caption=("Number of disagreements per variable resolved in favour of the "
                                     "first coding, the second coding, or neither."))
    if (root / "frame.csv").is_file():
        ctx.write_table("sampling_frame_coverage",
                        coverage_table(pd.read_csv(root / "frame.csv", dtype=str,
                                                   keep_default_na=False)),
                        title="Coverage of the sampling frame",
                        caption=("Share of the instruments of the sampling frame (frame.csv) that are in "
                                 "the dataset, by region, by kind (concluded or failed negotiation) and "
                                 "overall."))
    _, current = main_ordinal(ctx)
    releases = cbm_versions()
    fits = {}
    if len(releases) > 1 and releases[-2] != ctx.data.version:
        previous = releases[-2]
        old_cases = load_cbm(version=previous).complete_cases()
        fits[f"v{previous}"] = get_fit(ctx, f"bayes_ordinal_v{previous.replace('.', '_')}",
                                       MAIN_ORDINAL, "cumulative", old_cases, save=False,
                                       purpose="secondary")
    fits[f"v{ctx.data.version}"] = current
    concluded = ctx.data.complete_cases(failed_negotiations=False)
    if len(concluded) < current.design.n_obs:
        fits[f"v{ctx.data.version}, concluded only"] = get_fit(
            ctx, "bayes_ordinal_concluded_only", MAIN_ORDINAL, "cumulative", concluded,
            save=False, purpose="secondary")
    table = coefficients_across(fits)
    shifts = [c for c in table.columns if c.startswith("shift")]
    if shifts:
        b = table[table["param_class"] == "b"]
        largest = b.loc[b[shifts[0]].abs().idxmax()]
        ctx.add_finding(f"Across dataset releases ({shifts[0][7:-1]}), the largest shift of a "
                        f"population coefficient of the main ordinal model is "
                        f"{largest[shifts[0]]:+.2f} for {largest['term']}.", model="bayes_ordinal")
    ctx.write_table(
        "versions_coefficients_ordinal", table,
        title="Main ordinal model across dataset releases",
        caption=("Posterior means and 95% intervals of the population coefficients and cutpoints of "
                 "the main ordinal model fitted to " + ", ".join(fits) + " (complete cases of each); "
                 "shifts are differences of posterior means from the first column."),
        model="bayes_ordinal")
