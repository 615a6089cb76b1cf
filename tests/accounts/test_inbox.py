"""The inbox: every message mailed is also kept for its recipient, with a badge in the
navigation; the province's own wording of each message, placeholders filled."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.enums import NotificationEvent
from accounts.inbox import notify
from accounts.models import MailTemplate, Notification, User
from reviews.experts.services import assignment_create, assignment_remove
from reviews.models import ExpertAssignment, Publication
from reviews.outcome.notifications import send_publication
from tests.factories import open_first_stage


def test_a_transition_mails_and_files_the_same_message(cast, case_at, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_at("submitted")
    rows = list(Notification.objects.filter(event=NotificationEvent.CASE_TRANSITION))
    assert [row.recipient for row in rows] == [cast.reviewer_a]
    assert [message.to for message in mail.outbox] == [[cast.reviewer_a.email]]
    assert rows[0].subject == mail.outbox[0].subject
    assert rows[0].link == reverse("case_detail", args=[case.pk])
    assert case.title in rows[0].body


def test_the_badge_counts_unread_and_reading_clears_it(client, cast):
    for n in range(3):
        notify(
            users=User.objects.filter(pk=cast.applicant_a.pk),
            event=NotificationEvent.REGISTRATION_DECIDED,
            template="accounts/email/registration_decided",
            context={"unit": cast.unit_a},
            link=reverse("dashboard") if n else "",
        )
    client.force_login(cast.applicant_a)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="inbox-badge">3<' in page
    first = Notification.objects.filter(recipient=cast.applicant_a).order_by("id").last()
    response = client.post(reverse("accounts:inbox_open", args=[first.pk]))
    assert response.status_code == 302 and response.url == reverse("dashboard")
    first.refresh_from_db()
    assert first.read_at is not None
    assert 'id="inbox-badge">2<' in client.get(reverse("accounts:inbox")).content.decode()
    client.post(reverse("accounts:inbox_read_all"))
    assert not Notification.objects.filter(recipient=cast.applicant_a, read_at__isnull=True).exists()
    assert 'id="inbox-badge"' not in client.get(reverse("accounts:inbox")).content.decode()


def test_the_badge_and_the_organiser_cost_one_query(client, cast, django_assert_num_queries):
    from django.test import RequestFactory

    from applications.context_processors import page_chrome

    notify(
        users=User.objects.filter(pk=cast.applicant_a.pk),
        event=NotificationEvent.REGISTRATION_DECIDED,
        template="accounts/email/registration_decided",
        context={"unit": cast.unit_a},
    )
    request = RequestFactory().get("/")
    request.user = cast.applicant_a
    context = page_chrome(request)
    with django_assert_num_queries(1):
        assert context["inbox_unread"].count == 1
        assert context["organiser"].name == cast.province.name
        assert context["organiser"].contact == cast.campaign.contact
        assert context["inbox_unread"].count == 1
    # Someone signed out: the organiser all the same, no messages.
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    context = page_chrome(request)
    with django_assert_num_queries(1):
        assert context["organiser"].name == cast.province.name
        assert context["inbox_unread"].count == 0


def test_nobody_reads_or_marks_another_persons_message(client, cast):
    notify(
        users=User.objects.filter(pk=cast.reviewer_a.pk),
        event=NotificationEvent.REGISTRATION_SUBMITTED,
        template="accounts/email/registration_decided",
        context={"unit": cast.unit_a},
    )
    theirs = Notification.objects.get(recipient=cast.reviewer_a)
    client.force_login(cast.reviewer_b)
    for name in ("accounts:inbox_open", "accounts:inbox_read"):
        assert client.post(reverse(name, args=[theirs.pk])).status_code == 404
    client.post(reverse("accounts:inbox_read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert theirs.subject not in client.get(reverse("accounts:inbox")).content.decode()


def test_the_inbox_needs_a_login(client):
    response = client.get(reverse("accounts:inbox"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_an_edited_template_speaks_with_its_placeholders_filled(
    client, cast, case_at, django_capture_on_commit_callbacks
):
    client.force_login(cast.province_admin)
    url = reverse("accounts:mail_template_edit", args=["case_transition"])
    data = {"subject": "【通知】{case}：{detail}", "body": "{unit}：案例「{case}」{detail}。请查看 {url}"}
    response = client.post(url, {**data, "preview": "1"})
    assert "【通知】“村村通”全媒体服务平台建设" in response.content.decode()
    assert not MailTemplate.objects.exists()  # a preview saves nothing
    assert client.post(url, data).status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_at("submitted")
    message = mail.outbox[0]
    assert (
        message.subject == f"【通知】{case.title}：草稿 → 待初审（提交至推荐单位）：意见"
    )  # the comment case_at gives
    assert message.body.startswith(f"九台区融媒体中心：案例「{case.title}」草稿 → 待初审")
    assert f"/cases/{case.pk}/" in message.body
    assert Notification.objects.get(recipient=cast.reviewer_a).subject == message.subject
    # Back to the files.
    client.post(url, {"reset": "1"})
    assert not MailTemplate.objects.exists()


@pytest.mark.parametrize(
    ("body", "error"),
    [("{unit.__class__}", "未知的占位符"), ("{secret}", "未知的占位符：{secret}"), ("{unit", "花括号不成对")],
)
def test_a_bad_placeholder_is_refused_beside_the_field(client, cast, body, error):
    client.force_login(cast.province_admin)
    url = reverse("accounts:mail_template_edit", args=["expert_assigned"])
    response = client.post(url, {"subject": "标题", "body": body})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not MailTemplate.objects.exists()


@pytest.mark.parametrize("who", ["applicant_a", "reviewer_a", "expert_assigned"])
def test_only_the_province_edits_the_texts(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("accounts:mail_templates")).status_code == 404
    url = reverse("accounts:mail_template_edit", args=["expert_assigned"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"subject": "x", "body": "y"}).status_code == 404
    assert not MailTemplate.objects.exists()


def test_an_unknown_event_is_404(client, cast):
    client.force_login(cast.province_admin)
    assert client.get(reverse("accounts:mail_template_edit", args=["nothing"])).status_code == 404
    assert client.get(reverse("accounts:mail_templates")).status_code == 200


def test_experts_hear_of_assignment_and_removal(cast, case_in, django_capture_on_commit_callbacks):
    case = case_in("in_expert_review", expert=None)
    stage = open_first_stage(cast.campaign)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assignment_create(stage=stage, case=case, expert=cast.expert_unassigned, actor=cast.province_admin)
    assigned = Notification.objects.get(recipient=cast.expert_unassigned, event=NotificationEvent.EXPERT_ASSIGNED)
    assert "1件新的评审任务" in assigned.subject
    assert mail.outbox[-1].to == [cast.expert_unassigned.email]
    with django_capture_on_commit_callbacks(execute=True):
        assignment_remove(assignment=ExpertAssignment.objects.get(case=case), actor=cast.province_admin)
    removed = Notification.objects.get(recipient=cast.expert_unassigned, event=NotificationEvent.EXPERT_UNASSIGNED)
    assert case.title in removed.body
    assert len(mail.outbox) == 2


def test_applicants_hear_of_the_notice_with_their_outcome(cast, case_in):
    selected = case_in("selected")
    other = case_in("not_selected", applicant=cast.applicant_b)
    publication = Publication.objects.create(
        campaign=cast.campaign,
        kind="notice",
        title="2024年典型案例入选名单公示",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        published_at=timezone.now(),
        published_by=cast.province_admin,
    )
    mail.outbox.clear()
    send_publication.call(publication_id=publication.pk)
    mine = Notification.objects.get(recipient=cast.applicant_a)
    theirs = Notification.objects.get(recipient=cast.applicant_b)
    assert mine.event == NotificationEvent.NOTICE_PUBLISHED
    assert f"{selected.title}：入选" in mine.body and other.title not in mine.body
    assert f"{other.title}：未入选" in theirs.body
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.applicant_a.email, cast.applicant_b.email])
