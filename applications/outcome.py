"""What an applicant may know of its case's outcome: nothing until the province
publishes the 公示. Until then the case simply reads as being in expert review."""

from applications.enums import CaseState
from applications.lifecycle import hooks

# The states that would tell the outcome (or that the review is over) before it is published.
OUTCOME_STATES = frozenset(
    {CaseState.REVIEWED, CaseState.SELECTED, CaseState.NOT_SELECTED, CaseState.RECOMMENDED_TO_NRTA}
)


def published_campaign_ids() -> set[int]:
    return hooks.published_campaign_ids()


def shown_state(state: str, *, campaign_id: int, for_applicant: bool, published: set[int]) -> CaseState:
    if for_applicant and state in OUTCOME_STATES and campaign_id not in published:
        return CaseState.IN_EXPERT_REVIEW
    return CaseState(state)


def state_shown_to(user, case) -> CaseState:
    for_applicant = bool(user.is_applicant and user.organisation_id == case.unit_id)
    published = published_campaign_ids() if for_applicant and case.state in OUTCOME_STATES else set()
    return shown_state(case.state, campaign_id=case.campaign_id, for_applicant=for_applicant, published=published)
