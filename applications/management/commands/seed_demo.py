"""Build the demo campaign: Jilin province's 2024 collection of media-convergence
typical cases, with every authority of the notice, applicant units, one account per
role per organisation, and 40 cases spread over every state of the workflow.

Every case is moved through the real workflow service by the people who would move
it, so the demo's history, permissions and notifications are the real thing.
"""

import io
import itertools
import os
import secrets
import zlib
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.enums import OrgKind, Role, UnitType
from accounts.models import Organisation, User
from accounts.services import organisation_create, user_create
from applications.demo_cases import DEMO_CASES
from applications.enums import AttachmentKind, CampaignStatus
from applications.models import Campaign
from applications.services import attachment_add, campaign_create, case_create
from reviews.enums import StageStatus
from reviews.experts.services import auto_assign, score_save, stage_set_status
from reviews.models import ExpertAssignment, Panel
from reviews.ranking.services import ranking_scan_upload, ranking_submit, table_for
from workflow.enums import CaseState
from workflow.services import apply_transition

S = CaseState
PROVINCE = ("吉林省广播电视局", "jlgd")
# (authority name, code, tables submitted in the demo?, [(unit name, code, unit type)])
AUTHORITIES = [
    (
        "长春市文广旅局",
        "changchun",
        True,
        [
            ("长春广播电视台", "changchun-tv", UnitType.STATION),
            ("九台区融媒体中心", "jiutai", UnitType.COUNTY_CENTRE),
            ("农安县融媒体中心", "nongan", UnitType.COUNTY_CENTRE),
            ("长春市智慧广电科技有限公司", "cc-zhgd", UnitType.ENTERPRISE),
        ],
    ),
    (
        "吉林市文广旅局",
        "jilin-city",
        True,
        [
            ("吉林市广播电视台", "jilin-city-tv", UnitType.STATION),
            ("桦甸市融媒体中心", "huadian", UnitType.COUNTY_CENTRE),
            ("舒兰市融媒体中心", "shulan", UnitType.COUNTY_CENTRE),
        ],
    ),
    (
        "四平市文广旅局",
        "siping",
        False,
        [
            ("梨树县融媒体中心", "lishu", UnitType.COUNTY_CENTRE),
            ("双辽市融媒体中心", "shuangliao", UnitType.COUNTY_CENTRE),
        ],
    ),
    (
        "辽源市文广旅局",
        "liaoyuan",
        False,
        [
            ("东丰县融媒体中心", "dongfeng", UnitType.COUNTY_CENTRE),
            ("东辽县融媒体中心", "dongliao", UnitType.COUNTY_CENTRE),
        ],
    ),
    (
        "通化市文广旅局",
        "tonghua",
        True,
        [
            ("集安市融媒体中心", "jian", UnitType.COUNTY_CENTRE),
            ("辉南县融媒体中心", "huinan", UnitType.COUNTY_CENTRE),
        ],
    ),
    (
        "白山市文广旅局",
        "baishan",
        False,
        [
            ("抚松县融媒体中心", "fusong", UnitType.COUNTY_CENTRE),
            ("长白朝鲜族自治县融媒体中心", "changbai-county", UnitType.COUNTY_CENTRE),
        ],
    ),
    (
        "松原市文广旅局",
        "songyuan",
        False,
        [
            ("前郭尔罗斯蒙古族自治县融媒体中心", "qianguo", UnitType.COUNTY_CENTRE),
            ("扶余市融媒体中心", "fuyu", UnitType.COUNTY_CENTRE),
        ],
    ),
    (
        "白城市文广旅局",
        "baicheng",
        False,
        [
            ("洮南市融媒体中心", "taonan", UnitType.COUNTY_CENTRE),
            ("镇赉县融媒体中心", "zhenlai", UnitType.COUNTY_CENTRE),
        ],
    ),
    (
        "延边朝鲜族自治州文广旅局",
        "yanbian",
        True,
        [
            ("延边广播电视台", "yanbian-tv", UnitType.STATION),
            ("珲春市融媒体中心", "hunchun", UnitType.COUNTY_CENTRE),
            ("敦化市融媒体中心", "dunhua", UnitType.COUNTY_CENTRE),
        ],
    ),
    (
        "长白山开发区工委宣传部",
        "changbaishan",
        False,
        [
            ("长白山融媒体中心", "cbs-media", UnitType.COUNTY_CENTRE),
        ],
    ),
    (
        "梅河口市文广旅局",
        "meihekou",
        False,
        [
            ("梅河口市融媒体中心", "meihekou-media", UnitType.COUNTY_CENTRE),
        ],
    ),
]
# The province bureau is the recommending authority of the provincial units.
PROVINCIAL_UNITS = [
    ("吉林广播电视台", "jltv", UnitType.STATION),
    ("吉林教育电视台", "jletv", UnitType.STATION),
    ("长影频道", "cyfc", UnitType.STATION),
    ("吉视传媒股份有限公司", "jishi", UnitType.ENTERPRISE),
]
PROVINCE_TABLE_SUBMITTED = True
EXPERT_POOL = ("吉林省媒体融合典型案例评审专家库", "experts")
# (username, name, affiliation unit code or None, affiliation name)
EXPERTS = [
    ("expert1", "王立新", None, "吉林大学新闻与传播学院"),
    ("expert2", "陈晓梅", None, "东北师范大学传媒科学学院"),
    ("expert3", "刘振宇", None, "吉林艺术学院"),
    ("expert4", "赵海燕", "jltv", "吉林广播电视台"),
    ("expert5", "孙国庆", "changchun-tv", "长春广播电视台"),
    ("expert6", "金哲浩", None, "延边大学融合媒体学院"),
]
PEOPLE = itertools.cycle(
    ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周强", "吴敏", "徐峰", "孙悦"]
)

