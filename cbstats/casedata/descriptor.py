"""Check the structure of a ``datapackage.json`` before it is used.

A descriptor written by hand can be valid JSON and still not describe a case
package: an array at the top, no ``resources``, a resource without a
``schema``, ``"columns"`` where Frictionless says ``"fields"``, or field names
other than those of the CBM layout that the views and cross-table checks
rely on. :func:`read_descriptor` reports every such problem at once, each
with the line of the descriptor it concerns, the JSON key (in the ``column``
slot of :class:`~cbstats.casedata.errors.Problem`), the value found and what
was expected, instead of letting a ``KeyError`` escape later.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .errors import Problem
from .schema import TABLES, PackageSpec

DESCRIPTOR = "datapackage.json"

FIELD_TYPES: tuple[str, ...] = ("string", "integer", "number", "boolean", "date", "datetime", "year", "any")
"""Frictionless field types accepted (integer and number are checked; the others are read as text)."""


def _line_of(text: str, pattern: str) -> int | None:
    """1-based line of the first match of ``pattern`` in ``text`` (None if absent)."""
    match = re.search(pattern, text)
    return None if match is None else text.count("\n", 0, match.start()) + 1


def _resource_line(text: str, name: object) -> int | None:
    if not isinstance(name, str):
        return None
    return _line_of(text, r'"name"\s*:\s*' + re.escape(json.dumps(name)))


def _short(value: Any, n: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= n else text[: n - 1] + "…"


def _check_fields(fields: Any, where: str, line: int | None, file: str) -> list[Problem]:
    if not isinstance(fields, list) or not fields:
        return [Problem(file, line, f"{where}.fields", _short(fields),
                        'a non-empty list of fields, e.g. [{"name": "case_id", "type": "string"}]')]
    problems = []
    for j, f in enumerate(fields):
        key = f"{where}.fields[{j}]"
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f["name"].strip():
            problems.append(Problem(file, line, key, _short(f), 'an object with a "name" (text)'))
            continue
        kind = f.get("type", "string")
        if kind not in FIELD_TYPES:
            problems.append(Problem(file, line, f"{key}.type", _short(kind),
                                    "one of " + ", ".join(FIELD_TYPES)))
        constraints = f.get("constraints", {})
        if not isinstance(constraints, dict):
            problems.append(Problem(file, line, f"{key}.constraints", _short(constraints),
                                    "an object such as {\"required\": true}"))
            continue
        problems += _constraint_problems(constraints, f"{key}.constraints", line, file)
    return problems


def _constraint_problems(c: dict, key: str, line: int | None, file: str) -> list[Problem]:
    """Constraints of one field have the types the cell checks use."""
    problems = []
    for bound in ("minimum", "maximum"):
        if bound in c and (isinstance(c[bound], bool) or not isinstance(c[bound], int | float)):
            problems.append(Problem(file, line, f"{key}.{bound}", _short(c[bound]), "a number"))
    if "enum" in c and not (isinstance(c["enum"], list) and c["enum"]):
        problems.append(Problem(file, line, f"{key}.enum", _short(c["enum"]), "a non-empty list of allowed values"))
    if "required" in c and not isinstance(c["required"], bool):
        problems.append(Problem(file, line, f"{key}.required", _short(c["required"]), "true or false"))
    if "pattern" in c:
        try:
            re.compile(c["pattern"])
        except (re.error, TypeError) as err:
            problems.append(Problem(file, line, f"{key}.pattern", _short(c["pattern"]),
                                    f"a regular expression ({err})"))
    return problems


def _check_keys(schema: dict, where: str, line: int | None, file: str,
                names: dict[str, list[str]], declared: set[str]) -> list[Problem]:
    """Primary and foreign keys name declared fields and resources.

    ``names`` maps each resource with a usable schema to its field names;
    ``declared`` holds every resource name (references to a resource whose
    own schema is broken are not reported a second time).
    """
    own = names.get(where, [])
    problems = []
    pk = schema.get("primaryKey", [])
    pk_list = [pk] if isinstance(pk, str) else pk
    if not isinstance(pk_list, list) or not all(isinstance(k, str) for k in pk_list):
        problems.append(Problem(file, line, f"{where}.primaryKey", _short(pk), "a field name or a list of field names"))
    else:
        problems += [Problem(file, line, f"{where}.primaryKey", k, "a field declared in this schema")
                     for k in pk_list if k not in own]
    fks = schema.get("foreignKeys", [])
    if not isinstance(fks, list):
        return [*problems, Problem(file, line, f"{where}.foreignKeys", _short(fks), "a list of foreign keys")]
    for j, fk in enumerate(fks):
        key = f"{where}.foreignKeys[{j}]"
        ref = fk.get("reference") if isinstance(fk, dict) else None
        if (not isinstance(ref, dict) or not isinstance(fk.get("fields"), list)
                or not isinstance(ref.get("fields"), list) or not isinstance(ref.get("resource"), str)):
            problems.append(Problem(file, line, key, _short(fk),
                                    '{"fields": [...], "reference": {"resource": NAME, "fields": [...]}}'))
            continue
        problems += [Problem(file, line, f"{key}.fields", k, "a field declared in this schema")
                     for k in fk["fields"] if k not in own]
        target = ref["resource"]
        if target in declared and target not in names:
            continue
        if target not in names:
            problems.append(Problem(file, line, f"{key}.reference.resource", target,
                                    "the name of a resource of this package: " + ", ".join(names)))
            continue
        problems += [Problem(file, line, f"{key}.reference.fields", k, f"a field declared by resource '{target}'")
                     for k in ref["fields"] if k not in names[target]]
    return problems


def descriptor_problems(descriptor: Any, text: str, reference: PackageSpec | None = None,
                        file: str = DESCRIPTOR) -> list[Problem]:
    """Every structural problem of a parsed descriptor.

    Parameters
    ----------
    descriptor : object
        The parsed JSON.
    text : str
        The JSON text (to find the line of each resource).
    reference : PackageSpec, optional
        The layout the package must follow (the bundled CBM schema): every
        one of its tables must be declared, with at least its fields and
        their types.
    file : str
        Name of the descriptor in problem reports.

    Returns
    -------
    list of Problem
        Empty when the descriptor can be parsed by
        :func:`~cbstats.casedata.schema.parse_descriptor`.
    """
    if not isinstance(descriptor, dict):
        return [Problem(file, 1, None, _short(descriptor),
                        'a JSON object {"name": ..., "resources": [...]} at the top of the file, '
                        f"not a {type(descriptor).__name__}")]
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return [Problem(file, _line_of(text, r'"resources"\s*:'), "resources",
                        None if resources is None else _short(resources),
                        'a "resources" list with one entry per table (name, path, schema)'
                        + (" (the key is missing)" if resources is None else ""))]
    problems: list[Problem] = []
    names: dict[str, list[str]] = {}
    good: list[tuple[str, dict, int | None]] = []
    for i, res in enumerate(resources):
        key = f"resources[{i}]"
        if not isinstance(res, dict):
            problems.append(Problem(file, None, key, _short(res), "an object with name, path and schema"))
            continue
        line = _resource_line(text, res.get("name"))
        bad = [k for k in ("name", "path") if not isinstance(res.get(k), str) or not res[k].strip()]
        for k in bad:
            problems.append(Problem(file, line, f"{key}.{k}", _short(res.get(k)) if k in res else None,
                                    f'a "{k}" (text)' + (" (the key is missing)" if k not in res else "")))
        schema = res.get("schema")
        label = res["name"] if "name" not in bad else key
        if not isinstance(schema, dict):
            problems.append(Problem(file, line, f"{label}.schema", None if schema is None else _short(schema),
                                    'a "schema" object with "fields" describing the columns of '
                                    f"{res.get('path', 'the table')}"
                                    + (" (the key is missing)" if schema is None else "")))
            continue
        if "fields" not in schema:
            others = ", ".join(map(repr, schema)) or "none"
            problems.append(Problem(file, line, f"{label}.schema.fields", None,
                                    f'a "fields" list in the schema (Frictionless names; keys found: {others})'))
            continue
        field_problems = _check_fields(schema["fields"], f"{label}.schema", line, file)
        problems += field_problems
        if field_problems or bad:
            continue
        if res["name"] in names:
            problems.append(Problem(file, line, f"{key}.name", res["name"], "each resource name once"))
        names[res["name"]] = [f["name"] for f in schema["fields"]]
        good.append((res["name"], schema, line))
    declared = {r["name"] for r in resources if isinstance(r, dict) and isinstance(r.get("name"), str)}
    for name, schema, line in good:
        problems += _check_keys(schema, name, line, file, names, declared)
    if reference is not None:
        problems += _layout_problems(resources, names, text, reference, file)
    return problems


# Fields added to the CBM layout after its first release: packages without them (CBM-T 1.0.0,
# users' packages in the 1.0 layout) are still read; views treat a missing ``status`` as
# "concluded".
ADDED_AFTER_1_0 = {"arrangements": ("status",)}


def _layout_problems(resources: list, names: dict[str, list[str]], text: str,
                     reference: PackageSpec, file: str) -> list[Problem]:
    """The tables, fields and types the CBM layout needs are declared."""
    problems = []
    declared = {r["name"]: r for r in resources if isinstance(r, dict) and isinstance(r.get("name"), str)}
    missing = [t for t in TABLES if t in reference.tables and t not in declared]
    if missing:
        problems.append(Problem(file, _line_of(text, r'"resources"\s*:'), "resources", None,
                                "a resource for every table of the CBM layout; missing: " + ", ".join(missing)))
    for name, fields in names.items():
        ref = reference.tables.get(name)
        if ref is None:
            continue
        line = _resource_line(text, name)
        absent = [f for f in ref.column_names
                  if f not in fields and f not in ADDED_AFTER_1_0.get(name, ())]
        if absent:
            other = [f for f in fields if f not in ref.column_names]
            problems.append(Problem(file, line, f"{name}.schema.fields", ", ".join(other) or None,
                                    f"the fields of the CBM layout for table '{name}'; missing: "
                                    + ", ".join(absent)))
        for f in declared[name]["schema"]["fields"]:
            if f["name"] in ref.column_names and f.get("type", "string") != ref.field(f["name"]).type:
                problems.append(Problem(file, line, f"{name}.schema.fields.{f['name']}.type",
                                        str(f.get("type", "string")),
                                        f"type '{ref.field(f['name']).type}' as in the CBM layout"))
    return problems


def read_descriptor(path: Path, reference: PackageSpec | None = None) -> tuple[dict | None, list[Problem]]:
    """Read and check ``datapackage.json``.

    Parameters
    ----------
    path : Path
        The descriptor file (opened read-only; UTF-8, a BOM is tolerated).
    reference : PackageSpec, optional
        Layout the package must follow (see :func:`descriptor_problems`).

    Returns
    -------
    (dict or None, list of Problem)
        The descriptor when it has no problems, else None and every problem.
    """
    file = Path(path).name
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return None, [Problem(file, None, None, None, f"UTF-8 text ({err.reason} at byte {err.start})")]
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as err:
        lines = text.splitlines()
        found = lines[err.lineno - 1].strip() if 0 < err.lineno <= len(lines) else ""
        return None, [Problem(file, err.lineno, None, _short(found, 80) or None,
                              f"valid JSON ({err.msg} at column {err.colno})")]
    problems = descriptor_problems(descriptor, text, reference, file)
    return (None, problems) if problems else (descriptor, [])
