"""The run context handed to every analysis: where to write, the seed, the data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..casedata import CaseData
from . import outputs


@dataclass
class RunContext:
    """State shared by the analyses of one reproduction run.

    Attributes
    ----------
    out : Path
        Output folder (``results/`` by default).
    seed : int
        Base random seed; each fit derives its own seed from it deterministically.
    quick : bool
        Few draws, for smoke tests only; every output says so.
    data : CaseData
        The validated dataset.
    written : list of Path
        Every file written so far (for the manifest).
    fits : list of dict
        Diagnostics status of every Bayesian fit (for the manifest).
    notes : list of str
        Notes for the manifest and report (dropped cases, weak identification, LOO).
    records : list of dict
        What each output is, in the order written (for the manifest and the report):
        ``path`` (relative to ``out``), ``analysis``, ``kind`` (table, figure, text, json,
        posterior), ``title``, ``caption``, ``model``, ``also`` (other renderings of the
        same output, e.g. the PDF of a figure) and ``link_only`` (listed, not shown).
    findings : list of dict
        Short statements written by the analyses from the run's numbers (``analysis``,
        ``text``, ``model``), shown at the top of the report.
    analysis : str or None
        The analysis now running (set by :func:`reproduce`); recorded with every output.
    executor : cbstats.refits.Executor or None
        Where groups of refits run (k-fold, robustness refits); None: in this process.
    elpd : dict
        The study's elpd of each fit by name (PSIS-LOO, or exact k-fold where
        Pareto k is high), computed once and used by every table.
    """

    out: Path
    seed: int
    quick: bool
    data: CaseData
    written: list[Path] = field(default_factory=list)
    fits: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    baselines: dict[str, Any] = field(default_factory=dict)
    bayes: dict[str, Any] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    analysis: str | None = None
    executor: Any = None
    elpd: dict[str, Any] = field(default_factory=dict)
    _fits_by_note: dict[str, tuple[int, list[str]]] = field(default_factory=dict, repr=False)

    def add_fit_note(self, message: str, fit: str) -> None:
        """Record a note raised by a fit: one note per message, naming every fit that raised it."""
        position, fits = self._fits_by_note.setdefault(message, (len(self.notes), []))
        if position == len(self.notes):
            self.notes.append("")
        if fit not in fits:
            fits.append(fit)
        self.notes[position] = f"{message} (fits: {', '.join(fits)})"

    @property
    def quick_banner(self) -> str:
        return ("QUICK RUN (--quick): few posterior draws, for smoke tests only — "
                "not for inference.") if self.quick else ""

    def _record(self, path: Path) -> Path:
        if path not in self.written:
            self.written.append(path)
        return path

    def describe(self, path: Path, kind: str, *, title: str | None = None, caption: str | None = None,
                 model: str | None = None, also: tuple[Path, ...] = (), link_only: bool | None = None,
                 topic: str | None = None) -> None:
        """Record what an output is (its manifest record); a later call for the same path updates it.

        Parameters
        ----------
        path : Path
            The file, under the output folder.
        kind : str
            ``table``, ``figure``, ``text``, ``json`` or ``posterior``.
        title, caption : str, optional
            A human title and a sentence saying what the output shows and how it is computed.
            Default title: the file name in words; default caption: none.
        model : str, optional
            The fit (name in the manifest's ``fits``) or models the output comes from.
        also : tuple of Path
            Other renderings of the same output (PDF of a figure, LaTeX of a table).
        link_only : bool, optional
            The report lists the file with a link instead of showing it (its numbers are
            shown in another output). Default: as recorded before, else False.
        topic : str, optional
            A report section other than the analysis's own that the output belongs to:
            ``"specification"`` (model specifications and priors) or ``"diagnostics"``.
        """
        rel = _relative(path, self.out)
        old = next((r for r in self.records if r["path"] == rel), None)
        prev = old or {}
        record = {
            "path": rel, "analysis": prev.get("analysis", self.analysis), "kind": kind,
            "title": title or prev.get("title") or default_title(path),
            "caption": caption or prev.get("caption") or "",
            "model": model or prev.get("model"),
            "also": sorted({*prev.get("also", []), *(_relative(p, self.out) for p in also)}),
            "link_only": bool(prev.get("link_only", False) if link_only is None else link_only),
            "topic": topic or prev.get("topic"),
        }
        if old is None:
            self.records.append(record)
        else:
            old.update(record)

    def add_finding(self, text: str, *, model: str | None = None) -> None:
        """Record a finding of the running analysis, stated from its numbers."""
        self.findings.append({"analysis": self.analysis, "text": text, "model": model})

    def write_table(self, name: str, frame: pd.DataFrame, *, index: bool = False, title: str | None = None,
                    caption: str | None = None, model: str | None = None, link_only: bool = False,
                    topic: str | None = None) -> Path:
        """Write ``tables/<name>.csv`` (a ``# QUICK RUN`` first line when quick) and record it.

        ``title``, ``caption`` and ``model`` describe the table in the manifest and the report
        (see :meth:`describe`); ``link_only`` lists it in the report without showing it.
        """
        path = self.out / "tables" / f"{name}.csv"
        if self.quick:
            text = f"# {self.quick_banner}\n" + frame.to_csv(index=index, float_format="%.6g")
            self._record(outputs.write_text(path, text))
        else:
            self._record(outputs.write_csv(path, frame, index=index))
        self.describe(path, "table", title=title, caption=caption, model=model, link_only=link_only,
                      topic=topic)
        return path

    def write_text(self, relpath: str, text: str, *, title: str | None = None, caption: str | None = None,
                   model: str | None = None, kind: str = "text") -> Path:
        """Write a text file under the output folder and record it (Markdown is shown as prose)."""
        if self.quick and relpath.endswith((".txt", ".md")):
            text = f"{self.quick_banner}\n\n{text}"
        path = self._record(outputs.write_text(self.out / relpath, text))
        self.describe(path, kind, title=title, caption=caption, model=model)
        return path

    def write_json(self, relpath: str, obj: Any, *, title: str | None = None,
                   caption: str | None = None) -> Path:
        """Write a JSON file (sorted keys, so identical runs give identical bytes)."""
        if self.quick and isinstance(obj, dict):
            obj = {"quick_run": self.quick_banner, **obj}
        text = json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n"
        path = self._record(outputs.write_text(self.out / relpath, text))
        self.describe(path, "json", title=title, caption=caption)
        return path

    def write_figure(self, name: str, fig, *, title: str | None = None, caption: str | None = None,
                     model: str | None = None, topic: str | None = None) -> list[Path]:
        """Save ``figures/<name>.png`` and ``.pdf``, close the figure and record it.

        ``title`` and ``caption`` are the figure's title and caption in the report (see
        :meth:`describe`); ``model`` names the fit it shows.
        """
        import matplotlib.pyplot as plt

        if self.quick:
            # above the figure's top edge (the saved image grows to include it): never on the title
            fig.text(0.5, 1.0, self.quick_banner, ha="center", va="bottom", fontsize=7, color="red")
        paths = [self._record(outputs.save_figure(self.out / "figures" / f"{name}.{ext}", fig))
                 for ext in ("png", "pdf")]
        plt.close(fig)
        self.describe(paths[0], "figure", title=title, caption=caption, model=model, also=(paths[1],),
                      topic=topic)
        return paths

    def record_file(self, path: Path, *, kind: str = "file", title: str | None = None,
                    caption: str | None = None, model: str | None = None) -> Path:
        """Record a file written by other means (e.g. a netCDF posterior)."""
        path = self._record(Path(path))
        self.describe(path, kind, title=title, caption=caption, model=model)
        return path


def _relative(path: Path, out: Path) -> str:
    try:
        return Path(path).relative_to(out).as_posix()
    except ValueError:  # a file recorded from outside the output folder
        return Path(path).as_posix()


def default_title(path: Path) -> str:
    """A title made from a file name when the writer gave none: ``bayes_ordinal_ppc`` -> ``Bayes ordinal ppc``."""
    words = Path(path).stem.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]