# Where each demo case ends up. Authorities that submitted their ranking table have no
# case left waiting for review; the others have none in provincial review yet.
STATES_WHERE_TABLE_SUBMITTED = [
    S.IN_EXPERT_REVIEW,
    S.REVIEWED,
    S.SELECTED,
    S.RECOMMENDED_TO_NRTA,
    S.NOT_SELECTED,
    S.NOT_RECOMMENDED,
    S.IN_EXPERT_REVIEW,
    S.RETURNED,
    S.SELECTED,
    S.DRAFT,
    S.REVIEWED,
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


class Command(BaseCommand):
    help = "Load the demo campaign (Jilin 2024). Safe to run again: does nothing if it is there."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like production. Use --force to load demo data anyway.")
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        if Organisation.objects.filter(code=PROVINCE[1]).exists() or Campaign.objects.filter(year=2024).exists():
            self.stdout.write("演示数据已存在，未作改动。(demo data already loaded; nothing changed)")
            return
        with transaction.atomic():
            people = self._organisations_and_people(password)
            campaign = self._campaign()
            counts = self._cases(campaign, people)
        self._report(password, counts)

    # --- organisations and accounts ---------------------------------------------

    def _member(self, org, role, username, display_name=None, **extra):
        return user_create(
            username=username,
            password=self.password,
            organisation=org,
            role=role,
            display_name=display_name or next(PEOPLE),
            email=f"{username}@example.com",
            phone=f"0431-8581{zlib.crc32(username.encode()) % 10000:04d}",
            **extra,
        )

    def _organisations_and_people(self, password):
        self.password = password
        people = {"reviewer": {}, "applicant": {}, "experts": []}
        province = organisation_create(name=PROVINCE[0], code=PROVINCE[1], kind=OrgKind.PROVINCE)
        people["admin"] = self._member(province, Role.PROVINCE_ADMIN, "jlgd-admin", "媒体融合发展处管理员")
        _let_maintain_review_settings(people["admin"])
        people["reviewer"][province.pk] = self._member(province, Role.AUTHORITY_REVIEWER, "jlgd-review")
        superuser = User.objects.create_superuser("admin", "admin@example.com", password)
        superuser.display_name = "系统管理员"
        superuser.save(update_fields=["display_name"])

        self.units = []
        for name, code, unit_type in PROVINCIAL_UNITS:
            unit = organisation_create(name=name, code=code, kind=OrgKind.UNIT, authority=province, unit_type=unit_type)
            people["applicant"][unit.pk] = self._member(unit, Role.APPLICANT, code)
            self.units.append(unit)
        self.table_submitted = {province.pk: PROVINCE_TABLE_SUBMITTED}
        for name, code, submitted, units in AUTHORITIES:
            authority = organisation_create(name=name, code=code, kind=OrgKind.AUTHORITY)
            people["reviewer"][authority.pk] = self._member(authority, Role.AUTHORITY_REVIEWER, f"{code}-review")
            self.table_submitted[authority.pk] = submitted
            for unit_name, unit_code, unit_type in units:
                unit = organisation_create(
                    name=unit_name, code=unit_code, kind=OrgKind.UNIT, authority=authority, unit_type=unit_type
                )
                people["applicant"][unit.pk] = self._member(unit, Role.APPLICANT, unit_code)
                self.units.append(unit)

        pool = organisation_create(name=EXPERT_POOL[0], code=EXPERT_POOL[1], kind=OrgKind.EXPERT_POOL)
        by_code = {unit.code: unit for unit in self.units}
        for username, name, affiliation_code, affiliation_name in EXPERTS:
            people["experts"].append(
                self._member(
                    pool,
                    Role.EXPERT,
                    username,
                    name,
                    affiliation=by_code.get(affiliation_code),
                    affiliation_name=affiliation_name,
                )
            )
        return people

    def _campaign(self):
        # The notice's deadline (2024-04-17) has long passed; the demo keeps its
        # submission window open for a month so every role can act in it.
        now = timezone.localtime()
        deadline = (now + timedelta(days=30)).replace(hour=17, minute=0, second=0, microsecond=0)
        return campaign_create(
            year=2024,
            title="2024年全省广播电视媒体融合典型案例征集和评选",
            notice_number="吉广电明电〔2024〕38号",
            status=CampaignStatus.OPEN,
            submission_deadline=deadline,
            ranking_deadline=deadline + timedelta(days=14),
            contact="吉林省广播电视局媒体融合发展处，0431-85816713",
        )

    # --- cases -----------------------------------------------------------------

    def _cases(self, campaign, people):
        categories = {category.code: category for category in campaign.categories.all()}
        units_by_type = {}
        for unit in self.units:
            units_by_type.setdefault(unit.unit_type, []).append(unit)
        next_unit = {kind: itertools.cycle(units) for kind, units in units_by_type.items()}
        all_units = itertools.cycle(self.units)
        state_cycles = {
            True: itertools.cycle(STATES_WHERE_TABLE_SUBMITTED),
            False: itertools.cycle(STATES_WHERE_TABLE_OPEN),
        }

        planned = []
        for spec in DEMO_CASES:
            unit = next(next_unit[spec["unit_type"]]) if spec["unit_type"] in next_unit else next(all_units)
            applicant = people["applicant"][unit.pk]
            header = dict(spec["header"])
            header.update(
                contact_name=applicant.display_name,
                contact_position="办公室主任",
                contact_phone=applicant.phone,
                contact_email=applicant.email,
            )
            case = case_create(
                campaign=campaign,
                category=categories[spec["category"]],
                actor=applicant,
                title=spec["title"],
                header=header,
                sections=spec["sections"],
                figures=spec["figures"],
            )
            target = next(state_cycles[self.table_submitted[unit.authority_id]])
            if target != S.DRAFT:
                attachment_add(
                    case=case, actor=applicant, uploaded=_stamped_scan(case), kind=AttachmentKind.STAMPED_SCAN
                )
            planned.append((case, target))

        # Applicants submit; authorities return, reject or recommend.
        for case, target in planned:
            applicant = people["applicant"][case.unit_id]
            reviewer = people["reviewer"][case.authority_id]
            for action in PATHS.get(target, ["submit", "recommend"]):
                actor = applicant if action in ("submit", "withdraw") else reviewer
                apply_transition(case=case, action=action, actor=actor, comment=COMMENTS.get(action, ""))

        # Authorities whose table is in submit it: their recommendations go to the province.
        for authority_id, submitted in self.table_submitted.items():
            if submitted:
                reviewer = people["reviewer"][authority_id]
                table = table_for(campaign=campaign, authority=reviewer.organisation)
                ranking_scan_upload(table=table, actor=reviewer, uploaded=_stamped_scan(table))
                ranking_submit(
                    campaign=campaign,
                    authority=Organisation.objects.get(pk=authority_id),
                    actor=people["reviewer"][authority_id],
                )

        # The province forms a panel per category and assigns experts automatically
        # (conflicts of interest kept out); the experts score; then the province decides.
        admin = people["admin"]
        stage = stage_set_status(stage=campaign.stages.get(order=1), actor=admin, status=StageStatus.OPEN)
        for category in campaign.categories.all():
            panel = Panel.objects.create(campaign=campaign, name=f"{category.name}评审组", category=category)
            panel.experts.set(people["experts"])
        auto_assign(stage=stage, actor=admin)
        criteria = list(campaign.rubric.criteria.all())
        for case, target in planned:
            if target not in (S.REVIEWED, S.SELECTED, S.NOT_SELECTED, S.RECOMMENDED_TO_NRTA):
                continue
            for assignment in ExpertAssignment.objects.filter(case=case).select_related("expert", "stage", "case"):
                score_save(
                    assignment=assignment,
                    actor=assignment.expert,
                    entries=_demo_scores(case, assignment, criteria),
                    submit=True,
                )
            apply_transition(case=case, action="complete_review", actor=admin)
            if target in (S.SELECTED, S.RECOMMENDED_TO_NRTA):
                apply_transition(case=case, action="select", actor=admin, comment="综合得分位居本类别前列。")
            if target == S.NOT_SELECTED:
                apply_transition(
                    case=case, action="reject_selection", actor=admin, comment=COMMENTS["reject_selection"]
                )
            if target == S.RECOMMENDED_TO_NRTA:
                apply_transition(case=case, action="recommend_to_nrta", actor=admin)

        counts = Counter()
        for case, _target in planned:
            case.refresh_from_db()
            counts[case.state] += 1
        return counts

    def _report(self, password, counts):
        self.stdout.write(self.style.SUCCESS("演示数据已载入 (demo campaign loaded)："))
        for state in CaseState:
            self.stdout.write(f"  {state.label}（{state.value}）: {counts.get(state, 0)}")
        self.stdout.write("演示账号 (demo accounts)，密码均为 / password for all: " + password)
        self.stdout.write("  省局管理员 jlgd-admin · 省局审核员（省直单位）jlgd-review · 系统管理员 admin")
        self.stdout.write("  推荐单位审核员 changchun-review, jilin-city-review, siping-review, … (<authority>-review)")
        self.stdout.write("  申报单位 changchun-tv, jiutai, nongan, lishu, jltv, … (unit code)")
        self.stdout.write("  评审专家 expert1 … expert6")


def _stamped_scan(subject) -> SimpleUploadedFile:
    """Stands in for the scan of a stamped form or table: a one-page PDF (the demo has no scanner)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"{subject}（盖章扫描件）"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(f"{subject}-盖章扫描件.pdf", buffer.getvalue(), content_type="application/pdf")


def _let_maintain_review_settings(user) -> None:
    """The province's administrator keeps the rubric, stages, panels and quotas in the admin."""
    from django.contrib.auth.models import Permission

    user.is_staff = True
    user.save(update_fields=["is_staff"])
    codenames = [
        f"{verb}_{model}"
        for model in ("rubric", "criterion", "reviewstage", "panel")
        for verb in ("add", "change", "delete", "view")
    ] + ["change_category", "view_category", "view_campaign"]
    user.user_permissions.set(
        Permission.objects.filter(codename__in=codenames, content_type__app_label__in=["reviews", "applications"])
    )


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
