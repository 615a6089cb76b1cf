"""Who may use which URL: THE TABLE the access matrix (test_access_matrix.py) checks
every URL pattern of the resolver against, for every role of the cast, by GET and POST.

Adding a URL? Add its name to ACCESS below with
  - `allowed`: the roles of the cast that may use it (everyone else must get `refused`,
    404 by default, and the database must not change);
  - `ids`: which real objects of the world (tests/security/world.py) fill its URL's
    arguments, when it has any besides `year`; choose another party's object, so the
    refusals prove something.
The test fails, naming the URL, while a pattern of the resolver is missing here.

Answers other than 404 that a refused role may get, and why they leak nothing:
  - anonymous: a redirect to the sign-in page (login_required), before any lookup;
  - 405 to a GET of a POST-only URL (require_POST), before any lookup;
  - the admin (admin:*): no cast member is staff, so every admin URL redirects to the
    admin's sign-in page, before any lookup;
  - a role in `sees` (it may read the object, not act on it): 403, or a redirect back
    with the reason as a message.
"""

from dataclasses import dataclass, field

ANON = "anonymous"
APPLICANTS = frozenset({"applicant_a", "applicant_b", "applicant_p"})
REVIEWERS = frozenset({"reviewer_a", "reviewer_b", "province_reviewer"})
EXPERTS = frozenset({"expert_assigned", "expert_unassigned", "expert_second_round"})
ADMIN = frozenset({"province_admin"})
SIGNED_IN = APPLICANTS | REVIEWERS | EXPERTS | ADMIN
EVERYONE = SIGNED_IN | {ANON}
NOBODY = frozenset()
# Who reads the case in expert review of unit A (city A): its unit, its authority, the
# province's administrator, its assigned expert.
READERS_OF_A_CASE = frozenset({"applicant_a", "reviewer_a", "province_admin", "expert_assigned"})


@dataclass(frozen=True)
class Access:
    allowed: frozenset
    # URL arguments: {"pk": "in_review"} means the world's `in_review` object's pk;
    # a value that is not an attribute of the world is used as it is.
    ids: dict = field(default_factory=dict)
    refused: int = 404
    # Roles that see the object but may not act on it: refused with 403 or a redirect
    # back to the page with a message (a transition they cannot take), never a change.
    sees: frozenset = frozenset()
    # A query string the allowed roles need ({"expert": "expert_assigned"}: that user's pk).
    query: dict = field(default_factory=dict)


CASE = {"pk": "in_review"}
DRAFT = {"pk": "draft"}

