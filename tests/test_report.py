"""The reviewer's report: self-contained, complete, listed in the manifest, deterministic."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from cbstats.casedata import read_case_package
from cbstats.pipeline import reproduce
from cbstats.pipeline.context import RunContext
from cbstats.pipeline.outputs import sha256_file
from cbstats.pipeline.report import REPORT_NAME, build_report


class ReportParser(HTMLParser):
    """Collect what the tests check: ids, images, tables inside sections, references."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, str] = {}  # id -> tag
        self.images: dict[str, tuple[str, str]] = {}  # id of the enclosing figure -> (src, alt)
        self.sections_with_table: set[str] = set()
        self.headings: dict[str, str] = {}  # id of the enclosing section/figure -> heading text
        self.captions: dict[str, str] = {}
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.stylesheet_links: list[dict[str, str | None]] = []
        self.script_src: list[str] = []
        self._stack: list[tuple[str, str | None]] = []  # open section/figure elements and their ids
        self._text_target: tuple[dict[str, str], str] | None = None

    def _owner(self) -> str | None:
        for _tag, ident in reversed(self._stack):
            if ident is not None:
                return ident
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids[a["id"]] = tag
        for name in ("src", "href", "action", "data", "poster"):
            if a.get(name) is not None:
                self.references.append((tag, name, a[name]))
        if tag == "link" and "stylesheet" in (a.get("rel") or ""):
            self.stylesheet_links.append(a)
        if tag == "script" and a.get("src"):
            self.script_src.append(a["src"])
        if tag in ("section", "figure"):
            self._stack.append((tag, a.get("id")))
        owner = self._owner()
        if tag == "img" and owner:
            self.images[owner] = (a.get("src") or "", a.get("alt") or "")
        if tag == "table" and owner:
            self.sections_with_table.add(owner)
        if tag == "h3" and owner and owner not in self.headings:
            self._text_target = (self.headings, owner)
        if tag == "figcaption" and owner:
            self._text_target = (self.captions, owner)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("section", "figure") and self._stack:
            self._stack.pop()
        if tag in ("h3", "figcaption"):
            self._text_target = None

    def handle_data(self, data: str) -> None:
        if self._text_target is not None:
            store, key = self._text_target
            store[key] = store.get(key, "") + data


def parse_report(path: Path) -> tuple[str, ReportParser]:
    text = path.read_text(encoding="utf-8")
    parser = ReportParser()
    parser.feed(text)
    parser.close()
    return text, parser


def assert_complete_and_offline(out: Path) -> tuple[str, ReportParser, dict]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    outputs = {Path(k).as_posix(): v for k, v in manifest["outputs"].items()}
    report = out / REPORT_NAME
    # the report is an output of the run, with its hash in the manifest
    assert outputs[REPORT_NAME] == sha256_file(report)
    text, parser = parse_report(report)

    # contents come from the manifest's records: each written output has one
    records = {r["path"]: r for r in manifest["records"]}
    renderings = {a for r in records.values() for a in r["also"]}
    assert set(outputs) <= set(records) | renderings, set(outputs) - set(records) - renderings
    figures = [r for r in records.values() if r["kind"] == "figure" and not r["link_only"]]
    tables = [r for r in records.values() if r["kind"] == "table" and not r["link_only"]]
    assert figures and tables
    for r in figures:
        rel = r["path"]
        assert parser.ids.get(rel) == "figure", rel
        src, alt = parser.images[rel]
        prefix = "data:image/png;base64,"
        assert src.startswith(prefix) and alt == r["title"]
        embedded = base64.b64decode(src[len(prefix):])
        assert hashlib.sha256(embedded).hexdigest() == outputs[rel]  # the very file, embedded
        caption = " ".join(parser.captions[rel].split())
        assert re.match(r"Figure \d+\. ", caption) and r["title"] in caption and r["caption"] in caption
        assert f"run seed {manifest['seed']}" in caption  # which data and seed produced it
    for r in tables:
        rel = r["path"]
        assert parser.ids.get(rel) == "section", rel
        assert rel in parser.sections_with_table, rel
        assert re.fullmatch(rf"Table \d+\. {re.escape(r['title'])}", " ".join(parser.headings[rel].split()))
    for r in records.values():  # listed ones are linked
        if r["link_only"] and r["path"] in outputs:
            assert ("a", "href", r["path"]) in parser.references, r["path"]

    # numbered in order, each number once
    for word in ("Figure", "Table"):
        numbers = [int(n) for n in re.findall(rf'<span class="num">{word} (\d+)\.</span>', text)]
        assert numbers == list(range(1, len(numbers) + 1)), word

    # offline: no external references of any kind; links only in the page or to outputs of the run
    for tag, name, value in parser.references:
        v = value.strip().lower()
        assert not v.startswith(("http:", "https:", "//", "ftp:", "file:")), (tag, name, value)
        if tag == "img":
            assert v.startswith("data:image/png;base64,")
        if name == "href":
            assert v.startswith("#") or value in outputs, (tag, value)
    assert not parser.stylesheet_links and not parser.script_src
    assert "<script" not in text.lower()
    assert not re.search(r"@import|url\(\s*['\"]?(https?:|//)", text, flags=re.IGNORECASE)
    return text, parser, manifest


