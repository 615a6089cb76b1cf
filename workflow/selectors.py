from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from core.counts import count_of, sum_of
from workflow.machines import machine_for


def visible_to(*, user, model, codename: str, whole: bool = False):
    """Every subject of `model` on which `user` holds `codename`, in one query: object
    permissions decide, nothing else. Superusers get no exception: they administer the
    system, they are no party to cases.

    What guardian's get_objects_for_user answers (the user's own rows and its groups'),
    written as two correlated EXISTS on the direct foreign-key tables rather than
    `pk IN (every permitted id)`: the database can then walk the list in its sort
    order and stop after a page (the province's 50 newest of 9,000 readable cases read
    50 rows, not 9,000), and each test is one probe of guardian's unique index
    (holder, permission, subject).

    `whole=True` for a query that reads the whole set (counts per state, totals): the
    permitted ids are then listed from guardian's tables (`pk IN …`), which costs what
    the user may read rather than what the table holds (an authority's 800 cases of
    10,000)."""
    if not getattr(user, "is_authenticated", False):
        return model._default_manager.none()
    by_user, by_group = _rows_held(user=user, model=model, codename=codename)
    if whole:
        # One list of the ids (`pk IN (… UNION …)`), not two `pk IN` joined by OR: for
        # an OR of two IN, PostgreSQL reads the whole table and tests each row against
        # both lists (100,000 cases read for an applicant's 2,000); one IN it answers by
        # probing the primary key for each permitted id.
        return model._default_manager.filter(pk__in=_permitted_ids(by_user, by_group))
    return model._default_manager.filter(
        Exists(by_user.filter(content_object=OuterRef("pk"))) | Exists(by_group.filter(content_object=OuterRef("pk")))
    )


def _rows_held(*, user, model, codename: str):
    """guardian's rows granting `codename` on a subject of `model` to `user`: (its own,
    its groups'), as querysets."""
    content_type = ContentType.objects.get_for_model(model)  # cached by Django after the first call
    permission = {"permission__content_type": content_type, "permission__codename": codename}
    memberships = get_user_model().groups.through.objects.filter(user=user).values("group_id")
    by_user = get_user_obj_perms_model(model).objects.filter(user=user, **permission)
    by_group = get_group_obj_perms_model(model).objects.filter(group__in=memberships, **permission)
    return by_user, by_group


def visible_state_counts_within(*, user, model, codename: str, within: dict) -> dict[str, int]:
    """What `state_counts(visible_to(user=…, …).filter(**within))` answers, for a
    `within` an index of `model` leads with, the state next (an authority's cases of a
    campaign): every subject within read from that index, each tested against one hash
    of the permitted ids (`COUNT(…) FILTER (WHERE pk IN …)`), in one query.

    As `pk IN …` in the WHERE (visible_to's whole set), PostgreSQL joins the permitted
    ids to the table, and having estimated them at a few dozen (17 for an authority's
    7,500 at 100,000 cases: guardian's rows through the permissions' table and the
    memberships), it probes the primary key once per id and reads each case's row
    (40 ms); the FILTER it can only answer from a hash built once (11 ms)."""
    field = model._meta.get_field("state")
    counts = dict.fromkeys((value for value, _label in field.choices), 0)
    if not getattr(user, "is_authenticated", False):
        return counts
    permitted = Q(pk__in=_permitted_ids(*_rows_held(user=user, model=model, codename=codename)))
    within_rows = model._default_manager.filter(**within).order_by().values("state")
    for row in within_rows.annotate(n=Count("pk", filter=permitted)):
        counts[row["state"]] = row["n"]
    return counts


def _permitted_ids(by_user, by_group):
    """The subjects' ids of guardian's rows `by_user` and `by_group`, as one subquery
    (UNION ALL: an IN needs no duplicates removed, and removing them cost a hash of
    every id)."""
    return by_user.values("content_object_id").union(by_group.values("content_object_id"), all=True)


def _held_through(*, user, model, permission_id: int, group_ids) -> Q:
    """The condition `visible_to` filters by (its two EXISTS probes), to count or list
    with, for a permission and the user's groups already known: each probe one seek of
    guardian's unique index (holder, permission, subject), none into the permissions'
    table."""
    by_user = get_user_obj_perms_model(model).objects.filter(
        user=user, permission_id=permission_id, content_object=OuterRef("pk")
    )
    by_group = get_group_obj_perms_model(model).objects.filter(
        group_id__in=group_ids, permission_id=permission_id, content_object=OuterRef("pk")
    )
    return Q(Exists(by_user)) | Q(Exists(by_group))


