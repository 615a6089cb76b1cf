from django.db.models import Count
from guardian.shortcuts import get_objects_for_user

from workflow.enums import CaseState
from workflow.graph import all_transitions
from workflow.services import refusal_reasons


def cases_visible_to(*, user):
    """Every case `user` may read, in one query: object permissions decide, nothing else."""
    from applications.models import Case

    # Superusers get no exception: they administer the system, they are no party to cases.
    return get_objects_for_user(
        user, "applications.view_case", klass=Case, accept_global_perms=False, with_superuser=False
    ).select_related("campaign", "category", "unit", "authority")


def state_counts(queryset) -> dict[str, int]:
    """Cases per state, for every state (zero included), in one query."""
    counts = dict.fromkeys(CaseState.values, 0)
    for row in queryset.order_by().values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts


def actions_for(*, case, user) -> list[dict]:
    """The transitions leaving the case's state that `user` holds the permission for,
    with the reasons a condition still blocks each (empty when it can be taken now)."""
    result = []
    for action, transitions in all_transitions().items():
        edge = next((t for t in transitions if t.source == case.state), None)
        if edge is None or not edge.custom["button"] or not edge.has_perm(case, user):
            continue
        result.append(
            {
                "action": action,
                "label": edge.custom["label"],
                "style": edge.custom["style"],
                "comment_required": edge.custom["comment_required"],
                "blocked_by": refusal_reasons(case=case, action=action, actor=user),
            }
        )
    return result
