"""Build the blind second-coding packet of CBM-T (issue 11) from the first coding.

The packet holds the codebook, the case facts and the sources, but none of the
first coder's codings: no outcome codes, condition scores, confidences,
rationales, ``standing_body``, measure types, ``third_party`` or ``track_two``.
Condition cells are a stratified random sample (by condition and the first
coder's confidence) of at least 30% of the cells of each stratum; the sample
is fixed by ``SEED`` so it can be rebuilt and checked.

Usage: ``python data/cbm/reliability/make_blind_packet.py OUT_DIR``
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261202
SHARE = 0.30
HERE = Path(__file__).resolve().parent
CBM = HERE.parent


def sample_condition_cells(conditions: pd.DataFrame, share: float = SHARE,
                           seed: int = SEED) -> pd.DataFrame:
    """At least ``share`` of the cells of every (condition, confidence) stratum, at random."""
    rng = np.random.default_rng(seed)
    picked = []
    for _, stratum in conditions.sort_values(["condition", "confidence", "case_id"]).groupby(
            ["condition", "confidence"], sort=True):
        k = math.ceil(share * len(stratum))
        picked.append(stratum.iloc[np.sort(rng.choice(len(stratum), size=k, replace=False))])
    return pd.concat(picked)[["case_id", "condition"]].sort_values(["case_id", "condition"])


def codebook_without_examples() -> str:
    """The codebook without section 6, whose anchoring examples quote first codings."""
    text = (CBM / "CODEBOOK.md").read_text(encoding="utf-8")
    start = text.index("\n## 6.")
    end = text.index("\n## 7.", start)
    note = ("\n## 6. Anchoring examples\n\n(Left out of the blind packet: the examples quote "
            "first codings of real cases.)\n")
    return text[:start] + note + text[end:]


def build(out: Path) -> None:
    t = {name: pd.read_csv(CBM / f"{name}.csv", dtype=str, keep_default_na=False)
         for name in ("states", "dyads", "arrangements", "participants", "measures", "cases",
                      "conditions", "sources")}
    names = dict(zip(t["states"]["ccode"], t["states"]["name"], strict=True))
    out.mkdir(parents=True, exist_ok=True)
    (out / "CODEBOOK.md").write_text(codebook_without_examples(), encoding="utf-8")
    arr = t["arrangements"].drop(columns=["standing_body"])
    dy = t["dyads"]
    cases = (t["cases"][["case_id", "arrangement_id", "dyad_id", "transformation_source_ids"]]
             .rename(columns={"transformation_source_ids": "case_source_ids"})
             .merge(arr.rename(columns={"name": "arrangement_name",
                                        "source_ids": "arrangement_source_ids",
                                        "notes": "arrangement_notes",
                                        "region": "arrangement_region"}),
                    on="arrangement_id")
             .merge(dy.rename(columns={"region": "dyad_region", "rivalry": "dyad_rivalry"}),
                    on="dyad_id"))
    cases.insert(3, "state_a", cases["ccode_a"].map(names))
    cases.insert(4, "state_b", cases["ccode_b"].map(names))
    cases.to_csv(out / "cases_facts.csv", index=False)
    part = t["participants"].assign(state=lambda d: d["ccode"].map(names))
    part.to_csv(out / "participants.csv", index=False)
    t["measures"].drop(columns=["type"]).to_csv(out / "measures_to_type.csv", index=False)
    arr[["arrangement_id", "name"]].to_csv(out / "arrangements_to_code.csv", index=False)
    t["sources"].to_csv(out / "sources.csv", index=False)
    cells = sample_condition_cells(t["conditions"])
    cells.to_csv(out / "condition_cells_to_code.csv", index=False)
    print(f"{len(cases)} cases, {len(arr)} arrangements, {len(t['measures'])} measures, "
          f"{len(cells)} of {len(t['conditions'])} condition cells -> {out}")


if __name__ == "__main__":
    build(Path(sys.argv[1]))
