"""Which party holds which object permission on a case in each state, and who the
parties are. The engine (workflow.permissions) keeps guardian's rows equal to this
table: deny by default, and a state grants only what its row lists.

Changing the table needs a migration that rebuilds the rows of existing cases (see
applications/migrations/*_sync_case_permissions_*.py); a test fails until it exists.
"""

from accounts.enums import OrgKind
from accounts.models import Organisation
from accounts.roles import province_admin_group_ids
from applications.enums import EDITABLE_STATES, PROVINCIAL_STATES, SEEN_BY_AUTHORITY_STATES, CaseState, Party
from applications.lifecycle import hooks
from workflow.machines import Holders

VIEW, CHANGE, SUBMIT, WITHDRAW = "view_case", "change_case", "submit_case", "withdraw_case"
REVIEW, DECIDE, SCORE = "review_case", "decide_case", "score_case"


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
        # NOT_SELECTED too: the decision can be reconsidered until the 公示.
        if state != CaseState.RECOMMENDED_TO_NRTA:
            grants[Party.PROVINCE].add(DECIDE)
    if state == CaseState.IN_EXPERT_REVIEW:
        grants[Party.ASSIGNED_EXPERTS].add(SCORE)
    return {party: frozenset(perms) for party, perms in grants.items()}


STATE_GRANTS: dict[CaseState, dict[Party, frozenset[str]]] = {state: grants_for_state(state) for state in CaseState}


def case_holders(cases: list) -> dict[int, dict[Party, Holders]]:
    """Who stands in each party's place for each case, in three queries for any number
    of cases: the organisations' groups, the province's group, the assigned experts."""
    org_ids = {case.unit_id for case in cases} | {case.authority_id for case in cases}
    group_of = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "group_id"))
    # The province's decisions belong to its administrators, not to its reviewers of the
    # provincial units (who hold the authority's rights on those cases only).
    province_groups = province_admin_group_ids(Organisation.objects.filter(kind=OrgKind.PROVINCE))
    experts = hooks.assigned_experts([case.pk for case in cases])
    return {
        case.pk: {
            Party.APPLICANT: Holders(group_ids=(group_of[case.unit_id],)),
            Party.AUTHORITY: Holders(group_ids=(group_of[case.authority_id],)),
            Party.PROVINCE: Holders(group_ids=province_groups),
            Party.ASSIGNED_EXPERTS: Holders(user_ids=tuple(experts.get(case.pk, ()))),
        }
        for case in cases
    }


def rebuild_case_permissions(apps, schema_editor) -> None:
    """RunPython of the migrations that rebuild every case's rows (see the module's
    docstring). It runs the live code on purpose: the engine is the only writer of
    these rows. Nothing to do on an empty database."""
    from django.apps import apps as live_apps
    from django.contrib.auth.management import create_permissions

    from applications.models import Case
    from workflow.permissions import permissions_sync_all

    if not Case.objects.exists():
        return
    create_permissions(live_apps.get_app_config("applications"), verbosity=0)
    permissions_sync_all(model=Case)
