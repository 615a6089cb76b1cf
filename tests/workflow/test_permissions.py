"""Object permissions are derived data: the engine rebuilds them from the grant table,
the demo's rows are exactly what the table says, and changing the table without a
migration that rebuilds existing cases fails here."""

import re
from io import StringIO
from pathlib import Path

from django.contrib.auth.models import Permission
from django.core.management import call_command

from applications.enums import CaseState
from applications.lifecycle import hooks
from applications.lifecycle.grants import STATE_GRANTS
from applications.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission
from workflow.extensions import Hook
from workflow.machines import machine_for
from workflow.permissions import desired_rows, grant_table_fingerprint, permissions_sync, permissions_sync_all

MIGRATIONS = Path(__file__).resolve().parents[2] / "applications" / "migrations"


def _rows() -> tuple[set, set]:
    groups = set(CaseGroupObjectPermission.objects.values_list("content_object_id", "group_id", "permission_id"))
    users = set(CaseUserObjectPermission.objects.values_list("content_object_id", "user_id", "permission_id"))
    return groups, users


def test_every_demo_case_holds_exactly_the_rows_its_state_grants(seeded):
    cases = list(Case.objects.all())
    # The 2024 campaign is in 初审排序 (no case past the experts), the archived 2023 one
    # holds the decisions: every state but 评审完成 (a passing one) is covered.
    assert {case.state for case in cases} == set(CaseState) - {CaseState.REVIEWED}, "the demo should cover the states"
    machine = machine_for(Case)
    perm_ids = dict(Permission.objects.filter(content_type__app_label="applications").values_list("codename", "id"))
    assert _rows() == desired_rows(machine, cases, perm_ids)

    out = StringIO()
    call_command("sync_case_permissions", stdout=out)
    assert out.getvalue().strip() == "added 0, removed 0"


def test_sync_repairs_drifted_rows_and_writes_only_the_difference(seeded):
    before = _rows()
    final = Case.objects.filter(state=CaseState.NOT_RECOMMENDED).first()
    # A row the table never grants (an applicant editing a final case), and a lost one.
    change = Permission.objects.get(codename="change_case")
    CaseGroupObjectPermission.objects.create(content_object=final, group_id=final.unit.group_id, permission=change)
    CaseGroupObjectPermission.objects.filter(content_object=final, permission__codename="view_case").first().delete()
    assert _rows() != before

    result = permissions_sync_all(model=Case)

    assert (result.added, result.removed) == (1, 1)
    assert _rows() == before
    assert permissions_sync(subjects=Case.objects.all()).added == 0


def test_the_newest_sync_migration_was_written_for_the_current_grant_table():
    found = sorted(MIGRATIONS.glob("*_sync_case_permissions_*.py"))
    assert found, "no migration rebuilds the case permissions"
    written_for = re.search(r'GRANT_TABLE = "(\w+)"', found[-1].read_text(encoding="utf-8")).group(1)
    current = grant_table_fingerprint(machine_for(Case))
    assert written_for == current, (
        f"the grant table changed: add applications/migrations/NNNN_sync_case_permissions_{current}.py "
        f"(copy {found[-1].name}) so existing cases get the new rows"
    )


def test_the_fingerprint_follows_the_table():
    machine = machine_for(Case)
    changed = dict(STATE_GRANTS)
    changed[CaseState.DRAFT] = {**changed[CaseState.DRAFT], "authority": frozenset({"view_case"})}
    assert grant_table_fingerprint(machine) != grant_table_fingerprint(
        type(machine)(**{**machine.__dict__, "grants": changed})
    )


def test_every_permission_the_table_grants_is_declared_and_every_declared_one_is_granted():
    declared = {codename for codename, _name in Case._meta.permissions} | {"view_case", "change_case"}
    granted = {codename for by_party in STATE_GRANTS.values() for perms in by_party.values() for codename in perms}
    assert granted == declared


def test_every_hook_of_the_case_life_is_implemented():
    declared = [value for value in vars(hooks).values() if isinstance(value, Hook)]
    assert declared
    assert [hook.name for hook in declared if not hook.implemented] == []
