"""What each draft lacks, as the applicant's dashboard lists it: stored per case with the
key of what it was computed from (applications.missing), always equal to case_problems,
never served stale; and the dashboards' counts per state from the unit's or authority's
index, always equal to counting every readable case."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from guardian.shortcuts import assign_perm

import applications.missing as missing_module
from applications.content import case_problems
from applications.enums import AttachmentKind
from applications.missing import missing_refresh
from applications.models import Attachment, Case
from applications.selectors import cases_visible_to, with_stamped_scan_flag
from applications.services import attachment_add, attachment_remove, case_save_content, schema_add_version
from tests.factories import complete_content, make_case, pdf_upload
from workflow.selectors import state_counts, visible_counts_within


def _listed(*cases):
    """The cases as the dashboard reads them: narratives deferred, scan flag annotated."""
    pks = [case.pk for case in cases]
    listed = with_stamped_scan_flag(Case.objects.filter(pk__in=pks).defer("header", "sections", "figures"))
    by_pk = {case.pk: case for case in listed}
    return [by_pk[pk] for pk in pks]


def _truth(case) -> list[str]:
    fresh = with_stamped_scan_flag(Case.objects.select_related("schema")).get(pk=case.pk)
    return [problem.message for problem in case_problems(fresh)]


def _save(case, actor, **changes):
    case.refresh_from_db()
    content = {"title": case.title, "header": case.header, "sections": case.sections, "figures": case.figures}
    content.update(changes)
    return case_save_content(case=case, actor=actor, expected_version=case.version, **content)


def _no_recompute(monkeypatch):
    def refuse(case):
        raise AssertionError("a stored summary whose key matches is not computed again")

    monkeypatch.setattr(missing_module, "case_problems", refuse)


@pytest.fixture
def drafts(cast):
    """Drafts that lack nothing, only the scan, nearly everything, that break the
    limits, with a bad phone and e-mail, on a newer form version; a returned case."""
    make = lambda **kw: make_case(campaign=cast.campaign, applicant=cast.applicant_a, **kw)  # noqa: E731
    complete = make()
    no_scan = make()
    Attachment.objects.filter(case=no_scan).delete()
    blank = make(complete=False)
    over = make()
    over = _save(over, cast.applicant_a, sections=dict.fromkeys(over.sections, "融" * 900), figures={})
    contacts = make()
    contacts = _save(
        contacts, cast.applicant_a, header={**contacts.header, "contact_phone": "12345", "contact_email": "not-mail"}
    )
    category = cast.campaign.categories.get(code="platform")
    definition = category.schemas.latest().definition
    definition["sections"].append({"key": "extra", "title": "补充说明", "required": True, "max_length": 500})
    schema_add_version(category=category, definition=definition)
    newer = make(complete=False, **{k: v for k, v in complete_content(definition).items() if k != "sections"})
    return [complete, no_scan, blank, over, contacts, newer]


def test_the_stored_summary_is_case_problems_for_every_kind_of_draft(cast, drafts, monkeypatch):
    truths = [_truth(case) for case in drafts]
    assert truths[0] == [] and len({tuple(t) for t in truths}) == len(truths), "the drafts differ"
    cases = _listed(*drafts)
    missing_refresh(cases=cases)
    assert [case.missing for case in cases] == truths
    # Stored: the next list reads them without computing anything.
    _no_recompute(monkeypatch)
    cases = _listed(*drafts)
    missing_refresh(cases=cases)
    assert [case.missing for case in cases] == truths


def test_a_save_the_scan_and_another_language_each_make_it_stale(cast, monkeypatch):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)

    def listed_missing():
        [listed] = _listed(case)
        missing_refresh(cases=[listed])
        return listed.missing

    first = listed_missing()
    assert first == _truth(case) and len(first) > 5
    # A save of the content.
    case = _save(case, cast.applicant_a, **complete_content(case.schema.definition))
    assert listed_missing() == _truth(case) == ["尚未上传加盖申报单位公章的申请表扫描件（PDF）。"]
    # The stamped scan uploaded, then removed.
    scan = attachment_add(case=case, actor=cast.applicant_a, uploaded=pdf_upload(), kind=AttachmentKind.STAMPED_SCAN)
    assert listed_missing() == _truth(case) == []
    attachment_remove(attachment=scan, actor=cast.applicant_a)
    assert listed_missing() == _truth(case) != []
    # Another language: computed in it, never the stored Chinese.
    with translation.override("en"):
        english = listed_missing()
        assert english == _truth(case) and english != first[:1]
        assert all("扫描件" not in message for message in english)
    assert listed_missing() == _truth(case)
    # New rules (a release changing the checks): every key changes.
    monkeypatch.setattr(missing_module, "RULES", "changed")
    monkeypatch.setattr(missing_module, "case_problems", lambda case: [])
    assert listed_missing() == []


def test_the_dashboard_shows_the_stored_messages_and_reads_no_narrative_once_stored(client, cast, drafts):
    client.force_login(cast.applicant_a)
    first = client.get(reverse("dashboard")).content.decode()
    for case in drafts:
        for message in _truth(case):
            assert message.replace("「", "").replace("」", "")[:4] in first.replace("「", "").replace("」", "")
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("dashboard")).content.decode()
    assert again.count("<li>") == first.count("<li>")
    assert not [q["sql"] for q in queries.captured_queries if '"sections"' in q["sql"]]
    # The drafts' summaries were stored by the first view, with their keys.
    assert all(row for row in Case.objects.filter(pk__in=[d.pk for d in drafts]).values_list("missing_key", flat=True))


def test_a_stale_page_of_drafts_costs_a_constant_number_of_queries(client, cast, django_assert_max_num_queries):
    for _ in range(3):
        make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    client.get(reverse("dashboard"))
    Case.objects.update(missing_key="")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("dashboard"))
    for _ in range(20):
        make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    Case.objects.update(missing_key="")
    with django_assert_max_num_queries(12) as many:
        response = client.get(reverse("dashboard"))
    assert len(few.captured_queries) == len(many.captured_queries)
    assert response.content.decode().count("还缺") == 23


@pytest.mark.parametrize("reader", ["reviewer_a", "province_admin"])
def test_other_roles_neither_see_nor_read_what_a_draft_lacks(client, cast, case_at, reader):
    returned = case_at("returned")
    client.force_login(getattr(cast, reader))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("dashboard")).content.decode()
    assert returned.title in page and "还缺" not in page
    assert not [q["sql"] for q in queries.captured_queries if '"missing"' in q["sql"]]
    # And the other unit's applicant does not see the draft at all.
    client.force_login(cast.applicant_b)
    assert returned.title not in client.get(reverse("dashboard")).content.decode()


def _shown_counts(response) -> dict[str, int]:
    return {state.value: n for state, n in response.context["state_counts"]}


def test_the_counts_from_the_index_are_the_counts_of_every_readable_case(client, cast, case_at):
    """visible_counts_within: the unit's or authority's index counts only when guardian's
    rows prove that nothing readable lies outside; a row beyond (a case of another city
    granted to a reviewer) makes the dashboard count every readable case instead."""
    for state in ("in_expert_review", "recommended", "not_recommended", "draft", "submitted", "returned"):
        case_at(state)
        case_at(state, applicant=cast.applicant_b)

    def check(user):
        client.force_login(user)
        response = client.get(reverse("dashboard"))
        probed = {k: v for k, v in state_counts(cases_visible_to(user=user)).items() if v}
        assert _shown_counts(response) == probed, user
        return probed

    for user in (cast.applicant_a, cast.applicant_b, cast.reviewer_a, cast.reviewer_b, cast.province_admin):
        check(user)

    def within_city_a():
        return visible_counts_within(
            user=cast.reviewer_a, model=Case, codename="view_case", within={"authority_id": cast.city_a.pk}
        )

    before = check(cast.reviewer_a)
    assert within_city_a() is not None, "counted from the index"
    other = Case.objects.filter(unit__authority=cast.city_b, state="submitted").first()
    assign_perm("applications.view_case", cast.reviewer_a, other)
    assert within_city_a() is None, "a readable case outside: counted whole"
    after = check(cast.reviewer_a)
    assert after["submitted"] == before["submitted"] + 1
    draft_b = Case.objects.filter(unit=cast.unit_b, state="draft").first()
    assign_perm("applications.view_case", cast.applicant_a, draft_b)
    assert check(cast.applicant_a)["draft"] == 2


def test_the_applicant_filters_by_the_state_it_is_shown(client, cast, case_at):
    """Until the province publishes, a decided case reads, counts and filters as in
    expert review (the filter is now SQL: the same cases)."""
    in_review = case_at("in_expert_review")
    decided = case_at("selected")
    client.force_login(cast.applicant_a)
    listed = client.get(reverse("dashboard"), {"state": "in_expert_review"}).context["page"].object_list
    assert {case.pk for case in listed} == {in_review.pk, decided.pk}
    assert not client.get(reverse("dashboard"), {"state": "selected"}).context["page"].object_list


def test_each_draft_shows_its_own_deadline_though_rendered_once_per_campaign(client, cast):
    """The deadline line is rendered once per campaign and extension: a draft granted an
    extension of its own still shows it, the other drafts the campaign's deadline."""
    from datetime import timedelta

    from django.utils import timezone

    from applications.phases.services import extension_grant

    plain = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False, title="按期的草稿")
    extended = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False, title="延期的草稿")
    extension_grant(
        campaign=cast.campaign,
        actor=cast.province_admin,
        until=timezone.now() + timedelta(days=30),
        reason="机房搬迁。",
        case=extended,
    )
    client.force_login(cast.applicant_a)
    response = client.get(reverse("dashboard"))
    rows = {case.pk: case for case in response.context["page"].object_list}
    assert "获准延期至" in rows[extended.pk].deadline and "截止，还有" not in rows[extended.pk].deadline
    assert "截止，还有" in rows[plain.pk].deadline and "获准延期至" not in rows[plain.pk].deadline
    page = response.content.decode()
    assert page.count("获准延期至") == 1 and page.count("截止，还有") == 1
