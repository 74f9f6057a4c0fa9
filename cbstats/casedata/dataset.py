"""The :class:`CaseData` object: the tables of a case dataset and their tidy views."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd

from . import views
from .describe import describe_tables, wide_for_describe
from .schema import PackageSpec

PACKAGE_TABLES = ("states", "dyads", "arrangements", "participants", "measures", "cases",
                  "conditions", "sources")


class CaseData:
    """Tables of a case dataset, with tidy views.

    Create it with :func:`cbstats.read_case_package`, :func:`cbstats.read_case_table`
    or :func:`cbstats.load_cbm`, not directly. Views return new DataFrames;
    the stored tables are never modified.

    Attributes
    ----------
    source : str
        The folder or file read.
    version : str or None
        Dataset version from ``datapackage.json``.
    column_types : dict
        For a wide table read by :func:`cbstats.read_case_table`: how each
        column was read (``"numeric (inferred)"``, ``"text (given)"``,
        ``"condition score"``, ``"id"`` ...); empty for a case package,
        whose types come from ``datapackage.json``.
    type_note : str
        The same in one sentence (empty for a case package).
    lines : dict
        Physical line of every row in its file, per table (wide tables).
    """

    def __init__(
        self,
        tables: dict[str, pd.DataFrame],
        *,
        source: str,
        spec: PackageSpec | None = None,
        files: dict[str, Path] | None = None,
        descriptor: dict[str, Any] | None = None,
        column_types: dict[str, str] | None = None,
        type_note: str = "",
        lines: dict[str, list[int]] | None = None,
    ) -> None:
        self._tables = tables
        self.source = source
        self.spec = spec
        self.files = dict(files or {})
        self.descriptor = descriptor or {}
        self.version: str | None = spec.version if spec is not None else None
        self.column_types: dict[str, str] = dict(column_types or {})
        self.type_note = type_note
        self.lines: dict[str, list[int]] = dict(lines or {})

    def __repr__(self) -> str:
        if self.is_package:
            n = len(self._tables["cases"])
            return (f"<CaseData {self.spec.name if self.spec else ''} v{self.version}: {n} cases, "
                    f"{len(self._tables['arrangements'])} arrangements, "
                    f"{len(self._tables['dyads'])} dyads from {self.source}>")
        return f"<CaseData wide table: {len(self._tables['cases_wide'])} cases from {self.source}>"

    @property
    def is_package(self) -> bool:
        """True when all tables of a case package are present (not a single wide table)."""
        return all(t in self._tables for t in PACKAGE_TABLES)

    def table(self, name: str) -> pd.DataFrame:
        """A copy of one stored table (``states``, ``dyads``, ``cases`` ...)."""
        if name not in self._tables:
            raise KeyError(f"No table {name!r}; this dataset has: {', '.join(self._tables)}")
        return self._tables[name].copy()

    @property
    def table_names(self) -> list[str]:
        return list(self._tables)

    def _need_package(self, what: str) -> dict[str, pd.DataFrame]:
        if not self.is_package:
            raise ValueError(
                f"{what} needs a full case package (states, dyads, arrangements, ...); "
                f"{self.source} is a single wide table. Use cases_wide() instead."
            )
        return self._tables

    def cases_wide(self, *, failed_negotiations: bool = True) -> pd.DataFrame:
        """One row per case: conditions, process features and outcome (see :func:`views.cases_wide`).

        Parameters
        ----------
        failed_negotiations : bool
            Keep cases of formally opened negotiations that produced no
            arrangement (``negotiation_failed == 1``, outcome 0). ``False``
            leaves them out, for analyses of concluded arrangements only.
        """
        if not self.is_package:
            return self._tables["cases_wide"].copy()
        wide = views.cases_wide(self._tables)
        if not failed_negotiations:
            wide = wide[wide["negotiation_failed"] == 0].reset_index(drop=True)
        return wide

    def complete_cases(self, columns: list[str] | None = None, *,
                       failed_negotiations: bool = True) -> pd.DataFrame:
        """The wide case matrix without cases that have a missing value in ``columns``.

        Parameters
        ----------
        columns : list of str, optional
            Columns that must be complete (default: the seven conditions).
        failed_negotiations : bool
            Keep cases of negotiations that produced no arrangement (see
            :meth:`cases_wide`).

        Returns
        -------
        DataFrame
            With ``attrs["dropped_case_ids"]`` listing the cases left out.
        """
        from .schema import CONDITIONS

        wide = self.cases_wide(failed_negotiations=failed_negotiations)
        columns = list(CONDITIONS) if columns is None else list(columns)
        keep = wide[columns].notna().all(axis=1)
        id_col = "case_id" if "case_id" in wide else None
        dropped = wide.loc[~keep, id_col].tolist() if id_col else wide.index[~keep].tolist()
        out = wide[keep].reset_index(drop=True)
        out.attrs["dropped_case_ids"] = dropped
        return out

    def conditions_long(self) -> pd.DataFrame:
        """Condition codings in long form with confidence, rationale and sources."""
        return views.conditions_long(self._need_package("conditions_long()"))

    def arrangement_dyads(self, arrangement_id: str) -> pd.DataFrame:
        """Every pair of participants of an arrangement, flagging the coded cases."""
        return views.arrangement_dyads(self._need_package("arrangement_dyads()"), arrangement_id)

    def dyad_year_panel(self, by: str = "case") -> pd.DataFrame:
        """Year-by-year panel for discrete-time event models (see :func:`views.dyad_year_panel`)."""
        return views.dyad_year_panel(self._need_package("dyad_year_panel()"), by=by)

    def describe(self) -> dict[str, pd.DataFrame]:
        """Descriptive tables: cases by region, by decade, outcomes, condition coverage.

        Raises
        ------
        CaseDataError
            For a wide table that lacks a column the tables need (region,
            dyad_id, arrangement_id, transformation, year_signed or decade) or
            holds text or impossible values in a numeric one.
        """
        if self.is_package:
            return describe_tables(self.cases_wide(), self._tables.get("conditions"))
        from .errors import CaseDataError

        file = Path(self.files.get("cases_wide", self.source)).name
        wide, problems = wide_for_describe(self.cases_wide(), file, self.lines.get("cases_wide"))
        if problems:
            raise CaseDataError(problems, self.source)
        return describe_tables(wide, None)

    def trace(self, case_id: str) -> pd.DataFrame:
        """Every coding behind one case, with its rationale and full source references.

        Returns one row for the outcome and one per condition: value,
        confidence, rationale, source ids and the sources' citations.
        """
        t = self._need_package("trace()")
        cases = t["cases"].set_index("case_id")
        if case_id not in cases.index:
            raise KeyError(f"No case {case_id!r}")
        c = cases.loc[case_id]
        rows = [{"coding": "transformation", "value": c["transformation"],
                 "confidence": c["transformation_confidence"], "rationale": c["transformation_rationale"],
                 "source_ids": c["transformation_source_ids"]}]
        cond = t["conditions"][t["conditions"]["case_id"] == case_id]
        for r in cond.itertuples(index=False):
            rows.append({"coding": r.condition, "value": r.score, "confidence": r.confidence,
                         "rationale": r.rationale if pd.notna(r.score) else f"{r.rationale} (missing: {r.missing_reason})",
                         "source_ids": r.source_ids})
        out = pd.DataFrame(rows)
        src = t["sources"].set_index("source_id")

        def cite(ids: str) -> str:
            parts = []
            for sid in ids.split(";"):
                s = src.loc[sid]
                parts.append(f"{s['author_issuer']} ({s['year']}), {s['title']}")
            return "; ".join(parts)

        out["sources"] = out["source_ids"].map(cite)
        return out

    def reliability(self, folder: str | Path | None = None, *, n_boot: int | None = None,
                    seed: int | None = None):
        """Intercoder reliability against a blind second coding.

        For the bundled dataset the second coding was made against the first
        coding of an earlier release (``reliability/study.json`` names it), and
        that release's tables are compared with it, whatever version is loaded.

        Parameters
        ----------
        folder : path, optional
            Folder with the second-coding CSV files; default
            ``<package>/reliability/second_coding``.
        n_boot : int, optional
            Bootstrap replications of each alpha (default from ``study.json``, else 1000).
        seed : int, optional
            Seed of the bootstrap (default from ``study.json``).

        Returns
        -------
        cbstats.casedata.reliability.Reliability
            ``agreement`` (Krippendorff's alpha with a bootstrap interval and
            percentage agreement per variable), ``confusion`` (by the first
            coder's confidence), ``disagreements`` and, where it exists, the
            ``adjudication`` log.
        """
        import json

        from .reliability import reliability_tables

        tables = self._need_package("reliability()")
        study_dir = Path(self.source) / "reliability"
        study = {}
        if (study_dir / "study.json").is_file():
            study = json.loads((study_dir / "study.json").read_text(encoding="utf-8"))
        first_version = study.get("first_coding_version", self.version)
        if first_version != self.version:
            from .reading import read_case_package

            tables = read_case_package(Path(self.source) / "versions" / first_version)._tables
        if folder is None:
            folder = study_dir / "second_coding"
        adjudication = study_dir / "adjudication.csv"
        return reliability_tables(
            tables, folder, n_boot=study.get("n_boot", 1000) if n_boot is None else n_boot,
            seed=study.get("seed", 20261202) if seed is None else seed,
            adjudication=adjudication if adjudication.is_file() else None,
            first_coding_version=first_version)

    def file_hashes(self) -> dict[str, str]:
        """SHA-256 of every file read (descriptor included where present)."""
        hashes = {}
        paths = dict(self.files)
        if self.is_package:
            descriptor = Path(self.source) / "datapackage.json"
            if descriptor.is_file():
                paths["datapackage"] = descriptor
        for _name, path in sorted(paths.items()):
            hashes[Path(path).name] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        return hashes

    def data_hash(self) -> str:
        """One SHA-256 over the hashes of all files read: identifies the exact data."""
        h = hashlib.sha256()
        for name, digest in sorted(self.file_hashes().items()):
            h.update(f"{name}:{digest}\n".encode())
        return h.hexdigest()
