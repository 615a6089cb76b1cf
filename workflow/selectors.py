from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model


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
    content_type = ContentType.objects.get_for_model(model)  # cached by Django after the first call
    permission = {"permission__content_type": content_type, "permission__codename": codename}
    memberships = get_user_model().groups.through.objects.filter(user=user).values("group_id")
    by_user = get_user_obj_perms_model(model).objects.filter(user=user, **permission)
    by_group = get_group_obj_perms_model(model).objects.filter(group__in=memberships, **permission)
    if whole:
        return model._default_manager.filter(
            Q(pk__in=by_user.values("content_object_id")) | Q(pk__in=by_group.values("content_object_id"))
        )
    return model._default_manager.filter(
        Exists(by_user.filter(content_object=OuterRef("pk"))) | Exists(by_group.filter(content_object=OuterRef("pk")))
    )


def state_counts(queryset) -> dict[str, int]:
    """Subjects per state, for every state of the model (zero included), in one query."""
    field = queryset.model._meta.get_field("state")
    counts = dict.fromkeys((value for value, _label in field.choices), 0)
    for row in queryset.order_by().values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts
