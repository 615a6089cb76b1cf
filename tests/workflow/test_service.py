"""The transition service as one door: deadlines, atomicity, concurrency, audit trail,
notifications."""

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import DatabaseError, connection, connections, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from applications.enums import CaseState
from applications.models import Case
from workflow.exceptions import TransitionRefused
from workflow.models import AppendOnlyError, TransitionRecord
from workflow.services import apply_transition

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(monkeypatch, moment: datetime):
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_deadline_is_the_last_second_of_the_day_in_shanghai_not_utc(cast, case_at, monkeypatch):
    """The notice's deadline, 2024-04-17, ends at midnight in Jilin (16:00 UTC)."""
    early, late = case_at("draft"), case_at("draft")
    cast.campaign.submission_deadline = datetime(2024, 4, 18, 0, 0, tzinfo=SHANGHAI)
    cast.campaign.ranking_deadline = datetime(2024, 4, 30, tzinfo=SHANGHAI)
    cast.campaign.save()

    _at(monkeypatch, datetime(2024, 4, 17, 15, 59, 59, tzinfo=UTC))  # 23:59:59 in Changchun
    apply_transition(subject=early, action="submit", actor=cast.applicant_a)

    _at(monkeypatch, datetime(2024, 4, 17, 16, 0, 0, tzinfo=UTC))  # midnight in Changchun
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(subject=late, action="submit", actor=cast.applicant_a)
    assert refused.value.reasons == ["申报已于2024年4月18日 00:00截止，不能再提交或撤回。"]
    assert Case.objects.get(pk=late.pk).state == CaseState.DRAFT


def test_after_the_deadline_a_case_can_no_longer_be_returned_for_revision(cast, case_at, monkeypatch):
    case = case_at("submitted")
    _at(monkeypatch, cast.campaign.submission_deadline)
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(subject=case, action="return_for_revision", actor=cast.reviewer_a, comment="请补充")
    assert "退回后申报单位将无法再次提交" in refused.value.reasons[0]
    apply_transition(subject=case, action="recommend", actor=cast.reviewer_a)  # deciding is still possible


def _state_of_everything(case):
    case = Case.objects.get(pk=case.pk)
    return (
        case.state,
        sorted(case.casegroupobjectpermission_set.values_list("group_id", "permission__codename")),
        TransitionRecord.objects.filter(case=case).count(),
    )


def test_a_failure_inside_a_transition_leaves_state_permissions_and_log_unchanged(
    cast, case_at, django_capture_on_commit_callbacks
):
    case = case_at("submitted")
    before = _state_of_everything(case)

    def fail_after_the_record_is_written(sender, instance, created, **kwargs):
        raise RuntimeError("disk full")

    post_save.connect(fail_after_the_record_is_written, sender=TransitionRecord)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
            apply_transition(subject=case, action="reject", actor=cast.reviewer_a, comment="不予推荐")
    finally:
        post_save.disconnect(fail_after_the_record_is_written, sender=TransitionRecord)

    assert _state_of_everything(case) == before
    assert callbacks == [] and mail.outbox == []


def test_a_stale_page_gets_a_clear_refusal_and_the_log_one_entry(cast, case_at):
    """Two reviewers opened the same case; the second acts on what they saw."""
    seen_by_first = case_at("submitted")
    seen_by_second = Case.objects.get(pk=seen_by_first.pk)
    apply_transition(subject=seen_by_first, action="recommend", actor=cast.reviewer_a)
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(subject=seen_by_second, action="reject", actor=cast.reviewer_a, comment="不予推荐")
    assert refused.value.reasons == ["案例当前状态为「已推荐」，不能执行「不予推荐」。"]
    assert TransitionRecord.objects.filter(case=seen_by_first, from_state=CaseState.SUBMITTED).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections with row locks")
def test_two_people_acting_at_once_one_wins_one_is_told(cast, case_at):
    case = case_at("submitted")
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(name, action, comment):
        try:
            barrier.wait(timeout=10)
            apply_transition(
                subject=Case.objects.get(pk=case.pk), action=action, actor=cast.reviewer_a, comment=comment
            )
            outcomes[name] = "ok"
        except TransitionRefused as refused:
            outcomes[name] = refused.reasons[0]
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=("recommend", "recommend", "")),
        threading.Thread(target=act, args=("reject", "reject", "不予推荐")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["recommend", "reject"]
    assert list(outcomes.values()).count("ok") == 1
    loser = next(reason for reason in outcomes.values() if reason != "ok")
    assert "不能执行" in loser or "刚被他人处理" in loser
    assert TransitionRecord.objects.filter(case=case, from_state=CaseState.SUBMITTED).count() == 1


def test_transition_records_cannot_be_changed_or_removed_through_the_orm(cast, case_at):
    record = TransitionRecord.objects.filter(case=case_at("submitted")).get()
    original = record.comment
    record.comment = "篡改"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        TransitionRecord.objects.filter(pk=record.pk).update(comment="篡改")
    with pytest.raises(AppendOnlyError):
        TransitionRecord.objects.filter(pk=record.pk).delete()
    assert TransitionRecord.objects.get(pk=record.pk).comment == original


def test_the_database_refuses_to_update_a_transition_record(cast, case_at):
    record = TransitionRecord.objects.filter(case=case_at("submitted")).get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE workflow_transitionrecord SET comment = %s WHERE id = %s", ["篡改", record.pk])
    assert TransitionRecord.objects.get(pk=record.pk).comment == record.comment != "篡改"


def test_transition_records_are_read_only_in_the_admin(cast, case_at, admin_client):
    record = TransitionRecord.objects.filter(case=case_at("submitted")).get()
    url = f"/admin/workflow/transitionrecord/{record.pk}/change/"
    assert admin_client.get(url).status_code == 200  # readable
    assert admin_client.post(url, {"comment": "篡改"}).status_code == 403
    assert (
        admin_client.post(f"/admin/workflow/transitionrecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert admin_client.get("/admin/workflow/transitionrecord/add/").status_code == 403
    assert TransitionRecord.objects.get(pk=record.pk).comment == record.comment != "篡改"


def test_the_applicant_is_mailed_after_commit_when_the_case_is_returned(
    cast, case_at, django_capture_on_commit_callbacks
):
    case = case_at("submitted")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(subject=case, action="return_for_revision", actor=cast.reviewer_a, comment="请补充对比数据")
    assert [message.to for message in mail.outbox] == [[cast.applicant_a.email]]
    message = mail.outbox[0]
    assert case.title in message.subject and "退回修改" in message.subject
    assert "请补充对比数据" in message.body and f"/cases/{case.pk}/" in message.body


def test_the_authority_is_mailed_when_a_case_is_submitted(cast, case_at, django_capture_on_commit_callbacks):
    case = case_at("draft")
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(subject=case, action="submit", actor=cast.applicant_a)
    assert [message.to for message in mail.outbox] == [[cast.reviewer_a.email]]
