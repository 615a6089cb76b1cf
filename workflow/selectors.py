from django.db.models import Count
from guardian.shortcuts import get_objects_for_user


def visible_to(*, user, model, codename: str):
    """Every subject of `model` on which `user` holds `codename`, in one query: object
    permissions decide, nothing else. Superusers get no exception: they administer the
    system, they are no party to cases."""
    return get_objects_for_user(
        user,
        f"{model._meta.app_label}.{codename}",
        klass=model,
        accept_global_perms=False,
        with_superuser=False,
    )


def state_counts(queryset) -> dict[str, int]:
    """Subjects per state, for every state of the model (zero included), in one query."""
    field = queryset.model._meta.get_field("state")
    counts = dict.fromkeys((value for value, _label in field.choices), 0)
    for row in queryset.order_by().values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts
