from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model


def visible_to(*, user, model, codename: str):
    """Every subject of `model` on which `user` holds `codename`, in one query: object
    permissions decide, nothing else. Superusers get no exception: they administer the
    system, they are no party to cases.

    What guardian's get_objects_for_user answers (the user's own rows and its groups'),
    written as two correlated EXISTS on the direct foreign-key tables rather than
    `pk IN (every permitted id)`: the database can then walk the list in its sort
    order and stop after a page (the province's 50 newest of 9,000 readable cases read
    50 rows, not 9,000), and each test is one probe of guardian's unique index
    (holder, permission, subject)."""
    if not getattr(user, "is_authenticated", False):
        return model._default_manager.none()
    content_type = ContentType.objects.get_for_model(model)  # cached by Django after the first call
    permission = {"permission__content_type": content_type, "permission__codename": codename}
    memberships = get_user_model().groups.through.objects.filter(user=user).values("group_id")
    by_user = get_user_obj_perms_model(model).objects.filter(content_object=OuterRef("pk"), user=user, **permission)
    by_group = get_group_obj_perms_model(model).objects.filter(
        content_object=OuterRef("pk"), group__in=memberships, **permission
    )
    return model._default_manager.filter(Exists(by_user) | Exists(by_group))


def state_counts(queryset) -> dict[str, int]:
    """Subjects per state, for every state of the model (zero included), in one query."""
    field = queryset.model._meta.get_field("state")
    counts = dict.fromkeys((value for value, _label in field.choices), 0)
    for row in queryset.order_by().values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts
