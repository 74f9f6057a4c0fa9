"""The reviewer's report: one self-contained HTML file (``report.html``) of a reproduction run.

Everything a reviewer needs is inside the one file, so it opens offline and can be
archived with the results: figures are embedded as base64 PNG, tables are embedded
as HTML, and the styles are inline. There are no scripts and no external links.

Every table (``tables/*.csv``) and figure (``figures/*.png``) written by the run
appears, identified by its path relative to the output folder (the element's ``id``
and its heading or caption). CSV cells are shown as the exact strings in the file,
so each number can be checked against its source. Apart from the time fields
(marked ``class="volatile"``), the same outputs give the same HTML.
"""

from __future__ import annotations

import base64
import html
import io
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from . import specs
from .context import RunContext
from .outputs import sha256_file

REPORT_NAME = "report.html"
"""File name of the report in the output folder."""

SCROLL_ROWS = 25
"""Tables with more rows than this are shown in a scrolling box (in full when printed)."""

# (section id, title, the analyses that write its tables, rule selecting a table by file stem)
SECTIONS: tuple[tuple[str, str, tuple[str, ...], Callable[[str], bool]], ...] = (
    ("dataset", "Dataset", ("descriptives",),
     lambda s: s.startswith("descriptive_") or s == "cases_wide"),
    ("specification", "Model specifications and priors", ("models",), lambda s: s == "bayes_priors"),
    ("diagnostics", "Diagnostics", ("models",),
     lambda s: s.endswith(("_diagnostics", "_ppc"))),
    ("coefficients", "Coefficient tables", ("baselines", "models"),
     lambda s: s.startswith("coefficients_") or s.endswith(("_summary", "_group_effects"))
     or s == "baselines_status"),
    ("comparison", "Model comparison", ("comparison",), lambda s: s.startswith("model_comparison_")),
    ("robustness", "Robustness", ("robustness",), lambda s: s.startswith("robustness_")),
    ("interpretation", "Interpretation", ("interpretation",), lambda s: s.startswith("interpretation_")),
    ("other-tables", "Other tables", (), lambda s: True),
)

