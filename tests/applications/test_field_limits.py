"""Every field validated on the server with its limit stated beside it, in the site's own
Chinese; never a database error, never a silent cut: the shared form base (core.forms),
the editor's header (limits, the contact's telephone), the new-case page, comments of
transitions, experts' comments and the admin's forms."""

import pytest
from django import forms
from django.urls import reverse

from accounts.forms import RegistrationForm, RegistrationRejectForm
from applications.forms import CaseContentForm
from applications.models import Case
from core.forms import NormalisedForm
from reviews.models import ExpertAssignment, Panel, Rubric
from reviews.ranking.forms import TableReturnForm
from tests.factories import make_case
from workflow.models import TransitionRecord
from workflow.services import COMMENT_MAX_LENGTH

STOCK = ("这个字段是必填项", "确保该变量", "Ensure this value", "This field is required")


class _Sample(NormalisedForm):
    name = forms.CharField(label="联系人", max_length=5)
    kind = forms.ChoiceField(label="单位类型", choices=[("a", "甲")])
    note = forms.CharField(label="备注", min_length=3, required=False, error_messages={"min_length": "自己的话"})
    own = forms.CharField(label="理由", error_messages={"required": "退回需要填写理由。"})


def test_the_shared_base_speaks_the_sites_chinese_naming_the_field():
    form = _Sample(data={"name": "", "kind": "", "own": ""})
    assert form.errors == {
        "name": ["请填写联系人。"],
        "kind": ["请选择单位类型。"],
        "own": ["退回需要填写理由。"],  # what a form says for itself is kept
    }
    form = _Sample(data={"name": "王" * 7, "kind": "a", "own": "x", "note": "短"})
    assert form.errors["name"] == ["联系人不能超过5字（当前7字）。"]
    assert form.errors["note"] == ["自己的话"]
    form = _Sample(data={"name": "王", "kind": "a", "own": "x", "note": "短"})
    form.fields["note"].error_messages.pop("min_length")
    assert form.errors["note"] == ["备注至少需要3字（当前1字）。"]


