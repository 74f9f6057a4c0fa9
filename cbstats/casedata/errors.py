"""Problems found in case data, and the error that reports all of them at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one place of a case-data file.

    Attributes
    ----------
    file : str
        File name (relative to the package folder where possible).
    line : int or None
        1-based physical line of the file (the header is line 1). For Excel
        sheets, the 1-based spreadsheet row. None when the problem concerns
        the whole file.
    column : str or None
        Column name, or None when the problem concerns a whole row or file.
        For a JSON descriptor (``datapackage.json``), the path of the key,
        e.g. ``cases.schema.fields``; it is then printed as "key".
    value : str or None
        The offending value exactly as found in the file (printed shortened
        when longer than 80 characters, with its length).
    expected : str
        What was expected instead, phrased so a person can act on it.
    """

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.column is not None:
            kind = "key" if self.file.endswith(".json") else "column"
            parts.append(f"{kind} '{self.column}'")
        if self.value is not None:
            parts.append(f"value {_shorten(self.value)}")
        return ", ".join(parts) + f": expected {self.expected}"


SHOWN_CHARACTERS = 80
"""Values longer than this are shortened in reports (their length is given)."""


def _shorten(value: str) -> str:
    if len(value) <= SHOWN_CHARACTERS:
        return repr(value)
    return f"{value[:SHOWN_CHARACTERS - 20]!r}... ({len(value):,} characters)"


class CaseDataError(ValueError):
    """Raised when case data has problems; lists every problem found.

    Parameters
    ----------
    problems : iterable of Problem
        All problems found (reading stops only when nothing more can be checked).
    source : str
        The file or folder that was read.
    """

    def __init__(self, problems: Iterable[Problem], source: str = "") -> None:
        self.problems: list[Problem] = sorted(
            set(problems), key=lambda p: (p.file, p.line or 0, p.column or "", p.expected)
        )
        self.source = source
        super().__init__(self.report())

    def report(self, limit: int | None = None) -> str:
        """Human-readable report: a header line, then one line per problem."""
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found in {self.source or 'case data'}:"
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [head] + [f"  - {p}" for p in shown]
        if limit is not None and n > limit:
            lines.append(f"  ... and {n - limit} more")
        return "\n".join(lines)
