"""Headless Chromium for the browser tests: Debian's chromium + chromedriver through Selenium.

No driver or browser is downloaded at run time: the system ``/usr/bin/chromium`` and
``/usr/bin/chromedriver`` are used (``make browser`` installs them). Chromium runs with a
fresh profile, no background networking, and performance logging on, so that a test can
list every request the page made and every console message.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars")
LAPTOP = (1366, 768)
"""Viewport of the screenshots (a common laptop screen)."""

LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome:", "chrome-untrusted:", "devtools:")
"""Requests that stay on the machine: local files, inline data and the browser's own pages
(a fresh profile's new-tab page loads chrome:// resources before the test opens its page)."""


def require_chromium() -> None:
    """Skip when Chromium is missing locally; fail under CI, where ``make browser`` installs it."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        message = f"headless Chromium not installed ({', '.join(missing)}); run `make browser`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextlib.contextmanager
def chromium() -> Iterator:
    """A Selenium driver for headless Chromium at laptop size, with a fresh profile."""
    require_chromium()
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look anything up
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="cbstats-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={LAPTOP[0]},{LAPTOP[1]}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": LAPTOP[0], "height": LAPTOP[1], "deviceScaleFactor": 1, "mobile": False})
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, path: Path) -> None:
    """Load a local file and wait until the document has loaded."""
    driver.get(path.resolve().as_uri())
    driver.execute_script("return document.readyState")


def requests_made(driver) -> list[str]:
    """URLs of every request since the last call (from Chromium's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def network_requests(driver) -> list[str]:
    """Requests that would reach the network: anything but :data:`LOCAL_SCHEMES`."""
    return [u for u in requests_made(driver) if not u.startswith(LOCAL_SCHEMES)]


def console_errors(driver) -> list[str]:
    """Console messages at level SEVERE (errors, uncaught exceptions, failed loads)."""
    return [f"{e['level']}: {e['message']}" for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def screenshot(driver, path: Path) -> Path:
    """Save a PNG of the viewport (1366 x 768)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    return path
