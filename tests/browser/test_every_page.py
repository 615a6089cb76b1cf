"""Every page of every role (tests/browser/walk.py), at a phone's width (390 px) and a
laptop's (1366 px), in Chinese and in English: no page is wider than its viewport, and
axe-core (vendored under tests/browser/vendor/) finds no serious or critical WCAG 2.1
A/AA violation.

The demo is seeded once for the module and served by one server thread; one browser
walks it once (each account signs in once) and the tests below judge what it saw. Set
WALK_SCREENSHOTS=/some/dir to keep a full-page PNG of every visit."""

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.db import connections, transaction
from django.test import override_settings
from django.test.testcases import LiveServerThread

from audit.restore import audit_table_replaceable
from tests.browser.walk import demo_ids, walk_urls

# django_db: the test database exists only when a test of the session asks for it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WIDTHS = (390, 1366)
LANGUAGES = ("zh-hans", "en")
PASSWORD = "walk-pass-1"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 4).map(
                  n => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 220))}));
}"""


@pytest.fixture(scope="module")
def demo_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, committed (the server thread reads it on any database), served on a
    free port; emptied again when the module is done."""
    media = tmp_path_factory.mktemp("walk-media")
    with (
        # The one-time code that the province, authorities, experts and administrators must
        # give in production is off (as in every test but the sign-in policy's), so each
        # role sees its own pages rather than the authenticator's set-up page.
        override_settings(
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            SIGNIN_OTP_REQUIRED=False,
        ),
        pytest.MonkeyPatch.context() as patch,
        django_db_blocker.unblock(),
    ):
        patch.setenv("DEMO_PASSWORD", PASSWORD)
        shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
        server = None
        try:
            with override_settings(DEBUG=True):
                call_command("seed_demo", stdout=StringIO())
            ids = demo_ids()
            for connection in shared.values():
                connection.inc_thread_sharing()
            server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override=shared, port=0)
            server.daemon = True
            server.start()
            server.is_ready.wait()
            if server.error:
                raise server.error
            yield f"http://127.0.0.1:{server.port}", ids
        finally:
            # Whatever failed, the seeded demo goes (its audit records too: the table's
            # trigger refuses to delete young records), so the tests after this module
            # start from an empty database.
            if server is not None:
                server.terminate()
                for connection in shared.values():
                    connection.dec_thread_sharing()
            with transaction.atomic(), audit_table_replaceable():
                call_command("flush", interactive=False, verbosity=0)


def _sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture(scope="module")
def visits(browser, demo_server):
    """One walk: {(account, language, width, path): what the page showed}."""
    base, ids = demo_server
    shots = os.environ.get("WALK_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    by_account: dict = {}
    for account, path in walk_urls(ids):
        by_account.setdefault(account, []).append(path)
    seen = {}
    for account, paths in by_account.items():
        context = browser.new_context(locale="zh-CN", viewport={"width": WIDTHS[-1], "height": 900})
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.set_default_timeout(30_000)
        if account:
            _sign_in(page, base, account)
        for language in LANGUAGES:
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for path in paths:
                    response = page.goto(base + path)
                    seen[(account, language, width, path)] = {
                        "status": response.status,
                        "url": page.url.removeprefix(base),
                        "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
                        "inner_width": page.evaluate("window.innerWidth"),
                        "serious": page.evaluate(AXE_RUN, AXE_TAGS) if width == WIDTHS[-1] else [],
                    }
                    if shots:
                        name = re.sub(r"[^A-Za-z0-9]+", "-", f"{account or 'anon'}-{language}-{width}-{path}").strip(
                            "-"
                        )
                        page.screenshot(path=f"{shots}/{name}.png", full_page=True)
        context.close()
    return seen


def test_every_page_answers(visits):
    wrong = {
        key: visit["status"]
        for key, visit in visits.items()
        if visit["status"] != (404 if key[3] == "/no-such-page/" else 200)
    }
    assert not wrong


def test_every_page_is_shown_where_it_was_asked(visits):
    """No redirect elsewhere (to the sign-in, the authenticator's set-up, a password
    change): else the walk would judge that page instead, under the other's name."""
    moved = {key: visit["url"] for key, visit in visits.items() if visit["url"] != key[3]}
    assert not moved, "\n".join(f"{key}: {url}" for key, url in moved.items())


def test_no_page_is_wider_than_its_viewport(visits):
    wider = {
        key: visit["scroll_width"] for key, visit in visits.items() if visit["scroll_width"] > visit["inner_width"]
    }
    assert not wider, "\n".join(f"{key}: {width} px" for key, width in wider.items())


def test_no_serious_or_critical_accessibility_violation(visits):
    found = {key: visit["serious"] for key, visit in visits.items() if visit["serious"]}
    assert not found, "\n".join(f"{key}: {violations}" for key, violations in found.items())
