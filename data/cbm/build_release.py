"""Rebuild the derived files of a CBM-T release from the stored codings.

- ``reliability/agreement.csv``, ``reliability/confusion.csv`` and
  ``reliability/disagreements.csv``: intercoder reliability of the first coding
  (the release named in ``reliability/study.json``) against the blind second
  coding, computed by ``cbstats.load_cbm().reliability()``;
- ``CHANGES_<version>.csv``: every changed cell, added row and added column
  against the previous release, with the reason from
  ``reliability/change_reasons.csv`` (cells) or the table's rule for new rows.

The dataset tests recompute both and compare them with the stored files.
Usage: ``python data/cbm/build_release.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from cbstats.casedata import cbm_versions, load_cbm  # noqa: E402
from cbstats.casedata.versions import attach_reasons, diff_packages  # noqa: E402

ROW_REASONS = {
    "arrangements": "new instrument of the sampling frame (SAMPLING_FRAME.md, frame.csv)",
    "cases": "new case: an antagonistic dyad under an instrument of the sampling frame",
    "conditions": "condition coding of a new case",
    "participants": "participant of a new instrument",
    "measures": "measure of a new instrument",
    "sources": "document a new coding relies on",
    "states": "state taking part in a new instrument",
    "dyads": "antagonistic dyad of a new case",
}


def write(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(".csv.tmp")
    frame.to_csv(tmp, index=False, lineterminator="\n", float_format="%.6g")
    tmp.replace(path)


def release_changes(current: str, previous: str) -> pd.DataFrame:
    diff = diff_packages(HERE / "versions" / previous, HERE)
    reasons_path = HERE / "reliability" / "change_reasons.csv"
    reasons = (pd.read_csv(reasons_path, dtype=str, keep_default_na=False) if reasons_path.is_file()
               else pd.DataFrame(columns=["table", "key", "column", "reason"]))
    rows = {(t, k): ROW_REASONS[t] for t, k, c in
            diff[["table", "key", "column"]].itertuples(index=False) if c == "*"}
    return attach_reasons(diff, reasons, rows)


START, END = "<!-- reliability-table:start -->", "<!-- reliability-table:end -->"


def reliability_markdown(agreement: pd.DataFrame) -> str:
    """The agreement table as Markdown, for the codebook's reliability section."""
    lines = ["| variable | metric | units | agreement % | alpha | 95% bootstrap interval |",
             "|---|---|---|---|---|---|"]
    for r in agreement.itertuples(index=False):
        lines.append(f"| {r.variable} | {r.metric} | {r.n_units} | {r.percent_agreement:.1f} | "
                     f"{r.alpha:.2f} | {r.alpha_lower:.2f} – {r.alpha_upper:.2f} |")
    return "\n".join(lines)


def codebook_with_table(text: str, agreement: pd.DataFrame) -> str:
    """The codebook text with the block between the reliability markers replaced."""
    if START not in text:
        return text
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{reliability_markdown(agreement)}\n{END}{tail}"


def main() -> None:
    cbm = load_cbm()
    rel = cbm.reliability()
    write(rel.agreement, HERE / "reliability" / "agreement.csv")
    write(rel.confusion, HERE / "reliability" / "confusion.csv")
    write(rel.disagreements, HERE / "reliability" / "disagreements.csv")
    codebook = HERE / "CODEBOOK.md"
    text = codebook.read_text(encoding="utf-8")
    updated = codebook_with_table(text, rel.agreement)
    if updated != text:
        tmp = codebook.with_suffix(".md.tmp")
        tmp.write_text(updated, encoding="utf-8")
        tmp.replace(codebook)
    versions = cbm_versions()
    changes = release_changes(versions[-1], versions[-2])
    write(changes, HERE / f"CHANGES_{versions[-1]}.csv")
    missing = (changes["reason"] == "").sum()
    print(f"reliability: {len(rel.agreement)} variables, {len(rel.disagreements)} disagreements; "
          f"changes {versions[-2]} -> {versions[-1]}: {len(changes)} rows, {missing} without a reason")


if __name__ == "__main__":
    main()