def test_the_limit_is_counted_on_the_normalised_text():
    # Seven characters typed, five once the invisible ones are gone.
    form = _Sample(data={"name": "\u200b王\u202e晓梅老师\u200b", "kind": "a", "own": "x"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "王晓梅老师"


def test_no_field_is_given_a_maxlength_that_cuts_a_paste():
    html = str(_Sample())
    assert "maxlength" not in html and "不超过5字" in html


@pytest.mark.parametrize(
    ("form_class", "data", "field", "message"),
    [
        (RegistrationForm, {"name": "名" * 101}, "name", "单位名称不能超过100字（当前101字）。"),
        (RegistrationForm, {"display_name": ""}, "display_name", "请填写联系人。"),
        (RegistrationForm, {"display_name": "人" * 51}, "display_name", "联系人不能超过50字（当前51字）。"),
        (RegistrationForm, {"unit_type": ""}, "unit_type", "请选择单位类型。"),
        (RegistrationForm, {"email": "a" * 250 + "@example.com"}, "email", "电子邮箱不能超过254字（当前262字）。"),
        (RegistrationRejectForm, {"reason": "因" * 1001}, "reason", "不通过理由不能超过1000字（当前1001字）。"),
        (TableReturnForm, {"reason": "因" * 1001}, "reason", "退回理由不能超过1000字（当前1001字）。"),
    ],
)
def test_the_sites_forms_state_their_limits_in_chinese(db, form_class, data, field, message):
    form = form_class(data=data)
    assert not form.is_valid()
    assert form.errors[field] == [message]
    assert not any(stock in str(form.errors) for stock in STOCK)


def test_registration_states_every_limit_and_no_raw_label(client, db):
    page = client.get(reverse("accounts:register")).content.decode()
    assert "maxlength" not in page
    assert "不超过100字" in page and "不超过50字" in page


# --- the editor's header -------------------------------------------------------------


def _post_data(case, **changes):
    data = dict(CaseContentForm.initial_for(case))
    data.update(changes)
    return data


@pytest.mark.parametrize("url_name", ["case_edit", "case_autosave"])
@pytest.mark.parametrize(
    ("typed", "stored"), [("０４３１－８８８８８８８８", "0431-88888888"), ("+86 139 0431 0000", "13904310000")]
)
def test_the_contact_phone_is_stored_canonically(client, cast, url_name, typed, stored):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    response = client.post(reverse(url_name, args=[case.pk]), _post_data(case, header__contact_phone=typed))
    assert response.status_code in (200, 302)
    assert Case.objects.get(pk=case.pk).header["contact_phone"] == stored


@pytest.mark.parametrize("url_name", ["case_edit", "case_autosave"])
@pytest.mark.parametrize("typed", ["12345678901", "0431-abcdefg", "电话"])
def test_a_contact_phone_that_is_no_number_is_refused_and_nothing_saved(client, cast, url_name, typed):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    response = client.post(
        reverse(url_name, args=[case.pk]), _post_data(case, header__contact_phone=typed, section__overview="新内容")
    )
    assert response.status_code == 400
    body = response.json()["message"] if url_name == "case_autosave" else response.content.decode()
    assert "带区号的固定电话" in body and "联系电话" in body
    saved = Case.objects.get(pk=case.pk)
    assert saved.version == case.version and saved.sections == case.sections


@pytest.mark.parametrize("url_name", ["case_edit", "case_autosave"])
def test_a_header_field_over_its_limit_is_refused_with_the_count(client, cast, url_name):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    response = client.post(reverse(url_name, args=[case.pk]), _post_data(case, header__contact_name="王" * 51))
    assert response.status_code == 400
    body = response.json()["message"] if url_name == "case_autosave" else response.content.decode()
    assert "联系人不能超过20字（当前51字）。" in body
    assert Case.objects.get(pk=case.pk).version == case.version


def test_a_section_beyond_the_ceiling_is_refused_not_cut(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    response = client.post(reverse("case_autosave", args=[case.pk]), _post_data(case, section__overview="字" * 20001))
    assert response.status_code == 400 and "不能超过20000字（当前20001字）" in response.json()["message"]
    assert Case.objects.get(pk=case.pk).sections == case.sections


def test_the_editor_states_the_header_limits(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    page = client.get(reverse("case_edit", args=[case.pk])).content.decode()
    phone = page[page.index('name="header__contact_phone"') :].split(">", 1)[0]
    assert "maxlength" not in phone
    assert "不超过20字" in page and "不超过30字" in page
    assert "Version" not in page


# --- the new-case page ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown", "message"),
    [
        ("案" * 101, "案" * 101, "案例名称不能超过100字（当前101字）。"),
        ("  \u202e融媒\u200b案例\u202c ", "融媒案例", "本单位在本次征集中已有同名案例「融媒案例」"),
    ],
)
def test_the_new_case_page_states_the_title_error_beside_the_field_and_keeps_it(client, cast, typed, shown, message):
    make_case(campaign=cast.campaign, applicant=cast.applicant_a, title="融媒案例", complete=False)
    client.force_login(cast.applicant_a)
    category = cast.campaign.categories.get(code="platform")
    page = client.post(reverse("case_new"), {"title": typed, "category": category.pk}).content.decode()
    title_input = page[page.index('<input id="title"') :].split(">", 1)[0]
    assert "is-invalid" in title_input and f'value="{shown}"' in title_input
    assert "title_error" in title_input
    beside = page[page.index('id="title_error"') :].split("</div>", 1)[0]
    assert message in beside
    # And at the top of the page.
    assert page.index(message) < page.index('<input id="title"')


def test_the_new_case_page_states_a_missing_category_beside_it(client, cast):
    client.force_login(cast.applicant_a)
    page = client.post(reverse("case_new"), {"title": "新案例"}).content.decode()
    assert 'id="category_error"' in page and 'value="新案例"' in page


# --- comments --------------------------------------------------------------------------


def test_a_transition_comment_over_the_limit_is_refused_with_the_count(client, cast, case_at):
    case = case_at("submitted")
    client.force_login(cast.reviewer_a)
    records = TransitionRecord.objects.count()
    url = reverse("case_transition", args=[case.pk, "return_for_revision"])
    page = client.post(url, {"comment": "改" * (COMMENT_MAX_LENGTH + 1)}, follow=True).content.decode()
    assert f"意见不能超过{COMMENT_MAX_LENGTH}字（当前{COMMENT_MAX_LENGTH + 1}字）。" in page
    page = client.post(
        url, {"comment": "请修改", "section_comment__overview": "改" * (COMMENT_MAX_LENGTH + 5)}, follow=True
    ).content.decode()
    assert f"分部分修改意见不能超过{COMMENT_MAX_LENGTH}字" in page
    assert TransitionRecord.objects.count() == records
    assert Case.objects.get(pk=case.pk).state == "submitted"
    assert f"不超过{COMMENT_MAX_LENGTH}字" in page


def test_an_experts_comment_is_normalised_and_limited(client, cast, case_at):
    case = case_at("in_expert_review")
    assignment = ExpertAssignment.objects.get(case=case)
    criterion = Rubric.objects.get(campaign=cast.campaign).criteria.exclude(kind="gate").first()
    client.force_login(cast.expert_assigned)
    url = reverse("reviews:score", args=[assignment.pk])
    page = client.post(
        url, {f"score__{criterion.pk}": "88", f"comment__{criterion.pk}": "评" * 2001, "draft": "1"}
    ).content.decode()
    assert f"「{criterion.name}」的评语不能超过2000字（当前2001字）。" in page
    assert not assignment.scores.exists()
    page = client.post(url, {f"score__{criterion.pk}": "88", f"comment__{criterion.pk}": "好\x00", "draft": "1"})
    assert "不能包含空字符（NUL）。" in page.content.decode() and not assignment.scores.exists()
    client.post(url, {f"score__{criterion.pk}": "88", f"comment__{criterion.pk}": "做法\v可推广\u202e", "draft": "1"})
    assert assignment.scores.get().comment == "做法\n可推广"
    assert "不超过2000字" in client.get(url).content.decode()


# --- the admin -------------------------------------------------------------------------


def test_the_admins_forms_normalise_like_the_sites(admin_client, cast):
    # The campaign's own admin is read-only (set-up pages record every change), so an
    # editable admin form stands in: the expert panel's.
    response = admin_client.post(
        reverse("admin:reviews_panel_add"),
        {"campaign": cast.campaign.pk, "name": "\u202e第一\u200b评审组\u202c", "experts": [cast.expert_assigned.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Panel.objects.get(campaign=cast.campaign).name == "第一评审组"


def test_the_admin_speaks_the_sites_chinese(admin_client, cast):
    response = admin_client.post(reverse("admin:reviews_panel_add"), {"campaign": cast.campaign.pk, "name": ""})
    page = response.content.decode()
    assert "请填写名称。" in page
    assert not any(stock in page for stock in STOCK)


@pytest.mark.parametrize("version", ["", "x"])
def test_a_page_without_its_version_is_told_in_chinese(client, cast, version):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    response = client.post(reverse("case_autosave", args=[case.pk]), _post_data(case, version=version))
    message = response.json()["message"]
    assert response.status_code == 400 and "请刷新页面后重试" in message and "Version" not in message
