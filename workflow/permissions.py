"""Object permissions as derived data: the engine alone writes them, from the machine's
grant table, and can rebuild them all.

The rows in guardian's direct foreign-key tables are a stored copy of a pure function of
(subject's state, its parties' holders). `permissions_sync` recomputes that function for
any set of subjects in bulk and writes only the difference, so the same code serves one
transition, an expert assignment, and `manage.py sync_case_permissions` after the grant
table changed.
"""

import functools
import hashlib
import json
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import BooleanField, IntegerField
from django.db.models.expressions import RawSQL
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


def _held_permission_ids(*, user, model) -> tuple[str, list]:
    """SQL selecting the ids of the permissions `user` holds on the row of `model` the
    enclosing query is at (`"table"."pk"`), through a row of their own or a group's."""
    return _held_permission_ids_sql(connection.vendor, model, user._meta.model), [user.pk, user.pk]


# The statements' text depends on the models' tables and the database's quoting alone,
# both fixed once the apps are loaded: written once per process (guardian's lookup of
# the holder tables and the quoting cost an autosave 0.1 ms each time).
@functools.cache
def _held_permission_ids_sql(vendor: str, model, user_model) -> str:
    quote = connection.ops.quote_name
    by_user = get_user_obj_perms_model(model)._meta
    by_group = get_group_obj_perms_model(model)._meta
    memberships = user_model._meta.get_field("groups").remote_field.through._meta
    row = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
    return (
        f"SELECT h.{quote('permission_id')} FROM {quote(by_user.db_table)} h "
        f"WHERE h.{quote('content_object_id')} = {row} AND h.{quote('user_id')} = %s "
        f"UNION ALL SELECT h.{quote('permission_id')} FROM {quote(by_group.db_table)} h "
        f"INNER JOIN {quote(memberships.db_table)} m ON m.{quote('group_id')} = h.{quote('group_id')} "
        f"WHERE h.{quote('content_object_id')} = {row} AND m.{quote('user_id')} = %s"
    )


def _of_codenames(*, user, model, codenames) -> tuple[str, list]:
    """FROM … WHERE of the permissions named `codenames` on `model` that `user` holds on
    the row. The permission by codename and content type, joined each time rather than
    its id kept in the process: a test database's flush gives permissions new ids."""
    held, held_params = _held_permission_ids(user=user, model=model)
    sql = _of_codenames_sql(connection.vendor, model, user._meta.model, len(codenames))
    return sql, [model._meta.app_label, model._meta.model_name, *codenames, *held_params]


@functools.cache
def _of_codenames_sql(vendor: str, model, user_model, count: int) -> str:
    quote = connection.ops.quote_name
    permission, content_type = Permission._meta, ContentType._meta
    held = _held_permission_ids_sql(vendor, model, user_model)
    return (
        f"FROM {quote(permission.db_table)} p "
        f"INNER JOIN {quote(content_type.db_table)} ct ON ct.{quote('id')} = p.{quote('content_type_id')} "
        f"WHERE ct.{quote('app_label')} = %s AND ct.{quote('model')} = %s "
        f"AND p.{quote('codename')} IN ({', '.join(['%s'] * count)}) "
        f"AND p.{quote('id')} IN ({held})"
    )


def permission_held(*, user, model, codename: str):
    """A condition for a query on `model`: `user` holds `codename` on the row (itself or
    through a group), as guardian decides it (its direct tables, which the engine
    writes), but inside the query that reads or writes the row: a write conditioned on
    it cannot land after the right was taken away, and costs no query of its own.
    Nobody inactive or anonymous holds anything.

    Written as SQL: the ORM's two Exists() subqueries cost ~2 ms of Python to compile
    per request (an autosave's budget is about two trivial requests). One EXISTS over
    the permission, whose id is among those held on the row by the user or their
    groups: PostgreSQL plans it in a third of the time of an EXISTS per holder table
    each joining the permission and its content type (0.6 ms of its CPU per autosave)."""
    if not (user.is_authenticated and user.is_active):
        return RawSQL("1 = 0", (), output_field=BooleanField())
    sql, params = _of_codenames(user=user, model=model, codenames=[codename])
    return RawSQL(f"EXISTS (SELECT 1 {sql})", params, output_field=BooleanField())


def permissions_held(*, user, model, codenames) -> RawSQL:
    """An integer for a query on `model`: bit i set when `user` holds `codenames[i]` on
    the row, as permission_held decides each (one subquery for them all)."""
    if not (user.is_authenticated and user.is_active):
        return RawSQL("0", (), output_field=IntegerField())
    codenames = list(codenames)
    quote = connection.ops.quote_name
    sql, params = _of_codenames(user=user, model=model, codenames=codenames)
    bits = " ".join(f"WHEN %s THEN {1 << index}" for index in range(len(codenames)))
    return RawSQL(
        f"(SELECT COALESCE(SUM(CASE p.{quote('codename')} {bits} ELSE 0 END), 0) {sql})",
        [*codenames, *params],
        output_field=IntegerField(),
    )
