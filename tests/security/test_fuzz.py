"""No server error on any input (#10, item 7): hypothesis sends malformed query strings
and forms (NUL, superscript and Arabic-Indic digits, huge and negative integers, other
parties' ids, hostile `next` targets, very long text) to every URL of the resolver but
the admin's, as roles that reach its parsing, by GET and POST with a valid CSRF token;
nothing may answer 500, and every request is rolled back. Runs on SQLite and, with
`bash .ci/with-postgres …`, on PostgreSQL (NUL is refused there by the database)."""

import copy

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.access import access_for
from tests.security.world import ROLES, all_routes, finish, kwargs_for, url_for

# Examples per URL: 36, and 8 for the documents (slow to render
# and reading no parameter but the ids of their URL): 99 × 36 + 8 × 8 = 3,628 a run.
EXAMPLES = 36
DOCUMENTS = {"case_pdf", "case_docx", "reviews:ranking_pdf", "reviews:ranking_xlsx", "reviews:announcement_pdf",
             "reviews:announcement_xlsx", "reviews:score_sheet", "reviews:review_sheets"}  # fmt: skip
ROUTES = [route for route in all_routes() if not route.key.startswith(("admin:", "admin/"))]

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e3",
    "abc",
    "²",
    "١٢",
    "１２",
    "9" * 25,
    "-" + "9" * 25,
    str(2**63),
    "\x00",
    "a\x00b",
    "\u202e",
    "\ufeff1",
    "dashboard-x",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "/cases/1/",
    "up",
    "down",
    "1,2,3",
    "1,,x",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "长" * 5000,
]
FIELDS = [
    "next", "expert", "category", "unit", "state", "unit_type", "sort", "page", "stage", "order", "case",
    "direction", "comment", "title", "reason", "kind", "description", "url", "extraction_code", "note",
    "username", "password", "password1", "password2", "email", "name", "credit_code", "phone", "authority",
    "version", "rank__1", "score__1", "comment__1", "section_comment__intro", "cases", "experts", "assignment",
    "entry", "text", "answer", "objection", "language", "blind", "count", "per_case", "deadline", "mode",
]  # fmt: skip

_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)


def _value(world):
    ids = st.sampled_from(
        [world.in_review.pk, world.draft.pk, world.provincial.pk, world.stage.pk, world.assignment.pk, world.table.pk]
    ).map(str)
    nasty = st.sampled_from(NASTY)
    return st.one_of(nasty, nasty, _text, ids)


@st.composite
def requests(draw, world, route):
    access = access_for(route.key)
    allowed = sorted(access.allowed - {"anonymous"}) or list(ROLES)
    role = draw(st.sampled_from(allowed) if draw(st.integers(0, 9)) else st.sampled_from(ROLES))
    method = draw(st.sampled_from(["GET", "POST"]))
    # Mostly the names the views read, sometimes any name at all.
    known = st.sampled_from(FIELDS)
    names = st.one_of(known, known, known, _text.filter(bool))
    data = draw(st.dictionaries(names, st.lists(_value(world), min_size=1, max_size=2), max_size=6))
    kwargs = kwargs_for(world, route, access)
    for name in route.converters:
        if name in ("pk", "attachment_id", "link_id", "table_id", "package_id", "stage_id") and draw(st.booleans()):
            kwargs[name] = draw(st.sampled_from([0, 2**31, 2**63, 10**30, world.provincial.pk]))
    return role, method, url_for(route, kwargs), data


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_no_input_makes_a_server_error(world, browsers, route):
    @settings(
        max_examples=8 if route.key in DOCUMENTS else EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=requests(world, route))
    def attempt(request):
        role, method, url, data = request
        client = browsers[role]
        cookies = copy.deepcopy(client.cookies)
        try:
            with transaction.atomic():
                if method == "GET":
                    response = client.get(url, data)
                else:
                    response = client.post(url, {**data, "csrfmiddlewaretoken": client.csrf})
                transaction.set_rollback(True)
        finally:
            client.cookies = cookies
        finish(response)
        assert response.status_code < 500, f"{role} {method} {url} {data!r}: {response.status_code}"

    attempt()
