"""Moving the demo campaign and its cases through the workflow: the province opens the
campaign, every case is created by its applicant and moved by the people who would move
it (submit, return, reject, recommend), the submission deadline passes, the province
closes the collection (初审排序), some authorities submit their ranking tables, the
province grants two extensions, and the experts start on the cases that reached the
province. So the demo's history, permissions and notifications are the real thing, and
the campaign is in 初审排序 with a blocker list to show."""

import io
import itertools
from collections import Counter
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Organisation
from applications.enums import AttachmentKind, CaseState
from applications.models import Campaign
from applications.phases.services import extension_grant
from applications.services import attachment_add, case_create
from demo.cases import DEMO_CASES
from demo.organisations import Cast
from reviews.enums import StageStatus
from reviews.experts.services import auto_assign, score_save, stage_set_status
from reviews.models import ExpertAssignment, Panel
from reviews.ranking.services import ranking_scan_upload, ranking_submit, table_for
from workflow.services import apply_transition

S = CaseState
# Where each demo case ends up. Authorities that submitted their ranking table have no
# case left waiting for review; the others have none in provincial review yet.
# (The campaign is in 初审排序: no case is reviewed, selected or sent to the NRTA yet.)
STATES_WHERE_TABLE_SUBMITTED = [
    S.IN_EXPERT_REVIEW,
    S.IN_EXPERT_REVIEW,
    S.NOT_RECOMMENDED,
    S.IN_EXPERT_REVIEW,
    S.RETURNED,
    S.DRAFT,
    S.IN_EXPERT_REVIEW,
    S.WITHDRAWN,
]
STATES_WHERE_TABLE_OPEN = [S.SUBMITTED, S.RECOMMENDED, S.RETURNED, S.NOT_RECOMMENDED, S.DRAFT, S.WITHDRAWN, S.SUBMITTED]
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.WITHDRAWN: ["submit", "withdraw"],
    S.RETURNED: ["submit", "return_for_revision"],
    S.NOT_RECOMMENDED: ["submit", "reject"],
}
COMMENTS = {
    "return_for_revision": "请在“取得的成效成果”部分补充用户规模和经营收入的对比数据，并核实第二部分中的统计口径。",
    "reject": "案例创新性和典型性不足，与往年同类案例相比缺少可推广的做法，本年度不予推荐。",
    "withdraw": "发现数据有误，撤回修改后再提交。",
    "reject_selection": "专家评审综合得分未达到入选线，宁缺毋滥。",
}


def demo_case_create(*, campaign, category, spec: dict, applicant):
    """One demo case of `spec` (demo/cases.py), filed by `applicant`, who is its contact."""
    header = dict(spec["header"])
    header.update(
        contact_name=applicant.display_name,
        contact_position="办公室主任",
        contact_phone=applicant.phone,
        contact_email=applicant.email,
    )
    return case_create(
        campaign=campaign,
        category=category,
        actor=applicant,
        title=spec["title"],
        header=header,
        sections=spec["sections"],
        figures=spec["figures"],
    )


