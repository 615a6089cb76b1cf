import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.enums import AUTHORITY_KINDS, OrgKind
from applications.enums import EXTENSION_PHASES, AttachmentKind, CampaignPhase, CaseState
from applications.lifecycle.machine import CaseStateMachine
from applications.phases.machine import CampaignPhaseMachine
from applications.schema import validate_definition
from applications.uploads import kind_of_content_type, offered_name
from core.choices import choice_label
from core.text import comparison_key


class Campaign(CampaignPhaseMachine):
    """One year's collection and selection (征集和评选). Its `state` is its phase
    (CampaignPhase), moved only through the engine (applications/phases/machine.py)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=200)
    notice_number = models.CharField(_("通知文号"), max_length=100, blank=True)
    submission_deadline = models.DateTimeField(_("申报截止时间"))
    ranking_deadline = models.DateTimeField(_("推荐排序表报送截止时间"))
    contact = models.CharField(_("联系方式"), max_length=200, blank=True)
    max_file_mb = models.PositiveIntegerField(_("单个附件上限（MB）"), default=100)
    max_case_mb = models.PositiveIntegerField(_("每个案例附件总量上限（MB）"), default=500)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("征集活动")
        verbose_name_plural = _("征集活动")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="ranking_deadline_not_before_submission_deadline",
                condition=Q(ranking_deadline__gte=F("submission_deadline")),
                violation_error_message=_("推荐排序表截止时间不能早于申报截止时间。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def submission_window_open(self, now=None, *, unit_id: int | None = None, case_id: int | None = None) -> bool:
        """May cases be submitted now: in 征集中 before the deadline, or, for the unit or
        the case given, while an extension the province granted runs (征集中 and 初审排序)."""
        now = now or timezone.now()
        if self.state == CampaignPhase.COLLECTING and now < self.submission_deadline:
            return True
        if self.state not in EXTENSION_PHASES or (unit_id is None and case_id is None):
            return False
        covered = Q(organisation_id=unit_id) if unit_id is not None else Q(pk__in=[])
        if case_id is not None:
            covered |= Q(case_id=case_id)
        return self.extensions.filter(covered, until__gt=now).exists()

    def extension_for(self, *, unit_id: int, case_id: int | None = None, now=None):
        """The running extension that lets this unit (or case) submit, latest first."""
        now = now or timezone.now()
        covered = Q(organisation_id=unit_id) | (Q(case_id=case_id) if case_id else Q(pk__in=[]))
        return self.extensions.filter(covered, until__gt=now).order_by("-until").first()


class Category(models.Model):
    """One of a campaign's categories (征集类别), each with its own application form."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="categories", verbose_name=_("征集活动")
    )
    code = models.SlugField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=50)
    description = models.TextField(_("说明"), blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    # How many cases the province means to select in this category; empty for no quota.
    selection_quota = models.PositiveSmallIntegerField(_("入选名额"), null=True, blank=True)

    class Meta:
        verbose_name = _("征集类别")
        verbose_name_plural = _("征集类别")
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="category_code_unique_in_campaign"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def form_title(self) -> str:
        return f"{self.campaign.year}年度{self.name}典型案例申请表"


class FormSchema(models.Model):
    """A version of a category's application form, as data (see applications/schema.py).

    Versions are immutable once a case uses them: a case keeps the version it was
    written against, and a change makes a new version.
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="schemas", verbose_name=_("征集类别"))
    version = models.PositiveIntegerField(_("版本"))
    definition = models.JSONField(_("表单定义"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请表版本")
        verbose_name_plural = _("申请表版本")
        ordering = ["category", "-version"]
        get_latest_by = "version"
        constraints = [
            models.UniqueConstraint(fields=["category", "version"], name="schema_version_unique_in_category"),
        ]

    def __str__(self) -> str:
        return f"{self.category} v{self.version}"

    def clean(self) -> None:
        validate_definition(self.definition)


class Case(CaseStateMachine):
    """A case application (申报案例): one case of one applicant unit in one category."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="cases", verbose_name=_("征集活动"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("征集类别"))
    schema = models.ForeignKey(FormSchema, on_delete=models.PROTECT, related_name="cases", verbose_name=_("申请表版本"))
    unit = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("申报单位"),
        limit_choices_to={"kind": OrgKind.UNIT},
    )
    # Recorded when the case is created: the authority that reviews this case even if
    # the unit is later attached to another authority.
    authority = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="authority_cases",
        verbose_name=_("推荐单位"),
        limit_choices_to={"kind__in": AUTHORITY_KINDS},
    )
    title = models.CharField(_("案例名称"), max_length=100)
    # core.text.comparison_key(title), kept equal by the services that write the title
    # (and by save()): the names people would call the same ("ＡＢＣ案例", " ABC 案例")
    # have one key, and the key is unique per unit and campaign (Meta.constraints).
    # Longer than the title: NFKC may expand a character (㍿ is 株式会社).
    title_key = models.CharField(_("案例名称比对键"), max_length=2000, editable=False, default="")
    header = models.JSONField(_("基本信息"), default=dict, blank=True)
    sections = models.JSONField(_("案例材料"), default=dict, blank=True)
    figures = models.JSONField(_("量化数据"), default=dict, blank=True)
    # Bumped by every save of the content: an editor that saves with an older version
    # was looking at stale text and is refused instead of overwriting (two tabs).
    version = models.PositiveIntegerField(_("版本号"), default=1)
    # What a draft still lacks, for the applicant's list: case_problems' messages as
    # they read in `missing_key`'s language, stored with the key of everything they were
    # computed from (applications.missing: content version and time, form version,
    # stamped scan, the rules' code, language). A list trusts them only while the key
    # matches the case; else it computes them again. Never what a submission checks.
    missing = models.JSONField(_("待补内容"), default=list, blank=True, editable=False)
    missing_key = models.CharField(_("待补内容依据"), max_length=200, default="", blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("申报案例")
        verbose_name_plural = _("申报案例")
        ordering = ["-updated_at", "-id"]
        default_permissions = ("view", "change")
        permissions = [
            ("submit_case", _("提交案例")),
            ("withdraw_case", _("撤回案例")),
            ("review_case", _("初审案例")),
            ("decide_case", _("省级评审决定")),
            ("score_case", _("专家评分")),
        ]
        indexes = [
            # The id last in the counting indexes, for PostgreSQL: see below.
            models.Index(fields=["campaign", "authority", "state", "id"], name="case_authority_state"),
            # The applicant's counts per state and campaign, from the index alone.
            models.Index(fields=["unit", "state", "campaign", "id"], name="case_unit_state_campaign"),
            # The applicant's newest cases first: a page read in the index's order.
            models.Index(fields=["unit", "updated_at", "id"], name="case_unit_recent_first"),
            # The authority's counts per state over every campaign, from the index alone.
            models.Index(fields=["authority", "state", "id"], name="case_authority_any_state"),
            # The province's pages count and list a campaign's cases by state and category.
            # The id last: SQLite keeps the rowid in every index anyway, PostgreSQL needs
            # it named to count and join the cases from the index alone (an index-only
            # scan), instead of reading every case's row of the campaign.
            models.Index(fields=["campaign", "state", "category", "id"], name="case_campaign_state_category"),
            # The 公示 page's list of the selected cases by category and title: a page of
            # ids from the index alone, not every selected case's row read to sort them.
            models.Index(fields=["campaign", "state", "category", "title", "id"], name="case_state_category_title"),
            # Every list's default order (Meta.ordering): a page of the newest cases is
            # read from the index and stops after the page, instead of sorting them all.
            models.Index(fields=["updated_at", "id"], name="case_recent_first"),
            # The same for an authority's queue of a campaign.
            models.Index(fields=["campaign", "authority", "updated_at", "id"], name="case_authority_recent_first"),
            # The province's overview counts each authority's ranked cases per category
            # from this index alone (a probe of the ranking entries' case index each).
            # (The id last for PostgreSQL, as above.)
            models.Index(fields=["campaign", "authority", "category", "id"], name="case_authority_category"),
        ]
        constraints = [
            # Two tabs or a double click cannot create two cases that nobody can tell
            # apart in the ranking table. A draft not yet named (empty key) is exempt:
            # drafts always save, and an empty title is a problem the draft reports.
            models.UniqueConstraint(
                fields=["campaign", "unit", "title_key"],
                condition=~Q(title_key=""),
                name="case_title_unique_in_unit_and_campaign",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.title_key = comparison_key(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields and "title_key" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "title_key"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("case_detail", args=[self.pk])

    def get_state_display(self) -> str:
        # One translation, not one per state (core.choices): lists show it per row.
        return choice_label(CaseState, self.state)


# Guardian's direct foreign-key permission tables: real foreign keys to the case,
# so permission queries join on integers instead of casting generic object ids.
# Uniqueness (one row per holder, permission and case) comes from guardian's base.
class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupGrantCount(models.Model):
    """How many of guardian's case group rows of (group, permission) are on a case now in
    `state`, split by `bucket` (the case's id % 16): `n` is the number of
    rows of CaseGroupObjectPermission JOIN Case on the subject with that key, summed over
    the buckets by its readers. The province's dashboard reads these few rows to prove
    that its group reads every case past the draft, instead of counting its 90,000 rows
    (workflow.selectors.visible_with_state_counts).

    Kept exact by database triggers (migration 0018_case_group_grant_counts), never
    written by the application: a change of guardian's rows (insert, delete, update)
    moves its key's count, a case's change of state (or id) moves its rows' counts, a case
    inserted or deleted adds or removes the counts of the rows already there. So any
    order of writes (PostgreSQL's foreign keys are deferred) and any writer (bulk
    inserts, QuerySet.update, a raw statement) keep it right. Plain integers, no foreign
    keys: a group or a case deleted in any order must not break the counts. The buckets
    spread the hot keys (the province group's `submitted`) over 16 rows, so concurrent
    submissions seldom wait for one another's lock on the count until commit.

    A migration that rebuilds the case or guardian's table on SQLite (a table remake)
    drops its triggers: they are made again, and the counts recounted, after every
    migrate (applications.grant_count_triggers)."""

    group_id = models.IntegerField()
    permission_id = models.IntegerField()
    state = models.CharField(max_length=50)
    bucket = models.PositiveSmallIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group_id", "permission_id", "state", "bucket"], name="case_grant_count_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}/{self.permission_id}/{self.state}/{self.bucket}: {self.n}"


def _attachment_path(attachment: "Attachment", filename: str) -> str:
    # Stored under a random name with the extension of the detected type: the name the
    # user gave is kept as data only, so it can never traverse paths or overwrite.
    suffix = PurePosixPath(filename).suffix.lower()
    return f"cases/{attachment.case_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file on a case: evidence 佐证材料, or the stamped scan of the form 盖章扫描件."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("申报案例"))
    kind = models.CharField(_("类型"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.EVIDENCE)
    file = models.FileField(_("文件"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["kind", "uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(kind=AttachmentKind.STAMPED_SCAN), name="one_stamped_scan_per_case"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def offered_name(self) -> str:
        """The name the file is listed and downloaded under: the user's, with the
        extension of what its bytes are (files stored before that rule included)."""
        return offered_name(self.original_name, kind_of_content_type(self.content_type))


class EvidenceLink(models.Model):
    """Evidence too large to upload, given as a cloud-drive link 网盘链接."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links", verbose_name=_("申报案例"))
    title = models.CharField(_("材料名称"), max_length=200)
    url = models.URLField(_("链接"), max_length=500)
    extraction_code = models.CharField(_("提取码"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("添加人")
    )
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("网盘链接")
        verbose_name_plural = _("网盘链接")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class CampaignSettingChange(models.Model):
    """One change of a campaign's settings (set-up pages): who, when, what, old → new.
    Append-only: written by applications.setup.settings_record, never edited."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="setting_changes", verbose_name=_("征集活动")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("修改人")
    )
    changed_at = models.DateTimeField(_("修改时间"), default=timezone.now, db_index=True)
    section = models.CharField(_("设置项"), max_length=50)
    # What inside the section changed: 「类别：新媒体平台建设」, 「评审项：创新性」; "" for the campaign.
    subject = models.CharField(_("对象"), max_length=200, blank=True)
    field = models.CharField(_("字段"), max_length=100)
    old_value = models.TextField(_("原值"), blank=True)
    new_value = models.TextField(_("新值"), blank=True)

    class Meta:
        verbose_name = _("设置修改记录")
        verbose_name_plural = _("设置修改记录")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.section} · {self.field}"


class DeadlineExtension(models.Model):
    """A later deadline the province grants one applicant unit or one case (to submit
    or resubmit), or one recommending authority (to submit its ranking table), with a
    reason. Kept as granted: a new grant is a new record."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="extensions", verbose_name=_("征集活动")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadline_extensions",
        verbose_name=_("单位"),
    )
    case = models.ForeignKey(
        "Case", on_delete=models.PROTECT, null=True, blank=True, related_name="extensions", verbose_name=_("案例")
    )
    until = models.DateTimeField(_("延期至"))
    reason = models.TextField(_("理由"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("批准人")
    )
    granted_at = models.DateTimeField(_("批准时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("延期")
        verbose_name_plural = _("延期")
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="extension_for_one_organisation_or_one_case",
                condition=Q(organisation__isnull=False, case__isnull=True)
                | Q(organisation__isnull=True, case__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.whom} → {self.until:%Y-%m-%d %H:%M}"

    @property
    def whom(self) -> str:
        if self.case_id:
            return f"《{self.case.title}》（{self.case.unit.name}）"
        return self.organisation.name

    @property
    def for_authority(self) -> bool:
        return self.organisation_id is not None and self.organisation.kind in AUTHORITY_KINDS
