"""The NRTA recommendation's world for the package and list tests (the fixture `world`
in tests/reviews/conftest.py), built through the real workflow."""

from pathlib import Path

from django.core.files.base import ContentFile

from applications.enums import AttachmentKind, CampaignPhase
from applications.models import Attachment, EvidenceLink
from reviews.outcome.nrta import nrta_move
from tests.factories import complete_content, make_case, put_in_state, set_phase
from workflow.services import apply_transition

TITLE = "吉林省2024年广播电视媒体融合典型案例推荐名单（报国家广播电视总局）"
HEADER = ["推荐顺序", "案例名称", "申报单位", "类别", "推荐单位", "联系人", "联系电话"]
FIRST = "“指尖上的九台”新媒体矩阵建设"
SECOND = "桦甸市融媒体中心智慧广电项目"
THIRD = "乡村振兴融合传播行动"
SELECTED_ONLY = "入选未推荐的案例"
STILL_SUBMITTED = "尚在初审的案例"
# Made of stored bytes to compare with: not valid media, which the package never opens.
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
IMAGE = b"\x89PNG\r\n\x1a\n" + b"\x01\x02" * 3000


def _header(cast, name: str, phone: str) -> dict:
    definition = cast.campaign.categories.get(code="platform").schemas.latest().definition
    return {**complete_content(definition)["header"], "contact_name": name, "contact_phone": phone}


def _recommended(cast, specs) -> list:
    """Cases of city A put straight into 入选 (the package needs none of the road there:
    see tests.factories.put_in_state), then each to its outcome through the real
    transition: [(title, contact, recommend_to_nrta?), …]."""
    cases = []
    for title, contact, nrta in specs:
        case = make_case(
            campaign=cast.campaign, applicant=cast.applicant_a, title=title, header=_header(cast, *contact)
        )
        case = put_in_state(case, "selected", expert=cast.expert_assigned)
        if nrta:
            set_phase(cast.campaign, CampaignPhase.NRTA)
            apply_transition(subject=case, action="recommend_to_nrta", actor=cast.province_admin, comment="意见")
        cases.append(case)
    return cases


def _evidence(case, user, name: str, data: bytes, kind=AttachmentKind.EVIDENCE) -> Attachment:
    # Stored directly: the case is long past the stage where applicants attach files.
    content_type = "image/png" if name.endswith(".png") or data == IMAGE else "video/mp4"
    attachment = Attachment(
        case=case, kind=kind, original_name=name, content_type=content_type, size=len(data), uploaded_by=user
    )
    attachment.file.save(Path(name).name or "file.bin", ContentFile(data), save=False)
    attachment.save()
    return attachment


def build_world(cast, case_at, case_in) -> dict:
    """Three cases recommended to the NRTA (two of city A, one of city B) in an order
    other than that of their recommendation; a case of city A selected but not
    recommended, with evidence of its own; a case of city A still in preliminary review."""
    first, selected, third = _recommended(
        cast,
        [
            (FIRST, ("王晓明", "0431-85816713"), True),
            (SELECTED_ONLY, ("孙丽", "0431-80000000"), False),
            (THIRD, ("李娜", "13904318866"), True),
        ],
    )
    second = case_in("selected", applicant=cast.applicant_b)
    set_phase(cast.campaign, CampaignPhase.NRTA)
    apply_transition(subject=second, action="recommend_to_nrta", actor=cast.province_admin, comment="意见")
    second.title = SECOND
    second.header = _header(cast, "赵刚", "0432-66221234")
    second.save(update_fields=["title", "header"])
    still_submitted = case_at("submitted")
    still_submitted.title = STILL_SUBMITTED
    still_submitted.save(update_fields=["title"])
    # The province's order: first, second, third (second was recommended last).
    nrta_move(campaign=cast.campaign, case_id=second.pk, step=-1)

    user = cast.applicant_a
    files = {
        first.pk: [
            _evidence(first, user, "宣传片.mp4", VIDEO),
            # The same name twice, and names that try to leave their folder.
            _evidence(first, user, "宣传片.mp4", VIDEO[::-1]),
            _evidence(first, user, "../../etc/passwd", IMAGE),
            _evidence(first, user, 'C:\\Users\\a\\截图:"1".png', IMAGE[::-1]),
        ],
        third.pk: [_evidence(third, cast.applicant_a, "用户数据.png", IMAGE)],
        second.pk: [],
    }
    _evidence(selected, user, "不应出现.mp4", VIDEO)
    _evidence(still_submitted, user, "也不应出现.mp4", VIDEO)
    EvidenceLink.objects.create(
        case=first,
        title="完整版宣传片（4K）",
        url="https://pan.baidu.com/s/1abcDEF",
        extraction_code="x7k9",
        created_by=user,
    )
    EvidenceLink.objects.create(case=first, title="活动花絮", url="https://www.aliyundrive.com/s/q2w3", created_by=user)
    EvidenceLink.objects.create(
        case=selected, title="不应出现的链接", url="https://pan.baidu.com/s/zzz", created_by=user
    )
    return {"cases": [first, second, third], "files": files, "others": [selected, still_submitted]}
