from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

import audit
from accounts import roles
from accounts.enums import AUTHORITY_KINDS, OrgKind, RegistrationStatus, Role, UnitType
from accounts.models import NAME_CONSTRAINT, Organisation, User, same_name_message
from accounts.notifications import queue_registration_decided, queue_registration_submitted
from accounts.validators import credit_code_normalise, normalise_phone, validate_credit_code, validate_mobile
from core.text import normalise_line

# Who decides registrations: the members of the unit's authority who review for it.


class CodeTaken(Exception):
    """The organisation's code (and so its group's name) was taken by another request."""


@transaction.atomic
def organisation_create(
    *,
    name: str,
    code: str,
    kind: OrgKind,
    authority: Organisation | None = None,
    unit_type: UnitType | str = "",
    **details,
) -> Organisation:
    """Create an organisation together with the auth group its permissions are granted to.
    `details` are further fields of Organisation (credit_code, registration_status, …).
    Raises CodeTaken when another request took the code (its group) a moment ago."""
    try:
        with transaction.atomic():
            group = Group.objects.create(name=f"org:{code}")
    except IntegrityError as error:
        raise CodeTaken(code) from error
    organisation = Organisation(
        name=normalise_line(name),
        code=code,
        kind=kind,
        authority=authority,
        unit_type=unit_type,
        group=group,
        **details,
    )
    organisation.full_clean()
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as error:
        # Another request wrote the same name (or code) between our check and our write.
        raise _collision(organisation, error) from error
    return organisation


