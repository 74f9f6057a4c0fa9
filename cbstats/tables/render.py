"""A display table and its four writers: Markdown, LaTeX (booktabs), HTML (great-tables), CSV.

:class:`Table` holds display strings (what a reader sees) next to the
machine-readable numbers (``data``, written by :meth:`Table.to_csv` at full
precision so that a reviewer can check every number against its source).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Table", "latex_escape", "markdown_escape", "descriptive_table"]

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    # Unicode that pdflatex's default (OT1 + utf8 inputenc) cannot typeset
    "–": "--",
    "—": "---",
    "−": "$-$",
    "×": r"$\times$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "→": r"$\rightarrow$",
    "…": r"\ldots{}",
    "±": r"$\pm$",
    "‘": "`",
    "’": "'",
    "“": "``",
    "”": "''",
    "\u00a0": "~",
}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX_SPECIALS))
_NEG_NUMBER = re.compile(r"(?<![\w.])-(?=\d)")


def latex_escape(text: object) -> str:
    """Escape LaTeX special characters (and common Unicode symbols) in ``text``.

    A minus sign directly before a digit is typeset as a math minus.

    Examples
    --------
    >>> latex_escape("50% of R&D_x | -0.5")
    '50\\\\% of R\\\\&D\\\\_x \\\\textbar{} $-$0.5'
    """
    s = _LATEX_RE.sub(lambda m: _LATEX_SPECIALS[m.group(0)], str(text))
    s = _NEG_NUMBER.sub("$-$", s)
    # any remaining non-ASCII character outside Latin-1 letters would not compile
    return "".join(ch if ord(ch) < 0x250 else "?" for ch in s)


def markdown_escape(text: object) -> str:
    """Escape characters that break a Markdown pipe table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


