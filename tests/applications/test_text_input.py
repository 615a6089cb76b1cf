"""Every text a person types passes core.text's normalisation before it is validated,
counted or stored: the editor (save and autosave), case creation, registration,
comments on transitions, the province's forms."""

import unicodedata

import pytest
from django.urls import reverse

from accounts.models import Organisation
from applications.content import section_problems
from applications.forms import CaseContentForm
from applications.models import Case
from reviews.outcome.forms import ObjectionForm
from reviews.ranking.forms import TableReturnForm
from tests.accounts.test_registration import registration_data
from tests.factories import make_case
from workflow.models import SectionComment, TransitionRecord

HANGUL = "융합미디어센터"
NUL_MESSAGE = "不能包含空字符（NUL）。"


def _post_data(case, **changes):
    data = dict(CaseContentForm.initial_for(case))
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "filler",
    ["\u200b\u200c\u200d\u2060\ufeff", "\U0001f600\U0001f44d\u2764\ufe0f", "\x01\x02\x1f\x85\x0b\x0c", " \u3000\n"],
    ids=["zero-width", "emoji", "controls", "whitespace"],
)
def test_a_section_without_letters_digits_or_han_is_empty_and_submit_names_it(client, cast, filler):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    client.force_login(cast.applicant_a)
    response = client.post(reverse("case_autosave", args=[case.pk]), _post_data(case, section__overview=filler))
    assert response.status_code == 200
    page = client.post(reverse("case_transition", args=[case.pk, "submit"]), follow=True).content.decode()
    assert "第1部分「" in page and "未填写。" in page
    assert Case.objects.get(pk=case.pk).state == "draft"


def test_an_emoji_only_section_is_empty_but_its_emoji_count():
    definition = {"sections": [{"key": "a", "title": "概述", "required": True}], "narrative_limit": 1}
    [empty] = [p for p in section_problems(definition, {"a": "\U0001f600\U0001f600"}) if p.where == "a"]
    assert empty.message == "第1部分「概述」未填写。"
    assert any("共2字" in p.message for p in section_problems(definition, {"a": "\U0001f600\U0001f600"}))


def test_nfd_korean_is_stored_composed_and_counted_per_syllable(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    decomposed = unicodedata.normalize("NFD", HANGUL)
    response = client.post(reverse("case_autosave", args=[case.pk]), _post_data(case, section__overview=decomposed))
    assert response.json()["total"] == 7
    assert Case.objects.get(pk=case.pk).sections["overview"] == HANGUL


def test_the_editor_turns_vertical_tab_and_form_feed_into_line_breaks(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    response = client.post(
        reverse("case_edit", args=[case.pk]),
        _post_data(case, section__overview="一\v二\f三\x85四", title="\u202e融媒\u200b案例\u202c\n标题"),
    )
    assert response.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert saved.sections["overview"] == "一\n二\n三\n四"
    assert saved.title == "融媒案例 标题"


@pytest.mark.parametrize("url_name", ["case_edit", "case_autosave"])
def test_a_nul_is_refused_with_a_clear_message_and_nothing_is_saved(client, cast, url_name):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    response = client.post(reverse(url_name, args=[case.pk]), _post_data(case, section__overview="前\x00后"))
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode("unicode_escape" if url_name == "case_autosave" else "utf-8")
    saved = Case.objects.get(pk=case.pk)
    assert saved.version == case.version and saved.sections == case.sections


def test_case_creation_normalises_the_title_and_refuses_a_nul(client, cast):
    client.force_login(cast.applicant_a)
    category = cast.campaign.categories.get(code="platform")
    response = client.post(
        reverse("case_new"), {"title": "\u2066掌上\u200b融媒\u2069\t客户端", "category": category.pk}
    )
    assert response.status_code == 302
    assert Case.objects.filter(unit=cast.unit_a).latest("pk").title == "掌上融媒 客户端"
    before = Case.objects.count()
    page = client.post(reverse("case_new"), {"title": "空\x00字符", "category": category.pk}, follow=True)
    assert NUL_MESSAGE in page.content.decode() and Case.objects.count() == before
    page = client.post(reverse("case_new"), {"title": "\u200b\u2060", "category": category.pk}, follow=True)
    assert "请填写案例名称。" in page.content.decode() and Case.objects.count() == before


def test_registration_normalises_the_unit_name_and_refuses_a_nul(client, cast):
    response = client.post(
        reverse("accounts:register"), registration_data(cast.city_a, name="农安县\u200b融媒体中心\u202c")
    )
    assert response.status_code == 302
    assert Organisation.objects.filter(name="农安县融媒体中心").exists()
    page = client.post(
        reverse("accounts:register"), registration_data(cast.city_a, name="伊通\x00融媒", username="yitong")
    )
    assert page.status_code == 200 and NUL_MESSAGE in page.content.decode()


def test_transition_comments_are_normalised_and_a_nul_is_refused(client, cast, case_at):
    case = case_at("submitted")
    client.force_login(cast.reviewer_a)
    url = reverse("case_transition", args=[case.pk, "return_for_revision"])
    page = client.post(url, {"comment": "请修改\x00"}, follow=True).content.decode()
    assert NUL_MESSAGE in page and Case.objects.get(pk=case.pk).state == "submitted"
    page = client.post(url, {"comment": "\u200b\ufeff"}, follow=True).content.decode()
    assert "需要填写意见或理由。" in page and Case.objects.get(pk=case.pk).state == "submitted"
    decomposed = unicodedata.normalize("NFD", HANGUL)
    client.post(url, {"comment": "请修改\v" + decomposed, "section_comment__results": "补充\u2060对比\f数据"})
    assert Case.objects.get(pk=case.pk).state == "returned"
    assert TransitionRecord.objects.filter(case=case).latest("pk").comment == "请修改\n" + HANGUL
    assert SectionComment.objects.get(record__case=case).text == "补充对比\n数据"


def test_the_province_forms_normalise_what_is_typed():
    form = TableReturnForm({"reason": "\ufeff排序表\v未盖章\u200b"})
    assert form.is_valid() and form.cleaned_data["reason"] == "排序表\n未盖章"
    form = TableReturnForm({"reason": "\u200b\u2060"})
    assert not form.is_valid()  # nothing left: required
    form = TableReturnForm({"reason": "\x00"})
    assert not form.is_valid() and form.errors["reason"] == [NUL_MESSAGE]
    form = ObjectionForm(
        {"objector": "\u202e某单位\u202c", "content": unicodedata.normalize("NFD", HANGUL)}, campaign=None
    )
    form.is_valid()
    assert form.cleaned_data["objector"] == "某单位" and form.cleaned_data["content"] == HANGUL
