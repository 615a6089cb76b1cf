"""What the case's life needs from the review app, which `applications` may not import.

`reviews` implements each of these in its `AppConfig.ready()` (reviews/apps.py).
"""

from workflow.extensions import Hook

# Conditions
case_table_locked = Hook(
    "case_table_locked", "(case) -> bool: the ranking table holding the case has gone to the province."
)
expert_review_progress = Hook(
    "expert_review_progress", "(case) -> (assigned, submitted): the case's expert assignments and those scored."
)
# The rules of the selection, enforced on the case's own transitions.
gate_refusals = Hook(
    "gate_refusals", "(case) -> [str]: the gates (政治性 …) the case failed, as reasons it cannot be selected."
)
quota_refusals = Hook("quota_refusals", "(case) -> [str]: the hard quotas selecting the case would exceed.")
objection_upheld = Hook("objection_upheld", "(case) -> bool: an objection against the case during the 公示 was upheld.")
announcement_published = Hook("announcement_published", "(campaign) -> bool: the campaign's 通报 is published.")

# Effects, called inside the transition's transaction with (subject=case, record=record)
recommended = Hook("recommended", "A case was recommended: append it to its authority's ranking table.")
recommendation_revoked = Hook("recommendation_revoked", "A recommendation was revoked: take it off the table.")
recommended_to_nrta = Hook("recommended_to_nrta", "A case was recommended to the NRTA: append it to that list.")

# Permissions and visibility
assigned_experts = Hook(
    "assigned_experts", "(case_ids) -> {case_id: [user_id]}: the experts assigned to each case, in one query."
)
published_kinds = Hook(
    "published_kinds", "(campaign) -> set of the publication kinds published: 'notice' (公示), 'announcement' (通报)."
)
published_campaign_ids = Hook("published_campaign_ids", "() -> set of campaign ids whose 公示 is published.")

# A new campaign's review set-up (the default rubric and first round).
campaign_created = Hook("campaign_created", "(campaign) -> None: set up what the review needs of a new campaign.")
# A campaign cloned from another: copy what the review needs (rubric, criteria, rounds).
campaign_cloned = Hook(
    "campaign_cloned", "(source, campaign) -> None: copy the source's review set-up into the new campaign."
)