def _collision(organisation: Organisation, error: IntegrityError) -> Exception:
    existing = organisation.same_name()
    if existing is not None:
        return ValidationError({"name": [same_name_message(existing)]})
    if organisation.credit_code and Organisation.objects.filter(credit_code=organisation.credit_code).exists():
        return ValidationError({"credit_code": [_("该统一社会信用代码已被其他单位注册。")]})
    if NAME_CONSTRAINT in str(error) or Organisation.objects.filter(name=organisation.name).exists():
        return ValidationError({"name": [_("该单位名称已被注册，请核对。")]})
    return error


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    organisation: Organisation,
    role: Role,
    display_name: str = "",
    email: str = "",
    phone: str = "",
    affiliation: Organisation | None = None,
    affiliation_name: str = "",
) -> User:
    """Create a member of an organisation; the member joins the organisation's group."""
    user = User(
        username=username,
        organisation=organisation,
        role=role,
        display_name=display_name,
        email=email,
        phone=phone,
        affiliation=affiliation,
        affiliation_name=affiliation_name,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        # Another request took the login name between our check and our write.
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": [_("该登录名已被使用，请换一个。")]}) from error
        raise
    # Groups follow on save (accounts.security.receivers.memberships_follow).
    audit.record(action="account.created", obj=user, organisation=organisation.code, role=str(role))
    return user


class RegistrationRefused(Exception):
    """A registration decision was not taken. The message is a complete Chinese sentence
    meant for the user; nothing was changed."""


CODE_ATTEMPTS = 5


def _unit_code_next() -> str:
    """A fresh code ("unit-<n>") for a self-registered unit; its group name is free too."""
    number = (Organisation.objects.aggregate(highest=Max("id"))["highest"] or 0) + 1
    while (
        Organisation.objects.filter(code=f"unit-{number}").exists()
        or Group.objects.filter(name=f"org:unit-{number}").exists()
    ):
        number += 1
    return f"unit-{number}"


@transaction.atomic
def unit_register(
    *,
    name: str,
    unit_type: UnitType | str,
    authority: Organisation,
    credit_code: str,
    display_name: str,
    phone: str,
    email: str,
    username: str,
    password: str,
) -> User:
    """An applicant unit registers itself: the unit waits for its authority's approval,
    its first member (the contact person) can log in at once but cannot file yet.
    Raises ValidationError (nothing created) when a name, code or username is taken."""
    errors = {}
    if authority.kind not in AUTHORITY_KINDS or not authority.is_active:
        errors["authority"] = _("请选择有效的推荐单位。")
    credit_code = credit_code_normalise(credit_code)
    phone = normalise_phone(phone)
    checks = [("credit_code", validate_credit_code, credit_code), ("phone", validate_mobile, phone)]
    for field, validate, value in checks:
        try:
            validate(value)
        except ValidationError as error:
            errors[field] = error.messages
    if errors:
        raise ValidationError(errors)
    for attempt in range(CODE_ATTEMPTS):
        try:
            unit = organisation_create(
                name=name,
                code=_unit_code_next(),
                kind=OrgKind.UNIT,
                authority=authority,
                unit_type=unit_type,
                credit_code=credit_code,
                registration_status=RegistrationStatus.PENDING,
            )
            break
        except CodeTaken:
            # Two registrations at once chose the same fresh code: the later one takes
            # the next (and then meets the name and code rules like any other).
            if attempt == CODE_ATTEMPTS - 1:
                raise
    user = user_create(
        username=username,
        password=password,
        organisation=unit,
        role=Role.APPLICANT,
        display_name=display_name,
        email=email,
        phone=phone,
    )
    queue_registration_submitted(unit=unit)
    return user


def _decide(*, unit: Organisation, actor: User, status: RegistrationStatus, note: str) -> Organisation:
    with transaction.atomic():
        # Lock the row: two reviewers of one authority may decide at the same moment.
        locked = Organisation.objects.select_for_update().filter(pk=unit.pk, kind=OrgKind.UNIT).first()
        if locked is None:
            raise RegistrationRefused(_("该单位不存在。"))
        if not (roles.is_registration_reviewer(actor) and actor.organisation_id == locked.authority_id):
            raise RegistrationRefused(_("只有该单位的推荐单位才能审核其注册申请。"))
        allowed_from = {
            RegistrationStatus.APPROVED: (RegistrationStatus.PENDING, RegistrationStatus.REJECTED),
            RegistrationStatus.REJECTED: (RegistrationStatus.PENDING,),
        }[status]
        if locked.registration_status not in allowed_from:
            raise RegistrationRefused(
                _("该单位的注册申请当前为「%(status)s」，不能再作此审核。")
                % {"status": locked.get_registration_status_display()}
            )
        locked.registration_status = status
        locked.registration_note = note
        locked.save(update_fields=["registration_status", "registration_note"])
        queue_registration_decided(unit=locked)
        audit.record(actor=actor, action=f"registration.{status}", obj=locked, note=note[:200])
    unit.registration_status, unit.registration_note = locked.registration_status, locked.registration_note
    return locked


def unit_registration_approve(*, unit: Organisation, actor: User, note: str = "") -> Organisation:
    """The unit's authority approves its registration: from now on the unit may file,
    in this campaign and every later one. A rejected registration may be approved on
    reconsideration."""
    return _decide(unit=unit, actor=actor, status=RegistrationStatus.APPROVED, note=note.strip())


def unit_registration_reject(*, unit: Organisation, actor: User, reason: str) -> Organisation:
    """The unit's authority rejects a pending registration, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise RegistrationRefused(_("不通过时必须填写审核意见。"))
    return _decide(unit=unit, actor=actor, status=RegistrationStatus.REJECTED, note=reason)


class RoleRefused(Exception):
    """A role was not changed. The message is a complete Chinese sentence; nothing changed."""


@transaction.atomic
def user_role_set(*, user: User, role: Role | str, actor: User) -> User:
    """The security administrator gives a member another role of their organisation; the
    groups follow (roles.memberships_sync, on save). The three administrators' own roles
    are given only at installation (`create_admins`)."""
    if not roles.is_security_admin(actor):
        raise RoleRefused(_("只有安全管理员可以分配角色。"))
    allowed = roles.assignable_roles(user.organisation)
    if role not in allowed:
        raise RoleRefused(_("该机构的成员不能担任此角色。"))
    before = user.role
    user.role = role
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role"])
    audit.record(actor=actor, action="role.changed", obj=user, before=before, after=str(role))
    return user
