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
  - the admin (admin:*): every member of the cast but the system administrator is not
    staff, so every admin URL redirects them to the admin's sign-in page, before any
    lookup; the system administrator (staff, no model permission: organisations and
    accounts by accounts.admin.SystemAdminOnly) gets the admin's own refusals, 403
    (PermissionDenied) for a model they may not see or a deletion, 404 for an app with no
    model they may see (see admin_access);
  - `redirects_to_refusal`: a redirect to another page of the site that refuses the role
    in its turn (the test follows it and asserts that page's 404);
  - a role in `sees` (it may read the object, not act on it): 403, or a redirect back
    with the reason as a message.
"""

from dataclasses import dataclass, field

ANON = "anonymous"
APPLICANTS = frozenset({"applicant_a", "applicant_b", "applicant_p"})
REVIEWERS = frozenset({"reviewer_a", "reviewer_b", "province_reviewer"})
EXPERTS = frozenset({"expert_assigned", "expert_unassigned", "expert_second_round"})
ADMIN = frozenset({"province_admin"})
# The people who work on the cases.
CASEWORK = APPLICANTS | REVIEWERS | EXPERTS | ADMIN
# The three administrators of the separation of duties (三权分立), none of whom holds a
# right over any case: the system administrator keeps organisations and accounts (in the
# admin), the security administrator roles, lockouts and two-factor resets, the audit
# administrator reads and exports the audit log. Each is refused the others' duties.
SYSTEM_ADMIN = frozenset({"system_admin"})
SECURITY_ADMIN = frozenset({"security_admin"})
AUDIT_ADMIN = frozenset({"audit_admin"})
OPERATIONS = SYSTEM_ADMIN | SECURITY_ADMIN | AUDIT_ADMIN
SIGNED_IN = CASEWORK | OPERATIONS
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
    # Roles refused by a redirect to the page the object lives on, which refuses them (404).
    redirects_to_refusal: frozenset = frozenset()


CASE = {"pk": "in_review"}
DRAFT = {"pk": "draft"}

ACCESS: dict[str, Access] = {
    # --- applications ------------------------------------------------------------------
    "dashboard": Access(SIGNED_IN),
    # A long job (core/jobs.py): its page, its state, its file, for whoever its kind
    # lets see it; the world's is an NRTA package, the province's alone.
    "job": Access(ADMIN, {"pk": "package"}),
    "job_status": Access(ADMIN, {"pk": "package"}),
    "job_download": Access(ADMIN, {"pk": "package"}),
    # The dashboard's list as Excel: what the user may see (experts read theirs on the expert queue).
    "dashboard_xlsx": Access(SIGNED_IN - EXPERTS),
    "case_new": Access(APPLICANTS),
    "case_detail": Access(READERS_OF_A_CASE, CASE),
    "case_transition": Access(ADMIN, {**CASE, "action": "complete_review"}, sees=READERS_OF_A_CASE),
    # A never-submitted draft is its unit's to delete.
    "case_delete": Access(frozenset({"applicant_a"}), DRAFT),
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
    "reviews:queue_bulk": Access(REVIEWERS | ADMIN),
    "reviews:queue_xlsx": Access(REVIEWERS | ADMIN),
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
    "reviews:results_decide": Access(ADMIN),
    "reviews:assignment_matrix": Access(ADMIN),
    "reviews:assignment_matrix_save": Access(ADMIN),
    "reviews:assignment_matrix_xlsx": Access(ADMIN),
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
    "reviews:expert_queue_xlsx": Access(EXPERTS),
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
    # The unit's own record, read-only.
    "accounts:unit_profile": Access(APPLICANTS),
    "accounts:registrations": Access(REVIEWERS | ADMIN),
    "accounts:registrations_bulk_approve": Access(REVIEWERS | ADMIN),
    "accounts:registration_approve": Access(frozenset({"reviewer_a"}), {"pk": "pending"}),
    "accounts:registration_reject": Access(frozenset({"reviewer_a"}), {"pk": "pending"}),
    # Everyone's own sign-in security: the page, the authenticator, the recovery codes.
    "accounts:account_security": Access(SIGNED_IN),
    "accounts:otp_setup": Access(SIGNED_IN),
    "accounts:otp_verify": Access(SIGNED_IN),
    "accounts:otp_recovery_codes": Access(SIGNED_IN),
    # The security administrator's duty (a lockout to lift).
    "accounts:security_admin": Access(SECURITY_ADMIN),
    "accounts:lockout_lift": Access(SECURITY_ADMIN, {"pk": "lockout"}),
    "accounts:role_set": Access(SECURITY_ADMIN),
    "accounts:otp_reset": Access(SECURITY_ADMIN),
    # The audit administrator's duty.
    "accounts:audit_log": Access(AUDIT_ADMIN),
    "accounts:audit_log_export": Access(AUDIT_ADMIN),
    # Everyone's own inbox; one message (applicant_b's) is opened and read by its owner only.
    "accounts:inbox": Access(SIGNED_IN),
    "accounts:inbox_open": Access(frozenset({"applicant_b"}), {"pk": "notification"}),
    "accounts:inbox_read": Access(frozenset({"applicant_b"}), {"pk": "notification"}),
    "accounts:inbox_read_all": Access(SIGNED_IN),
    # The province's wording of the messages.
    "accounts:mail_templates": Access(ADMIN),
    "accounts:mail_template_edit": Access(ADMIN, {"event": "case_transition"}),
    # --- statistics: the province's (all units), each authority's (its own units) -----
    "reviews:statistics_home": Access(REVIEWERS | ADMIN),
    "reviews:statistics": Access(REVIEWERS | ADMIN),
    "reviews:statistics_xlsx": Access(REVIEWERS | ADMIN),
    "reviews:league_weights": Access(ADMIN),
    "set_language": Access(EVERYONE),
    # Health for the load balancer and monitoring: no sign-in, no private data.
    "healthz": Access(EVERYONE),
    # The admin's own sign-in and sign-out pages (the rest of the admin: admin_access).
    "admin:login": Access(EVERYONE),
    "admin:logout": Access(EVERYONE),
}  # fmt: skip


# The admin. The system administrator (staff) keeps organisations and accounts there;
# everything else in it (case content, the workflow's records, scores, groups, lockouts,
# devices, tasks) is refused them, and the whole admin to everyone else of the cast.
ADMIN_SITE = {"admin:index", "admin:password_change", "admin:password_change_done", "admin:jsi18n"}
ADMIN_IDS = {"object_id": "in_review", "content_type_id": "case_content_type", "id": "in_review",
             "pk": "totp_device", "app_label": "applications", "url": "nothing/"}  # fmt: skip
# The system administrator's models in the admin, each with an object of the world.
ADMIN_MODELS = {"accounts_user": "applicant_a", "accounts_organisation": "unit_a"}


def admin_access(key: str) -> Access:
    if key in ADMIN_SITE:
        return Access(SYSTEM_ADMIN)
    if key == "admin:autocomplete":
        # The account form's organisation field (the only autocomplete of accounts' admin).
        return Access(SYSTEM_ADMIN, query={"app_label": "accounts", "model_name": "user", "field_name": "organisation"})
    if key == "admin:view_on_site":
        # Django's shortcut redirects staff to the case's own page, which refuses them.
        return Access(NOBODY, ADMIN_IDS, redirects_to_refusal=SYSTEM_ADMIN)
    for model, source in ADMIN_MODELS.items():
        pages = (f"admin:{model}_", "admin/" + model.replace("_", "/", 1) + "/")
        if key.startswith(pages) or (model == "accounts_user" and key == "admin:auth_user_password_change"):
            ids = {**ADMIN_IDS, "object_id": source, "id": source}
            # Deleting an account or an organisation is the installer's (the superuser's).
            return Access(NOBODY if key.endswith("_delete") else SYSTEM_ADMIN, ids)
    return Access(NOBODY, ADMIN_IDS)


def access_for(key: str) -> Access | None:
    if key in ACCESS:
        return ACCESS[key]
    if key.startswith(("admin:", "admin/")):
        return admin_access(key)
    return None
