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
    from .study_models import main_fits

    if not _is_bundled(ctx):
        ctx.notes.append("versions: the data are not the bundled CBM-T release; reliability and "
                         "release comparison skipped.")
        return
    root = Path(ctx.data.source)
    if (root / "reliability" / "second_coding").is_dir():
        rel = ctx.data.reliability()
        ctx.write_table("reliability_agreement", rel.agreement)
        ctx.write_table("reliability_confusion", rel.confusion)
        if rel.adjudication is not None:
            basis = (rel.adjudication.groupby(["variable", "resolution_basis"]).size()
                     .unstack(fill_value=0).reset_index())
            ctx.write_table("reliability_adjudication_summary", basis)
    if (root / "frame.csv").is_file():
        ctx.write_table("sampling_frame_coverage",
                        coverage_table(pd.read_csv(root / "frame.csv", dtype=str,
                                                   keep_default_na=False)))
    _, current, _ = main_fits(ctx)
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
    ctx.write_table("versions_coefficients_ordinal", coefficients_across(fits))
