"""The security audit log: written for each event, append-only in the database, and its
chain names the first record deleted or altered."""

import os
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

import audit
from accounts.enums import OrgKind, Role
from accounts.services import unit_register, unit_registration_approve
from audit.models import AuditRecord
from tests.factories import OrganisationFactory, UserFactory


def _operations_admin(role: Role):
    operations = OrganisationFactory(name=f"系统运维{role}", code=f"ops-{role}", kind=OrgKind.OPERATIONS)
    return UserFactory(username=str(role), organisation=operations, role=role)


def _verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _without_triggers(statement: str, params=()) -> None:
    """What someone with the owner's rights (or the database file) could do."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            from importlib import import_module

            triggers = import_module("audit.migrations.0002_append_only_triggers")
            for drop in triggers.SQLITE_REVERSE:
                cursor.execute(drop)
            cursor.execute(statement, params)
            for create in triggers.SQLITE:
                cursor.execute(create)
        else:
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_record_append_only")
            cursor.execute(statement, params)
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_record_append_only")


@pytest.fixture
def chain(db):
    for n in range(5):
        audit.record(action="test.event", obj=f"对象{n}", n=n)
    return list(AuditRecord.objects.order_by("seq"))


def test_an_intact_chain_verifies(chain):
    assert "已校验 5 条记录" in _verify()


def test_the_database_refuses_update_and_delete(chain):
    for statement in ["UPDATE audit_auditrecord SET action = 'x'", "DELETE FROM audit_auditrecord"]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditRecord.objects.count() == 5


def test_verify_names_a_deleted_record(chain):
    _without_triggers("DELETE FROM audit_auditrecord WHERE seq = 3")
    with pytest.raises(CommandError, match="#3 至 #3 已被删除"):
        _verify()


def test_verify_names_an_altered_record(chain):
    _without_triggers("UPDATE audit_auditrecord SET actor_name = 'someone' WHERE seq = 2")
    with pytest.raises(CommandError, match="#2 的内容已被改动"):
        _verify()


def test_verify_names_a_record_rewritten_with_its_hash(chain):
    # Recomputing the hash without the key does not help: the next link breaks, or the
    # keyed hash does not match.
    _without_triggers("UPDATE audit_auditrecord SET hash = %s WHERE seq = 4", ["f" * 64])
    with pytest.raises(CommandError, match="#4"):
        _verify()


def test_purge_keeps_180_days_and_the_chain(chain, monkeypatch):
    with pytest.raises(CommandError, match="至少保存 180 天"):
        call_command("purge_audit", days=30)
    call_command("purge_audit", stdout=StringIO())
    assert AuditRecord.objects.filter(action="test.event").count() == 5  # all young

    old = timezone.now() - timedelta(days=200)
    _without_triggers("DELETE FROM audit_auditrecord")  # a fresh chain: three old records, one new
    monkeypatch.setattr(timezone, "now", lambda: old)
    for n in range(3):
        audit.record(action="test.old", n=n)
    monkeypatch.undo()
    audit.record(action="test.new")
    call_command("purge_audit", stdout=StringIO())
    assert not AuditRecord.objects.filter(action="test.old").exists()
    assert "已校验" in _verify()
    assert AuditRecord.objects.filter(action="audit.purged").exists()


@pytest.mark.skipif(
    not os.environ.get("AUDIT_RUNTIME_ROLE"), reason="needs PostgreSQL with the runtime role (.ci/with-postgres)"
)
def test_the_runtime_role_is_refused_delete_update_and_truncate(chain):
    role = os.environ["AUDIT_RUNTIME_ROLE"]
    call_command("grant_runtime_role", role, stdout=StringIO())
    for statement in [
        "DELETE FROM audit_auditrecord",
        "UPDATE audit_auditrecord SET action = 'x'",
        "TRUNCATE audit_auditrecord",
        "ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_record_append_only",
        "DROP TRIGGER audit_record_append_only ON audit_auditrecord",
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")
            cursor.execute(statement)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")
        cursor.execute("SELECT count(*) FROM audit_auditrecord")
        assert cursor.fetchone()[0] == 5
    assert "已校验 5 条记录" in _verify()


# --- each audited event is written ------------------------------------------------------


def _last(action: str) -> AuditRecord:
    return AuditRecord.objects.filter(action=action).order_by("-seq").first()


def test_sign_in_sign_out_and_failure_are_written_with_the_address(cast, client):
    client.post(reverse("accounts:login"), {"username": "applicant_a", "password": "wrong"}, REMOTE_ADDR="192.0.2.7")
    failed = _last("auth.login")
    assert (failed.result, failed.actor_name, failed.address) == ("failed", "applicant_a", "192.0.2.7")
    client.force_login(cast.applicant_a)
    client.post(reverse("accounts:logout"))
    assert _last("auth.logout").actor_id == cast.applicant_a.pk


def test_downloads_and_exports_are_written(cast, client):
    auditor = _operations_admin(Role.AUDIT_ADMIN)
    client.force_login(auditor)
    response = client.get(reverse("accounts:audit_log_export"))
    assert response.status_code == 200
    download = _last("file.downloaded")
    assert download.actor_id == auditor.pk
    assert download.object_repr.endswith(".xlsx")
    assert _last("audit.exported") is not None


def test_a_case_file_download_is_written(cast, client, case_in):
    case = case_in("submitted")
    client.force_login(cast.reviewer_a)
    response = client.get(reverse("case_pdf", args=[case.pk]))
    assert response.status_code == 200
    assert _last("file.downloaded").details["path"] == reverse("case_pdf", args=[case.pk])


def test_registration_decisions_are_written(cast):
    user = unit_register(
        name="农安县融媒体中心",
        unit_type="county_centre",
        authority=cast.city_a,
        credit_code="12220000412757628J",
        display_name="张三",
        phone="13904310001",
        email="nongan@example.com",
        username="nongan",
        password="农安融媒-2024-春",
    )
    assert _last("account.created").object_id == str(user.pk)
    unit_registration_approve(unit=user.organisation, actor=cast.reviewer_a)
    assert _last("registration.approved").actor_id == cast.reviewer_a.pk


def test_role_and_membership_changes_are_written(cast, client):
    security = _operations_admin(Role.SECURITY_ADMIN)
    client.force_login(security)
    client.post(reverse("accounts:role_set"), {"username": "province_admin", "role": Role.AUTHORITY_REVIEWER})
    changed = _last("role.changed")
    assert changed.details == {"before": "province_admin", "after": "authority_reviewer"}
    assert _last("membership.changed").object_id == str(cast.province_admin.pk)


def test_admin_changes_are_written(cast, admin_client):
    admin_client.post(
        reverse("admin:accounts_organisation_change", args=[cast.city_b.pk]),
        {
            "name": "吉林市广电局",
            "code": "jilin-city",
            "kind": OrgKind.AUTHORITY,
            "is_active": "on",
            "registration_status": "approved",
        },
    )
    record = _last("admin.changed")
    assert record is not None and record.object_repr == "吉林市广电局"


def test_score_reopening_and_ranking_edits_are_written(cast, case_in, case_at):
    from reviews.experts.services import assignment_reopen
    from reviews.models import ExpertAssignment

    case = case_in("in_expert_review")
    assignment = ExpertAssignment.objects.get(case=case)
    assignment_reopen(assignment=assignment, actor=cast.province_admin)
    assert _last("score.reopened").actor_id == cast.province_admin.pk

    from reviews.ranking.services import ordered_case_ids, ranking_set_order, table_for

    first, second = case_at("recommended"), case_at("recommended")
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    order = ordered_case_ids(table)
    assert {first.pk, second.pk} <= set(order)
    ranking_set_order(table=table, actor=cast.reviewer_a, case_ids=list(reversed(order)))
    assert _last("ranking.changed").details["after"] == list(reversed(order))
