from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.enums import (
    AUTHORITY_KINDS,
    ROLES_BY_ORG_KIND,
    NotificationEvent,
    OrgKind,
    RegistrationStatus,
    Role,
    UnitType,
)
from accounts.validators import credit_code_normalise, normalise_phone, validate_credit_code, validate_phone
from core.choices import choice_label
from core.text import comparison_key

NAME_CONSTRAINT = "organisation_name_key_unique"


class Organisation(models.Model):
    """The province bureau, a recommending authority, an applicant unit or the expert pool.

    Each organisation owns one auth group: object permissions that belong to the
    organisation (an applicant unit editing its case, an authority reviewing it) are
    granted to that group, so people joining or leaving need no permission changes.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    # core.text.comparison_key(name), kept equal by save(): the names people would call
    # the same ("农安县融媒体中心", "\u200f农安县融媒体中心", "农安县 融媒体中心", full-width
    # letters) have one key, unique in the province (the installation serves one).
    # Longer than the name: NFKC may expand a character.
    name_key = models.CharField(_("名称比对键"), max_length=2000, editable=False, default="")
    code = models.SlugField(_("代码"), max_length=50, unique=True, help_text=_("英文短名，用于账号与文件名"))
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    unit_type = models.CharField(_("单位类型"), max_length=20, choices=UnitType.choices, blank=True)
    authority = models.ForeignKey(
        "self",
        verbose_name=_("推荐单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        limit_choices_to={"kind__in": AUTHORITY_KINDS},
    )
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="organisation", editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    # 统一社会信用代码 of an applicant unit (18 characters, check digit verified).
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    registration_status = models.CharField(
        _("注册审核"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.APPROVED
    )
    registration_note = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["credit_code"], condition=~Q(credit_code=""), name="credit_code_unique"),
            models.UniqueConstraint(fields=["name_key"], condition=~Q(name_key=""), name=NAME_CONSTRAINT),
            # One province bureau per installation: it is the province in every rule.
            models.UniqueConstraint(fields=["kind"], condition=Q(kind=OrgKind.PROVINCE), name="one_province"),
            # An applicant unit has exactly one recommending authority and a unit type;
            # no other kind of organisation has either.
            models.CheckConstraint(
                name="unit_has_authority_and_type",
                condition=(
                    Q(kind=OrgKind.UNIT, authority__isnull=False) & ~Q(unit_type="")
                    | ~Q(kind=OrgKind.UNIT) & Q(authority__isnull=True, unit_type="")
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = comparison_key(self.name)
        self.credit_code = credit_code_normalise(self.credit_code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields and "name_key" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "name_key"]
        super().save(*args, **kwargs)

    def same_name(self) -> "Organisation | None":
        """Another organisation whose name people would call the same as this one's."""
        key = comparison_key(self.name)
        if not key:
            return None
        return Organisation.objects.filter(name_key=key).exclude(pk=self.pk).order_by("id").first()

    def validate_unique(self, exclude=None) -> None:
        # The key's constraint would say "名称比对键 already exists"; name the other unit.
        errors = {}
        try:
            super().validate_unique(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "name" not in (exclude or ()):
            existing = self.same_name()
            if existing is not None:
                errors["name"] = [same_name_message(existing)]  # instead of Django's stock words
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None) -> None:
        # The name key is checked by validate_unique, with the other unit's name.
        super().validate_constraints(exclude=[*(exclude or ()), "name_key"])

    def get_unit_type_display(self) -> str:
        # One translation, not one per type (core.choices): lists show it per row.
        return choice_label(UnitType, self.unit_type)

    @property
    def can_file(self) -> bool:
        """An applicant unit may create and submit cases: active and approved."""
        return self.kind == OrgKind.UNIT and self.is_active and self.registration_status == RegistrationStatus.APPROVED

    def clean(self) -> None:
        if self.credit_code:
            self.credit_code = credit_code_normalise(self.credit_code)
            try:
                validate_credit_code(self.credit_code)
            except ValidationError as error:
                raise ValidationError({"credit_code": error.messages}) from error
        if self.kind == OrgKind.UNIT:
            errors = {}
            if self.authority_id is None:
                errors["authority"] = _("申报单位必须有推荐单位。")
            elif self.authority.kind not in AUTHORITY_KINDS:
                errors["authority"] = _("推荐单位必须是市（州）主管部门或省局。")
            if not self.unit_type:
                errors["unit_type"] = _("请选择单位类型。")
            if errors:
                raise ValidationError(errors)
        elif self.authority_id is not None or self.unit_type:
            raise ValidationError(_("只有申报单位才有推荐单位和单位类型。"))


