"""The provincial review's outcome, built through the real workflow for the document
tests (the fixtures `experts` and `reviewed` in tests/reviews/conftest.py)."""

from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from accounts.enums import Role
from applications.enums import CampaignPhase
from reviews.experts.services import assignment_create, score_save
from reviews.models import Rubric
from reviews.ranking.services import ranking_scan_upload, ranking_submit, table_for
from tests.factories import (
    UserFactory,
    close_submissions,
    complete_content,
    make_case,
    open_first_stage,
    pdf_upload,
    set_phase,
)
from workflow.services import apply_transition

CATEGORIES = ["新媒体平台建设", "融合生产传播", "综合信息服务", "体制机制改革"]
CONTACT = {
    "contact_name": "王晓明",
    "contact_position": "副主任",
    "contact_phone": "13904318866",
    "contact_email": "wangxm@jiutai.example.cn",
}
# Per-criterion scores of one expert, around a base: 创新性, 实效性, 典型性, 发展前景, 申报材料完整性.
OFFSETS = {"创新性": 0, "实效性": -2, "典型性": 1, "发展前景": 0, "申报材料完整性": 4}


def recommend(cast, *, title, applicant, reviewer, category_code="platform"):
    definition = cast.campaign.categories.get(code=category_code).schemas.latest().definition
    header = {**complete_content(definition)["header"], **CONTACT}
    case = make_case(
        campaign=cast.campaign, applicant=applicant, category_code=category_code, title=title, header=header
    )
    apply_transition(subject=case, action="submit", actor=applicant)
    apply_transition(subject=case, action="recommend", actor=reviewer, comment="同意推荐")
    return case


def forward(cast, authority, reviewer):
    """The authority submits its stamped ranking table (once the submission deadline
    has passed): its cases go to the province."""
    if cast.campaign.state == CampaignPhase.COLLECTING:
        close_submissions(cast.campaign)
    table = table_for(campaign=cast.campaign, authority=authority)
    ranking_scan_upload(table=table, actor=reviewer, uploaded=pdf_upload("推荐排序表.pdf"))
    ranking_submit(campaign=cast.campaign, authority=authority, actor=reviewer)


def criteria_by_name(campaign) -> dict:
    return {criterion.name: criterion for criterion in Rubric.objects.get(campaign=campaign).criteria.all()}


def score(assignment, base: int, *, passed: bool = True, comment: str = "做法可推广。", submit: bool = True):
    """The expert scores the criteria around `base` (OFFSETS) and submits."""
    entries = {}
    for name, criterion in criteria_by_name(assignment.stage.campaign).items():
        if criterion.is_gate:
            entries[criterion.pk] = ("pass" if passed else "fail", "导向正确。" if passed else "存在导向问题。")
        else:
            entries[criterion.pk] = (base + OFFSETS[name], comment)
    problems = score_save(assignment=assignment, actor=assignment.expert, entries=entries, submit=submit)
    assert not problems, problems
    return assignment


def by_hand(values: dict[str, Decimal], campaign) -> Decimal:
    """An expert's weighted total computed as the rubric says, from the raw scores."""
    criteria = [c for c in criteria_by_name(campaign).values() if not c.is_gate]
    weights = sum(c.weight for c in criteria)
    total = sum(c.weight * values[c.name] / c.max_score for c in criteria) * 100 / weights
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def make_experts(cast) -> list:
    pool = cast.expert_assigned.organisation
    return [
        cast.expert_assigned,
        UserFactory(username="expert_2", display_name="王建国", organisation=pool, role=Role.EXPERT),
        UserFactory(username="expert_3", display_name="李慧敏", organisation=pool, role=Role.EXPERT),
    ]


def build_reviewed(cast, experts) -> SimpleNamespace:
    """Six cases of two cities through the whole review, three experts each:

    新媒体平台建设  A1 selected (rank 1), B1 selected (rank 2), B3 recommended to NRTA
                   (rank 3): the ranks do not follow the titles' order;
    融合生产传播    A2 selected, experts far apart (flagged);
    综合信息服务    A3 not selected, one expert fails 政治性 (excluded);
    体制机制改革    B2 reviewed, not yet decided.
    """
    a = dict(applicant=cast.applicant_a, reviewer=cast.reviewer_a)
    b = dict(applicant=cast.applicant_b, reviewer=cast.reviewer_b)
    cases = SimpleNamespace(
        a1=recommend(cast, title="“指尖上的九台”新媒体矩阵建设", **a),
        a2=recommend(cast, title="乡村振兴融合传播行动", category_code="production", **a),
        a3=recommend(cast, title="智慧政务“一网通办”综合服务平台", category_code="services", **a),
        b1=recommend(cast, title="“人参之乡”短视频账号矩阵运营", **b),
        b2=recommend(cast, title="县域融媒体考核激励机制改革", category_code="reform", **b),
        b3=recommend(cast, title="长白山下的融媒体平台", **b),
    )
    close_submissions(cast.campaign)
    forward(cast, cast.city_a, cast.reviewer_a)
    forward(cast, cast.city_b, cast.reviewer_b)
    for case in vars(cases).values():
        case.refresh_from_db()
    set_phase(cast.campaign, CampaignPhase.EXPERT_REVIEW)
    stage = open_first_stage(cast.campaign)
    bases = {
        "a1": (90, 88, 92),
        "b1": (85, 84, 86),
        "b3": (70, 72, 74),
        "a2": (95, 70, 80),
        "a3": (80, 80, 80),
        "b2": (75, 76, 77),
    }
    for key, values in bases.items():
        case = getattr(cases, key)
        for expert, base in zip(experts, values, strict=True):
            assignment = assignment_create(stage=stage, case=case, expert=expert, actor=cast.province_admin)
            score(assignment, base, passed=not (key == "a3" and expert == experts[2]))
        apply_transition(subject=case, action="complete_review", actor=cast.province_admin, comment="评审完成")
    set_phase(cast.campaign, CampaignPhase.DECIDING)
    for key in ("a1", "a2", "b1", "b3"):
        apply_transition(subject=getattr(cases, key), action="select", actor=cast.province_admin, comment="入选")
    apply_transition(subject=cases.a3, action="reject_selection", actor=cast.province_admin, comment="政治性不通过")
    # (b2 stays undecided: a world of documents, not of phases; the NRTA step is put in.)
    set_phase(cast.campaign, CampaignPhase.NRTA)
    apply_transition(subject=cases.b3, action="recommend_to_nrta", actor=cast.province_admin, comment="推荐")
    set_phase(cast.campaign, CampaignPhase.DECIDING)
    for case in vars(cases).values():
        case.refresh_from_db()
    return SimpleNamespace(stage=stage, cases=cases, experts=experts)
