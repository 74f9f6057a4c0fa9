"""The explorer page is one self-contained file; its data cannot break out of their script tag.

The page's behaviour (filters, case click, score slider, and its predictions against
BayesResult.predict) is tested in a real browser in test_browser.py.
"""

from __future__ import annotations

import json
import re

import numpy as np

from cbstats.explorer import draw_indices, render_explorer
from cbstats.explorer.page import plotly_js


def test_page_inlines_plotly_data_and_script_and_loads_nothing():
    hostile = {"meta": {"title": "</script><script>alert(1)</script>"}, "cases": ["<!-- x"]}
    page = render_explorer(hostile, title="A & B <i>")
    assert page.count("</script>") == 3  # plotly.js, the data, the app: nothing else closes a script
    assert "<title>A &amp; B &lt;i></title>" in page
    assert plotly_js()[:2000].replace("</script", "<\\/script") in page  # the bundled plotly.js, inline
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)  # no external resources
    start = page.index('<script type="application/json" id="cbx-data">') + len(
        '<script type="application/json" id="cbx-data">')
    payload = page[start:page.index("</script>", start)]
    assert json.loads(payload) == hostile  # the escaped JSON still parses to the same data
    assert "cbExplorer" in page and "__DATA__" not in page and "__APP__" not in page


def test_draws_are_thinned_evenly_and_keep_the_ends():
    keep = draw_indices(4000, 200)
    assert len(keep) == 200 and keep[0] == 0 and keep[-1] == 3999
    assert np.ptp(np.diff(keep)) <= 1  # evenly spaced
    assert draw_indices(150, 200).tolist() == list(range(150))
