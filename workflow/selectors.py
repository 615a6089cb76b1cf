from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from core.counts import count_of, counts_where


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
    permission tables' answer, without probing guardian's tables once per subject of
    the whole campaign.

    Let A be the subjects in the expected states (counted per state from the state
    index), and G the subjects one of the user's groups holds the permission on (its
    rows counted from guardian's unique index: one row per subject). G is part of
    what the user may read, and G ∩ A has |G| − |G outside A| members, the last
    counted by probing only the subjects outside A (the drafts). When that equals |A|,
    every subject of A is readable, and A's states count all their subjects; the
    states outside A are counted by probing, as everywhere. When it does not (rows
    missing), the whole set is probed as `state_counts` does: never an approximation.

    The set is visible_to's two probes with the permission's id and the user's groups
    read by the counts' first query, written in as values (`_probed_through`): no
    extra query, no join to the permissions' table or the memberships per probe, and
    a page of the list (the province's 50 newest of 90,000 at 100,000 cases) probes
    guardian's index for the rows it walks in the list's order, then stops: visible_to's
    EXISTS PostgreSQL ran as a hash of all 90,000 permitted ids (37 ms, now 1 ms)."""
    if not getattr(user, "is_authenticated", False):
        return model._default_manager.none(), state_counts(model._default_manager.none())
    expected = set(expected_states)
    content_type = ContentType.objects.get_for_model(model)
    # The rows each of the user's groups holds (one row per subject: guardian's unique
    # index), each counted as one plain range of that index, with the permission's id:
    # the probes below then seek guardian's index directly, and only through the groups
    # that hold anything (a group without a row grants nothing).
    permission = Permission.objects.filter(content_type=content_type, codename=codename).values("pk")[:1]
    group_rows = get_group_obj_perms_model(model).objects.filter(
        group_id=OuterRef("group_id"), permission_id=OuterRef("permission_id")
    )
    memberships = list(
        get_user_model()
        .groups.through.objects.filter(user=user)
        .annotate(permission_id=Subquery(permission))
        .annotate(n=count_of(group_rows))
        .order_by("group_id")
        .values("group_id", "permission_id", "n")
    )
    if not memberships:
        # No group, so no permission's id read: the user's own rows only, as visible_to.
        visible = visible_to(user=user, model=model, codename=codename)
        return visible, state_counts(visible)
    permission_id = memberships[0]["permission_id"]
    if permission_id is None:  # no such permission: nobody holds it
        return model._default_manager.none(), state_counts(model._default_manager.none())
    # The set: through every group the user is a member of (not only those that held
    # rows when counted), exactly visible_to's answer.
    visible = model._default_manager.filter(
        _probed_through(
            user=user, model=model, permission_id=permission_id, group_ids=[row["group_id"] for row in memberships]
        )
    )
    held = [row for row in memberships if row["n"]]
    if not held:
        return visible, state_counts(visible)
    widest = max(held, key=lambda row: (row["n"], -row["group_id"]))
    by_widest = get_group_obj_perms_model(model).objects.filter(
        group_id=widest["group_id"], permission_id=permission_id, content_object=OuterRef("pk")
    )
    field = model._meta.get_field("state")
    # Named, not excluded: the state index then reads only the subjects outside A.
    outside = model._default_manager.filter(
        state__in=[value for value, _label in field.choices if value not in expected]
    )
    expected_values = [value for value, _label in field.choices if value in expected]
    group_ids = [row["group_id"] for row in held]
    outside_rows = None
    if connection.vendor == "postgresql":
        # A's subjects per state, each one plain count (seven counts of the province's
        # 90,000 cases: 4 ms; one GROUP BY of the table: 16), and in the same statement
        # the user's and its groups' rows on a subject outside A, each a range of
        # guardian's index tested against a hash of those subjects (the 10,000 drafts):
        # none (the province), and nothing outside A is readable, without counting it
        # per state by a hash of the 90,000 permitted ids (75 ms). (No rows: NULL.)
        on_outside = Q(content_object_id__in=outside.values("pk"))

        def outside_of(rows):
            # COUNT(*) FILTER (WHERE subject IN (…)) over the rows' range of guardian's
            # index: the subjects outside A hashed once, tested per row (20 ms for the
            # province's 90,000 rows). As a join (`AND subject IN (…)`), PostgreSQL
            # chose a parallel hash join (35 ms on a loaded machine).
            # (The subject's column counted, not the id: from guardian's index alone.)
            counted = rows.order_by().values("permission_id").annotate(n=Count("content_object_id", filter=on_outside))
            return Subquery(counted.values("n"))

        checked = (
            Permission.objects.filter(pk=permission_id)
            .annotate(
                **{
                    f"in_{number}": count_of(model._default_manager.filter(state=value))
                    for number, value in enumerate(expected_values)
                },
                group_outside=outside_of(
                    get_group_obj_perms_model(model).objects.filter(group_id__in=group_ids, permission_id=permission_id)
                ),
                user_outside=outside_of(
                    get_user_obj_perms_model(model).objects.filter(user=user, permission_id=permission_id)
                ),
            )
            .values(*(f"in_{number}" for number in range(len(expected_values))), "group_outside", "user_outside")
            .get()
        )
        in_expected = {value: checked[f"in_{number}"] for number, value in enumerate(expected_values)}
        if not checked["group_outside"] and not checked["user_outside"]:
            outside_rows = []
        # Else counted per state as below: one `pk IN (… UNION …)` (visible_to's whole
        # set), which PostgreSQL hashes once; the two EXISTS it would run once per
        # subject outside A (10,000 drafts at 100,000 cases: 0.6 s).
        held_here = Q(
            pk__in=_permitted_ids(
                get_user_obj_perms_model(model).objects.filter(user=user, permission_id=permission_id),
                get_group_obj_perms_model(model).objects.filter(group_id__in=group_ids, permission_id=permission_id),
            )
        )
    else:
        # A's subjects per state, each state one plain count of its range of the state index.
        counted = counts_where(model, [{"state": value} for value in expected_values])
        in_expected = dict(zip(expected_values, counted, strict=True))
        held_here = _held_through(user=user, model=model, permission_id=permission_id, group_ids=group_ids)
    if outside_rows is None:
        outside_rows = list(outside.order_by().values("state").annotate(n=Count("id", filter=held_here)))
    # G outside A is part of what the user reads outside A: none when that is none (the
    # province and the drafts), else counted by a probe of the widest group's rows.
    widest_outside = outside.filter(Exists(by_widest)).count() if any(row["n"] for row in outside_rows) else 0
    if widest["n"] - widest_outside != sum(in_expected.values()):
        return visible, state_counts(visible)
    counts = dict.fromkeys((value for value, _label in field.choices), 0)
    counts.update(in_expected)
    for row in outside_rows:
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
