"""Publication tables: side-by-side coefficient tables and descriptive tables.

Every table writes Markdown, LaTeX (booktabs), HTML (great-tables) and CSV;
the CSV holds the numbers at full precision so they can be checked against the
results they came from.
"""

from .coef import CoefTable, coef_table, tidy_estimates
from .describe import DESCRIPTIVE_TITLES, descriptive_tables
from .labels import VARIABLE_LABELS, cutpoint_label, group_label, term_label, variable_label
from .render import Table, descriptive_table, latex_escape

__all__ = [
    "DESCRIPTIVE_TITLES",
    "VARIABLE_LABELS",
    "CoefTable",
    "Table",
    "coef_table",
    "cutpoint_label",
    "descriptive_table",
    "descriptive_tables",
    "group_label",
    "latex_escape",
    "term_label",
    "tidy_estimates",
    "variable_label",
]
