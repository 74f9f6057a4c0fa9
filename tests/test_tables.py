"""Publication tables: numbers equal the results' summaries; Markdown/LaTeX/HTML/CSV structure.

Uses one tiny real Bayesian fit (cbstats.fit, 2 chains x 100 draws on simulated
data, created once for the module) and statsmodels baselines on the same data.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cbstats
from cbstats.ordinal import ordered
from cbstats.tables import (
    coef_table,
    descriptive_table,
    descriptive_tables,
    latex_escape,
    term_label,
    tidy_estimates,
)

FIXTURES = Path(__file__).parent / "fixtures"
FORMULA = "transformation ~ mo(forum) + leap_of_faith + n_interaction + (1 | region)"


def simulate_cases(n: int = 120, seed: int = 1) -> pd.DataFrame:
    """Small simulated case matrix with the CBM column names."""
    rng = np.random.default_rng(seed)
    scores = [0.0, 0.33, 0.67, 1.0]
    df = pd.DataFrame({
        "case_id": [f"case_{i:03d}" for i in range(n)],
        "forum": ordered(rng.choice(scores, n), scores),
        "leap_of_faith": rng.choice(scores, n),
        "n_interaction": rng.integers(0, 4, n),
        "region": rng.choice(["europe_east_west", "south_asia", "latin_america", "middle_east"], n),
    })
    eta = 1.2 * df["forum"].astype(float) + 0.8 * df["leap_of_faith"] + 0.3 * df["n_interaction"]
    df["transformation"] = np.digitize(eta + rng.logistic(size=n), [0.2, 1.0, 2.0])
    df["institutionalized"] = (df["transformation"] == 3).astype(int)
    return df


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return simulate_cases()


@pytest.fixture(scope="module")
def bayes(cases):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cbstats.fit(FORMULA, cases, "cumulative", draws=100, tune=100, chains=2, seed=11,
                           progressbar=False, id_col="case_id", sampler="pymc")


@pytest.fixture(scope="module")
def baseline(cases):
    return cbstats.fit_baseline(FORMULA, cases, "cumulative")


@pytest.fixture(scope="module")
def table(bayes, baseline):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return coef_table({"Bayes (ordinal)": bayes, "ML & baseline": baseline}, prob=0.9)


def _parse_csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text))


def test_csv_numbers_equal_summaries(table, bayes, baseline):
    back = _parse_csv(table.to_csv())
    est = back[back["kind"] == "estimate"]
    for name, result in {"Bayes (ordinal)": bayes, "ML & baseline": baseline}.items():
        summary = result.summary(0.9)
        shown = est[est["model"] == name].set_index("term")
        ref = summary.set_index("term").loc[shown.index]
        for col in ("estimate", "std_error", "lower", "upper", "ess_bulk", "r_hat"):
            np.testing.assert_array_equal(shown[col].to_numpy(dtype=float), ref[col].to_numpy(dtype=float),
                                          err_msg=f"{name}: {col}")
        assert (shown["prob"] == 0.9).all()
        # every population effect and cutpoint of the summary is in the table
        wanted = summary[summary["param_class"].isin(["b", "cutpoints", "intercept"])]["term"]
        assert set(wanted) <= set(shown.index)


def test_csv_footer_equals_results(table, bayes, baseline):
    back = _parse_csv(table.to_csv())
    st = back[back["kind"] == "statistic"].set_index(["model", "term"])["estimate"]
    diag = bayes.diagnostics(warn=False).set_index("check")["value"]
    assert st[("Bayes (ordinal)", "N")] == bayes.design.n_obs == 120
    assert st[("Bayes (ordinal)", "groups: region")] == 4
    assert st[("Bayes (ordinal)", "max_r_hat")] == diag["r_hat"]
    assert st[("Bayes (ordinal)", "min_ess_bulk")] == diag["ess_bulk"]
    assert st[("Bayes (ordinal)", "divergences")] == diag["divergences"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        elpd = bayes.loo(fallback=False)
    assert st[("Bayes (ordinal)", "elpd")] == pytest.approx(elpd.elpd, rel=1e-12)
    assert st[("ML & baseline", "log-likelihood")] == baseline.llf
    assert st[("ML & baseline", "AIC")] == baseline.aic
    assert st[("ML & baseline", "N")] == baseline.nobs
    assert ("ML & baseline", "max_r_hat") not in st.index


def test_display_cells_are_rounded_summaries(table, bayes):
    disp = table.table()
    s = bayes.summary(0.9).set_index("term").loc["mo(forum)"]
    row = next(r for r in disp.rows if r[0] == "Forum for discussion (monotonic)")
    assert row[1] == f"{s['estimate']:.2f} [{s['lower']:.2f}, {s['upper']:.2f}]"
    back = _parse_csv(table.to_csv(layout="display"))
    assert "Forum for discussion (monotonic)" in set(back["label"])


def test_labels_sections_and_notes(table):
    md = table.to_markdown()
    assert "Forum for discussion (monotonic)" in md
    assert "Leap-of-faith initiative" in md
    assert "Cutpoint 0\\|1: none / operational" in md  # pipe escaped in a cell
    assert "SD of intercepts: Region" in md
    assert "*posterior mean [90% CrI]*" in md and "*ML estimate [90% CI]*" in md
    notes = " ".join(table.notes)
    assert "equal-tailed credible interval" in notes and "Wald confidence interval" in notes
    assert "ML & baseline: (1 | region) dropped" in notes  # baseline notes listed
    assert "mo(forum) estimated as a linear effect" in notes
    # the same cutpoint is one row for both models
    t = table.table()
    cut_rows = [r for r in t.rows if r[0].startswith("Cutpoint 0|1")]
    assert len(cut_rows) == 1 and all(cut_rows[0][1:])
    sd_row = next(r for r in t.rows if r[0] == "SD of intercepts: Region")
    assert sd_row[2] == ""  # not in the baseline


def _md_cells(line: str) -> int:
    return len(re.split(r"(?<!\\)\|", line)) - 2


def test_markdown_structure(table):
    md = table.to_markdown()
    lines = [ln for ln in md.splitlines() if ln.startswith("|")]
    assert lines[1].startswith("|:---|")
    assert {_md_cells(ln) for ln in lines} == {3}
    assert md.startswith("Table: Estimates")


def _latex_body_rows(tex: str) -> list[str]:
    body = tex.split(r"\toprule")[1].split(r"\bottomrule")[0]
    return [ln for ln in body.splitlines() if ln.rstrip().endswith(r"\\") and "multicolumn" not in ln]


def test_latex_structure_and_escaping(table):
    tex = table.to_latex(label="tab:coef")
    for token in (r"\begin{table}", r"\begin{tabular}{lrr}", r"\toprule", r"\midrule",
                  r"\bottomrule", r"\end{tabular}", r"\end{table}", r"\label{tab:coef}",
                  r"\caption{Estimates}"):
        assert token in tex
    assert tex.index(r"\toprule") < tex.index(r"\midrule") < tex.index(r"\bottomrule")
    for row in _latex_body_rows(tex):
        assert len(re.findall(r"(?<!\\)&", row)) == 2, row
    assert r"ML \& baseline" in tex
    assert r"0\textbar{}1" in tex
    assert r"90\%" in tex
    # no unescaped specials anywhere
    assert not re.search(r"(?<!\\)[%#_]", tex.replace(r"\_", "").replace(r"\%", "").replace(r"\#", ""))
    assert "×" not in tex and "–" not in tex and "−" not in tex
    doc = table.to_latex(standalone=True)
    assert doc.startswith(r"\documentclass{article}") and r"\usepackage{booktabs}" in doc
    assert doc.rstrip().endswith(r"\end{document}")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_latex_compiles(table, tmp_path):
    src = tmp_path / "coef.tex"
    src.write_text(table.to_latex(standalone=True), encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", src.name],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "coef.pdf").is_file()


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.body_rows = 0
        self.in_body = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_body = True
        if tag == "tr" and self.in_body and "gt_group_heading_row" not in (dict(attrs).get("class") or ""):
            self.body_rows += 1

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False

    def handle_data(self, data):
        self.text.append(data)


def test_html_structure(table):
    html = table.to_html()
    assert "<table" in html and "</table>" in html
    parser = _Rows()
    parser.feed(html)
    text = " ".join(parser.text)
    assert parser.body_rows == len(table.table().rows)
    assert "ML & baseline" in text  # escaped in the HTML, intact as text
    assert "&amp;" in html
    assert "Forum for discussion (monotonic)" in text
    assert "posterior mean [90% CrI]" in text
    assert "Wald confidence interval" in text  # notes as source notes


def test_list_input_and_tidy_estimates(bayes, baseline):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = coef_table([bayes, baseline], loo=None)
    assert list(t.models) == ["(1)", "(2)"]
    assert "elpd" not in set(t.stats["statistic"])
    est = tidy_estimates({"a": bayes}, prob=0.8, classes=("b",))
    assert set(est["param_class"]) == {"b"}
    ref = bayes.summary(0.8).set_index("term")
    np.testing.assert_array_equal(est["lower"].to_numpy(), ref.loc[est["term"], "lower"].to_numpy())


class _NoLoo:
    """A Bayesian result whose LOO fails (e.g. no log-likelihood stored)."""

    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def loo(self, **kwargs):
        raise RuntimeError("no log_likelihood group")


def test_loo_failure_is_noted_not_raised(bayes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = coef_table({"m": _NoLoo(bayes)})
    assert "elpd" not in set(t.stats["statistic"])
    assert any("LOO not available" in n and "no log_likelihood group" in n for n in t.notes)


def test_coef_table_errors(bayes):
    with pytest.raises(ValueError, match="prob"):
        coef_table([bayes], prob=1.5)
    with pytest.raises(TypeError, match="summary"):
        coef_table({"x": object()})
    with pytest.raises(ValueError, match="at least one"):
        coef_table({})


def test_term_labels():
    assert term_label("mo(forum)") == "Forum for discussion (monotonic)"
    assert term_label("b[mo(leap_of_faith)]") == "Leap-of-faith initiative (monotonic)"
    assert term_label("cutpoint[2|3]") == "Cutpoint 2|3: changed practice / institutionalized"
    assert term_label("a|b", response="y") == "Cutpoint a|b"
    assert term_label("sd(region)") == "SD of intercepts: Region"
    assert term_label("sd(dyad)[leap_of_faith]") == "SD of Leap-of-faith initiative slopes: Dyad"
    assert term_label("cor(dyad)[Intercept,forum]") == "Correlation Intercept, forum: Dyad"
    assert term_label("C(region)[T.south_asia]") == "Region: South Asia"
    assert term_label("forum:track_two") == "Forum for discussion × Track-two dialogue"
    assert term_label("Intercept") == "Intercept"
    assert term_label("my_var", {"my_var": "Mine"}) == "Mine"
    assert term_label("unknown_col") == "unknown_col"


def test_latex_escape():
    assert latex_escape("a_b & 50% #1 {x} ~ ^") == r"a\_b \& 50\% \#1 \{x\} \textasciitilde{} \textasciicircum{}"
    assert latex_escape("-0.52 [−1.0, 2]") == "$-$0.52 [$-$1.0, 2]"
    assert latex_escape("x–y × z") == r"x--y $\times$ z"
    assert latex_escape("back\\slash") == r"back\textbackslash{}slash"


def test_descriptive_tables_all_formats():
    data = cbstats.read_case_package(FIXTURES / "mini_package")
    frames = data.describe()
    tables = descriptive_tables(data)
    assert set(tables) == set(frames)
    for name, t in tables.items():
        out = t.to_formats()
        assert set(out) == {"md", "tex", "html", "csv"}
        back = pd.read_csv(io.StringIO(out["csv"]))
        ref = frames[name]
        assert list(back.columns) == [str(c) for c in ref.columns]
        for col in ref.columns:
            if pd.api.types.is_numeric_dtype(ref[col]):
                np.testing.assert_allclose(back[str(col)].to_numpy(dtype=float),
                                           ref[col].to_numpy(dtype=float), equal_nan=True)
            else:
                assert back[str(col)].astype(str).tolist() == ref[col].astype(str).tolist()
        n_rows = len(ref)
        md_rows = [ln for ln in out["md"].splitlines() if ln.startswith("|")]
        assert len(md_rows) == n_rows + 2
        assert {_md_cells(ln) for ln in md_rows} == {ref.shape[1]}
        assert r"\toprule" in out["tex"] and r"\bottomrule" in out["tex"]
        for row in _latex_body_rows(out["tex"]):
            assert len(re.findall(r"(?<!\\)&", row)) == ref.shape[1] - 1
        parser = _Rows()
        parser.feed(out["html"])
        assert parser.body_rows == n_rows
    assert "Europe / East-West" in tables["cases_by_region"].to_markdown()


def test_descriptive_table_formats_floats():
    frame = pd.DataFrame({"condition": ["forum", "leap"], "mean_score": [0.5, np.nan], "n": [3, 4]})
    t = descriptive_table(frame, title="T", digits=1)
    assert t.rows == [["forum", "0.5", "3"], ["leap", "", "4"]]
    assert t.columns == ["condition", "mean score", "n"]
