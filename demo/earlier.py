"""The demo's earlier campaign (2023), run the whole way and archived: a few cases
submitted, recommended, ranked, scored, decided (selected and not selected), the 公示
and the 通报 published, the selected cases recommended to the NRTA in the province's
order. So the province's results, publication and NRTA pages, and the year-over-year
statistics, have a finished year to show beside the 2024 campaign in progress.

Every move goes through the real services by the people who would make it; only the
clock is moved (the deadline passing, the 公示 period running out, and at the end the
year's dates put a year back), as in demo/journeys.py."""

import itertools
from datetime import timedelta

from django.utils import timezone

from applications.enums import AttachmentKind
from applications.models import Campaign
from applications.services import attachment_add, campaign_create
from demo.cases import DEMO_CASES
from demo.journeys import _demo_scores, _stamped_scan, demo_case_create
from demo.organisations import Cast
from reviews.enums import StageStatus
from reviews.experts.services import auto_assign, score_save, stage_set_status
from reviews.models import ExpertAssignment, Panel, Publication, Score
from reviews.outcome.publication import announcement_publish, notice_publish
from reviews.ranking.services import ranking_scan_upload, ranking_submit, table_for
from workflow.services import apply_transition

YEAR = 2023
# Which of the demo's texts the earlier year's cases reuse (one or two per category),
# and how many of them are selected (the best scored); the rest are not.
CASES = 6
SELECTED = 4
# How many of them the province recommends to the NRTA (its places are few): the rest
# stay 入选 in the province.
TO_NRTA = 3
NOT_SELECTED_REASON = "专家评审综合得分未达到入选线，宁缺毋滥。"


