"""Object permissions as derived data: the engine alone writes them, from the machine's
grant table, and can rebuild them all.

The rows in guardian's direct foreign-key tables are a stored copy of a pure function of
(subject's state, its parties' holders). `permissions_sync` recomputes that function for
any set of subjects in bulk and writes only the difference, so the same code serves one
transition, an expert assignment, and `manage.py sync_case_permissions` after the grant
table changed.
"""

import hashlib
import json
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from workflow.machines import Machine, machine_for

BATCH = 2000


@dataclass(frozen=True)
class SyncResult:
    added: int = 0
    removed: int = 0

    def __add__(self, other: "SyncResult") -> "SyncResult":
        return SyncResult(self.added + other.added, self.removed + other.removed)


def grant_table_fingerprint(machine: Machine) -> str:
    """A short digest of the grant table: a migration that rebuilds the rows names the
    table it was written for, and a test fails when the table changes without one."""
    table = {
        str(state): {str(party): sorted(perms) for party, perms in sorted(by_party.items()) if perms}
        for state, by_party in sorted(machine.grants.items())
    }
    return hashlib.sha256(json.dumps(table, sort_keys=True).encode()).hexdigest()[:12]


def codenames(machine: Machine) -> set[str]:
    return {codename for by_party in machine.grants.values() for perms in by_party.values() for codename in perms}


def _permission_ids(machine: Machine) -> dict[str, int]:
    content_type = ContentType.objects.get_for_model(machine.model)
    found = dict(
        Permission.objects.filter(content_type=content_type, codename__in=codenames(machine)).values_list(
            "codename", "id"
        )
    )
    missing = codenames(machine) - found.keys()
    if missing:
        raise LookupError(f"permissions missing for {machine.label}: {sorted(missing)} (run migrate)")
    return found


def desired_rows(machine: Machine, subjects: list, perm_ids: dict[str, int]) -> tuple[set, set]:
    """(subject_id, group_id, permission_id) and (subject_id, user_id, permission_id)
    rows that `subjects` must have, from the grant table and the parties' holders."""
    holders = machine.holders(subjects) if machine.holders else {}
    group_rows: set[tuple[int, int, int]] = set()
    user_rows: set[tuple[int, int, int]] = set()
    for subject in subjects:
        grants = machine.grants.get(subject.state, {})
        for party, held_by in holders.get(subject.pk, {}).items():
            for codename in grants.get(party, ()):
                perm_id = perm_ids[codename]
                group_rows |= {(subject.pk, group_id, perm_id) for group_id in held_by.group_ids}
                user_rows |= {(subject.pk, user_id, perm_id) for user_id in held_by.user_ids}
    return group_rows, user_rows


def _sync_table(model, holder: str, subject_ids: list[int], wanted: set) -> SyncResult:
    existing = {
        (subject_id, holder_id, perm_id): row_id
        for row_id, subject_id, holder_id, perm_id in model.objects.filter(
            content_object_id__in=subject_ids
        ).values_list("id", "content_object_id", holder, "permission_id")
    }
    stale = [row_id for key, row_id in existing.items() if key not in wanted]
    for start in range(0, len(stale), BATCH):
        model.objects.filter(id__in=stale[start : start + BATCH]).delete()
    missing = wanted - existing.keys()
    model.objects.bulk_create(
        (
            model(content_object_id=subject_id, permission_id=perm_id, **{holder: holder_id})
            for subject_id, holder_id, perm_id in missing
        ),
        batch_size=BATCH,
    )
    return SyncResult(added=len(missing), removed=len(stale))


@transaction.atomic
def permissions_sync(*, subjects) -> SyncResult:
    """Make the object permissions of `subjects` (instances of one registered model)
    exactly those the grant table says; write only what differs."""
    subjects = list(subjects)
    if not subjects:
        return SyncResult()
    machine = machine_for(subjects[0])
    if not machine.grants:
        # A machine whose moves are decided by role (the campaign's) grants nothing.
        return SyncResult()
    perm_ids = _permission_ids(machine)
    result = SyncResult()
    for start in range(0, len(subjects), BATCH):
        chunk = subjects[start : start + BATCH]
        ids = [subject.pk for subject in chunk]
        want_groups, want_users = desired_rows(machine, chunk, perm_ids)
        result += _sync_table(get_group_obj_perms_model(machine.model), "group_id", ids, want_groups)
        result += _sync_table(get_user_obj_perms_model(machine.model), "user_id", ids, want_users)
    return result


def permissions_sync_all(*, model, queryset=None) -> SyncResult:
    """Rebuild the rows of every subject of `model` (or of `queryset`), a chunk at a time."""
    queryset = (queryset if queryset is not None else model._default_manager.all()).order_by("pk")
    result = SyncResult()
    last_pk = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last_pk)[:BATCH])
        if not chunk:
            return result
        result += permissions_sync(subjects=chunk)
        last_pk = chunk[-1].pk


def object_permissions(*, user, subject) -> set[str]:
    """The codenames `user` holds on `subject` (through its groups or itself), in one
    query: what a page needs to show every button without asking per transition."""
    if not (user.is_authenticated and user.is_active):
        return set()
    machine = machine_for(subject)
    if not machine.grants:
        return set()
    group_model = get_group_obj_perms_model(machine.model)
    user_model = get_user_obj_perms_model(machine.model)
    by_group = group_model.objects.filter(content_object_id=subject.pk, group__user=user).values_list(
        "permission__codename", flat=True
    )
    by_user = user_model.objects.filter(content_object_id=subject.pk, user=user).values_list(
        "permission__codename", flat=True
    )
    return set(by_group.union(by_user))
