"""Reminders go once, however often the scheduler runs."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError

from accounts.enums import NotificationEvent
from accounts.models import Notification
from reviews.models import ReminderRecord
from reviews.reminders.services import reminders_send
from reviews.reminders.tasks import send_reminders_task


def test_units_with_drafts_are_reminded_once_when_the_deadline_nears(cast, case_in):
    case_in("draft")  # unit A: a draft; the deadline is ten days away
    case_in("submitted", applicant=cast.applicant_b)  # unit B: nothing left to submit
    mail.outbox.clear()
    assert reminders_send(days=3).drafts == 0  # not yet
    assert mail.outbox == []
    first = reminders_send(days=11)
    second = reminders_send(days=11)
    assert (first.drafts, second.drafts) == (1, 0)
    assert [message.to for message in mail.outbox] == [[cast.applicant_a.email]]
    rows = Notification.objects.filter(event=NotificationEvent.REMINDER_DRAFTS)
    assert [row.recipient for row in rows] == [cast.applicant_a]
    assert "还有1个案例未提交" in rows[0].subject
    assert ReminderRecord.objects.filter(kind=NotificationEvent.REMINDER_DRAFTS).count() == 1


def test_authorities_without_a_submitted_table_and_experts_with_pending_scores(cast, case_in):
    case_in("recommended")  # city A: a recommendation, no table submitted
    case_in("in_expert_review", applicant=cast.applicant_b)  # assigned to expert_assigned, not scored
    mail.outbox.clear()
    run = reminders_send(days=18)  # the tables' deadline is 17 days away
    assert (run.tables, run.scores) == (1, 1)
    tables = Notification.objects.filter(event=NotificationEvent.REMINDER_TABLE)
    assert [row.recipient for row in tables] == [cast.reviewer_a]
    scores = Notification.objects.filter(event=NotificationEvent.REMINDER_SCORES)
    assert [row.recipient for row in scores] == [cast.expert_assigned]
    again = reminders_send(days=18)
    assert again.sent == 0
    assert len(mail.outbox) == 2


def test_the_command_and_the_task_send_nothing_twice(cast, case_in, capsys):
    case_in("draft")
    call_command("send_reminders", "--days", "11")
    assert "未提交案例 1 个单位" in capsys.readouterr().out
    assert send_reminders_task.call(days=11) == 0
    call_command("send_reminders", "--days", "11", "--enqueue")  # the immediate backend runs it now
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(event=NotificationEvent.REMINDER_DRAFTS).count() == 1


def test_the_database_refuses_a_second_record(cast):
    ReminderRecord.objects.create(kind=NotificationEvent.REMINDER_DRAFTS, campaign=cast.campaign, key="unit:1")
    with pytest.raises(IntegrityError):
        ReminderRecord.objects.create(kind=NotificationEvent.REMINDER_DRAFTS, campaign=cast.campaign, key="unit:1")


def test_no_reminder_after_the_deadline(cast, case_in):
    case_in("draft")
    campaign = cast.campaign
    campaign.submission_deadline = campaign.submission_deadline - timedelta(days=20)
    campaign.save(update_fields=["submission_deadline"])
    assert reminders_send(days=60).drafts == 0