def run_earlier_campaign(cast: Cast) -> Campaign:
    people = cast.people
    admin = people["admin"]
    now = timezone.localtime()
    deadline = (now + timedelta(days=30)).replace(hour=17, minute=0, second=0, microsecond=0)
    campaign = campaign_create(
        year=YEAR,
        title=f"{YEAR}年全省广播电视媒体融合典型案例征集和评选",
        notice_number=f"吉广电明电〔{YEAR}〕21号",
        submission_deadline=deadline,
        ranking_deadline=deadline + timedelta(days=14),
        contact="吉林省广播电视局媒体融合发展处，0431-85816713",
    )
    apply_transition(subject=campaign, action="open_collection", actor=admin)
    categories = {category.code: category for category in campaign.categories.all()}

    # One case per unit, from units of different authorities, each on one of the texts.
    specs = _one_text_per_category_first(DEMO_CASES)[:CASES]
    units = list(itertools.islice(_units_across_authorities(cast.units), CASES))
    cases = []
    for spec, unit in zip(specs, units, strict=True):
        applicant = people["applicant"][unit.pk]
        case = demo_case_create(
            campaign=campaign, category=categories[spec["category"]], spec=spec, applicant=applicant
        )
        attachment_add(case=case, actor=applicant, uploaded=_stamped_scan(case), kind=AttachmentKind.STAMPED_SCAN)
        apply_transition(subject=case, action="submit", actor=applicant)
        apply_transition(subject=case, action="recommend", actor=people["reviewer"][case.authority_id])
        cases.append(case)

    # The deadline passes; every authority submits its table.
    Campaign.objects.filter(pk=campaign.pk).update(submission_deadline=now - timedelta(days=1))
    campaign.refresh_from_db()
    apply_transition(subject=campaign, action="close_collection", actor=admin)
    for authority_id in sorted({case.authority_id for case in cases}):
        reviewer = people["reviewer"][authority_id]
        table = table_for(campaign=campaign, authority=reviewer.organisation)
        ranking_scan_upload(table=table, actor=reviewer, uploaded=_stamped_scan(table))
        ranking_submit(campaign=campaign, authority=reviewer.organisation, actor=reviewer)

    # Expert review: one panel for all categories, automatic assignment, every expert scores.
    apply_transition(subject=campaign, action="start_expert_review", actor=admin)
    stage = stage_set_status(stage=campaign.stages.get(order=1), actor=admin, status=StageStatus.OPEN)
    Panel.objects.create(campaign=campaign, name="综合评审组").experts.set(people["experts"])
    auto_assign(stage=stage, actor=admin)
    criteria = list(campaign.rubric.criteria.all())
    for assignment in ExpertAssignment.objects.filter(stage=stage).select_related("expert", "stage", "case"):
        entries = _demo_scores(assignment.case, assignment, criteria)
        score_save(assignment=assignment, actor=assignment.expert, entries=entries, submit=True)
    for case in cases:
        apply_transition(subject=case, action="complete_review", actor=admin)

    # The decisions: the best scored selected, the others not.
    apply_transition(subject=campaign, action="start_decision", actor=admin)
    ranked = sorted(cases, key=lambda case: -_mean_score(case))
    for case in ranked[:SELECTED]:
        apply_transition(subject=case, action="select", actor=admin)
    for case in ranked[SELECTED:]:
        apply_transition(subject=case, action="reject_selection", actor=admin, comment=NOT_SELECTED_REASON)

    # The 公示 from today for seven days; the period runs out (the demo's clock); the 通报.
    today = now.date()
    notice_publish(
        campaign=campaign,
        actor=admin,
        title=f"关于{YEAR}年全省广播电视媒体融合典型案例评选结果的公示",
        starts_on=today,
        ends_on=today + timedelta(days=6),
    )
    apply_transition(subject=campaign, action="start_public_notice", actor=admin)
    Publication.objects.filter(campaign=campaign).update(
        starts_on=today - timedelta(days=9), ends_on=today - timedelta(days=3)
    )
    announcement_publish(
        campaign=campaign, actor=admin, title=f"关于{YEAR}年全省广播电视媒体融合典型案例评选结果的通报"
    )
    apply_transition(subject=campaign, action="announce", actor=admin)

    # The best selected cases to the NRTA, in the order of their scores; the year archived.
    apply_transition(subject=campaign, action="start_nrta", actor=admin)
    for case in ranked[:TO_NRTA]:
        case.refresh_from_db()
        apply_transition(subject=case, action="recommend_to_nrta", actor=admin)
    apply_transition(subject=campaign, action="archive", actor=admin)

    # The year's own dates, a year back (the demo's clock), so the campaign reads as last year's.
    year_ago = timedelta(days=365)
    Campaign.objects.filter(pk=campaign.pk).update(
        submission_deadline=campaign.submission_deadline - year_ago,
        ranking_deadline=campaign.ranking_deadline - year_ago,
    )
    for publication in Publication.objects.filter(campaign=campaign):
        moved = {"published_at": publication.published_at - year_ago}
        for name in ("starts_on", "ends_on", "issued_on"):  # the 通报 has no period
            if getattr(publication, name, None) is not None:
                moved[name] = getattr(publication, name) - year_ago
        Publication.objects.filter(pk=publication.pk).update(**moved)
    campaign.refresh_from_db()
    return campaign


def _one_text_per_category_first(specs):
    """The texts ordered so that the first four cover the four categories."""
    firsts, rest, seen = [], [], set()
    for spec in specs:
        (rest if spec["category"] in seen else firsts).append(spec)
        seen.add(spec["category"])
    return firsts + rest


def _units_across_authorities(units):
    """Units taking each authority in turn (a table per authority, several authorities)."""
    by_authority = {}
    for unit in units:
        by_authority.setdefault(unit.authority_id, []).append(unit)
    for group in itertools.zip_longest(*by_authority.values()):
        yield from (unit for unit in group if unit is not None)


def _mean_score(case) -> float:
    values = [score.value for score in Score.objects.filter(assignment__case=case) if score.value is not None]
    return float(sum(values) / len(values)) if values else 0.0
