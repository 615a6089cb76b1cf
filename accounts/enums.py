from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    # The province bureau also acts as the recommending authority of provincial units.
    PROVINCE = "province", _("省级主管部门")
    AUTHORITY = "authority", _("推荐单位（行业管理部门）")
    UNIT = "unit", _("申报单位")
    EXPERT_POOL = "expert_pool", _("评审专家库")
    # The people who run the installation (三权分立): they hold no right over any case.
    OPERATIONS = "operations", _("系统运维")


# The kinds of organisation that can be an applicant unit's recommending authority.
AUTHORITY_KINDS = (OrgKind.PROVINCE, OrgKind.AUTHORITY)


class UnitType(models.TextChoices):
    STATION = "station", _("广播电视台")
    COUNTY_CENTRE = "county_centre", _("县级融媒体中心")
    ENTERPRISE = "enterprise", _("企业")
    OTHER = "other", _("其他")


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申报单位用户")
    AUTHORITY_REVIEWER = "authority_reviewer", _("推荐单位审核员")
    PROVINCE_ADMIN = "province_admin", _("省局管理员")
    EXPERT = "expert", _("评审专家")
    # Separation of duties (三权分立): three administrators, none of whom sees case content.
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("安全审计员")


# Which roles a member of each kind of organisation may hold. The province bureau
# may have reviewers of its own for the provincial units it recommends.
ROLES_BY_ORG_KIND = {
    OrgKind.PROVINCE: (Role.PROVINCE_ADMIN, Role.AUTHORITY_REVIEWER),
    OrgKind.AUTHORITY: (Role.AUTHORITY_REVIEWER,),
    OrgKind.UNIT: (Role.APPLICANT,),
    OrgKind.EXPERT_POOL: (Role.EXPERT,),
    OrgKind.OPERATIONS: (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN),
}


class RegistrationStatus(models.TextChoices):
    """An applicant unit that registered itself waits for its authority's approval."""

    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class NotificationEvent(models.TextChoices):
    """Everything the system tells a person, by mail and in the inbox alike. The keys
    are stable: the province's edited mail texts (MailTemplate) are stored under them."""

    REGISTRATION_SUBMITTED = "registration_submitted", _("单位注册待审核")
    REGISTRATION_DECIDED = "registration_decided", _("单位注册审核结果")
    CASE_TRANSITION = "case_transition", _("案例状态变化")
    TABLE_SUBMITTED = "table_submitted", _("推荐排序表已报送")
    TABLE_RETURNED = "table_returned", _("推荐排序表被退回")
    EXPERT_ASSIGNED = "expert_assigned", _("评审任务分配")
    EXPERT_UNASSIGNED = "expert_unassigned", _("评审任务取消")
    NOTICE_PUBLISHED = "notice_published", _("入选名单公示")
    ANNOUNCEMENT_PUBLISHED = "announcement_published", _("评选结果通报")
    REMINDER_DRAFTS = "reminder_drafts", _("催报：案例尚未提交")
    REMINDER_TABLE = "reminder_table", _("催报：推荐排序表尚未报送")
    REMINDER_SCORES = "reminder_scores", _("催评：评审尚未提交")
