"""The access matrix, generated from the URL resolver (#10, item 2): every URL pattern ×
every role of the cast × GET and POST (with a valid CSRF token, and other parties' real
ids in the URL). A role the table (tests/security/access.py) does not allow gets 404 (or
the documented answer) and the database does not change; a role it allows is not
refused (and whatever it changed is rolled back). A URL missing from the table fails."""

import copy
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from tests.security.access import ANON, SYSTEM_ADMIN, access_for
from tests.security.world import ROLES, WriteRecorder, all_routes, finish, id_of, kwargs_for, url_for

ROUTES = all_routes()


def _refusal_ok(client, route_key: str, role: str, method: str, response, access) -> bool:
    status = response.status_code
    if status == access.refused or (status == 405 and method == "GET"):
        return True
    if role in access.sees and status in (302, 403):
        return True
    in_admin = route_key.startswith(("admin:", "admin/"))
    if in_admin and role in SYSTEM_ADMIN and status in (403, 404):
        # The admin's own refusals of a staff member (see tests/security/access.py).
        return True
    if status == 302:
        location = response["Location"]
        if role == ANON and location.startswith(reverse(settings.LOGIN_URL)):
            return True
        if in_admin and location.startswith(reverse("admin:login")):
            return True
        target = urlsplit(location)
        if target.netloc not in ("", "testserver"):
            return False
        if role in access.redirects_to_refusal:
            return finish(client.get(target.path)).status_code == 404
        if in_admin and role in SYSTEM_ADMIN:
            # The admin sends staff from an object's short URL to its change page, and
            # from an object that does not exist to its index: the page they land on
            # refuses them (or is the index).
            return target.path == reverse("admin:index") or finish(client.get(target.path)).status_code in (403, 404)
    return False


def _request(client, method: str, url: str):
    cookies = copy.deepcopy(client.cookies)
    try:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, {"csrfmiddlewaretoken": client.csrf})
    finally:
        # What the request did to the browser (signed it out, changed its session) is
        # undone with the database: every request starts from the same browser.
        client.cookies = cookies
    finish(response)
    return response


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_every_url_refuses_every_role_the_table_does_not_allow(world, browsers, route):
    access = access_for(route.key)
    assert access is not None, (
        f"The URL {route.key!r} ({route.route}) is in no row of the access table: add it to ACCESS in "
        "tests/security/access.py, saying which roles may use it and which objects fill its arguments."
    )
    url = url_for(route, kwargs_for(world, route, access))
    if access.query:
        url += "?" + urlencode({name: id_of(world, source) for name, source in access.query.items()})
    recorder = WriteRecorder()
    problems = []
    for role in ROLES:
        for method in ("GET", "POST"):
            with transaction.atomic():
                with recorder.recording():
                    response = _request(browsers[role], method, url)
                audited = recorder.audit_leaks()
                refused_ok = role in access.allowed or _refusal_ok(
                    browsers[role], route.key, role, method, response, access
                )
                transaction.set_rollback(True)
            status = response.status_code
            if status >= 500:
                problems.append(f"{role} {method} {url}: {status}")
            elif role in access.allowed:
                if status in (403, 404):
                    problems.append(f"{role} {method} {url}: refused ({status}) though the table allows it")
            else:
                if not refused_ok:
                    problems.append(f"{role} {method} {url}: {status}, expected {access.refused}")
                if recorder.writes or audited:
                    wrote = sorted(set(recorder.writes + audited))
                    problems.append(f"{role} {method} {url}: refused but wrote {wrote}")
    assert not problems, "\n".join(problems)


def test_the_table_covers_every_url_and_names_no_url_that_is_gone():
    keys = {route.key for route in ROUTES}
    uncovered = sorted(key for key in keys if access_for(key) is None)
    assert not uncovered, f"add these URLs to ACCESS in tests/security/access.py: {uncovered}"
    from tests.security.access import ACCESS

    gone = sorted(set(ACCESS) - keys)
    assert not gone, f"rows of tests/security/access.py for URLs that no longer exist: {gone}"
