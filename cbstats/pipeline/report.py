"""The report of a reproduction run: one self-contained HTML file (``report.html``).

It reads like a report to a co-author: findings first, then the data, the model
specifications and priors, the diagnostics (failures marked loudly), one section per
analysis, and a provenance appendix. Its contents come from the manifest's records of
what each analysis wrote (:meth:`RunContext.describe`: path, analysis, kind, title,
caption, model), never from file names, so an output added by a new analysis appears in
that analysis's section with the title and caption its writer gave it:

- tables are numbered and captioned; long ones are collapsed behind a summary line,
  with links to the CSV (and the Markdown/LaTeX/HTML renderings);
- figures are numbered, captioned and embedded as base64 PNG, next to the tables of
  the same model;
- Markdown texts are rendered as prose; outputs marked ``link_only`` (their numbers are
  shown in another table) and data files are listed with a link;
- every caption says which model, data version and seed produced the output.

Everything is inside the one file (styles inline, no scripts, no external
resources), so it opens offline. Apart from the time fields (``class="volatile"``),
the same outputs give the same HTML.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import specs
from .context import RunContext, default_title
from .findings import dataset_name
from .outputs import sha256_file
from .report_blocks import (
    badge,
    e,
    figure_block,
    file_list,
    grid,
    kv,
    num,
    provenance_line,
    table_block,
    text_block,
    volatile,
)
from .report_blocks import (
    read_csv_cells as read_csv_cells,  # re-exported for users of the old module
)

REPORT_NAME = "report.html"
"""File name of the report in the output folder."""

SECTION_TITLES = {
    "descriptives": "The data",
    "baselines": "Maximum-likelihood baselines",
    "models": "Main models: estimates",
    "comparison": "Model comparison",
    "robustness": "Robustness",
    "interpretation": "Interpretation",
}
"""Titles of the sections of known analyses (others are titled from their description)."""

TOPICS = {"specification": "Model specifications and priors", "diagnostics": "Diagnostics"}
"""Sections that collect outputs from any analysis (a record's ``topic``)."""

CSS = """
body{font-family:Georgia,'Times New Roman',serif;margin:0;color:#1d1d1d;line-height:1.5;background:#fff}
main,header{max-width:1080px;margin:0 auto;padding:0 1.5em}
h1,h2,h3,nav,table,figcaption,.caption,.status,.banner,summary,.files,.badge{
font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}
h1{margin:.7em 0 .2em;font-size:1.9em}h2{border-bottom:2px solid #333;margin-top:2.2em;padding-bottom:.15em}
h3{font-size:1.02em;margin:1.6em 0 .3em}
.num{color:#555;font-weight:600}
.banner{padding:.7em 1.5em;font-weight:bold;font-size:1.05em}
.quick{position:sticky;top:0;z-index:10;background:#b00020;color:#fff;text-align:center}
.status{border-left:6px solid;padding:.5em 1em;margin:.8em 0;font-size:.95em}
.status.ok{border-color:#2e7d32;background:#edf7ee}.status.fail{border-color:#b00020;background:#fdecee}
.badge{display:inline-block;padding:0 .45em;font-weight:bold;border-radius:3px;font-size:.85em}
.badge.pass{background:#2e7d32;color:#fff}.badge.fail{background:#b00020;color:#fff}
tr.fail td{background:#fdecee}
table.data,table.kv{border-collapse:collapse;font-size:.8em;margin:.4em 0}
table.data td,table.data th,table.kv td,table.kv th{border:1px solid #d5d5d5;padding:2px 7px;
text-align:left;vertical-align:top}
table.data th,table.kv th{background:#f1f1f1}
table.data tbody tr:nth-child(even) td{background:#fafafa}
table.data tbody tr.fail td{background:#fdecee}
.scroll{max-height:30em;overflow:auto;border:1px solid #ddd;margin-top:.4em}
details{margin:.4em 0 1em}summary{cursor:pointer;color:#0b5394;font-size:.9em}
.caption,figcaption{font-size:.88em;color:#333;margin:.2em 0 .5em}
.prov{color:#666}.failtag{color:#b00020}.files a{margin:0 .15em}.files{white-space:nowrap}
.desc{color:#444;margin:.3em 0}.missing{color:#8a6d00;font-style:italic}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.82em}
pre{background:#f6f6f6;padding:.6em;overflow:auto;white-space:pre-wrap}
figure{margin:1.6em 0;padding:.6em 0;border-top:1px solid #eee}
figure img{display:block;max-width:min(100%,900px);height:auto;margin:0 auto .4em}
.gt{overflow-x:auto}
.findings li{margin:.35em 0}.findings h3{margin-top:1em}
.notes{border-left:4px solid #e0a800;background:#fff8e1;padding:.3em 1em;margin:1em 0;font-size:.9em}
.filelist{font-size:.9em}.filelist li{margin:.15em 0}
nav ol{columns:2;font-size:.95em}
.prose{max-width:52em}
@media print{.quick{position:static}.scroll{max-height:none;overflow:visible}}
"""


def _fallback_records(ctx: RunContext, known: Iterable[str]) -> list[dict[str, Any]]:
    """Records for files that were written without one (e.g. by code that bypassed the context)."""
    kinds = {".csv": "table", ".png": "figure", ".md": "text", ".txt": "text", ".json": "json",
             ".nc": "posterior"}
    known = set(known)
    out = []
    for path in ctx.written:
        try:
            rel = path.relative_to(ctx.out).as_posix()
        except ValueError:
            continue
        if rel in known or rel == REPORT_NAME:
            continue
        out.append({"path": rel, "analysis": None, "kind": kinds.get(path.suffix, "file"),
                    "title": default_title(path), "caption": "", "model": None, "also": [],
                    "link_only": False, "topic": None})
    return out


class _Numbering:
    """Table and figure numbers in the order they appear in the report."""

    def __init__(self) -> None:
        self.tables = self.figures = 0

    def next(self, kind: str) -> int:
        if kind == "figure":
            self.figures += 1
            return self.figures
        self.tables += 1
        return self.tables


def _by_model(records: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Records grouped by model (first appearance), so that a figure sits by its model's tables."""
    order: dict[Any, int] = {}
    for r in records:
        order.setdefault(r.get("model"), len(order))
    return sorted(records, key=lambda r: order[r.get("model")])  # stable: write order within a model


def _outputs_html(ctx: RunContext, records: Sequence[Mapping[str, Any]], numbering: _Numbering,
                  manifest: Mapping[str, Any]) -> str:
    fits = {f["name"]: f for f in manifest.get("fits", [])}
    version, seed = manifest.get("data", {}).get("version"), manifest.get("seed")
    shown, listed = [], []
    for r in _by_model(records):
        if not (ctx.out / r["path"]).is_file():
            continue
        prov = provenance_line(r, fits, version, seed)
        if r.get("link_only") or r["kind"] not in ("table", "figure", "text"):
            listed.append(r)
        elif r["kind"] == "figure":
            shown.append(figure_block(ctx.out, r, numbering.next("figure"), prov))
        elif r["kind"] == "table":
            shown.append(table_block(ctx.out, r, numbering.next("table"), prov))
        else:
            shown.append(text_block(ctx.out, r, prov))
    return "".join(shown) + file_list(listed)


def _analysis_status(run: Mapping[str, Any] | None, name: str) -> str:
    """A loud line for an analysis that failed, a quiet one for one that did not run."""
    if run is None:
        return (f'<p class="missing">Analysis <code>{e(name)}</code> was not run '
                f"(<code>cbstats reproduce --only {e(name)}</code>).</p>")
    if run.get("status") != "ok":
        return (f'<p class="status fail"><span class="badge fail">FAILED</span> analysis '
                f"<code>{e(name)}</code>: {e(run.get('error'))}</p>")
    return ""


def _notes_html(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    return f'<div class="notes"><h3>Notes</h3><ul>{"".join(f"<li>{e(n)}</li>" for n in notes)}</ul></div>'


def _findings_section(manifest: Mapping[str, Any], order: Sequence[str]) -> str:
    findings = manifest.get("findings", [])
    bad = [f["name"] for f in manifest.get("fits", []) if not f.get("passed", False)]
    lead = ('<p class="desc">Written from this run\'s numbers; intervals are equal-tailed posterior '
            "intervals. Read them with the diagnostics and robustness sections.</p>")
    if bad:
        lead += (f'<p class="status fail"><span class="badge fail">FAILED</span> {len(bad)} fit(s) failed '
                 f"their diagnostics ({e(', '.join(bad))}): findings from them are not reliable.</p>")
    if not findings:
        return lead + '<p class="missing">No analysis recorded findings in this run.</p>'
    parts = []
    for name in [*order, None]:
        items = [f for f in findings if f.get("analysis") == name]
        if items:
            title = _analysis_title(name) if name else "Other"
            parts.append(f"<h3>{e(title)}</h3><ul>" + "".join(f"<li>{e(f['text'])}</li>" for f in items)
                         + "</ul>")
    return f'<div class="findings">{lead}{"".join(parts)}</div>'


def _dataset_header(ctx: RunContext, manifest: Mapping[str, Any]) -> str:
    data = manifest.get("data", {})
    counts = ", ".join(f"{name} {len(ctx.data.table(name))}" for name in ctx.data.table_names)
    return kv([("dataset", e(dataset_name(ctx.data))), ("source", e(data.get("source"))),
               ("version", e(data.get("version"))),
               ("SHA-256 (all files)", f"<code>{e(data.get('sha256'))}</code>"),
               ("rows per table", e(counts))])


def _specification_header(manifest: Mapping[str, Any]) -> str:
    study = [("main ordinal (bayes_ordinal)", "cumulative", specs.MAIN_ORDINAL),
             ("main binary (bayes_binary)", "bernoulli", specs.MAIN_BINARY)]
    study += [(f"comparison: {label}", "cumulative", formula)
              for label, formula in specs.COMPARISON_ORDINAL.items()]
    parts = [
        '<p class="desc">Formulas in lme4/brms notation: <code>mo(x)</code> is a monotonic effect of the '
        "ordered score x (the average effect of one step, with a simplex of step shares); "
        "<code>(1 | g)</code> a varying intercept by g; <code>mm(a, b)</code> a multi-membership "
        "intercept (each dyad is made of two states).</p>",
        grid(["model", "family", "formula"], [[e(m), e(f), f"<code>{e(x)}</code>"] for m, f, x in study]),
    ]
    fits = manifest.get("fits", [])
    if fits:
        parts.append("<h3>Bayesian fits in this run</h3>" + grid(
            ["fit", "family", "formula", "seed", "chains", "tune", "draws", "target accept", "cases"],
            [[e(f.get("name")), e(f.get("family")), f"<code>{e(f.get('formula'))}</code>",
              e(f.get("seed")), e(f.get("chains")), e(f.get("tune")), e(f.get("draws")),
              e(f.get("target_accept", "default")), e(f.get("n_obs"))] for f in fits]))
    return "".join(parts)


def _diagnostics_header(manifest: Mapping[str, Any]) -> str:
    fits = manifest.get("fits", [])
    if not fits:
        return '<p class="missing">No Bayesian model was fitted in this run.</p>'
    failing = [f for f in fits if not f.get("passed", False)]
    head = (f'<p class="status fail"><span class="badge fail">FAILED</span> {len(failing)} of {len(fits)} '
            f"fits fail their diagnostics: {e(', '.join(f['name'] for f in failing))}. Their estimates "
            "are not reliable.</p>" if failing else
            f'<p class="status ok"><span class="badge pass">passed</span> All {len(fits)} fits pass '
            "their diagnostics (R-hat ≤ 1.01, bulk and tail ESS ≥ 400, no divergences, "
            "E-BFMI ≥ 0.3).</p>")
    rows = [[e(f.get("name")), badge(bool(f.get("passed", False))),
             e(", ".join(f.get("failing_checks", []))), num(f.get("max_r_hat"), ".3f"),
             num(f.get("min_ess_bulk"), ".0f"), e(f.get("divergences")), volatile(f.get("seconds"))]
            for f in fits]
    classes = ["" if f.get("passed", False) else "fail" for f in fits]
    return head + grid(["fit", "status", "failing checks", "max R-hat", "min bulk ESS", "divergences",
                        "seconds"], rows, classes)


def _provenance_section(ctx: RunContext, manifest: Mapping[str, Any], outputs: Mapping[str, str]) -> str:
    env = manifest.get("environment", {})
    command = manifest.get("command", [])
    data = manifest.get("data", {})
    parts = [kv([
        ("command", f"<code>{e(shlex.join(map(str, command)))}</code>"),
        ("seed", e(manifest.get("seed"))), ("quick", e(manifest.get("quick"))),
        ("strict", e(manifest.get("strict"))),
        ("git commit", e(manifest.get("git_commit") or "unknown (not a git checkout)")),
        ("Python", e(f"{env.get('python')} ({env.get('implementation')})")),
        ("platform", e(f"{env.get('platform')} ({env.get('machine')})")),
        ("started (UTC)", volatile(manifest.get("started_utc"))),
        ("finished (UTC)", volatile(manifest.get("finished_utc"))),
        ("wall time (s)", volatile(manifest.get("wall_seconds"))),
    ])]
    parts.append("<h3>Package versions</h3>" + grid(
        ["package", "version"], [[e(k), e(v)] for k, v in env.get("packages", {}).items()]))
    runs = manifest.get("analyses", [])
    parts.append("<h3>Analyses</h3>" + grid(
        ["analysis", "status", "seconds", "error"],
        [[e(r.get("name")), badge(r.get("status") == "ok"), volatile(r.get("seconds")),
          e(r.get("error") or "")] for r in runs],
        ["" if r.get("status") == "ok" else "fail" for r in runs]))
    files = data.get("files", {})
    parts.append("<h3>Input files</h3>" + grid(
        ["file", "SHA-256"], [[e(f), f"<code>{e(h)}</code>"] for f, h in files.items()]))
    parts.append(f"<h3>Outputs ({len(outputs)} files)</h3>"
                 f'<p class="desc">SHA-256 of every file written before this report. '
                 f"<code>manifest.json</code> lists these and the hash of <code>{REPORT_NAME}</code> "
                 "itself (a file cannot contain its own hash).</p>")
    parts.append(f"<details><summary>Show the {len(outputs)} output files and their hashes</summary>"
                 + grid(["file", "SHA-256"], [[f'<a href="{e(k)}">{e(k)}</a>', f"<code>{e(v)}</code>"]
                                              for k, v in outputs.items()]) + "</details>")
    return "".join(parts)


def _run_status(manifest: Mapping[str, Any]) -> str:
    runs = manifest.get("analyses", [])
    failed = [r for r in runs if r.get("status") != "ok"]
    bad = [f["name"] for f in manifest.get("fits", []) if not f.get("passed", False)]
    text = f"Ran {len(runs) - len(failed)} of {len(runs)} analyses: {', '.join(r['name'] for r in runs)}."
    items = [f"<li><strong>analysis {e(r['name'])} FAILED</strong>: {e(r.get('error'))}</li>"
             for r in failed]
    if bad:
        items.append(f"<li><strong>{len(bad)} fits FAILED their diagnostics</strong>: {e(', '.join(bad))}</li>")
    kind = "fail" if items else "ok"
    listing = f"<ul>{''.join(items)}</ul>" if items else ""
    return f'<div class="status {kind}" id="run-status">{e(text)}{listing}</div>'


def _analysis_title(name: str) -> str:
    if name in SECTION_TITLES:
        return SECTION_TITLES[name]
    try:
        from .analyses import get_analysis

        description = get_analysis(name).description
        return description[:1].upper() + description[1:]
    except KeyError:
        return name.replace("_", " ").capitalize()


def render_report(ctx: RunContext, manifest: Mapping[str, Any]) -> str:
    """The report as one HTML string (see :func:`build_report`)."""
    out = ctx.out
    written = [p for p in ctx.written if p.is_file() and p != out / REPORT_NAME]
    outputs = {p.relative_to(out).as_posix(): sha256_file(p)
               for p in sorted(written, key=lambda p: p.relative_to(out).as_posix())}
    records = [dict(r) for r in manifest.get("records", ctx.records)]
    records += _fallback_records(ctx, [p for r in records for p in (r["path"], *r.get("also", []))])
    runs = manifest.get("analyses", [])
    run_by_name = {r["name"]: r for r in runs}
    order = [r["name"] for r in runs]
    order += [a for a in dict.fromkeys(r.get("analysis") for r in records) if a and a not in order]
    notes = manifest.get("note_records") or [{"text": n, "analysis": None}
                                              for n in manifest.get("notes", ctx.notes)]
    numbering = _Numbering()

    def section_records(analysis: str | None, topic: str | None = None) -> list[Mapping[str, Any]]:
        return [r for r in records if r.get("topic") == topic and (topic or r.get("analysis") == analysis)]

    def notes_of(analysis: str | None) -> list[str]:
        return [n["text"] for n in notes if n.get("analysis") == analysis]

    body: list[tuple[str, str, str]] = [("findings", "Summary of findings", _findings_section(manifest, order))]
    if "descriptives" in order:
        body.append(("descriptives", SECTION_TITLES["descriptives"],
                     _dataset_header(ctx, manifest) + _analysis_status(run_by_name.get("descriptives"),
                                                                      "descriptives")
                     + _outputs_html(ctx, section_records("descriptives"), numbering, manifest)
                     + _notes_html(notes_of("descriptives"))))
    body.append(("specification", TOPICS["specification"], _specification_header(manifest)
                 + _outputs_html(ctx, section_records(None, "specification"), numbering, manifest)))
    body.append(("diagnostics", TOPICS["diagnostics"], _diagnostics_header(manifest)
                 + _outputs_html(ctx, section_records(None, "diagnostics"), numbering, manifest)))
    for name in order:
        if name == "descriptives":
            continue
        content = (_analysis_status(run_by_name.get(name), name)
                   + _outputs_html(ctx, section_records(name), numbering, manifest)
                   + _notes_html(notes_of(name)))
        body.append((name, _analysis_title(name), content or '<p class="missing">No outputs.</p>'))
    other = section_records(None)
    if other or notes_of(None):
        body.append(("other-outputs", "Other outputs and notes",
                     _outputs_html(ctx, other, numbering, manifest) + _notes_html(notes_of(None))))
    body.append(("provenance", "Appendix: provenance", _provenance_section(ctx, manifest, outputs)))

    quick = bool(ctx.quick or manifest.get("quick"))
    banner = (f'<div class="banner quick" id="quick-run-banner">{e(ctx.quick_banner or "QUICK RUN")} '
              "Do not cite or interpret these numbers.</div>" if quick else "")
    title = "cbstats reproduction report" + (" — QUICK RUN (smoke test only)" if quick else "")
    data = manifest.get("data", {})
    nav = "".join(f'<li><a href="#{key}">{e(t)}</a></li>' for key, t, _ in body)
    sections = "".join(f'<section id="{key}"><h2>{e(t)}</h2>{content}</section>' for key, t, content in body)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{banner}\n<header>"
        f"<h1>{e(title)}</h1>"
        f'<p class="desc">{e(dataset_name(ctx.data))}, version {e(data.get("version"))} (SHA-256 '
        f'<code>{e(str(data.get("sha256"))[:12])}…</code>); run seed {e(manifest.get("seed"))}; '
        f"finished {volatile(manifest.get('finished_utc'))} UTC. {numbering.tables} tables and "
        f"{numbering.figures} figures.</p>"
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
        ``analyses`` (name, status, error, seconds), ``fits``, ``notes`` and
        ``note_records`` (the analysis of each note), ``findings``, ``records`` (what each
        output is), times. Missing keys are shown as empty; without ``records``, the
        context's are used.

    Returns
    -------
    Path
        ``<out>/report.html``, written atomically and recorded in ``ctx.written``.
    """
    return ctx.write_text(REPORT_NAME, render_report(ctx, manifest), title="This report")
