"""Irreversible actions ask first (core/confirm.py): without JavaScript the post comes
back as a page stating the consequence, with the real button; nothing changes until it
is pressed. The case's transition table says which moves ask and what they say."""

import re

import pytest
from django.urls import reverse

from applications.models import Case
from workflow.graph import transitions_of
from workflow.services import available_actions

IRREVERSIBLE = {"reject", "recommend", "complete_review", "select", "reject_selection", "recommend_to_nrta"}


def test_every_irreversible_case_action_states_its_consequence():
    confirms = {action: str(found[0].custom["confirm"]) for action, found in transitions_of(Case).items()}
    for action in IRREVERSIBLE:
        assert len(confirms[action]) > 10, action


def test_the_case_page_renders_the_confirmation_with_the_button(client, cast, case_at):
    case = case_at("submitted")
    client.force_login(cast.reviewer_a)
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    actions = {item["action"]: item for item in available_actions(subject=case, user=cast.reviewer_a)}
    assert actions["reject"]["confirm"]
    form = page[page.index(reverse("case_transition", args=[case.pk, "reject"])) :]
    form = form[: form.index("</form>")]
    assert 'name="_confirm"' in form
    assert "此操作不能撤销" in form


def test_without_javascript_the_post_answers_a_confirmation_page_and_changes_nothing(client, cast, case_at):
    case = case_at("submitted")
    client.force_login(cast.reviewer_a)
    url = reverse("case_transition", args=[case.pk, "reject"])
    consequence = str(transitions_of(Case)["reject"][0].custom["confirm"])
    response = client.post(
        url,
        {
            "comment": "不符合申报条件。",
            "_confirm": consequence,
            "_confirm_button": "不予推荐",
            "_confirm_style": "danger",
        },
        HTTP_REFERER=f"http://testserver/cases/{case.pk}/",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert consequence in page
    assert f'action="{url}"' in page
    assert re.search(r'name="comment" value="不符合申报条件。"', page)
    assert 'name="_confirmed" value="1"' in page
    assert 'class="btn btn-danger"' in page
    assert f'href="http://testserver/cases/{case.pk}/"' in page  # cancel goes back
    case.refresh_from_db()
    assert case.state == "submitted"

    confirmed = client.post(url, {"comment": "不符合申报条件。", "_confirm": consequence, "_confirmed": "1"})
    assert confirmed.status_code == 302
    case.refresh_from_db()
    assert case.state == "not_recommended"


def test_confirm_when_asks_only_for_the_named_button(client, cast, case_at):
    case = case_at("submitted")
    client.force_login(cast.reviewer_a)
    url = reverse("case_transition", args=[case.pk, "recommend"])
    asked = {"_confirm": "推荐后不能退回。", "_confirm_when": "submit"}
    assert client.post(url, asked).status_code == 302  # another button of the form: no question
    case.refresh_from_db()
    assert case.state == "recommended"


def test_the_confirmation_page_never_links_back_to_another_site(client, cast, case_at):
    case = case_at("submitted")
    client.force_login(cast.reviewer_a)
    url = reverse("case_transition", args=[case.pk, "reject"])
    page = client.post(url, {"_confirm": "确认？"}, HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in page
    assert 'href="/"' in page


def test_a_forged_confirmation_is_refused_by_csrf(cast, case_at):
    from django.test import Client

    case = case_at("submitted")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.reviewer_a)
    response = client.post(reverse("case_transition", args=[case.pk, "reject"]), {"_confirm": "确认？"})
    assert response.status_code == 403


def test_signed_out_posts_go_to_the_view_which_sends_them_to_sign_in(client, cast, case_at):
    case = case_at("submitted")
    response = client.post(reverse("case_transition", args=[case.pk, "reject"]), {"_confirm": "确认？"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("template", "needle"),
    [
        ("reviews/ranking.html", "报送后排序和初审结果锁定"),
        ("reviews/province_review.html", "结束「"),
        # 取消分配: the consequence worded by the view (_word_assignments), once per assignment.
        ("reviews/province_review.html", 'name="_confirm" value="{{ a.confirm }}"'),
        ("reviews/score.html", 'when="submit"'),
        ("reviews/publication.html", "发布通报后"),
        ("reviews/results.html", "confirm_reject_selection"),
        ("reviews/nrta.html", "confirm_nrta"),
    ],
)
def test_the_other_irreversible_buttons_ask_too(template, needle):
    from django.template.loader import get_template

    source = get_template(template).template.source
    assert needle in source
    assert "includes/confirm_fields.html" in source
