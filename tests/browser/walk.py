"""Every page of every role, for the browser tests that walk the whole site
(test_every_page.py): widths and accessibility, in both languages.

`WALK` maps a demo account (None: signed out) to the pages it opens, as paths with
placeholders filled from the seeded demo (`demo_ids`). To add a page, add its path to
the role's list; to add a role, add an account of the demo and its list. A page that
needs an object names it with a placeholder that `demo_ids` answers.
"""

from accounts.models import Organisation, User
from applications.enums import CaseState
from applications.models import Campaign, Case, Category
from reviews.models import ExpertAssignment

PAST_REVIEW = [CaseState.REVIEWED, CaseState.SELECTED, CaseState.NOT_SELECTED, CaseState.RECOMMENDED_TO_NRTA]

WALK: dict[str | None, list[str]] = {
    None: [
        "/accounts/login/",
        "/accounts/register/",
        "/accounts/password/reset/",
        "/accounts/password/reset/sent/",
        "/accounts/password/reset/complete/",
        "/accounts/password/reset/MQ/no-such-token/",
        "/accounts/register/done/",
        "/no-such-page/",
    ],
    # Applicant units: one with a draft, one with cases in review, one with a returned case.
    "fusong": [
        "/",
        "/cases/new/",
        "/cases/{fusong_draft}/edit/",
        "/cases/{fusong_draft}/",
        "/accounts/unit/",
        "/accounts/password/",
        "/accounts/password/done/",
        "/accounts/inbox/",
        "/accounts/security/",
        "/accounts/otp/setup/",
    ],
    "jiutai": [
        "/",
        "/cases/{jiutai_case}/",
    ],
    "dongfeng": [
        "/",
        "/cases/{returned_case}/",
        "/cases/{returned_case}/edit/",
    ],
    # An authority whose ranking table is still open, one that submitted it.
    "siping-review": [
        "/",
        "/review/{year}/",
        "/review/{year}/ranking/",
        "/cases/{siping_submitted}/",
        "/accounts/registrations/",
        "/statistics/{year}/",
        "/accounts/inbox/",
    ],
    # The province's own reviewer, for the provincial units' cases.
    "jlgd-review": [
        "/review/{year}/",
        "/review/{year}/ranking/",
    ],
    "changchun-review": [
        "/review/{year}/",
        "/review/{year}/ranking/",
    ],
    "jlgd-admin": [
        "/",
        "/province/{year}/",
        "/province/{year}/tables/",
        "/province/{year}/review/",
        "/province/{year}/results/",
        "/province/{year}/results/rules/",
        "/province/{year}/publication/",
        "/province/{year}/nrta/",
        "/province/campaigns/",
        "/province/campaigns/new/",
        "/province/{year}/setup/",
        "/province/{year}/setup/forms/{category}/",
        "/campaigns/{year}/phase/",
        "/province/{year}/review/matrix/",
        "/statistics/{year}/",
        "/statistics/{earlier_year}/",
        "/cases/{in_review_case}/",
        "/cases/{reviewed_case}/",
        "/accounts/registrations/",
        "/accounts/inbox/",
        "/accounts/mail-templates/",
        "/accounts/mail-templates/case_transition/",
        "/accounts/security/",
        # The archived 2023 campaign, run the whole way.
        "/province/{earlier_year}/",
        "/province/{earlier_year}/review/",
        "/province/{earlier_year}/results/",
        "/province/{earlier_year}/publication/",
        "/province/{earlier_year}/nrta/",
        "/province/{earlier_year}/setup/",
    ],
    "expert1": [
        "/expert/",
        "/expert/assignments/{expert1_assignment}/",
        "/accounts/inbox/",
        "/accounts/otp/verify/",
    ],
    # The three operations administrators (三权分立).
    "sysadmin": [
        "/admin/",
        "/admin/accounts/user/",
        "/accounts/security/",
    ],
    "secadmin": [
        "/accounts/security-admin/",
        "/accounts/security/",
    ],
    "auditadmin": [
        "/accounts/audit/",
    ],
    # Django's admin, with the fixes of templates/admin/base_site.html.
    "admin": [
        "/admin/",
        "/admin/applications/campaign/{campaign_pk}/change/",
        "/admin/applications/case/",
        "/admin/accounts/organisation/",
        "/admin/accounts/organisation/{fusong_unit}/change/",
        "/admin/accounts/user/{expert1_pk}/change/",
        "/admin/reviews/panel/add/",
    ],
}


def demo_ids() -> dict[str, object]:
    """The objects the walk's placeholders name, read from the seeded demo."""
    campaign = Campaign.objects.order_by("-year").first()
    cases = Case.objects.filter(campaign=campaign).order_by("pk")
    expert1 = User.objects.get(username="expert1")
    assignment = ExpertAssignment.objects.filter(expert=expert1).order_by("pk").first()
    return {
        "year": campaign.year,
        "campaign_pk": campaign.pk,
        "fusong_unit": Organisation.objects.get(code="fusong").pk,
        "expert1_pk": expert1.pk,
        "category": Category.objects.filter(campaign=campaign).order_by("pk").first().code,
        "fusong_draft": cases.filter(unit__code="fusong", state=CaseState.DRAFT).first().pk,
        "jiutai_case": cases.filter(unit__code="jiutai").exclude(state=CaseState.DRAFT).first().pk,
        "returned_case": cases.filter(unit__code="dongfeng", state=CaseState.RETURNED).first().pk,
        "siping_submitted": cases.filter(unit__authority__members__username="siping-review").first().pk,
        "in_review_case": cases.filter(state=CaseState.IN_EXPERT_REVIEW).first().pk,
        # Past the experts: this year's if any, else a decided case of the earlier year.
        "reviewed_case": Case.objects.filter(state__in=PAST_REVIEW)
        .order_by("-campaign__year", "pk")
        .values_list("pk", flat=True)
        .first(),
        "expert1_assignment": assignment.pk,
        "expert1_stage": assignment.stage_id,
        "earlier_year": Campaign.objects.filter(year__lt=campaign.year).order_by("-year").first().year,
    }


def walk_urls(ids: dict[str, object]) -> list[tuple[str | None, str]]:
    return [(account, path.format(**ids)) for account, paths in WALK.items() for path in paths]