def test_quick_report_embeds_every_output_and_is_in_the_manifest(mini_package, tmp_path):
    out = tmp_path / "quick"
    code = reproduce(out=out, only=["descriptives", "baselines"], data_path=mini_package, quick=True,
                     seed=3, command=["cbstats", "reproduce", "--quick"])
    text, parser, manifest = assert_complete_and_offline(out)
    assert "quick-run-banner" in parser.ids and "smoke tests only" in text
    assert "QUICK RUN" in text.split("<body>", 1)[1][:400]  # first thing in the body
    for section in ("findings", "descriptives", "specification", "diagnostics", "baselines", "provenance"):
        assert parser.ids.get(section) == "section", section
    assert "The dataset (" in text  # a finding written from the run's numbers
    assert manifest["data"]["sha256"] in text and "cbstats reproduce --quick" in text
    runs = {r["name"]: r for r in manifest["analyses"]}
    if runs["baselines"]["status"] != "ok":  # 3 synthetic cases may be too few to fit: say so
        assert code == 1
        assert "analysis baselines FAILED" in text
    else:
        assert code == 0
    # every other output is listed with its hash in the report's provenance
    for rel, digest in manifest["outputs"].items():
        if rel != REPORT_NAME:
            assert rel in text and digest in text


def _strip_time_fields(text: str) -> str:
    return re.sub(r'<span class="volatile">[^<]*</span>', "", text)


def test_full_report_has_no_banner_and_is_deterministic(mini_package, tmp_path):
    reports = []
    for name in ("r1", "r2"):
        out = tmp_path / name
        assert reproduce(out=out, only=["descriptives"], data_path=mini_package, seed=1,
                         command=["t"]) == 0
        text, parser, _ = assert_complete_and_offline(out)
        assert "quick-run-banner" not in parser.ids and "QUICK RUN" not in text
        reports.append(text.replace(str(out), "<out>"))
    assert _strip_time_fields(reports[0]) == _strip_time_fields(reports[1])


def _sections(text: str) -> dict[str, str]:
    """The HTML of each top-level section of the report, by id."""
    parts = re.split(r'<section id="([^"]+)"><h2>', text)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_failing_fits_and_failed_analyses_are_loud(mini_package, tmp_path):
    out = tmp_path / "r"
    ctx = RunContext(out=out, seed=1, quick=False, data=read_case_package(mini_package))
    ctx.fits.append({"name": "bayes_ordinal", "formula": "transformation ~ mo(forum)",
                     "family": "cumulative", "seed": 5, "n_obs": 3, "passed": False,
                     "failing_checks": ["r_hat", "divergences"], "max_r_hat": 1.2,
                     "min_ess_bulk": 30.0, "divergences": 4, "chains": 2, "draws": 10, "tune": 10})
    ctx.analysis = "models"
    # a great-tables rendering carries a random id; the report replaces it with a stable one
    fragment = ('<div id="qwertyuiop" style="x"><style>#qwertyuiop table {color: red}</style>'
                '<table class="gt_table"><tr><td>b &lt; 0</td></tr></table></div>')
    ctx.write_table("coefficients_ordinal", pd.DataFrame({"term": ["mo(forum)"], "estimate": [0.5]}),
                    model="bayes_ordinal", title="Coefficients", caption="Posterior means.")
    html_path = ctx.out / "tables" / "coefficients_ordinal.html"
    html_path.write_text(fragment, encoding="utf-8")
    ctx.describe(ctx.out / "tables" / "coefficients_ordinal.csv", "table", also=(html_path,))
    ctx.write_table("bayes_ordinal_summary", pd.DataFrame({"term": ["mo(forum)"], "estimate": [0.5]}),
                    model="bayes_ordinal", link_only=True, title="Posterior summary")
    ctx.write_table("odd_table", pd.DataFrame({"x<script>": ["<b>1</b>"]}))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    ctx.write_figure("forest", fig, model="bayes_ordinal", title="Effects", caption="Forest plot.")
    manifest = {"analyses": [{"name": "models", "status": "failed", "error": "ValueError: boom <x>",
                              "seconds": 1.0}], "records": ctx.records,
                "fits": ctx.fits, "notes": ["a note"], "note_records": [{"text": "a note", "analysis": "models"}],
                "seed": 1, "quick": False, "data": {"version": "9.9"}}
    path = build_report(ctx, manifest)
    assert path == out / REPORT_NAME and path in ctx.written
    text, parser = parse_report(path)
    assert '<span class="badge fail">FAILED</span>' in text
    assert "r_hat, divergences" in text and "1 of 1 fits fail their diagnostics" in text
    assert "failed their diagnostics (bayes_ordinal): findings from them are not reliable" in text
    models = _sections(text)["models"]
    # the table from the failing fit says so in its caption, with the fit's seed and the data version
    assert "bayes_ordinal (cumulative, fit seed 5" in models and "failed its diagnostics" in models
    assert "Data version 9.9; run seed 1" in models
    assert "analysis <code>models</code>: ValueError: boom &lt;x&gt;" in models  # loud, in its section
    assert "analysis models FAILED" in text  # and at the top
    assert "qwertyuiop" not in text and "#gt-coefficients_ordinal table" in text
    assert parser.ids.get("tables/coefficients_ordinal.csv") == "section"
    assert "Table 1. Coefficients" == " ".join(parser.headings["tables/coefficients_ordinal.csv"].split())
    assert text.count('id="tables/bayes_ordinal_summary.csv"') == 1  # listed once, as a link
    assert 'href="tables/bayes_ordinal_summary.csv"' in models and "Table 2. Posterior" not in text
    assert "tables/odd_table.csv" in parser.sections_with_table  # tables without a title still appear
    # under a title made from the file name
    assert " ".join(parser.headings["tables/odd_table.csv"].split()) == "Table 2. Odd table"
    assert "<script>" not in text and "x&lt;script&gt;" in text and "&lt;b&gt;1&lt;/b&gt;" in text
    assert "a note" in models  # notes appear in their analysis's section
    # a figure sits next to the tables of its model, even when written after other tables
    order = [models.index(f'id="{p}"') for p in ("tables/coefficients_ordinal.csv", "figures/forest.png",
                                                  "tables/odd_table.csv")]
    assert order == sorted(order)


