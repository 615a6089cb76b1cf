"""The inputs that answered 500 on main (#10, item 7), each now a 404 or a 400 with a
message, or simply ignored; and a transition's `next` accepted only when it is a
path of this site."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from applications.models import Case
from tests.security.world import finish
from workflow.models import TransitionRecord

HOSTILE_IDS = ["abc", "²", "١٢", "9" * 25, str(2**63), "-1", "", "1.0", "\x00"]


def _status(client, method, url, data):
    with transaction.atomic():
        response = (
            client.get(url, data) if method == "GET" else client.post(url, {**data, "csrfmiddlewaretoken": client.csrf})
        )
        transaction.set_rollback(True)
    finish(response)
    return response.status_code


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_hostile_ids_in_filters_and_forms_never_answer_500(world, browsers, value):
    year = world.year
    admin, reviewer, expert = browsers["province_admin"], browsers["reviewer_a"], browsers["expert_assigned"]
    requests = [
        (admin, "GET", reverse("reviews:review_sheets", args=[world.stage.pk]), {"expert": value}),
        (expert, "GET", reverse("reviews:review_sheets", args=[world.stage.pk]), {"expert": value}),
        (reviewer, "GET", reverse("reviews:queue", args=[year]), {"category": value, "unit": value, "page": value}),
        (admin, "GET", reverse("reviews:queue", args=[year]), {"category": value, "unit": value}),
        (admin, "GET", reverse("reviews:review_manage", args=[year]), {"stage": value}),
        (admin, "GET", reverse("reviews:results", args=[year]), {"stage": value, "category": value}),
        (admin, "GET", reverse("reviews:score_sheet", args=[year]), {"stage": value}),
        (admin, "GET", reverse("reviews:publication", args=[year]), {"category": value}),
        (admin, "GET", reverse("dashboard"), {"state": value, "page": value}),
        (reviewer, "POST", reverse("reviews:ranking_order", args=[year]), {"order": f"1,{value}"}),
        (reviewer, "POST", reverse("reviews:ranking_order", args=[year]), {f"rank__{value}": value}),
        (reviewer, "POST", reverse("reviews:ranking_step", args=[year]), {"case": value, "direction": "up"}),
    ]
    for name in ("assign", "assignment_remove", "assignment_reopen", "objection_record", "objection_answer",
                 "nrta_move_up", "nrta_move_down", "stage_open", "stage_close", "auto_assign",
                 "complete_reviews", "notice_publish", "announcement_publish"):  # fmt: skip
        fields = ("case", "expert", "stage", "assignment", "entry", "objection", "category", "count", "per_case")
        requests.append((admin, "POST", reverse(f"reviews:{name}", args=[year]), dict.fromkeys(fields, value)))
    for action in ("select", "reject_selection", "complete_review"):
        url = reverse("case_transition", args=[world.in_review.pk, action])
        requests.append((admin, "POST", url, {"comment": value, "next": value}))
    failures = []
    for client, method, url, data in requests:
        status = _status(client, method, url, data)
        if status >= 500:
            failures.append(f"{method} {url} {data}: {status}")
    assert not failures


@pytest.mark.parametrize("target", ["dashboard-x", "//evil.example/", "https://evil.example/x", "javascript:alert(1)"])
def test_a_transition_with_a_foreign_or_broken_next_goes_to_the_case(world, browsers, target):
    applicant = browsers["applicant_a"]
    url = reverse("case_transition", args=[world.draft.pk, "submit"])
    with transaction.atomic():
        response = applicant.post(url, {"next": target, "csrfmiddlewaretoken": applicant.csrf})
        assert response.status_code == 302
        assert response["Location"] == reverse("case_detail", args=[world.draft.pk])
        assert TransitionRecord.objects.filter(case=world.draft, action="submit").exists()
        transaction.set_rollback(True)


def test_a_transition_follows_a_next_of_this_site(world, browsers):
    applicant = browsers["applicant_a"]
    url = reverse("case_transition", args=[world.draft.pk, "submit"])
    target = reverse("dashboard") + "?state=submitted"
    with transaction.atomic():
        response = applicant.post(url, {"next": target, "csrfmiddlewaretoken": applicant.csrf})
        assert response["Location"] == target
        transaction.set_rollback(True)


def test_nul_in_a_comment_is_refused_with_a_message_and_nothing_written(world, browsers):
    applicant = browsers["applicant_a"]
    url = reverse("case_transition", args=[world.draft.pk, "submit"])
    with transaction.atomic():
        page = applicant.post(url, {"comment": "a\x00b", "csrfmiddlewaretoken": applicant.csrf}, follow=True)
        assert "空字符" in page.content.decode()
        assert Case.objects.get(pk=world.draft.pk).state == "draft"
        transaction.set_rollback(True)


def test_nul_in_an_experts_comment_or_reason_is_refused_with_a_message(world, browsers):
    expert = browsers["expert_assigned"]
    criterion = next(c for c in world.assignment.stage.campaign.rubric.criteria.all() if not c.is_gate)
    with transaction.atomic():
        page = expert.post(
            reverse("reviews:score", args=[world.assignment.pk]),
            {f"comment__{criterion.pk}": "好\x00", f"score__{criterion.pk}": "1", "csrfmiddlewaretoken": expert.csrf},
        )
        assert page.status_code == 400 and re.search("的评语[：]?不能包含空字符", page.content.decode())
        assert not world.assignment.scores.filter(comment__contains="好").exists()
        page = expert.post(
            reverse("reviews:declare_conflict", args=[world.assignment.pk]),
            {"reason": "亲属\x00", "csrfmiddlewaretoken": expert.csrf},
            follow=True,
        )
        assert "回避理由不能包含空字符" in page.content.decode()
        assert world.assignment.__class__.objects.filter(pk=world.assignment.pk).exists()
        transaction.set_rollback(True)


@pytest.mark.parametrize("name", ["admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"])
def test_the_admin_shows_nobody_a_second_factor_and_no_device_id_answers_500(world, browsers, admin_client, name):
    """django-otp's device pages in the admin (the key as text and as a QR code) are off:
    refused to the system administrator whether the device exists or not (an unknown id
    answered 500 before), and to the installer's superuser too."""
    for pk in (world.totp_device.pk, 10**6):
        assert _status(browsers["system_admin"], "GET", reverse(name, args=[pk]), {}) == 403
    assert _status(admin_client, "GET", reverse(name, args=[world.totp_device.pk]), {}) == 403
    page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[world.totp_device.pk]))
    assert page.status_code == 200 and world.totp_device.key not in page.content.decode()
