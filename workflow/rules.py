"""Which party holds which object permission on a case in each state.

The workflow service calls `case_permissions_sync` after every transition, so object
permissions are always exactly what this table says for the case's current state:
deny by default, and a state grants only what its table row lists.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.db import transaction

from workflow.enums import EDITABLE_STATES, PROVINCIAL_STATES, SEEN_BY_AUTHORITY_STATES, CaseState, Party

VIEW, CHANGE, SUBMIT, WITHDRAW = "view_case", "change_case", "submit_case", "withdraw_case"
REVIEW, DECIDE, SCORE = "review_case", "decide_case", "score_case"
CASE_PERMISSIONS = (VIEW, CHANGE, SUBMIT, WITHDRAW, REVIEW, DECIDE, SCORE)


def grants_for_state(state: CaseState) -> dict[Party, frozenset[str]]:
    grants: dict[Party, set[str]] = {party: set() for party in Party}
    # The applicant unit always reads its own case.
    grants[Party.APPLICANT].add(VIEW)
    if state in EDITABLE_STATES:
        grants[Party.APPLICANT] |= {CHANGE, SUBMIT}
    if state == CaseState.SUBMITTED:
        grants[Party.APPLICANT].add(WITHDRAW)
    if state in SEEN_BY_AUTHORITY_STATES:
        grants[Party.AUTHORITY].add(VIEW)
        grants[Party.PROVINCE].add(VIEW)
    if state in (CaseState.SUBMITTED, CaseState.RECOMMENDED):
        grants[Party.AUTHORITY].add(REVIEW)
    if state in PROVINCIAL_STATES:
        grants[Party.ASSIGNED_EXPERTS].add(VIEW)
        if state != CaseState.NOT_SELECTED and state != CaseState.RECOMMENDED_TO_NRTA:
            grants[Party.PROVINCE].add(DECIDE)
    if state == CaseState.IN_EXPERT_REVIEW:
        grants[Party.ASSIGNED_EXPERTS].add(SCORE)
    return {party: frozenset(perms) for party, perms in grants.items()}


STATE_GRANTS: dict[CaseState, dict[Party, frozenset[str]]] = {state: grants_for_state(state) for state in CaseState}


def _permission_ids() -> dict[str, int]:
    from django.contrib.contenttypes.models import ContentType

    from applications.models import Case

    content_type = ContentType.objects.get_for_model(Case)
    return dict(
        Permission.objects.filter(content_type=content_type, codename__in=CASE_PERMISSIONS).values_list(
            "codename", "id"
        )
    )


def _province_group_id() -> int | None:
    from accounts.enums import OrgKind
    from accounts.models import Organisation

    return Organisation.objects.filter(kind=OrgKind.PROVINCE).values_list("group_id", flat=True).first()


def _desired_rows(case, *, perm_ids, province_group_id, expert_ids) -> tuple[set, set]:
    """(group_id, permission_id) and (user_id, permission_id) pairs this case must have."""
    grants = STATE_GRANTS[CaseState(case.state)]
    group_rows: set[tuple[int, int]] = set()
    user_rows: set[tuple[int, int]] = set()
    holders = {
        Party.APPLICANT: [case.unit.group_id],
        Party.AUTHORITY: [case.authority.group_id],
        Party.PROVINCE: [province_group_id] if province_group_id else [],
    }
    for party, group_ids in holders.items():
        for group_id in group_ids:
            group_rows |= {(group_id, perm_ids[codename]) for codename in grants[party]}
    for user_id in expert_ids:
        user_rows |= {(user_id, perm_ids[codename]) for codename in grants[Party.ASSIGNED_EXPERTS]}
    return group_rows, user_rows


def _assigned_expert_ids(case_ids: Iterable[int]) -> dict[int, list[int]]:
    from reviews.models import ExpertAssignment

    result: dict[int, list[int]] = {}
    for case_id, expert_id in ExpertAssignment.objects.filter(case_id__in=case_ids).values_list("case_id", "expert_id"):
        result.setdefault(case_id, []).append(expert_id)
    return result


@transaction.atomic
def case_permissions_sync(*, case) -> None:
    """Make the case's object permissions exactly those its state grants."""
    from applications.models import CaseGroupObjectPermission, CaseUserObjectPermission

    perm_ids = _permission_ids()
    want_groups, want_users = _desired_rows(
        case,
        perm_ids=perm_ids,
        province_group_id=_province_group_id(),
        expert_ids=_assigned_expert_ids([case.pk]).get(case.pk, []),
    )
    for model, holder, wanted in (
        (CaseGroupObjectPermission, "group_id", want_groups),
        (CaseUserObjectPermission, "user_id", want_users),
    ):
        existing = {
            (holder_id, perm_id): row_id
            for row_id, holder_id, perm_id in model.objects.filter(content_object=case).values_list(
                "id", holder, "permission_id"
            )
        }
        stale = [row_id for key, row_id in existing.items() if key not in wanted]
        if stale:
            model.objects.filter(id__in=stale).delete()
        missing = wanted - existing.keys()
        model.objects.bulk_create(
            model(content_object=case, permission_id=perm_id, **{holder: holder_id}) for holder_id, perm_id in missing
        )


@transaction.atomic
def case_permissions_grant_bulk(*, cases) -> None:
    """Grant the permissions of freshly created cases that have none yet (demo data,
    benchmarks): the same table, written in a few bulk inserts."""
    from applications.models import CaseGroupObjectPermission, CaseUserObjectPermission

    perm_ids = _permission_ids()
    province_group_id = _province_group_id()
    experts = _assigned_expert_ids([case.pk for case in cases])
    group_objs, user_objs = [], []
    for case in cases:
        groups, users = _desired_rows(
            case, perm_ids=perm_ids, province_group_id=province_group_id, expert_ids=experts.get(case.pk, [])
        )
        group_objs += [CaseGroupObjectPermission(content_object=case, group_id=g, permission_id=p) for g, p in groups]
        user_objs += [CaseUserObjectPermission(content_object=case, user_id=u, permission_id=p) for u, p in users]
    CaseGroupObjectPermission.objects.bulk_create(group_objs, batch_size=2000)
    CaseUserObjectPermission.objects.bulk_create(user_objs, batch_size=2000)
