"""Read a CSV file as text cells, remembering the physical line of every row.

Everything is read as strings first so that a problem can be reported with the
exact value found in the file; types are checked afterwards against the schema
(:mod:`cbstats.casedata.cells`). Files are opened read-only and never written.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem

UTF8_BOM = b"\xef\xbb\xbf"

MAX_CELL_CHARACTERS = 10_000
"""Longest cell accepted. Python's csv module stops a whole file at its own
limit (131,072 characters), which hid every row of a table behind one cell;
the reader lifts that limit while it reads and reports each longer cell as
one problem instead. A cell this long is almost always an unclosed quote
that swallowed the lines after it."""


@dataclass
class RawTable:
    """Cells of a CSV file as strings, with the 1-based line of every data row."""

    file: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    reported: set[tuple[int, int]] = field(default_factory=set)
    """(row index, column index) of cells already reported as a problem here
    (too long); later checks skip them so that one bad cell is one problem."""
    complete: bool = True
    """False when rows may be missing or merged: a CSV error stopped the
    reader, a row has the wrong number of fields, or a too-long cell spans
    several lines (a quote left open)."""


def _decode(data: bytes, display: str) -> tuple[str | None, list[Problem]]:
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    problems = []
    for lineno, raw_line in enumerate(data.split(b"\n"), start=1):
        try:
            raw_line.decode("utf-8")
        except UnicodeDecodeError as err:
            snippet = raw_line[max(0, err.start - 20): err.end + 20].decode("latin-1")
            problems.append(
                Problem(
                    display,
                    lineno,
                    None,
                    snippet.strip(),
                    "UTF-8 text; this line has bytes that are not UTF-8 (the file looks "
                    "like Latin-1/Windows-1252: re-save it as UTF-8)",
                )
            )
    return None, problems


@contextmanager
def _field_limit(n: int) -> Iterator[None]:
    """Let the csv module read fields of up to ``n`` characters (restored afterwards)."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, min(n, sys.maxsize)))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _long_cells(table: RawTable) -> list[Problem]:
    """One problem per cell longer than MAX_CELL_CHARACTERS (recorded in ``table.reported``)."""
    problems = []
    for r, (record, line) in enumerate(zip(table.rows, table.lines, strict=True)):
        for c, cell in enumerate(record):
            if len(cell) > MAX_CELL_CHARACTERS:
                column = table.header[c] if c < len(table.header) else None
                problems.append(Problem(
                    table.file, line, column, cell,
                    f"a cell of at most {MAX_CELL_CHARACTERS:,} characters; this one has {len(cell):,} "
                    f"and spans {cell.count(chr(10)) + 1} line(s) (a quote \" left open swallows the "
                    "lines after it)"))
                table.reported.add((r, c))
    return problems


def read_raw_csv(path: Path, display: str | None = None) -> tuple[RawTable | None, list[Problem]]:
    """Read ``path`` into a :class:`RawTable`.

    Parameters
    ----------
    path : Path
        The CSV file.
    display : str, optional
        Name used for the file in problem reports (default: the file name).

    Returns
    -------
    (RawTable or None, list of Problem)
        The table is None when nothing could be read (missing, undecodable or
        empty file).
    """
    display = display or Path(path).name
    path = Path(path)
    if not path.is_file():
        return None, [Problem(display, None, None, None, f"the file to exist at {path}")]
    text, problems = _decode(path.read_bytes(), display)
    if text is None:
        return None, problems
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    last_line = 0
    header_line = 1
    stopped = False
    with _field_limit(len(text) + 1):
        try:
            for record in reader:
                start = last_line + 1
                last_line = reader.line_num
                if not record or all(not c.strip() for c in record):
                    continue  # blank line
                if header is None:
                    header = [h.strip() for h in record]
                    header_line = start
                    continue
                rows.append(record)
                lines.append(start)
        except csv.Error as err:
            stopped = True
            problems.append(Problem(display, last_line + 1, None, None, f"valid CSV ({err})"))
    if header is None:
        problems.append(Problem(display, None, None, None, "a header row and data rows (the file is empty)"))
        return None, problems
    seen: set[str] = set()
    for name in header:
        if not name:
            problems.append(Problem(display, header_line, None, "", "a name for every column of the header"))
        elif name in seen:
            problems.append(Problem(display, header_line, name, name, "each column name to appear once"))
        seen.add(name)
    if not rows:
        problems.append(Problem(display, None, None, None, "at least one data row (the table is empty)"))
    width = len(header)
    table = RawTable(display, header, rows, lines)
    problems.extend(_long_cells(table))
    long_rows = {r for r, _ in table.reported}
    for r, (record, line) in enumerate(zip(rows, lines, strict=True)):
        if len(record) != width and r not in long_rows:  # a too-long cell explains the count already
            problems.append(
                Problem(display, line, None, ",".join(record)[:80],
                        f"{width} fields as in the header, found {len(record)}")
            )
    merged = any("\n" in table.rows[r][c] for r, c in table.reported)
    table.complete = not (stopped or merged or any(len(record) != width for record in rows))
    return table, problems