TABLE_NOTES: dict[str, str] = {
    "cases_wide": "One row per case (a dyad under an arrangement): conditions, process features, outcome.",
    "bayes_priors": "Priors of the Bayesian models, by parameter class or term.",
    "baselines_status": "Status of each statsmodels baseline: converged, not estimable (separation) or failed.",
    "robustness_low_confidence_refits": "Refits without low-confidence codings: shift of each coefficient "
                                        "in posterior-sd units of the main model.",
    "interpretation_profiles": "Predicted probability of institutionalized transformation for each "
                               "condition profile (mean of case-level 90% intervals).",
    "interpretation_condition_absent": "For each case and each condition it has, the change in the "
                                       "predicted probability of institutionalization if that condition "
                                       "were absent (90% interval).",
}
PREFIX_NOTES: tuple[tuple[str, str], ...] = (
    ("descriptive_", "Descriptive table of the dataset."),
    ("coefficients_", "The numbers behind the coefficient table above."),
    ("model_comparison_", "Expected log predictive density (LOO; exact k-fold where Pareto k is high)."),
    ("robustness_prior_sensitivity_", "Power-scaling sensitivity (arviz.psens) of each coefficient "
                                      "to prior and likelihood; >= 0.05 flags a concern."),
    ("robustness_case_influence_", "Approximate leave-one-case-out shift of the coefficients (PSIS), "
                                   "cases that move estimates most first."),
    ("baseline_", "statsmodels maximum-likelihood estimates, cluster-robust by dyad."),
    ("bayes_", "Bayesian posterior summary."),
)
SUFFIX_NOTES: tuple[tuple[str, str], ...] = (
    ("_diagnostics", "Sampler diagnostics: R-hat, bulk/tail ESS, divergences, E-BFMI."),
    ("_ppc", "Observed vs posterior-predictive counts per outcome category (90% intervals)."),
    ("_group_effects", "Varying intercepts by group level."),
)

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0;color:#222;
line-height:1.45;background:#fff}
main,header{max-width:1200px;margin:0 auto;padding:0 1.5em}
h1{margin:.6em 0 .2em}h2{border-bottom:2px solid #444;margin-top:2em}h3{font-size:1em;margin:1.4em 0 .3em;
font-family:ui-monospace,Menlo,Consolas,monospace}
.banner{padding:.8em 1.5em;font-weight:bold;font-size:1.15em}
.quick{position:sticky;top:0;z-index:10;background:#b00020;color:#fff;text-align:center}
.status{border:2px solid;padding:.6em 1em;margin:.8em 0}
.status.ok{border-color:#2e7d32;background:#edf7ee}.status.fail{border-color:#b00020;background:#fdecee}
.badge{display:inline-block;padding:0 .5em;font-weight:bold;border-radius:3px}
.badge.pass{background:#2e7d32;color:#fff}.badge.fail{background:#b00020;color:#fff}
tr.fail td{background:#fdecee}
table.data,table.kv{border-collapse:collapse;font-size:.85em;margin:.3em 0}
table.data td,table.data th,table.kv td,table.kv th{border:1px solid #ccc;padding:2px 6px;
text-align:left;vertical-align:top}
table.data th,table.kv th{background:#f2f2f2}
.scroll{max-height:32em;overflow:auto;border:1px solid #ddd}
.desc{color:#555;margin:.2em 0}.missing{color:#8a6d00;font-style:italic}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em}
pre{background:#f6f6f6;padding:.6em;overflow:auto;white-space:pre-wrap}
figure{margin:1.5em 0;border-top:1px solid #eee;padding-top:.5em}
figure img{max-width:100%;height:auto}
figcaption{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
nav ol{columns:2;font-size:.95em}
@media print{.quick{position:static}.scroll{max-height:none;overflow:visible}}
"""


def _e(value: Any) -> str:
    """Escape any value for HTML text or attribute content."""
    return html.escape("" if value is None else str(value), quote=True)


def _volatile(value: Any) -> str:
    """A time field: the only content allowed to differ between identical runs."""
    return f'<span class="volatile">{_e(value)}</span>'


def _kv(rows: Sequence[tuple[str, str]]) -> str:
    """A two-column key/value table; values are HTML (escape them before)."""
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="kv">{body}</table>'


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]], row_classes: Sequence[str] = ()) -> str:
    """A table whose cells are HTML (escape them before)."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    classes = list(row_classes) + [""] * (len(rows) - len(row_classes))
    body = "".join(
        (f'<tr class="{c}">' if c else "<tr>") + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
        for row, c in zip(rows, classes, strict=True))
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _num(value: Any, spec: str) -> str:
    """A number formatted with ``spec`` (escaped text as is when it is not a number)."""
    try:
        return _e(format(float(value), spec))
    except (TypeError, ValueError):
        return _e(value)


def _badge(passed: bool) -> str:
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


def _table_note(stem: str) -> str:
    if stem in TABLE_NOTES:
        return TABLE_NOTES[stem]
    for suffix, note in SUFFIX_NOTES:
        if stem.endswith(suffix):
            return note
    for prefix, note in PREFIX_NOTES:
        if stem.startswith(prefix):
            return note
    return ""


def _csv_block(rel: str, path: Path) -> str:
    """One CSV table: a section whose id and heading are the file's relative path."""
    note = _table_note(path.stem)
    parts = [f'<section class="table-block" id="{_e(rel)}"><h3>{_e(rel)}</h3>']
    if note:
        parts.append(f'<p class="desc">{_e(note)}</p>')
    try:
        frame = read_csv_cells(path)
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        parts.append(f'<p class="missing">Could not be read as a table ({_e(err)}); raw text:</p>'
                     f"<table class=\"data\"><tbody><tr><td><pre>{_e(path.read_text(errors='replace'))}"
                     "</pre></td></tr></tbody></table></section>")
        return "".join(parts)
    rendered = frame.to_html(index=False, escape=True, border=0, classes="data", na_rep="")
    rendered = rendered.replace('class="dataframe data"', 'class="data"')
    size = f"{len(frame)} rows × {len(frame.columns)} columns"
    parts.append(f'<p class="desc">{_e(size)}</p>')
    parts.append(f'<div class="scroll">{rendered}</div>' if len(frame) > SCROLL_ROWS else rendered)
    parts.append("</section>")
    return "".join(parts)


def _html_fragment_block(rel: str, path: Path) -> str:
    """A table already rendered as an HTML fragment (great-tables), with a stable element id.

    great-tables gives each table a random id that its scoped CSS refers to; it is replaced
    by one derived from the file name so that the report does not change from run to run.
    """
    text = path.read_text(encoding="utf-8")
    match = re.search(r'<div id="([A-Za-z0-9_-]+)"', text)
    if match:
        stable = "gt-" + re.sub(r"[^A-Za-z0-9_-]", "-", path.stem)
        text = re.sub(rf"(?<![\w-]){re.escape(match.group(1))}(?![\w-])", stable, text)
    return f'<section class="table-block" id="{_e(rel)}"><h3>{_e(rel)}</h3>{text}</section>'


def _figure_block(rel: str, path: Path, written: set[str]) -> str:
    """One figure embedded as a base64 PNG, captioned with its relative path."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    pdf = Path(rel).with_suffix(".pdf").as_posix()
    also = f" (vector version: {_e(pdf)})" if pdf in written else ""
    return (f'<figure id="{_e(rel)}"><img src="data:image/png;base64,{data}" alt="{_e(rel)}">'
            f"<figcaption>{_e(rel)}{also}</figcaption></figure>")


def _analysis_status(runs: Sequence[Mapping[str, Any]], names: Sequence[str]) -> str:
    """A loud line for each of ``names`` that failed, a quiet one for those that did not run."""
    by_name = {r["name"]: r for r in runs}
    out = []
    for name in names:
        run = by_name.get(name)
        if run is None:
            out.append(f'<p class="missing">Analysis <code>{_e(name)}</code> was not run '
                       f"(<code>cbstats reproduce --only {_e(name)}</code>).</p>")
        elif run.get("status") != "ok":
            out.append(f'<p class="status fail"><span class="badge fail">FAILED</span> analysis '
                       f"<code>{_e(name)}</code>: {_e(run.get('error'))}</p>")
    return "".join(out)


def _dataset_section(ctx: RunContext, manifest: Mapping[str, Any]) -> str:
    data = manifest.get("data", {})
    parts = [_kv([("source", _e(data.get("source"))), ("version", _e(data.get("version"))),
                  ("SHA-256 (all files)", f"<code>{_e(data.get('sha256'))}</code>")])]
    counts = [(name, len(ctx.data.table(name))) for name in ctx.data.table_names]
    parts.append("<h3>Rows per table</h3>" + _grid(["table", "rows"], [[_e(n), _e(c)] for n, c in counts]))
    files = data.get("files", {})
    parts.append("<h3>Input files</h3>" + _grid(
        ["file", "SHA-256"], [[_e(f), f"<code>{_e(h)}</code>"] for f, h in files.items()]))
    report = ctx.out / "validation_report.txt"
    if report in ctx.written and report.is_file():
        parts.append('<section class="text-block" id="validation_report.txt">'
                     f"<h3>validation_report.txt</h3><pre>{_e(report.read_text(encoding='utf-8'))}</pre>"
                     "</section>")
    return "".join(parts)


def _specification_section(manifest: Mapping[str, Any]) -> str:
    study = [("main ordinal", "cumulative", specs.MAIN_ORDINAL),
             ("main binary", "bernoulli", specs.MAIN_BINARY)]
    study += [(f"comparison: {label}", "cumulative", formula)
              for label, formula in specs.COMPARISON_ORDINAL.items()]
    parts = [
        '<p class="desc"><code>mo(x)</code>: monotonic effect of the ordered score x; '
        "<code>(1 | g)</code>: varying intercept by g; <code>mm(a, b)</code>: multi-membership "
        "(each dyad is made of two states).</p>",
        "<h3>Study formulas (cbstats.pipeline.specs)</h3>",
        _grid(["model", "family", "formula"], [[_e(m), _e(f), f"<code>{_e(x)}</code>"] for m, f, x in study]),
        "<h3>Term groups</h3>",
        _kv([("conditions", f"<code>{_e(specs.CONDITION_TERMS)}</code>"),
             ("process features", f"<code>{_e(specs.PROCESS_TERMS)}</code>"),
             ("varying intercepts", f"<code>{_e(specs.GROUP_TERMS)}</code>")]),
    ]
    fits = manifest.get("fits", [])
    if fits:
        parts.append("<h3>Bayesian fits in this run</h3>" + _grid(
            ["fit", "family", "formula", "seed", "chains", "tune", "draws", "cases"],
            [[_e(f.get("name")), _e(f.get("family")), f"<code>{_e(f.get('formula'))}</code>",
              _e(f.get("seed")), _e(f.get("chains")), _e(f.get("tune")), _e(f.get("draws")),
              _e(f.get("n_obs"))] for f in fits]))
    return "".join(parts)


def _diagnostics_section(manifest: Mapping[str, Any]) -> str:
    fits = manifest.get("fits", [])
    if not fits:
        return '<p class="missing">No Bayesian model was fitted in this run.</p>'
    failing = [f for f in fits if not f.get("passed", False)]
    head = (f'<p class="status fail"><span class="badge fail">FAILED</span> {len(failing)} of {len(fits)} '
            f"fits fail their diagnostics: {_e(', '.join(f['name'] for f in failing))}. Their estimates "
            "are not reliable.</p>" if failing else
            f'<p class="status ok"><span class="badge pass">passed</span> All {len(fits)} fits pass '
            "their diagnostics.</p>")
    rows = [[_e(f.get("name")), _badge(bool(f.get("passed", False))),
             _e(", ".join(f.get("failing_checks", []))), _num(f.get("max_r_hat"), ".3f"),
             _num(f.get("min_ess_bulk"), ".0f"), _e(f.get("divergences")), _volatile(f.get("seconds"))]
            for f in fits]
    classes = ["" if f.get("passed", False) else "fail" for f in fits]
    return head + _grid(["fit", "status", "failing checks", "max R-hat", "min bulk ESS", "divergences",
                         "seconds"], rows, classes)


def _unreliable_estimates(manifest: Mapping[str, Any], written: set[str]) -> str:
    """A loud warning above tables whose Bayesian fit failed its diagnostics."""
    bad = [f["name"] for f in manifest.get("fits", [])
           if not f.get("passed", False) and f"tables/{f['name']}_summary.csv" in written]
    if not bad:
        return ""
    return (f'<p class="status fail"><span class="badge fail">FAILED</span> Estimates below from fits that '
            f"failed their diagnostics are not reliable: {_e(', '.join(bad))}.</p>")


def _provenance_section(manifest: Mapping[str, Any], outputs: Mapping[str, str]) -> str:
    env = manifest.get("environment", {})
    command = manifest.get("command", [])
    parts = [_kv([
        ("command", f"<code>{_e(shlex.join(map(str, command)))}</code>"),
        ("seed", _e(manifest.get("seed"))), ("quick", _e(manifest.get("quick"))),
        ("strict", _e(manifest.get("strict"))),
        ("git commit", _e(manifest.get("git_commit") or "unknown (not a git checkout)")),
        ("Python", _e(f"{env.get('python')} ({env.get('implementation')})")),
        ("platform", _e(f"{env.get('platform')} ({env.get('machine')})")),
        ("started (UTC)", _volatile(manifest.get("started_utc"))),
        ("finished (UTC)", _volatile(manifest.get("finished_utc"))),
        ("wall time (s)", _volatile(manifest.get("wall_seconds"))),
    ])]
    parts.append("<h3>Package versions</h3>" + _grid(
        ["package", "version"], [[_e(k), _e(v)] for k, v in env.get("packages", {}).items()]))
    runs = manifest.get("analyses", [])
    parts.append("<h3>Analyses</h3>" + _grid(
        ["analysis", "status", "seconds", "error"],
        [[_e(r.get("name")), _badge(r.get("status") == "ok"), _volatile(r.get("seconds")),
          _e(r.get("error") or "")] for r in runs],
        ["" if r.get("status") == "ok" else "fail" for r in runs]))
    parts.append(f"<h3>Outputs ({len(outputs)} files)</h3>"
                 f'<p class="desc">SHA-256 of every file written before this report. '
                 f"<code>manifest.json</code> lists these and the hash of <code>{REPORT_NAME}</code> "
                 "itself (a file cannot contain its own hash).</p>")
    parts.append(_grid(["file", "SHA-256"], [[_e(k), f"<code>{_e(v)}</code>"] for k, v in outputs.items()]))
    return "".join(parts)


def _run_status(manifest: Mapping[str, Any]) -> str:
    runs = manifest.get("analyses", [])
    failed = [r for r in runs if r.get("status") != "ok"]
    bad = [f["name"] for f in manifest.get("fits", []) if not f.get("passed", False)]
    text = f"Ran {len(runs) - len(failed)} of {len(runs)} analyses: {', '.join(r['name'] for r in runs)}."
    items = [f"<li><strong>analysis {_e(r['name'])} FAILED</strong>: {_e(r.get('error'))}</li>"
             for r in failed]
    if bad:
        items.append(f"<li><strong>{len(bad)} fits FAILED their diagnostics</strong>: {_e(', '.join(bad))}</li>")
    kind = "fail" if items else "ok"
    listing = f"<ul>{''.join(items)}</ul>" if items else ""
    return f'<div class="status {kind}" id="run-status">{_e(text)}{listing}</div>'


def render_report(ctx: RunContext, manifest: Mapping[str, Any]) -> str:
    """The report as one HTML string (see :func:`build_report`)."""
    out = ctx.out
    written = [p for p in ctx.written if p.is_file() and p != out / REPORT_NAME]
    rel = {p: p.relative_to(out).as_posix() for p in written}  # ids: the same on every platform
    rel_set = set(rel.values())
    outputs = {r: sha256_file(p) for p, r in sorted(rel.items(), key=lambda kv: kv[1])}
    runs = manifest.get("analyses", [])

    tables: dict[str, list[str]] = {key: [] for key, *_ in SECTIONS}
    for path in written:
        r = rel[path]
        if not (r.startswith("tables/") and path.suffix in (".csv", ".html")):
            continue
        if path.suffix == ".html" and not path.stem.startswith("coefficients_"):
            continue  # other HTML renderings are reached through their CSV
        key = next(k for k, _, _, rule in SECTIONS if rule(path.stem))
        block = _csv_block(r, path) if path.suffix == ".csv" else _html_fragment_block(r, path)
        tables[key].append(block)
    figures = [_figure_block(rel[p], p, rel_set) for p in written
               if rel[p].startswith("figures/") and p.suffix == ".png"]

    body: list[tuple[str, str, str]] = []  # (id, title, html)
    for key, title, analyses, _ in SECTIONS:
        content = _analysis_status(runs, analyses)
        if key == "dataset":
            content = _dataset_section(ctx, manifest) + content
        elif key == "specification":
            content = _specification_section(manifest) + content
            if not tables[key]:
                content += ('<p class="missing">No priors were recorded: the <code>models</code> '
                            "analysis did not write <code>tables/bayes_priors.csv</code>.</p>")
        elif key == "diagnostics":
            content = _diagnostics_section(manifest) + content
        elif key == "coefficients":
            content = _unreliable_estimates(manifest, rel_set) + content
        elif key == "other-tables" and not tables[key]:
            continue
        elif key == "interpretation":
            content = ('<p class="desc">How the conditions translate into the probability of an '
                       "institutionalized transformation, by condition profile and case by case; "
                       "read with the diagnostics and robustness sections.</p>" + content)
        body.append((key, title, content + "".join(tables[key])))
        if key == "interpretation":
            body.append(("figures", "Figures", "".join(figures) or
                         '<p class="missing">This run wrote no figures.</p>'))
    notes = manifest.get("notes", ctx.notes)
    body.append(("notes", "Notes", f"<ul>{''.join(f'<li>{_e(n)}</li>' for n in notes)}</ul>"
                 if notes else '<p class="desc">No notes were recorded.</p>'))
    body.append(("provenance", "Provenance", _provenance_section(manifest, outputs)))

    quick = bool(ctx.quick or manifest.get("quick"))
    banner = (f'<div class="banner quick" id="quick-run-banner">{_e(ctx.quick_banner or "QUICK RUN")} '
              "Do not cite or interpret these numbers.</div>" if quick else "")
    title = "cbstats reproduction report" + (" — QUICK RUN (smoke test only)" if quick else "")
    data = manifest.get("data", {})
    nav = "".join(f'<li><a href="#{key}">{_e(t)}</a></li>' for key, t, _ in body)
    sections = "".join(f'<section id="{key}"><h2>{_e(t)}</h2>{content}</section>' for key, t, content in body)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{banner}\n<header>"
        f"<h1>{_e(title)}</h1>"
        f'<p class="desc">Dataset {_e(data.get("version"))} (SHA-256 <code>{_e(data.get("sha256"))}</code>), '
        f"seed {_e(manifest.get('seed'))}, finished {_volatile(manifest.get('finished_utc'))} UTC.</p>"
        f"{_run_status(manifest)}<nav><ol>{nav}</ol></nav></header>\n<main>{sections}</main>\n"
        "</body>\n</html>\n"
    )


def build_report(ctx: RunContext, manifest: Mapping[str, Any]) -> Path:
    """Write ``report.html``: one self-contained file with every table and figure of the run.

    Call it after the analyses and before ``manifest.json`` is written, so that the
    manifest lists the report and its SHA-256.

    Parameters
    ----------
    ctx : RunContext
        The run's context: output folder, dataset, written files, fits and notes.
    manifest : mapping
        The manifest as it will be written, without the list of outputs: ``command``,
        ``seed``, ``quick``, ``strict``, ``git_commit``, ``environment``, ``data``,
        ``analyses`` (name, status, error, seconds), ``fits``, ``notes``, times.
        Missing keys are shown as empty.

    Returns
    -------
    Path
        ``<out>/report.html``, written atomically and recorded in ``ctx.written``.

    Notes
    -----
    Sections: dataset, model specifications and priors, diagnostics (failing fits
    marked loudly), coefficient tables, model comparison, robustness, interpretation,
    figures, notes and provenance. A quick run carries a banner on every screen.
    """
    return ctx.write_text(REPORT_NAME, render_report(ctx, manifest))
