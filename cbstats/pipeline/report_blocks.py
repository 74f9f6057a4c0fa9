"""HTML blocks of the report: one function per kind of output (table, figure, text) and helpers.

Every block is built from an output's record in the manifest (see
:meth:`RunContext.describe`): its path, title, caption and model. Numbers are
shown as the exact strings in the CSV files, so each can be checked against its
source; figures are embedded as base64 PNG so that the report works offline.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

COLLAPSE_ROWS = 12
"""Tables with more rows than this are collapsed (``<details>``) behind a one-line summary."""

EMBED_ROWS = 200
"""A collapsed table shows at most this many rows; the CSV has all of them."""

FORMAT_NAMES = {".csv": "CSV", ".md": "Markdown", ".tex": "LaTeX", ".html": "HTML", ".pdf": "PDF",
                ".png": "PNG", ".json": "JSON", ".nc": "netCDF", ".txt": "text"}


def e(value: Any) -> str:
    """Escape any value for HTML text or attribute content."""
    return html.escape("" if value is None else str(value), quote=True)


def volatile(value: Any) -> str:
    """A time field: the only content allowed to differ between identical runs."""
    return f'<span class="volatile">{e(value)}</span>'


def kv(rows: Sequence[tuple[str, str]]) -> str:
    """A two-column key/value table; values are HTML (escape them before)."""
    body = "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="kv">{body}</table>'


def grid(header: Sequence[str], rows: Sequence[Sequence[str]], row_classes: Sequence[str] = ()) -> str:
    """A table whose cells are HTML (escape them before)."""
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    classes = list(row_classes) + [""] * (len(rows) - len(row_classes))
    body = "".join(
        (f'<tr class="{c}">' if c else "<tr>") + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
        for row, c in zip(rows, classes, strict=True))
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def num(value: Any, spec: str) -> str:
    """A number formatted with ``spec`` (escaped text as is when it is not a number)."""
    try:
        return e(format(float(value), spec))
    except (TypeError, ValueError):
        return e(value)


def badge(passed: bool) -> str:
    return '<span class="badge pass">passed</span>' if passed else '<span class="badge fail">FAILED</span>'


def read_csv_cells(path: str | Path) -> pd.DataFrame:
    """Read an output CSV as the exact strings in the file (leading ``#`` comment lines skipped).

    Parameters
    ----------
    path : str or Path
        A CSV written by the run (quick runs start it with a ``# QUICK RUN`` line).

    Returns
    -------
    pandas.DataFrame
        All cells as strings, empty cells as ``""``; an empty frame for an empty file.
    """
    lines = Path(path).read_text(encoding="utf-8").splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    body = "".join(lines)
    if not body.strip():
        return pd.DataFrame()
    return pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)


def file_links(paths: Sequence[str]) -> str:
    """Relative links to files of the run (they open when the report sits in its output folder)."""
    links = [f'<a href="{e(p)}">{e(FORMAT_NAMES.get(Path(p).suffix, Path(p).suffix.lstrip(".")))}</a>'
             for p in paths]
    return f'<span class="files">{" · ".join(links)}</span>' if links else ""


def provenance_line(record: Mapping[str, Any], fits: Mapping[str, Mapping[str, Any]],
                    data_version: str, seed: Any) -> str:
    """Which model(s), data version and seed produced an output."""
    parts = []
    for name in [m.strip() for m in str(record.get("model") or "").split(",") if m.strip()]:
        fit = fits.get(name)
        if fit:
            parts.append(f"{e(name)} ({e(fit.get('family'))}, fit seed {e(fit.get('seed'))}, "
                         f"{e(fit.get('chains'))} chains × {e(fit.get('draws'))} draws, "
                         f"{e(fit.get('n_obs'))} cases)")
            if not fit.get("passed", False):
                parts[-1] += (' <strong class="failtag">— this fit failed its diagnostics: '
                              "not reliable</strong>")
        else:
            parts.append(e(name))
    model = f"Model: {'; '.join(parts)}. " if parts else ""
    return f'<span class="prov">{model}Data version {e(data_version)}; run seed {e(seed)}.</span>'


def _frame_html(frame: pd.DataFrame) -> str:
    """A CSV frame as an HTML table; rows whose ``passed`` column is False are highlighted."""
    header = [str(c) for c in frame.columns]
    rows = [[e(v) for v in row] for row in frame.itertuples(index=False)]
    classes = ["fail" if str(v).strip().lower() == "false" else "" for v in frame["passed"]] \
        if "passed" in frame.columns else []
    return grid(header, rows, classes)


def stable_fragment(path: Path) -> str:
    """A table already rendered as an HTML fragment (great-tables), with a stable element id.

    great-tables gives each table a random id that its scoped CSS refers to; it is replaced
    by one derived from the file name so that the report does not change from run to run.
    """
    text = path.read_text(encoding="utf-8")
    match = re.search(r'<div id="([A-Za-z0-9_-]+)"', text)
    if match:
        stable = "gt-" + re.sub(r"[^A-Za-z0-9_-]", "-", path.stem)
        text = re.sub(rf"(?<![\w-]){re.escape(match.group(1))}(?![\w-])", stable, text)
    return text


def table_block(out: Path, record: Mapping[str, Any], number: int, prov: str) -> str:
    """A table: numbered title, caption and provenance, the table (collapsed when long), file links."""
    rel = record["path"]
    path = out / rel
    also = list(record.get("also", []))
    head = (f'<section class="output table-block" id="{e(rel)}">'
            f'<h3><span class="num">Table {number}.</span> {e(record.get("title"))}</h3>'
            f'<p class="caption">{e(record.get("caption"))} {prov} {file_links([rel, *also])}</p>')
    rendered = next((a for a in also if a.endswith(".html")), None)
    try:
        frame = read_csv_cells(path) if path.suffix == ".csv" else None
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        return (head + f'<p class="missing">Could not be read as a table ({e(err)}); raw text:</p>'
                f"<pre>{e(path.read_text(errors='replace'))}</pre></section>")
    if rendered is not None and (out / rendered).is_file():
        body = f'<div class="gt">{stable_fragment(out / rendered)}</div>'
    elif frame is None:
        body = f"<pre>{e(path.read_text(errors='replace'))}</pre>"
    elif len(frame) <= COLLAPSE_ROWS:
        body = _frame_html(frame)
    else:
        shown = frame.head(EMBED_ROWS)
        more = (f"; the first {EMBED_ROWS} are shown, all are in the CSV" if len(frame) > EMBED_ROWS
                else "")
        body = (f'<details><summary>Show the table: {len(frame)} rows × {len(frame.columns)} columns'
                f"{more}</summary><div class=\"scroll\">{_frame_html(shown)}</div></details>")
    return head + body + "</section>"


def figure_block(out: Path, record: Mapping[str, Any], number: int, prov: str) -> str:
    """A figure embedded as a base64 PNG with its numbered caption and a link to the PDF."""
    rel = record["path"]
    data = base64.b64encode((out / rel).read_bytes()).decode("ascii")
    return (f'<figure class="output" id="{e(rel)}"><img src="data:image/png;base64,{data}" '
            f'alt="{e(record.get("title"))}"><figcaption><span class="num">Figure {number}.</span> '
            f'<strong>{e(record.get("title"))}.</strong> {e(record.get("caption"))} {prov} '
            f"{file_links(list(record.get('also', [])))}</figcaption></figure>")


def markdown_html(text: str) -> str:
    """Markdown as HTML (CommonMark via markdown-it-py; raw HTML in the text is escaped)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).render(text)


def text_block(out: Path, record: Mapping[str, Any], prov: str) -> str:
    """A text output: Markdown rendered as prose, plain text as preformatted text."""
    rel = record["path"]
    text = (out / rel).read_text(encoding="utf-8", errors="replace")
    if rel.endswith(".md"):
        body = f'<div class="prose">{markdown_html(text)}</div>'
    elif text.count("\n") > COLLAPSE_ROWS:
        body = (f"<details><summary>Show the text ({text.count(chr(10))} lines)</summary>"
                f"<pre>{e(text)}</pre></details>")
    else:
        body = f"<pre>{e(text)}</pre>"
    caption = f'<p class="caption">{e(record.get("caption"))} {prov} {file_links([rel])}</p>'
    return (f'<section class="output text-block" id="{e(rel)}"><h3>{e(record.get("title"))}</h3>'
            f"{caption}{body}</section>")


def file_list(records: Sequence[Mapping[str, Any]]) -> str:
    """Outputs listed with a link only (their numbers are shown elsewhere, or they are data files)."""
    if not records:
        return ""
    items = "".join(f'<li id="{e(r["path"])}"><a href="{e(r["path"])}">{e(r.get("title"))}</a>'
                    f'{": " + e(r.get("caption")) if r.get("caption") else ""}</li>' for r in records)
    return f'<div class="filelist"><h3>Files</h3><ul>{items}</ul></div>'
