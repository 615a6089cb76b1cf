"""The small things clerks notice: a new draft starts with the unit's contact, a
never-submitted draft can be deleted (and nothing else), the unit sees its own record,
deadlines carry their year, each figure input is named by its figure, the language
menu names each language in itself, and errors have pages in the site's look."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import get_template
from django.urls import reverse

from applications.models import Attachment, Case
from applications.services import case_delete
from tests.factories import make_case, pdf_upload
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition


def _new_draft(client, cast, title):
    category = cast.campaign.categories.get(code="platform")
    response = client.post(reverse("case_new"), {"title": title, "category": category.pk})
    assert response.status_code == 302
    return Case.objects.get(title=title)


def test_a_new_draft_starts_with_the_applicants_contact(client, cast):
    cast.applicant_a.display_name, cast.applicant_a.phone = "王芳", "13904312233"
    cast.applicant_a.save()
    client.force_login(cast.applicant_a)
    draft = _new_draft(client, cast, "第一个案例")
    assert draft.header["contact_name"] == "王芳"
    assert draft.header["contact_phone"] == "13904312233"
    assert draft.header["contact_email"] == cast.applicant_a.email


def test_a_new_draft_starts_with_the_contact_of_the_units_latest_case(client, cast):
    first = make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    first.header.update(contact_name="李强", contact_position="办公室主任", contact_phone="0431-85814294")
    first.save()
    client.force_login(cast.applicant_a)
    draft = _new_draft(client, cast, "第二个案例")
    assert draft.header["contact_name"] == "李强"
    assert draft.header["contact_position"] == "办公室主任"
    page = client.get(reverse("case_edit", args=[draft.pk])).content.decode()
    assert 'value="李强"' in page


def test_a_never_submitted_draft_is_deleted_with_its_files(client, cast):
    from applications.services import attachment_add

    draft = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    attachment_add(case=draft, actor=cast.applicant_a, uploaded=pdf_upload(), kind="evidence", description="")
    client.force_login(cast.applicant_a)
    page = client.get(reverse("case_edit", args=[draft.pk])).content.decode()
    assert reverse("case_delete", args=[draft.pk]) in page and 'name="_confirm"' in page
    response = client.post(reverse("case_delete", args=[draft.pk]), {"_confirm": "x", "_confirmed": "1"})
    assert response.status_code == 302
    assert not Case.objects.filter(pk=draft.pk).exists()
    assert not Attachment.objects.filter(case_id=draft.pk).exists()


def test_a_case_that_was_ever_submitted_is_never_deleted(cast, case_at):
    withdrawn = case_at("submitted")
    apply_transition(subject=withdrawn, action="withdraw", actor=cast.applicant_a)
    for case in (withdrawn, case_at("submitted")):
        with pytest.raises((TransitionRefused, PermissionDenied)):
            case_delete(case=case, actor=cast.applicant_a)
        assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize("user", ["applicant_b", "reviewer_a", "province_admin", "expert_assigned"])
def test_nobody_else_deletes_a_units_draft(client, cast, user):
    draft = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(getattr(cast, user))
    assert client.post(reverse("case_delete", args=[draft.pk])).status_code in (302, 404)
    assert Case.objects.filter(pk=draft.pk).exists()


def test_the_unit_sees_its_own_profile_read_only(client, cast):
    client.force_login(cast.applicant_a)
    page = client.get(reverse("accounts:unit_profile")).content.decode()
    assert cast.unit_a.name in page and cast.city_a.name in page
    assert cast.applicant_a.username in page and cast.unit_a.credit_code in page
    assert cast.applicant_b.username not in page
    assert "<input" not in page.split('id="main"', 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("user", ["reviewer_a", "province_admin", "expert_assigned"])
def test_the_profile_page_is_only_for_applicant_units(client, cast, user):
    client.force_login(getattr(cast, user))
    assert client.get(reverse("accounts:unit_profile")).status_code == 404


def test_the_deadline_on_the_dashboard_carries_its_year(client, cast):
    make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    page = client.get(reverse("dashboard")).content.decode()
    year = cast.campaign.submission_deadline.astimezone().year
    assert re.search(rf"{year}年\d+月\d+日 \d\d:\d\d截止", page)


def test_each_figure_input_is_named_by_its_figure(client, cast):
    draft = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    page = client.get(reverse("case_edit", args=[draft.pk])).content.decode()
    labels = re.findall(r'<label[^>]*for="id_figure[^"]*"[^>]*>(.*?)</label>', page, re.S)
    assert labels
    assert not any(re.sub(r"<[^>]+>", "", label).strip() == "数值" for label in labels)
    assert len(set(labels)) == len(labels)


def test_the_language_menu_names_each_language_in_itself(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert ">English</option>" in page and ">简体中文</option>" in page
    assert "英语" not in page


def test_the_error_pages_have_the_sites_look(client, cast):
    client.force_login(cast.applicant_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() and "gov-header" in response.content.decode()
    # 500 renders without the request's context (the error may be in it).
    page = get_template("500.html").render({})
    assert "系统出错" in page and "gov-header" in page
    assert "gov-header" in get_template("403.html").render({}, request=response.wsgi_request)
