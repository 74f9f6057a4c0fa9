"""The reviewer's report: self-contained, complete, listed in the manifest, deterministic."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

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

    figures = [k for k in outputs if k.startswith("figures/") and k.endswith(".png")]
    tables = [k for k in outputs if k.startswith("tables/") and k.endswith(".csv")]
    assert figures and tables
    for rel in figures:
        assert parser.ids.get(rel) == "figure", rel
        src, alt = parser.images[rel]
        prefix = "data:image/png;base64,"
        assert src.startswith(prefix) and alt == rel
        embedded = base64.b64decode(src[len(prefix):])
        assert hashlib.sha256(embedded).hexdigest() == outputs[rel]  # the very file, embedded
        assert parser.captions[rel].startswith(rel)
    for rel in tables:
        assert parser.ids.get(rel) == "section", rel
        assert rel in parser.sections_with_table, rel
        assert parser.headings[rel].strip() == rel

    # offline: no external references of any kind
    for tag, name, value in parser.references:
        v = value.strip().lower()
        assert not v.startswith(("http:", "https:", "//", "ftp:", "file:")), (tag, name, value)
        if tag == "img":
            assert v.startswith("data:image/png;base64,")
        if name == "href":
            assert v.startswith("#"), (tag, value)  # in-page links only
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
    for section in ("dataset", "specification", "diagnostics", "coefficients", "comparison",
                    "robustness", "interpretation", "figures", "notes", "provenance"):
        assert parser.ids.get(section) == "section", section
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


def test_failing_fits_and_failed_analyses_are_loud(mini_package, tmp_path):
    out = tmp_path / "r"
    ctx = RunContext(out=out, seed=1, quick=False, data=read_case_package(mini_package))
    ctx.fits.append({"name": "bayes_ordinal", "formula": "transformation ~ mo(forum)",
                     "family": "cumulative", "seed": 5, "n_obs": 3, "passed": False,
                     "failing_checks": ["r_hat", "divergences"], "max_r_hat": 1.2,
                     "min_ess_bulk": 30.0, "divergences": 4, "chains": 2, "draws": 10, "tune": 10})
    # a great-tables fragment carries a random id; the report replaces it with a stable one
    fragment = ('<div id="qwertyuiop" style="x"><style>#qwertyuiop table {color: red}</style>'
                '<table class="gt_table"><tr><td>b &lt; 0</td></tr></table></div>')
    ctx.write_text("tables/coefficients_ordinal.html", fragment)
    ctx.write_table("bayes_ordinal_summary", pd.DataFrame({"term": ["mo(forum)"], "estimate": [0.5]}))
    ctx.write_table("odd_table", pd.DataFrame({"x<script>": ["<b>1</b>"]}))
    manifest = {"analyses": [{"name": "models", "status": "failed", "error": "ValueError: boom <x>",
                              "seconds": 1.0}],
                "fits": ctx.fits, "notes": ["a note"], "seed": 1, "quick": False}
    path = build_report(ctx, manifest)
    assert path == out / REPORT_NAME and path in ctx.written
    text, parser = parse_report(path)
    assert '<span class="badge fail">FAILED</span>' in text
    assert "r_hat, divergences" in text and "1 of 1 fits fail their diagnostics" in text
    assert "fits that failed their diagnostics are not reliable: bayes_ordinal" in text
    assert "analysis models FAILED" in text and "ValueError: boom &lt;x&gt;" in text
    assert "qwertyuiop" not in text and "#gt-coefficients_ordinal table" in text
    assert parser.ids.get("tables/coefficients_ordinal.html") == "section"
    assert "tables/odd_table.csv" in parser.sections_with_table  # unknown tables still appear
    assert "<script>" not in text and "x&lt;script&gt;" in text and "&lt;b&gt;1&lt;/b&gt;" in text
    assert "a note" in text
