"""The demo's organisations and accounts: the province, every authority of the notice
with its applicant units, the provincial units, the expert pool, and one account per
role per organisation."""

import itertools
import zlib
from dataclasses import dataclass

from accounts.enums import OrgKind, Role, UnitType
from accounts.models import Organisation, User
from accounts.services import organisation_create, user_create

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


@dataclass
class Cast:
    """Who acts in the demo, and whether each recommending authority (the province
    included) has submitted its ranking table in it."""

    # "admin": the province's administrator; "reviewer" and "applicant": {organisation pk: user};
    # "experts": [user, …]
    people: dict
    units: list[Organisation]
    table_submitted: dict[int, bool]


def create_organisations_and_people(password: str) -> Cast:
    people = {"reviewer": {}, "applicant": {}, "experts": []}
    province = organisation_create(name=PROVINCE[0], code=PROVINCE[1], kind=OrgKind.PROVINCE)
    people["admin"] = _member(password, province, Role.PROVINCE_ADMIN, "jlgd-admin", "媒体融合发展处管理员")
    _let_maintain_review_settings(people["admin"])
    people["reviewer"][province.pk] = _member(password, province, Role.AUTHORITY_REVIEWER, "jlgd-review")
    superuser = User.objects.create_superuser("admin", "admin@example.com", password)
    superuser.display_name = "安装管理员"
    superuser.save(update_fields=["display_name"])
    # The three administrators of the separation of duties (三权分立), as create_admins makes them.
    operations = organisation_create(name="系统运维", code="operations", kind=OrgKind.OPERATIONS)
    for username, role, display_name in [
        ("sysadmin", Role.SYSTEM_ADMIN, "系统管理员"),
        ("secadmin", Role.SECURITY_ADMIN, "安全管理员"),
        ("auditadmin", Role.AUDIT_ADMIN, "安全审计员"),
    ]:
        _member(password, operations, role, username, display_name)
    User.objects.filter(username="sysadmin").update(is_staff=True)

    units = []
    for name, code, unit_type in PROVINCIAL_UNITS:
        unit = organisation_create(name=name, code=code, kind=OrgKind.UNIT, authority=province, unit_type=unit_type)
        people["applicant"][unit.pk] = _member(password, unit, Role.APPLICANT, code)
        units.append(unit)
    table_submitted = {province.pk: PROVINCE_TABLE_SUBMITTED}
    for name, code, submitted, authority_units in AUTHORITIES:
        authority = organisation_create(name=name, code=code, kind=OrgKind.AUTHORITY)
        people["reviewer"][authority.pk] = _member(password, authority, Role.AUTHORITY_REVIEWER, f"{code}-review")
        table_submitted[authority.pk] = submitted
        for unit_name, unit_code, unit_type in authority_units:
            unit = organisation_create(
                name=unit_name, code=unit_code, kind=OrgKind.UNIT, authority=authority, unit_type=unit_type
            )
            people["applicant"][unit.pk] = _member(password, unit, Role.APPLICANT, unit_code)
            units.append(unit)

    pool = organisation_create(name=EXPERT_POOL[0], code=EXPERT_POOL[1], kind=OrgKind.EXPERT_POOL)
    by_code = {unit.code: unit for unit in units}
    for username, name, affiliation_code, affiliation_name in EXPERTS:
        people["experts"].append(
            _member(
                password,
                pool,
                Role.EXPERT,
                username,
                name,
                affiliation=by_code.get(affiliation_code),
                affiliation_name=affiliation_name,
            )
        )
    return Cast(people=people, units=units, table_submitted=table_submitted)


def _member(password, org, role, username, display_name=None, **extra):
    return user_create(
        username=username,
        password=password,
        organisation=org,
        role=role,
        display_name=display_name or next(PEOPLE),
        email=f"{username}@example.com",
        phone=f"0431-8581{zlib.crc32(username.encode()) % 10000:04d}",
        **extra,
    )


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