def same_name_message(existing: Organisation) -> str:
    return _("已有名称相同的单位「%(name)s」（名称比对时不区分空格、全角半角和不可见字符），请核对是否已注册。") % {
        "name": existing.name
    }


class User(AbstractUser):
    """A person. Belongs to one organisation with one role; the role decides the
    dashboard, the organisation decides which cases they can reach."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, blank=True)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    # Experts only: where the expert works, so that the province can keep them away from
    # cases of their own unit or city (conflicts of interest).
    affiliation = models.ForeignKey(
        Organisation,
        verbose_name=_("工作单位（专家）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="affiliated_experts",
    )
    affiliation_name = models.CharField(_("工作单位名称（专家）"), max_length=100, blank=True)
    # Sign-in policy (accounts/security): a password set by someone else must be changed
    # at the next sign-in; every password expires after PASSWORD_MAX_AGE_DAYS; one session.
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True, editable=False)
    session_key = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # Superusers may stand outside every organisation; nobody else does.
            models.CheckConstraint(
                name="member_has_organisation_and_role",
                condition=Q(is_superuser=True) | Q(organisation__isnull=False) & ~Q(role=""),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.phone:
            self.phone = normalise_phone(self.phone)
            try:
                validate_phone(self.phone)
            except ValidationError as error:
                raise ValidationError({"phone": error.messages}) from error
        if self.organisation_id is not None and self.role:
            allowed = ROLES_BY_ORG_KIND[OrgKind(self.organisation.kind)]
            if self.role not in allowed:
                raise ValidationError({"role": _("该机构的成员不能担任此角色。")})
        if self.role != Role.EXPERT and (self.affiliation_id or self.affiliation_name):
            raise ValidationError({"affiliation": _("只有评审专家需要填写工作单位。")})

    @property
    def is_applicant(self) -> bool:
        return roles.is_applicant(self)

    @property
    def is_authority_reviewer(self) -> bool:
        return roles.is_authority_reviewer(self)

    @property
    def is_province_admin(self) -> bool:
        return roles.is_province_admin(self)

    @property
    def is_expert(self) -> bool:
        return roles.is_expert(self)


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords: a new one may not repeat the last
    PASSWORD_HISTORY_COUNT (accounts.security.passwords.NotRecentlyUsedValidator)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class Notification(models.Model):
    """One message in a person's inbox: everything mailed is also kept here (written by
    accounts.inbox.notify, the one place that delivers), read or not."""

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("收件人")
    )
    event = models.CharField(_("事项"), max_length=40, choices=NotificationEvent.choices)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    # A path inside the site ("/cases/12/"); mails carry it after SITE_URL.
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.subject


class MailTemplate(models.Model):
    """The province's own wording of one event's message, with placeholders such as
    {unit} and {case}. Without a row the file templates under templates/*/email/ speak."""

    event = models.CharField(_("事项"), max_length=40, choices=NotificationEvent.choices, unique=True)
    subject = models.CharField(_("邮件标题"), max_length=200)
    body = models.TextField(_("邮件正文"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("修改人")
    )

    class Meta:
        verbose_name = _("邮件模板")
        verbose_name_plural = _("邮件模板")

    def __str__(self) -> str:
        return self.get_event_display()