def _probed_through(*, user, model, permission_id: int, group_ids) -> Q:
    """`_held_through` for a list read in its order and cut after a page: each probe a
    scalar subquery (`(SELECT true … LIMIT 1)`), the groups' first (those the province
    reads through; the user's probe is then not run). PostgreSQL may run an EXISTS as
    a hash of every id it could return, built before the first row, and does so for a
    scan of the whole table even under a LIMIT (the province's 50 newest: 90,000 ids
    hashed, 37 ms); a scalar subquery it can only probe per row (55 rows, 1 ms)."""

    def probe(rows) -> Coalesce:
        held = rows.annotate(held=Value(True, output_field=BooleanField())).values("held")[:1]
        return Coalesce(Subquery(held, output_field=BooleanField()), Value(False), output_field=BooleanField())

    by_user = get_user_obj_perms_model(model).objects.filter(
        user=user, permission_id=permission_id, content_object=OuterRef("pk")
    )
    by_group = get_group_obj_perms_model(model).objects.filter(
        group_id__in=group_ids, permission_id=permission_id, content_object=OuterRef("pk")
    )
    return Q(probe(by_group)) | Q(probe(by_user))


def state_counts(queryset) -> dict[str, int]:
    """Subjects per state, for every state of the model (zero included), in one query."""
    field = queryset.model._meta.get_field("state")
    counts = dict.fromkeys((value for value, _label in field.choices), 0)
    for row in queryset.order_by().values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts


def visible_with_state_counts(*, user, model, codename: str, expected_states):
    """(what `visible_to(user=…, model=…, codename=…)` answers, what `state_counts` of
    it answers), for a reader expected to hold `codename` on every subject in
    `expected_states` (the province on every case past the draft): exactly the
    permission tables' answer, without probing or counting guardian's rows once per
    subject of the whole campaign.

    Let A_s be the subjects in state s (counted from the state index). The machine's
    grant-count table (`Machine.grant_counts`, kept exact by the database's triggers)
    says how many of a group's rows with the permission are on a subject now in s: one
    row per subject (guardian's unique index), so a group whose count in s is |A_s|
    holds every subject of A_s. When that holds for each expected state, A's states
    count all their subjects; when moreover no group of the user has a row counted
    outside the expected states and the user has no row of its own on a subject
    there (a range of guardian's user index), nothing outside is readable: zero. All
    of it read in one statement, so from one snapshot: a few rows of the counts (16
    buckets per state and group) instead of two scans of the province's 90,000 rows (a
    count, and a test of each against a hash of the 10,000 drafts: ~40 ms on
    PostgreSQL at 100,000 cases; the statement now takes 9 ms, nearly all of it A's
    counts from the state index).
    Rows outside A: those states counted by probing, as state_counts does. A state of A
    not covered by one group (a row missing): the whole set probed as state_counts
    does. Never an approximation.

    The set is visible_to's two probes with the permission's id and the user's groups
    read by the counts' statement, written in as values (`_probed_through`): no
    extra query, no join to the permissions' table or the memberships per probe, and
    a page of the list (the province's 50 newest of 90,000 at 100,000 cases) probes
    guardian's index for the rows it walks in the list's order, then stops: visible_to's
    EXISTS PostgreSQL ran as a hash of all 90,000 permitted ids (37 ms, now 1 ms)."""
    nothing = model._default_manager.none()
    if not getattr(user, "is_authenticated", False):
        return nothing, state_counts(nothing)
    expected = set(expected_states)
    field = model._meta.get_field("state")
    expected_values = [value for value, _label in field.choices if value in expected]
    outside_values = [value for value, _label in field.choices if value not in expected]
    content_type = ContentType.objects.get_for_model(model)
    permission = Permission.objects.filter(content_type=content_type, codename=codename).values("pk")[:1]
    memberships = get_user_model().groups.through.objects.filter(user=user).annotate(permission_id=Subquery(permission))
    grant_counts = machine_for(model).grant_counts
    checks: dict = {}
    if grant_counts is not None:
        # Per group: its rows' count in each expected state and outside them (16 rows of
        # the counts' unique index per state); once: A per state, each one plain count of
        # the state index, and the user's own rows on a subject outside A.
        counted = grant_counts._default_manager.filter(
            group_id=OuterRef("group_id"), permission_id=OuterRef("permission_id")
        )
        checks |= {
            f"group_{number}": sum_of(counted.filter(state=value), "n") for number, value in enumerate(expected_values)
        }
        checks["group_outside"] = sum_of(counted.filter(state__in=outside_values), "n")
        checks |= {
            f"in_{number}": count_of(model._default_manager.filter(state=value))
            for number, value in enumerate(expected_values)
        }
        checks["user_outside"] = count_of(
            get_user_obj_perms_model(model).objects.filter(
                user=user,
                permission__content_type=content_type,
                permission__codename=codename,
                content_object__state__in=outside_values,
            )
        )
    rows = list(memberships.annotate(**checks).order_by("group_id").values("group_id", "permission_id", *checks))
    if not rows:
        # No group, so no permission's id read: the user's own rows only, as visible_to.
        visible = visible_to(user=user, model=model, codename=codename)
        return visible, state_counts(visible)
    permission_id = rows[0]["permission_id"]
    if permission_id is None:  # no such permission: nobody holds it
        return nothing, state_counts(nothing)
    group_ids = [row["group_id"] for row in rows]
    # The set: through every group the user is a member of, exactly visible_to's answer.
    visible = model._default_manager.filter(
        _probed_through(user=user, model=model, permission_id=permission_id, group_ids=group_ids)
    )
    if grant_counts is None:
        return visible, state_counts(visible)
    in_expected = {value: rows[0][f"in_{number}"] for number, value in enumerate(expected_values)}
    covered = all(
        any((row[f"group_{number}"] or 0) == in_expected[value] for row in rows)
        for number, value in enumerate(expected_values)
    )
    if not covered:
        return visible, state_counts(visible)
    counts = dict.fromkeys((value for value, _label in field.choices), 0)
    counts.update(in_expected)
    if not rows[0]["user_outside"] and not any(row["group_outside"] for row in rows):
        return visible, counts
    # Something readable outside A (a draft granted beyond the table): those states
    # counted by probing the subjects outside A only (named, not excluded: the state
    # index then reads only them). On PostgreSQL as one `pk IN (… UNION …)` (visible_to's
    # whole set), which it hashes once; the two EXISTS it would run once per subject
    # outside A (10,000 drafts at 100,000 cases: 0.6 s).
    if connection.vendor == "postgresql":
        held_here = Q(
            pk__in=_permitted_ids(
                get_user_obj_perms_model(model).objects.filter(user=user, permission_id=permission_id),
                get_group_obj_perms_model(model).objects.filter(group_id__in=group_ids, permission_id=permission_id),
            )
        )
    else:
        held_here = _held_through(user=user, model=model, permission_id=permission_id, group_ids=group_ids)
    outside = model._default_manager.filter(state__in=outside_values)
    for row in outside.order_by().values("state").annotate(n=Count("id", filter=held_here)):
        counts[row["state"]] = row["n"]
    return visible, counts