@dataclass
class Table:
    """A display table with sections, an optional second header row, notes and numbers.

    Attributes
    ----------
    columns : list of str
        Header labels; the first is the stub (row label) header.
    rows : list of list of str
        Display strings, one list per row, ``len(columns)`` each.
    sections : list of str or None
        Section title of each row (consecutive rows with the same title form
        a block); None for no sections.
    title : str
    subheader : list of str, optional
        A second header row (e.g. what each model column reports).
    notes : list of str
        Printed under the table.
    data : DataFrame
        The numbers behind the table, written by :meth:`to_csv`.
    """

    columns: list[str]
    rows: list[list[str]]
    sections: list[str | None] | None = None
    title: str = ""
    subheader: list[str] | None = None
    notes: list[str] = field(default_factory=list)
    data: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        n = len(self.columns)
        for i, r in enumerate(self.rows):
            if len(r) != n:
                raise ValueError(f"row {i} has {len(r)} cells, expected {n}")
        if self.sections is not None and len(self.sections) != len(self.rows):
            raise ValueError("sections must give one entry per row")
        if self.subheader is not None and len(self.subheader) != n:
            raise ValueError("subheader must give one entry per column")

    # ------------------------------------------------------------ helpers
    def _blocks(self) -> list[tuple[str | None, list[list[str]]]]:
        sections = self.sections or [None] * len(self.rows)
        blocks: list[tuple[str | None, list[list[str]]]] = []
        for sec, row in zip(sections, self.rows, strict=True):
            if not blocks or blocks[-1][0] != sec:
                blocks.append((sec, []))
            blocks[-1][1].append(row)
        return blocks

    def to_frame(self) -> pd.DataFrame:
        """The display strings as a DataFrame (with a ``section`` column if any).

        An empty stub header is named ``label``.
        """
        frame = pd.DataFrame(self.rows, columns=[c if c else "label" for c in self.columns])
        if self.sections is not None:
            frame.insert(0, "section", self.sections)
        return frame

    # ------------------------------------------------------------ writers
    def to_markdown(self) -> str:
        """GitHub/pandoc pipe table with the title as a caption and notes below."""
        out = []
        if self.title:
            out += [f"Table: {self.title}", ""]
        out.append("| " + " | ".join(markdown_escape(c) for c in self.columns) + " |")
        out.append("|" + "|".join([":---"] + ["---:"] * (len(self.columns) - 1)) + "|")
        if self.subheader is not None:
            out.append("| " + " | ".join(f"*{markdown_escape(c)}*" if c else "" for c in self.subheader)
                       + " |")
        for sec, rows in self._blocks():
            if sec:
                out.append(f"| **{markdown_escape(sec)}** |" + " |" * (len(self.columns) - 1))
            for r in rows:
                out.append("| " + " | ".join(markdown_escape(c) for c in r) + " |")
        if self.notes:
            # one paragraph, a hard line break ("two spaces") between notes
            out += ["", "  \n".join(("*Note:* " if i == 0 else "") + str(n).replace("\n", " ")
                                     for i, n in enumerate(self.notes))]
        return "\n".join(out) + "\n"

    def to_latex(self, *, label: str | None = None, standalone: bool = False,
                 font_size: str = "small") -> str:
        """A booktabs ``table`` environment (needs ``\\usepackage{booktabs}``).

        Parameters
        ----------
        label : str, optional
            ``\\label{...}`` for cross-references.
        standalone : bool
            Wrap in a complete ``article`` document (compiles with pdflatex).
        font_size : str
            LaTeX size command for the table body (``"small"``, ``"footnotesize"`` ...).

        Returns
        -------
        str
        """
        n = len(self.columns)
        spec = "l" + "r" * (n - 1)
        lines = [r"\begin{table}[htbp]", r"\centering"]
        if self.title:
            lines.append(rf"\caption{{{latex_escape(self.title)}}}")
        if label:
            lines.append(rf"\label{{{label}}}")
        if font_size:
            lines.append(rf"\{font_size}")
        lines += [rf"\begin{{tabular}}{{{spec}}}", r"\toprule"]
        lines.append(" & ".join(latex_escape(c) for c in self.columns) + r" \\")
        if self.subheader is not None:
            lines.append(" & ".join(rf"\textit{{{latex_escape(c)}}}" if c else "" for c in self.subheader)
                         + r" \\")
        lines.append(r"\midrule")
        for i, (sec, rows) in enumerate(self._blocks()):
            if i > 0:
                lines.append(r"\midrule" if sec else r"\addlinespace")
            if sec:
                lines.append(rf"\multicolumn{{{n}}}{{l}}{{\textit{{{latex_escape(sec)}}}}} \\")
            for r in rows:
                cells = [(r"\quad " if sec else "") + latex_escape(r[0])] + [latex_escape(c) for c in r[1:]]
                lines.append(" & ".join(cells) + r" \\")
        lines += [r"\bottomrule", r"\end{tabular}"]
        if self.notes:
            lines += [r"\par\smallskip", r"\begin{minipage}{\linewidth}\footnotesize\raggedright"]
            lines += [(r"\textit{Note:} " if i == 0 else "") + latex_escape(note) + r"\par"
                      for i, note in enumerate(self.notes)]
            lines.append(r"\end{minipage}")
        lines.append(r"\end{table}")
        body = "\n".join(lines) + "\n"
        if standalone:
            return ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{booktabs}\n"
                    "\\usepackage[margin=2cm]{geometry}\n\\begin{document}\n" + body + "\\end{document}\n")
        return body

    def to_html(self, *, make_page: bool = False) -> str:
        """HTML from great-tables (``GT(...).as_raw_html()``), title as header, notes as source notes."""
        from great_tables import GT

        ids = [f"c{i}" for i in range(len(self.columns))]
        frame = pd.DataFrame(self.rows, columns=ids).astype(object)
        group_col = None
        if self.sections is not None:
            frame["_section"] = [s if s else "" for s in self.sections]
            group_col = "_section"
        # a fixed id (from the title) keeps the HTML identical from run to run
        table_id = "cbstats-" + (re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") or "table")
        gt = GT(frame, rowname_col=ids[0], groupname_col=group_col, id=table_id)
        value_ids = ids[1:]
        if self.subheader is not None:
            for cid, top in zip(value_ids, self.columns[1:], strict=True):
                gt = gt.tab_spanner(label=top, columns=[cid], id=f"span_{cid}")
            gt = gt.cols_label(**dict(zip(value_ids, self.subheader[1:], strict=True)))
        else:
            gt = gt.cols_label(**dict(zip(value_ids, self.columns[1:], strict=True)))
        if self.columns[0]:
            gt = gt.tab_stubhead(label=self.columns[0])
        if value_ids:
            gt = gt.cols_align(align="right", columns=value_ids)
        if self.title:
            gt = gt.tab_header(title=self.title)
        for note in self.notes:
            gt = gt.tab_source_note(note)
        return gt.as_raw_html(make_page=make_page)

    def to_csv(self) -> str:
        """The numbers behind the table (``data``; the display strings if there are none)."""
        frame = self.data if self.data is not None else self.to_frame()
        return frame.to_csv(index=False)

    def to_formats(self, formats: tuple[str, ...] = ("md", "tex", "html", "csv")) -> dict[str, str]:
        """Text of the table in each format, keyed by file extension."""
        writers = {"md": self.to_markdown, "tex": self.to_latex, "html": self.to_html,
                   "csv": self.to_csv}
        unknown = [f for f in formats if f not in writers]
        if unknown:
            raise ValueError(f"unknown format(s) {unknown}; choose from {list(writers)}")
        return {f: writers[f]() for f in formats}


def _cell(value: object, digits: int) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def descriptive_table(frame: pd.DataFrame, *, title: str = "", notes: list[str] | None = None,
                      digits: int = 2) -> Table:
    """Wrap a descriptive DataFrame (e.g. from ``CaseData.describe()``) as a :class:`Table`.

    The first column is the row label; floats are shown with ``digits``
    decimals; the CSV keeps the frame as it is.

    Parameters
    ----------
    frame : DataFrame
        One of the descriptive tables (``cases_by_region``, ...).
    title : str
    notes : list of str, optional
    digits : int

    Returns
    -------
    Table
    """
    frame = frame.reset_index(drop=True)
    columns = [str(c).replace("_", " ") for c in frame.columns]
    rows = [[_cell(v, digits) for v in rec] for rec in frame.itertuples(index=False, name=None)]
    return Table(columns=columns, rows=rows, title=title, notes=list(notes or []), data=frame.copy())
