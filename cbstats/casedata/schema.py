"""The Frictionless-style descriptor (``datapackage.json``) of a case package."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONDITIONS: tuple[str, ...] = (
    "fatigue",
    "dissatisfaction",
    "domestic_costs",
    "epistemic_community",
    "new_generation",
    "forum",
    "leap_of_faith",
)
"""The seven supporting conditions of the transformation view (Macintosh 1996)."""

CONDITION_LABELS: dict[str, str] = {
    "fatigue": "Security management fatigue",
    "dissatisfaction": "Dissatisfaction with status quo",
    "domestic_costs": "Domestic costs of status quo",
    "epistemic_community": "Epistemic community",
    "new_generation": "New generation of policy makers",
    "forum": "Forum for discussion",
    "leap_of_faith": "Leap-of-faith initiative",
}

CONDITION_SCORES: tuple[float, ...] = (0.0, 0.33, 0.67, 1.0)

REGIONS: tuple[str, ...] = (
    "europe_east_west",
    "eurasia",
    "south_asia",
    "east_asia_pacific",
    "latin_america",
    "middle_east",
    "africa",
)

REGION_LABELS: dict[str, str] = {
    "europe_east_west": "Europe / East-West",
    "eurasia": "Eurasia",
    "south_asia": "South Asia",
    "east_asia_pacific": "East Asia & Pacific",
    "latin_america": "Latin America",
    "middle_east": "Middle East",
    "africa": "Africa",
}

MEASURE_TYPES: tuple[str, ...] = ("interaction", "information", "constraint", "verification")

TABLES: tuple[str, ...] = (
    "states",
    "dyads",
    "arrangements",
    "participants",
    "measures",
    "cases",
    "conditions",
    "sources",
)


@dataclass(frozen=True)
class FieldSpec:
    """One column of a table: its type and constraints."""

    name: str
    type: str
    description: str = ""
    required: bool = False
    enum: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    """A reference from columns of one table to the key of another."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    """One table (resource) of a case package."""

    name: str
    path: str
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)

    def field(self, name: str) -> FieldSpec:
        """Return the spec of column ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        return [f.name for f in self.fields]


@dataclass(frozen=True)
class PackageSpec:
    """A whole case package: name, version and its tables."""

    name: str
    version: str
    title: str
    tables: dict[str, TableSpec]


def _field(d: dict[str, Any]) -> FieldSpec:
    c = d.get("constraints", {})
    return FieldSpec(
        name=d["name"],
        type=d.get("type", "string"),
        description=d.get("description", ""),
        required=bool(c.get("required", False)),
        enum=tuple(c["enum"]) if "enum" in c else None,
        minimum=c.get("minimum"),
        maximum=c.get("maximum"),
        pattern=c.get("pattern"),
    )


def parse_descriptor(descriptor: dict[str, Any]) -> PackageSpec:
    """Turn a parsed ``datapackage.json`` into a :class:`PackageSpec`."""
    tables: dict[str, TableSpec] = {}
    for res in descriptor["resources"]:
        schema = res["schema"]
        fks = tuple(
            ForeignKey(
                fields=tuple(fk["fields"]),
                resource=fk["reference"]["resource"],
                reference_fields=tuple(fk["reference"]["fields"]),
            )
            for fk in schema.get("foreignKeys", [])
        )
        pk = schema.get("primaryKey", [])
        tables[res["name"]] = TableSpec(
            name=res["name"],
            path=res["path"],
            fields=tuple(_field(f) for f in schema["fields"]),
            primary_key=tuple([pk] if isinstance(pk, str) else pk),
            foreign_keys=fks,
        )
    return PackageSpec(
        name=descriptor.get("name", ""),
        version=str(descriptor.get("version", "")),
        title=descriptor.get("title", ""),
        tables=tables,
    )


def load_descriptor(path: Path) -> dict[str, Any]:
    """Read ``datapackage.json`` as a dict (UTF-8, BOM tolerated)."""
    return json.loads(Path(path).read_text(encoding="utf-8-sig"))


def bundled_descriptor_path() -> Path:
    """Path of the descriptor of the bundled CBM dataset (the reference schema)."""
    from .bundled import bundled_cbm_path

    return bundled_cbm_path() / "datapackage.json"