def visible_counts_within(*, user, model, codename: str, within: dict, by: tuple[str, ...] = ("state",)):
    """The subjects `user` may read counted per `by` (a list of dicts: the `by` values
    and `n`), counted only among the subjects that match `within` (an index's leading
    columns: the authority's or the unit's own cases); None when the user may read a
    subject outside `within`, so the caller counts them all instead.

    Exact, never an approximation: guardian holds one row per (holder, permission,
    subject), so the user's rows plus its groups' rows, R, are at least the number of
    subjects the user reads. The counts within are the readable subjects within; when
    they add up to R, nothing readable lies outside. R is counted from guardian's unique
    indexes in the same query (the subject's column, not the row's id: from the index
    alone), and the counts read only the index `within` names: no probe of the
    permission tables per subject of the whole table."""
    if not getattr(user, "is_authenticated", False):
        return None
    by_user, by_group = _rows_held(user=user, model=model, codename=codename)

    def rows(queryset):
        counted = queryset.order_by().values("permission__content_type").annotate(n=Count("content_object_id"))
        return Subquery(counted.values("n"))

    # Every subject within read from the index `within` names, each tested against one
    # hash of the permitted ids (`COUNT(…) FILTER (WHERE pk IN …)`, as
    # visible_state_counts_within): as `pk IN …` in the WHERE (visible_to's whole set),
    # PostgreSQL joined the ids to the table, probing the primary key and reading the
    # case's row once per id (an authority's 7,500 at 100,000 cases: 22,500 buffers,
    # 41 ms; now 11 ms, the applicant's 2,100: 15 to 5 ms). SQLite takes the same time
    # either way (4 to 5 ms).
    permitted = Q(pk__in=_permitted_ids(by_user, by_group))
    within_rows = model._default_manager.filter(**within).order_by().values(*by)
    counted = list(
        within_rows.annotate(n=Count("pk", filter=permitted), by_user=rows(by_user), by_group=rows(by_group))
    )
    if not counted:
        return None
    held = (counted[0]["by_user"] or 0) + (counted[0]["by_group"] or 0)
    if sum(row["n"] for row in counted) != held:
        return None
    return [{**{key: row[key] for key in by}, "n": row["n"]} for row in counted if row["n"]]
