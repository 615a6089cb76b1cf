"""The count of guardian's case group rows per (group, permission, case state, bucket)
(applications.models.CaseGroupGrantCount) is kept by the database's triggers: after every
kind of write, in any order, it equals a recount from scratch of guardian's rows joined
to their cases (rows counting zero ignored)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from applications.enums import CaseState
from applications.models import Case, CaseGroupGrantCount, CaseGroupObjectPermission
from tests.factories import make_case

COUNTS = CaseGroupGrantCount._meta.db_table
ROWS = CaseGroupObjectPermission._meta.db_table
CASES = Case._meta.db_table


def _recount() -> dict[tuple, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.group_id, r.permission_id, c.state, c.id % 16, COUNT(*) FROM {ROWS} r "
            f"INNER JOIN {CASES} c ON c.id = r.content_object_id "
            "GROUP BY r.group_id, r.permission_id, c.state, c.id % 16"
        )
        return {tuple(row[:4]): row[4] for row in cursor.fetchall()}


def _counted() -> dict[tuple, int]:
    rows = CaseGroupGrantCount.objects.values_list("group_id", "permission_id", "state", "bucket", "n")
    assert all(n >= 0 for *_key, n in rows), "a count below zero"
    return {tuple(key): n for *key, n in rows if n}


def assert_counts_exact() -> None:
    recounted = _recount()
    assert recounted, "nothing to count: the test proves nothing"
    assert _counted() == recounted


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'case_grant_counts_%%'"
            )
            for name, table in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER {name} ON {table}")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'case_grant_counts_%'")
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER {name}")


@pytest.fixture
def several(cast, case_at, case_in):
    """Cases of both cities through the real workflow and put straight in later states."""
    # The late states first: case_at leaves the campaign collecting, for the tests' moves.
    cases = [case_in(state) for state in ("in_expert_review", "selected", "recommended_to_nrta")]
    cases += [case_at(state) for state in ("draft", "submitted", "returned", "recommended", "withdrawn")]
    cases += [case_at("submitted", applicant=cast.applicant_b), case_at("not_recommended", applicant=cast.applicant_b)]
    return cases


def test_the_counts_follow_every_transition(cast, case_at, several):
    from workflow.services import apply_transition

    assert_counts_exact()
    returned = next(case for case in several if case.state == CaseState.RETURNED)
    apply_transition(subject=returned, action="resubmit", actor=cast.applicant_a, comment="意见")
    assert_counts_exact()
    # City A's cases waiting for review recommended (its ranking table is then submitted).
    for waiting in Case.objects.filter(authority=cast.city_a, state=CaseState.SUBMITTED):
        apply_transition(subject=waiting, action="recommend", actor=cast.reviewer_a, comment="意见")
        assert_counts_exact()
    # The whole road to a decision, one transition after another.
    case_at("selected")
    assert_counts_exact()


def test_the_counts_follow_a_full_resync_and_bulk_rows(cast, several):
    from workflow.permissions import SyncResult, permissions_sync_all

    # Rows lost behind the engine's back (raw, many at once), then rebuilt by the sync.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ROWS} WHERE content_object_id IN (%s, %s)", [several[1].pk, several[3].pk])
    assert_counts_exact()
    assert permissions_sync_all(model=Case) != SyncResult()
    assert_counts_exact()
    # A bulk insert and a bulk delete of thousands of rows in one statement each.
    group = Group.objects.create(name="批量")
    permission_ids = sorted(set(CaseGroupObjectPermission.objects.values_list("permission_id", flat=True)))
    CaseGroupObjectPermission.objects.bulk_create(
        CaseGroupObjectPermission(group=group, permission_id=permission_id, content_object=case)
        for case in several
        for permission_id in permission_ids
    )
    assert_counts_exact()
    CaseGroupObjectPermission.objects.filter(group=group, permission_id=permission_ids[0]).delete()
    assert_counts_exact()
    # A row's group, permission or case changed in place.
    CaseGroupObjectPermission.objects.filter(group=group).update(group=Group.objects.create(name="改组"))
    assert_counts_exact()
    row = CaseGroupObjectPermission.objects.filter(content_object=several[0]).order_by("pk").first()
    fresh = make_case(campaign=cast.campaign, applicant=cast.applicant_b)
    CaseGroupObjectPermission.objects.filter(pk=row.pk).update(content_object=fresh)
    assert_counts_exact()
    # Back to what the table grants.
    permissions_sync_all(model=Case)
    assert_counts_exact()


def test_the_counts_follow_cases_and_groups_deleted_in_any_order(cast, several):
    # A state written past the engine (QuerySet.update), many cases at once.
    Case.objects.filter(pk__in=[case.pk for case in several[:4]]).update(state=CaseState.REVIEWED)
    assert_counts_exact()
    # A case deleted with its rows (the rows first, as Django's cascade does)…
    draft = make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    from workflow.permissions import permissions_sync

    permissions_sync(subjects=[draft])
    assert CaseGroupObjectPermission.objects.filter(content_object=draft).exists()
    CaseGroupObjectPermission.objects.filter(content_object=draft).delete()
    assert_counts_exact()
    # … or the case first (foreign keys are checked at commit), its rows after. (Bare
    # drafts: nothing else refers to them, as the test's end checks.)
    victim, moved = (make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False) for _ in "12")
    permissions_sync(subjects=[victim, moved])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {CASES} WHERE id = %s", [victim.pk])
    assert_counts_exact()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ROWS} WHERE content_object_id = %s", [victim.pk])
    assert_counts_exact()
    # Rows written before their case (a restore, a bulk load): counted once it exists.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {CASES}")
        next_id = cursor.fetchone()[0] + 100
        group_id, permission_id = CaseGroupObjectPermission.objects.values_list("group_id", "permission_id").first()
        cursor.execute(
            f"INSERT INTO {ROWS} (group_id, permission_id, content_object_id) VALUES (%s, %s, %s)",
            [group_id, permission_id, next_id],
        )
        assert_counts_exact()
        # The case given the missing id: an UPDATE of its id moves its rows' counts.
        cursor.execute(f"UPDATE {CASES} SET id = %s WHERE id = %s", [next_id, moved.pk])
        assert_counts_exact()
        # Its old rows, left pointing at no case, deleted: nothing to count down.
        cursor.execute(f"DELETE FROM {ROWS} WHERE content_object_id = %s", [moved.pk])
    assert_counts_exact()
    # A group deleted: Django deletes its rows, and its counts go to zero.
    group = Group.objects.create(name="将删除")
    CaseGroupObjectPermission.objects.bulk_create(
        CaseGroupObjectPermission(group=group, permission_id=permission_id, content_object=case)
        for case in Case.objects.all()
    )
    assert CaseGroupGrantCount.objects.filter(group_id=group.pk, n__gt=0).exists()
    assert_counts_exact()
    group_id = group.pk
    group.delete()
    assert_counts_exact()
    assert not CaseGroupGrantCount.objects.filter(group_id=group_id, n__gt=0).exists()


def test_without_the_triggers_the_counts_go_wrong(cast, several):
    """The comparison above sees a count the triggers did not keep (they are dropped here,
    inside the test's transaction): it is no tautology."""
    from workflow.services import apply_transition

    assert_counts_exact()
    _drop_triggers()
    returned = next(case for case in several if case.state == CaseState.RETURNED)
    apply_transition(subject=returned, action="resubmit", actor=cast.applicant_a, comment="意见")
    assert _counted() != _recount()


def test_a_migration_that_dropped_the_triggers_is_followed_by_them_made_again_and_a_recount(cast, several):
    """On SQLite a migration rebuilding the case table or guardian's drops their triggers
    silently: after every migrate they are checked, made again when one is missing, and
    the counts recounted from the rows (applications.grant_count_triggers)."""
    from applications.apps import ApplicationsConfig
    from applications.grant_count_triggers import ensure_grant_count_triggers, grant_count_triggers_after_migrate
    from workflow.services import apply_transition

    assert ensure_grant_count_triggers() is False  # all there: nothing done
    _drop_triggers()
    returned = next(case for case in several if case.state == CaseState.RETURNED)
    apply_transition(subject=returned, action="resubmit", actor=cast.applicant_a, comment="意见")
    assert _counted() != _recount()  # written unkept while they were missing
    grant_count_triggers_after_migrate(sender=ApplicationsConfig, using="default")
    assert_counts_exact()
    # And kept again from then on.
    submitted = Case.objects.get(pk=returned.pk)
    apply_transition(subject=submitted, action="recommend", actor=cast.reviewer_a, comment="同意推荐")
    assert_counts_exact()
    assert ensure_grant_count_triggers() is False
