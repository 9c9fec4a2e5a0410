"""Shared set-up of the real-browser tests: Debian's chromium driven by Playwright.

Browser tests skip with the reason when chromium or Playwright is missing,
except when ``ONNXLEARN_REQUIRE_BROWSER=1`` is set (CI sets it): then they fail.
"""

from __future__ import annotations

import os
import shutil
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def chromium_path() -> str:
    """The chromium executable, or skip (fail under ONNXLEARN_REQUIRE_BROWSER=1)."""
    required = os.environ.get("ONNXLEARN_REQUIRE_BROWSER") == "1"
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = ("Playwright is not installed "
                   "(pip install 'onnxlearn[dev]' -c constraints.txt)")
    found = next((path for path in CHROMIUM_CANDIDATES if os.access(path, os.X_OK)),
                 None) or shutil.which("chromium")
    if problem is None and found is None:
        problem = "chromium is not installed (Debian/Ubuntu: apt-get install -y chromium)"
    if problem:
        if required:
            pytest.fail(f"ONNXLEARN_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    return found


def only_loopback(route) -> None:
    """Serve requests to this machine; abort the rest (Netron's analytics, lookups)."""
    host = urllib.parse.urlsplit(route.request.url).hostname or ""
    if host in LOOPBACK_HOSTS or route.request.url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort()


def new_context(browser, *, accept_netron_consent: bool = True):
    """A browser context that stays on loopback and has Netron's consent cookie set."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", only_loopback)
    if accept_netron_consent:
        context.add_cookies([{"name": "consent", "value": "1", "url": f"http://{host}"}
                             for host in ("127.0.0.1", "localhost")])
    return context


def screenshot_path(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