def test_outputs_of_a_new_analysis_appear_in_its_section(mini_package, tmp_path):
    """Outputs are found from the manifest's records: a later analysis needs no change to the report."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = tmp_path / "r"
    ctx = RunContext(out=out, seed=7, quick=False, data=read_case_package(mini_package))
    ctx.analysis = "a_future_analysis"  # not in the registry: its section needs no change to the report
    long = pd.DataFrame({"row": range(40), "consistency": np.linspace(0, 1, 40)})
    ctx.write_table("truth_table_of_the_sets", long, title="Truth table", caption="Rows of the truth table.")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ctx.write_figure("xy_plot", fig, title="Consistency and coverage", caption="Each dot is a configuration.")
    ctx.write_text("sets_findings.md", "# What the sets say\n\n- **Forum** is necessary <b>x</b>\n",
                   title="Set-theoretic findings")
    ctx.add_finding("Forum is necessary in 9 of 10 cases.")
    manifest = {"analyses": [{"name": "a_future_analysis", "status": "ok", "error": None, "seconds": 1.0}],
                "records": ctx.records, "findings": ctx.findings, "fits": [], "notes": [], "seed": 7,
                "data": {"version": "1.0.0"}}
    text, parser = parse_report(build_report(ctx, manifest))
    sets = _sections(text)["a_future_analysis"]
    assert sets.startswith("A future analysis</h2>")
    for rel in ("tables/truth_table_of_the_sets.csv", "figures/xy_plot.png", "sets_findings.md"):
        assert f'id="{rel}"' in sets, rel
    assert "Table 1.</span> Truth table" in sets and "Figure 1.</span> <strong>Consistency and coverage." in sets
    # a long table is collapsed behind a summary, with a link to its CSV
    assert "<details><summary>Show the table: 40 rows × 2 columns</summary>" in sets
    assert 'href="tables/truth_table_of_the_sets.csv"' in sets and 'href="figures/xy_plot.pdf"' in sets
    # Markdown is rendered as prose; raw HTML in it is escaped
    assert '<div class="prose"><h1>What the sets say</h1>' in sets and "<strong>Forum</strong>" in sets
    assert "&lt;b&gt;x&lt;/b&gt;" in sets
    assert "Forum is necessary in 9 of 10 cases." in _sections(text)["findings"]


def test_record_defaults_and_updates(mini_package, tmp_path):
    ctx = RunContext(out=tmp_path, seed=1, quick=False, data=read_case_package(mini_package))
    ctx.analysis = "descriptives"
    path = ctx.write_table("cases_by_decade", pd.DataFrame({"a": [1]}))
    (record,) = ctx.records
    assert record == {"path": "tables/cases_by_decade.csv", "analysis": "descriptives", "kind": "table",
                      "title": "Cases by decade", "caption": "", "model": None, "also": [],
                      "link_only": False, "topic": None}
    ctx.analysis = "models"
    ctx.describe(path, "table", link_only=True, caption="Now with a caption.")
    assert record["analysis"] == "descriptives" and record["link_only"] and record["title"] == "Cases by decade"
    assert record["caption"] == "Now with a caption." and len(ctx.records) == 1
