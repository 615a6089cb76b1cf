"""Playwright driving Debian's Chromium (never a downloaded browser: the machines have
no internet). Screenshots land in var/screenshots/ to be looked at."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, of=None) -> Path:
        """Screenshot of the test's page, or of another page of the test (`of`)."""
        path = SCREENSHOTS / f"{name}.png"
        (of or page).screenshot(path=str(path), full_page=True)
        return path

    return take


def confirm(page) -> None:
    """Press the real button of the confirmation an irreversible action opens: the
    consequence shown in a <dialog> (static/js/confirm.js), or, when the button was
    pressed before that script had run (it comes last in the page: a loaded machine
    serves it late), on the server's own confirmation page (core/confirm.py), which
    states the same consequence and carries the same fields."""
    dialog = page.locator("dialog.confirm-dialog[open]")
    server_page = page.locator("form:has(input[name='_confirmed']) button[type='submit']")
    dialog.or_(server_page).first.wait_for()
    if dialog.count():
        dialog.locator(".confirm-dialog-ok").click()
    else:
        server_page.click()


@pytest.fixture(autouse=True, scope="module")
def _browser_connections_collected():
    """Chromium keeps connections to the live server alive; the server's side of them is
    left to the garbage collector when a module's browser goes. Collect them here, at the
    end of the browser module that opened them, instead of letting their ResourceWarning
    land in whichever later test happens to trigger a collection."""
    yield
    import gc
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
