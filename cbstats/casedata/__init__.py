"""Case data: reading, validation and tidy views of confidence-building case datasets."""

from .dataset import CaseData
from .errors import CaseDataError, Problem
from .reading import (
    cbm_versions,
    load_cbm,
    package_of,
    read_case_package,
    read_case_table,
    read_package_table,
)
from .schema import CONDITION_LABELS, CONDITIONS, REGION_LABELS, REGIONS
from .views import canonical_dyad

__all__ = [
    "CONDITIONS",
    "CONDITION_LABELS",
    "REGIONS",
    "REGION_LABELS",
    "CaseData",
    "CaseDataError",
    "Problem",
    "canonical_dyad",
    "cbm_versions",
    "load_cbm",
    "package_of",
    "read_case_package",
    "read_case_table",
    "read_package_table",
]