def move_cases(campaign, cast: Cast) -> Counter:
    """Open the campaign, create the demo cases and move each to its state; returns how
    many ended in each state."""
    people = cast.people
    apply_transition(subject=campaign, action="open_collection", actor=people["admin"])
    categories = {category.code: category for category in campaign.categories.all()}
    units_by_type = {}
    for unit in cast.units:
        units_by_type.setdefault(unit.unit_type, []).append(unit)
    next_unit = {kind: itertools.cycle(units) for kind, units in units_by_type.items()}
    all_units = itertools.cycle(cast.units)
    state_cycles = {
        True: itertools.cycle(STATES_WHERE_TABLE_SUBMITTED),
        False: itertools.cycle(STATES_WHERE_TABLE_OPEN),
    }

    planned = []
    for spec in DEMO_CASES:
        unit = next(next_unit[spec["unit_type"]]) if spec["unit_type"] in next_unit else next(all_units)
        applicant = people["applicant"][unit.pk]
        case = demo_case_create(
            campaign=campaign, category=categories[spec["category"]], spec=spec, applicant=applicant
        )
        target = next(state_cycles[cast.table_submitted[unit.authority_id]])
        if target != S.DRAFT:
            attachment_add(case=case, actor=applicant, uploaded=_stamped_scan(case), kind=AttachmentKind.STAMPED_SCAN)
        planned.append((case, target))

    # Applicants submit; authorities return, reject or recommend.
    for case, target in planned:
        applicant = people["applicant"][case.unit_id]
        reviewer = people["reviewer"][case.authority_id]
        for action in PATHS.get(target, ["submit", "recommend"]):
            actor = applicant if action in ("submit", "withdraw") else reviewer
            apply_transition(subject=case, action=action, actor=actor, comment=COMMENTS.get(action, ""))

    # The submission deadline passes (the demo's clock: it was kept open while the
    # applicants and authorities acted); the province closes the collection.
    admin = people["admin"]
    _deadline_passes(campaign)
    apply_transition(subject=campaign, action="close_collection", actor=admin)

    # Authorities whose table is in submit it: their recommendations go to the province.
    for authority_id, submitted in cast.table_submitted.items():
        if submitted:
            reviewer = people["reviewer"][authority_id]
            table = table_for(campaign=campaign, authority=reviewer.organisation)
            ranking_scan_upload(table=table, actor=reviewer, uploaded=_stamped_scan(table))
            ranking_submit(
                campaign=campaign,
                authority=Organisation.objects.get(pk=authority_id),
                actor=people["reviewer"][authority_id],
            )

    # Exceptions: one unit gets a week more (its late case will go to its authority's
    # supplementary table), and one returned case may still be resubmitted.
    _grant_extensions(campaign, cast, planned)

    # The province forms a panel per category and assigns experts automatically
    # (conflicts of interest kept out); the experts start scoring.
    stage = stage_set_status(stage=campaign.stages.get(order=1), actor=admin, status=StageStatus.OPEN)
    for category in campaign.categories.all():
        panel = Panel.objects.create(campaign=campaign, name=f"{category.name}评审组", category=category)
        panel.experts.set(people["experts"])
    auto_assign(stage=stage, actor=admin)
    criteria = list(campaign.rubric.criteria.all())
    scored = [case for case, target in planned if target == S.IN_EXPERT_REVIEW][::2]
    for case in scored:
        for assignment in ExpertAssignment.objects.filter(case=case).select_related("expert", "stage", "case"):
            score_save(
                assignment=assignment,
                actor=assignment.expert,
                entries=_demo_scores(case, assignment, criteria),
                submit=True,
            )

    counts = Counter()
    for case, _target in planned:
        case.refresh_from_db()
        counts[case.state] += 1
    return counts


def _deadline_passes(campaign) -> None:
    """The demo's stand-in for time passing: the submission deadline is set to yesterday
    (the ranking tables' deadline stays ahead)."""
    yesterday = timezone.localtime().replace(hour=17, minute=0, second=0, microsecond=0) - timedelta(days=1)
    Campaign.objects.filter(pk=campaign.pk).update(submission_deadline=yesterday)
    campaign.refresh_from_db()


def _grant_extensions(campaign, cast: Cast, planned) -> None:
    admin = cast.people["admin"]
    week = timezone.localtime().replace(hour=17, minute=0, second=0, microsecond=0) + timedelta(days=7)
    jiutai = next(unit for unit in cast.units if unit.code == "jiutai")
    extension_grant(
        campaign=campaign,
        actor=admin,
        organisation=jiutai,
        until=week,
        reason="该中心机房搬迁，申报材料未能按期盖章，经申请同意延期一周。",
    )
    returned = next(case for case, target in planned if target == S.RETURNED)
    extension_grant(
        campaign=campaign,
        actor=admin,
        case=returned,
        until=week,
        reason="退回修改时已临近截止时间，给予申报单位一周时间补充数据后重新提交。",
    )


def _stamped_scan(subject) -> SimpleUploadedFile:
    """Stands in for the scan of a stamped form or table: a one-page PDF (the demo has no scanner)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"{subject}（盖章扫描件）"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(f"{subject}-盖章扫描件.pdf", buffer.getvalue(), content_type="application/pdf")


def _demo_scores(case, assignment, criteria) -> dict:
    """Plausible, varied, repeatable scores: 62–97 per criterion, comments in Chinese."""
    entries = {}
    for position, criterion in enumerate(criteria):
        if criterion.is_gate:
            entries[criterion.pk] = ("pass", "导向正确。")
        else:
            value = 62 + (case.pk * 7 + assignment.expert_id * 13 + position * 5) % 36
            entries[criterion.pk] = (value, "做法扎实，数据较充分。" if value >= 80 else "亮点不够突出，数据支撑偏弱。")
    return entries
