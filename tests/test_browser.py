"""report.html and explorer.html opened in headless Chromium: offline, error-free, complete, interactive.

The pages come from one quick reproduction run (``descriptives`` and ``explorer``: the
data section, one Bayesian fit, the explorer), built once per module into
``results/browser-check/`` under the repository. Set ``CBSTATS_BROWSER_OUT`` to the
output folder of a finished run (e.g. ``results``) to check that run instead. Screenshots
of both pages at 1366 x 768 are written to ``<out>/screenshots/`` for review.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from browser import (
    chromium,
    console_errors,
    network_requests,
    open_page,
    require_chromium,
    screenshot,
)

from cbstats.pipeline import reproduce

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run() -> Path:
    require_chromium()
    given = os.environ.get("CBSTATS_BROWSER_OUT")
    if given:
        return Path(given)
    out = ROOT / "results" / "browser-check"
    shutil.rmtree(out, ignore_errors=True)
    code = reproduce(out=out, only=["descriptives", "explorer"], quick=True, seed=11,
                     command=["cbstats", "reproduce", "--quick", "--only", "descriptives", "--only", "explorer"])
    assert code == 0
    return out


@pytest.fixture(scope="module")
def driver():
    with chromium() as d:
        yield d


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _wait(driver, script: str, timeout: float = 15.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


def test_report_in_chromium(run, driver):
    manifest = _manifest(run)
    network_requests(driver)  # clear the log
    open_page(driver, run / "report.html")
    assert not console_errors(driver)
    assert not network_requests(driver), "the report must not load anything from the network"
    records = [r for r in manifest["records"] if r["path"] in manifest["outputs"] and r["path"] != "report.html"]
    shown = [r for r in records if not r["link_only"] and r["kind"] in ("table", "figure", "text")]
    assert any(r["kind"] == "figure" for r in shown) and any(r["kind"] == "table" for r in shown)
    for r in shown:
        kind, ok = driver.execute_script(
            """const el = document.getElementById(arguments[0]);
               if (!el) return [null, false];
               if (arguments[1] === 'figure') {
                 const img = el.querySelector('img');
                 return ['figure', !!img && img.complete && img.naturalWidth > 100];
               }
               if (arguments[1] === 'table') return ['table', !!el.querySelector('table')];
               return ['text', el.textContent.trim().length > 0];""", r["path"], r["kind"])
        assert kind == r["kind"] and ok, r["path"]
    for r in records:
        if r["link_only"] or r["kind"] not in ("table", "figure", "text"):
            assert driver.execute_script(
                "return [...document.querySelectorAll('a')].some(a => a.getAttribute('href') === arguments[0])",
                r["path"]), r["path"]
    numbers = driver.execute_script(
        "return [...document.querySelectorAll('figcaption .num')].map(n => n.textContent)")
    assert numbers == [f"Figure {i}." for i in range(1, len(numbers) + 1)]
    screenshot(driver, run / "screenshots" / "report.png")


def test_explorer_in_chromium(run, driver):
    from cbstats.models import load_result

    network_requests(driver)
    open_page(driver, run / "explorer.html")
    _wait(driver, "return document.body.dataset.ready === '1'")
    assert not console_errors(driver)
    assert not network_requests(driver), "the explorer must not load anything from the network"
    data = driver.execute_script("return cbExplorer.data")
    n_cases = len(data["cases"])
    rows = lambda: driver.execute_script("return document.querySelectorAll('#cbx-list tr').length")  # noqa: E731
    assert rows() == n_cases

    # filters: region, then decade and outcome on top of it
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    region = data["regions"][2]["id"]
    Select(driver.find_element(By.ID, "cbx-region")).select_by_value(region)
    listed = driver.execute_script("return [...document.querySelectorAll('#cbx-list tr')].map(r => r.dataset.case)")
    expected = [c["id"] for c in data["cases"] if c["region"] == region]
    assert listed == expected and 0 < len(listed) < n_cases
    Select(driver.find_element(By.ID, "cbx-outcome")).select_by_value("3")
    assert rows() == sum(c["region"] == region and c["outcome"] == 3 for c in data["cases"])
    Select(driver.find_element(By.ID, "cbx-outcome")).select_by_value("")
    Select(driver.find_element(By.ID, "cbx-region")).select_by_value("")

    # click a case that is in the model and has a forum score above 0
    case = next(c for c in data["cases"] if c["row"] is not None and (c["scores"]["forum"] or 0) > 0.5)
    driver.find_element(By.CSS_SELECTOR, f'#cbx-list tr[data-case="{case["id"]}"]').click()
    assert driver.find_element(By.ID, "cbx-case-title").text == case["label"]
    codings = driver.find_elements(By.CSS_SELECTOR, "#cbx-codings tr")
    assert len(codings) == 8  # the outcome and the seven conditions
    assert driver.find_elements(By.CSS_SELECTOR, "#cbx-codings ol.src li")  # full source references
    before = driver.find_element(By.ID, "cbx-p-top").text

    # move the forum score down with the keyboard, as a student would
    slider = driver.find_element(By.ID, "cbx-score-forum")
    start = int(slider.get_attribute("value"))
    slider.send_keys(Keys.HOME)
    assert int(slider.get_attribute("value")) == 0 != start
    after = driver.find_element(By.ID, "cbx-p-top").text
    assert after != before
    assert "with Forum for discussion 0.00" in driver.find_element(By.ID, "cbx-pred-text").text
    screenshot(driver, run / "screenshots" / "explorer.png")

    # the page's numbers are BayesResult.predict's for the same draws
    result = load_result(run / "posteriors" / "bayes_ordinal.nc")
    keep = np.asarray(data["model"]["draw_index"])
    prob = data["meta"]["prob"]
    fitted = result.predict(None, kind="mean").values
    fitted = fitted.reshape((-1,) + fitted.shape[2:])[keep][:, case["row"], :]  # draws x categories
    from cbstats import load_cbm

    wide = load_cbm().complete_cases()
    new = wide[wide["case_id"] == case["id"]].assign(forum=0.0)
    moved = result.predict(new, kind="mean").values
    moved = moved.reshape((-1,) + moved.shape[2:])[keep][:, 0, :]
    for scores, draws in (({}, fitted), ({"forum": 0.0}, moved)):
        page = driver.execute_script("return cbExplorer.predict(arguments[0], arguments[1])", case["id"], scores)
        np.testing.assert_allclose(page["mean"], draws.mean(axis=0), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(page["lower"], np.quantile(draws, (1 - prob) / 2, axis=0), rtol=1e-9)
        np.testing.assert_allclose(page["upper"], np.quantile(draws, (1 + prob) / 2, axis=0), rtol=1e-9)
    assert float(after.split()[0]) == pytest.approx(moved[:, -1].mean(), abs=0.005)
    assert not console_errors(driver)
