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

    def write_table(self, name: str, frame: pd.DataFrame, *, index: bool = False) -> Path:
        """Write ``tables/<name>.csv`` (a ``# QUICK RUN`` first line when quick)."""
        path = self.out / "tables" / f"{name}.csv"
        if self.quick:
            text = f"# {self.quick_banner}\n" + frame.to_csv(index=index, float_format="%.6g")
            return self._record(outputs.write_text(path, text))
        return self._record(outputs.write_csv(path, frame, index=index))

    def write_text(self, relpath: str, text: str) -> Path:
        """Write a text file under the output folder."""
        if self.quick and relpath.endswith((".txt", ".md")):
            text = f"{self.quick_banner}\n\n{text}"
        return self._record(outputs.write_text(self.out / relpath, text))

    def write_json(self, relpath: str, obj: Any) -> Path:
        """Write a JSON file (sorted keys, so identical runs give identical bytes)."""
        if self.quick and isinstance(obj, dict):
            obj = {"quick_run": self.quick_banner, **obj}
        text = json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n"
        return self._record(outputs.write_text(self.out / relpath, text))

    def write_figure(self, name: str, fig) -> list[Path]:
        """Save ``figures/<name>.png`` and ``.pdf`` and close the figure."""
        import matplotlib.pyplot as plt

        if self.quick:
            fig.text(0.5, 0.995, self.quick_banner, ha="center", va="top", fontsize=7, color="red")
        paths = [self._record(outputs.save_figure(self.out / "figures" / f"{name}.{ext}", fig))
                 for ext in ("png", "pdf")]
        plt.close(fig)
        return paths

    def record_file(self, path: Path) -> Path:
        """Record a file written by other means (e.g. a netCDF posterior)."""
        return self._record(Path(path))