ACCESS: dict[str, Access] = {
    # --- applications ------------------------------------------------------------------
    "dashboard": Access(SIGNED_IN),
    "case_new": Access(APPLICANTS),
    "case_detail": Access(READERS_OF_A_CASE, CASE),
    "case_transition": Access(ADMIN, {**CASE, "action": "complete_review"}, sees=READERS_OF_A_CASE),
    "case_edit": Access(frozenset({"applicant_a"}), DRAFT),
    "case_autosave": Access(frozenset({"applicant_a"}), DRAFT),
    "attachment_upload": Access(frozenset({"applicant_a"}), DRAFT),
    # A draft is its unit's alone.
    "attachment_download": Access(frozenset({"applicant_a"}), {**DRAFT, "attachment_id": "evidence"}),
    "attachment_delete": Access(frozenset({"applicant_a"}), {**DRAFT, "attachment_id": "evidence"}),
    "link_create": Access(frozenset({"applicant_a"}), DRAFT),
    "link_delete": Access(frozenset({"applicant_a"}), {**DRAFT, "link_id": "link"}),
    "case_pdf": Access(READERS_OF_A_CASE - {"expert_assigned"}, CASE),
    "case_docx": Access(READERS_OF_A_CASE - {"expert_assigned"}, CASE),
    # --- reviews: the authorities' preliminary review and ranking ---------------------
    "reviews:home": Access(REVIEWERS | ADMIN),
    "reviews:queue": Access(REVIEWERS | ADMIN),
    "reviews:ranking": Access(REVIEWERS | ADMIN),
    "reviews:ranking_order": Access(REVIEWERS | ADMIN),
    "reviews:ranking_step": Access(REVIEWERS | ADMIN),
    "reviews:ranking_scan": Access(REVIEWERS | ADMIN),
    "reviews:ranking_submit": Access(REVIEWERS | ADMIN),
    "reviews:ranking_pdf": Access(REVIEWERS | ADMIN),
    "reviews:ranking_xlsx": Access(REVIEWERS | ADMIN),
    # --- reviews: the province --------------------------------------------------------
    "reviews:overview": Access(ADMIN),
    "reviews:tables": Access(ADMIN),
    # The scan of city A's table: the province, and city A's reviewer (its own table).
    "reviews:table_scan": Access(ADMIN | {"reviewer_a"}, {"table_id": "table"}),
    "reviews:table_return": Access(ADMIN, {"table_id": "table"}),
    "reviews:review_manage": Access(ADMIN),
    "reviews:stage_open": Access(ADMIN),
    "reviews:stage_close": Access(ADMIN),
    "reviews:auto_assign": Access(ADMIN),
    "reviews:assign": Access(ADMIN),
    "reviews:assignment_remove": Access(ADMIN),
    "reviews:assignment_reopen": Access(ADMIN),
    "reviews:results": Access(ADMIN),
    "reviews:complete_reviews": Access(ADMIN),
    "reviews:score_sheet": Access(ADMIN),
    "reviews:publication": Access(ADMIN),
    "reviews:notice_publish": Access(ADMIN),
    "reviews:objection_record": Access(ADMIN),
    "reviews:objection_answer": Access(ADMIN),
    "reviews:announcement_publish": Access(ADMIN),
    "reviews:announcement_pdf": Access(ADMIN),
    "reviews:announcement_xlsx": Access(ADMIN),
    "reviews:nrta": Access(ADMIN),
    "reviews:nrta_move_up": Access(ADMIN),
    "reviews:nrta_move_down": Access(ADMIN),
    "reviews:nrta_package_request": Access(ADMIN),
    "reviews:nrta_package": Access(ADMIN, {"package_id": "package"}),
    "reviews:notice_pdf": Access(ADMIN),
    "reviews:notice_docx": Access(ADMIN),
    "reviews:announcement_docx": Access(ADMIN),
    "reviews:case_return": Access(ADMIN, CASE),
    "reviews:stage_advance": Access(ADMIN),
    "reviews:selection_rules": Access(ADMIN),
    # --- the campaign: its phases and extensions, its set-up (the administrator's) ----
    "campaign_phase": Access(ADMIN),
    "campaign_phase_move": Access(ADMIN, {"action": "close_collection"}),
    "extension_create": Access(ADMIN),
    "reviews:campaigns": Access(ADMIN),
    "reviews:campaign_new": Access(ADMIN),
    "reviews:setup": Access(ADMIN),
    "reviews:setup_basics": Access(ADMIN),
    "reviews:setup_deadlines": Access(ADMIN),
    "reviews:setup_quotas": Access(ADMIN),
    "reviews:setup_files": Access(ADMIN),
    "reviews:setup_rubric": Access(ADMIN),
    "reviews:setup_rounds": Access(ADMIN),
    "reviews:schema_editor": Access(ADMIN, {"code": "platform"}),
    "reviews:schema_preview": Access(ADMIN, {"code": "platform"}),
    # --- reviews: the experts ----------------------------------------------------------
    "reviews:expert_queue": Access(EXPERTS),
    "reviews:score": Access(frozenset({"expert_assigned"}), {"pk": "assignment"}),
    "reviews:declare_conflict": Access(frozenset({"expert_assigned"}), {"pk": "assignment"}),
    # An expert's own sheets of a round they review in; any expert's for the administrator.
    "reviews:review_sheets": Access(
        ADMIN | {"expert_assigned"}, {"stage_id": "stage"}, query={"expert": "expert_assigned"}
    ),
    # --- accounts ---------------------------------------------------------------------
    "accounts:login": Access(EVERYONE),
    "accounts:logout": Access(EVERYONE),
    "accounts:password_change": Access(SIGNED_IN),
    "accounts:password_change_done": Access(SIGNED_IN),
    "accounts:register": Access(EVERYONE),
    "accounts:register_done": Access(EVERYONE),
    "accounts:password_reset": Access(EVERYONE),
    "accounts:password_reset_done": Access(EVERYONE),
    "accounts:password_reset_confirm": Access(EVERYONE, {"uidb64": "uidb64", "token": "token"}),
    "accounts:password_reset_complete": Access(EVERYONE),
    "accounts:registrations": Access(REVIEWERS | ADMIN),
    "accounts:registration_approve": Access(frozenset({"reviewer_a"}), {"pk": "pending"}),
    "accounts:registration_reject": Access(frozenset({"reviewer_a"}), {"pk": "pending"}),
    "set_language": Access(EVERYONE),
    # Health for the load balancer and monitoring: no sign-in, no private data.
    "healthz": Access(EVERYONE),
    # The admin's own sign-in and sign-out pages (the rest of the admin: admin_access).
    "admin:login": Access(EVERYONE),
    "admin:logout": Access(EVERYONE),
}  # fmt: skip


def admin_access() -> Access:
    """Every admin:* URL, and the admin's unnamed patterns: nobody of the cast."""
    return Access(NOBODY, {"object_id": "in_review", "content_type_id": 1, "id": "in_review",
                           "app_label": "applications", "url": "nothing/"})  # fmt: skip


def access_for(key: str) -> Access | None:
    if key in ACCESS:
        return ACCESS[key]
    if key.startswith(("admin:", "admin/")):
        return admin_access()
    return None
