"""A unit registers itself, its authority (or the province, for provincial units)
decides, and anyone can reset a forgotten password by email."""

import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.enums import OrgKind, RegistrationStatus, Role
from accounts.models import Organisation, User
from accounts.services import RegistrationRefused, unit_register, unit_registration_approve, unit_registration_reject
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "农安融媒-2024-春"


def registration_data(authority, /, **overrides) -> dict:
    data = {
        "name": "农安县融媒体中心",
        "unit_type": "county_centre",
        "authority": str(authority.pk),
        "credit_code": "12220000412757628j",
        "display_name": "王晓梅",
        "phone": "139 0431 0000",
        "email": "nongan@example.com",
        "username": "nongan",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def register_unit(*, authority, name="农安县融媒体中心", credit_code="12220000412757628J", username="nongan"):
    """A pending unit through the service, as the form would create it."""
    return unit_register(
        name=name,
        unit_type="county_centre",
        authority=authority,
        credit_code=credit_code,
        display_name="王晓梅",
        phone="13904310000",
        email=f"{username}@example.com",
        username=username,
        password=NEW_PASSWORD,
    ).organisation


# Registration ----------------------------------------------------------------------------


def test_the_login_page_links_to_registration_and_password_reset(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:register") in page and reverse("accounts:password_reset") in page
    assert "忘记密码？" in page


def test_the_registration_form_offers_every_authority_and_labels_the_province(client, cast):
    page = client.get(reverse("accounts:register")).content.decode()
    assert "长春市文广旅局" in page and "吉林市文广旅局" in page
    assert "吉林省广播电视局（省直单位）" in page
    assert "九台区融媒体中心" not in page  # a unit recommends nobody
    for label in ["单位名称", "单位类型", "推荐单位", "统一社会信用代码", "联系人", "手机号码", "电子邮箱", "登录名"]:
        assert f">{label}<" in page


def test_registration_creates_a_pending_unit_and_an_applicant_who_can_log_in(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), registration_data(cast.city_a))
    assert response.status_code == 302 and response.url == reverse("accounts:register_done")
    unit = Organisation.objects.get(name="农安县融媒体中心")
    assert unit.kind == OrgKind.UNIT and unit.authority == cast.city_a
    assert unit.registration_status == RegistrationStatus.PENDING and not unit.can_file
    assert unit.credit_code == "12220000412757628J"  # upper-cased
    assert re.fullmatch(r"unit-\d+", unit.code)
    user = User.objects.get(username="nongan")
    assert (user.organisation, user.role, user.display_name, user.phone) == (
        unit,
        Role.APPLICANT,
        "王晓梅",
        "13904310000",
    )
    assert user.groups.get() == unit.group

    done = client.get(response.url).content.decode()
    assert "农安县融媒体中心" in done and "长春市文广旅局" in done

    assert client.login(username="nongan", password=NEW_PASSWORD)
    assert client.get(reverse("dashboard")).status_code == 200


def test_the_authority_is_mailed_that_a_registration_waits(client, cast, django_capture_on_commit_callbacks):
    colleague = UserFactory(organisation=cast.city_a, role=Role.AUTHORITY_REVIEWER)
    UserFactory(organisation=cast.city_a, role=Role.AUTHORITY_REVIEWER, email="")  # no address, no mail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register"), registration_data(cast.city_a))
    assert sorted(message.to[0] for message in mail.outbox) == sorted([cast.reviewer_a.email, colleague.email])
    message = mail.outbox[0]
    assert "农安县融媒体中心" in message.subject
    assert "12220000412757628J" in message.body and "王晓梅" in message.body
    assert reverse("accounts:registrations") in message.body


def test_a_provincial_unit_registers_with_the_province(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:register"),
            registration_data(cast.province, name="吉林教育电视台", unit_type="station"),
        )
    assert Organisation.objects.get(name="吉林教育电视台").authority == cast.province
    # Both decide the registrations of the provincial units: the administrator, and the
    # province's reviewer of those units (an authority's rights over them).
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([cast.province_admin.email, cast.province_reviewer.email])


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"credit_code": "12220000412757628K"}, "credit_code", "校验位（第18位）不正确"),
        ({"credit_code": "1222000041275762"}, "credit_code", "应为18位"),
        ({"credit_code": "I2220000412757628J"}, "credit_code", "不含字母I、O、S、V、Z"),
        ({"phone": "0431-85816713"}, "phone", "11位中国大陆手机号码"),
        ({"email": "nongan"}, "email", ""),
        ({"authority": "999999"}, "authority", ""),
        ({"unit_type": ""}, "unit_type", ""),
        ({"password2": "something-else-2024"}, "password2", ""),
        ({"password1": "12345678", "password2": "12345678"}, "password2", ""),
    ],
)
def test_invalid_registrations_are_refused_with_nothing_created(client, cast, overrides, field, message):
    Organisation.objects.filter(pk=cast.unit_b.pk).update(credit_code="91350100M000100Y43")
    organisations, users = Organisation.objects.count(), User.objects.count()
    response = client.post(reverse("accounts:register"), registration_data(cast.city_a, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert "请修改以下问题" in page and f'href="#id_{field}"' in page  # at the top, linked to the field
    assert f'id="id_{field}_error"' in page  # and next to it
    assert (Organisation.objects.count(), User.objects.count()) == (organisations, users)
    assert mail.outbox == []


def test_a_unit_or_an_inactive_authority_cannot_be_chosen(client, cast):
    Organisation.objects.filter(pk=cast.city_b.pk).update(is_active=False)
    for authority in [cast.unit_b, cast.city_b]:
        response = client.post(
            reverse("accounts:register"), registration_data(cast.city_a, authority=str(authority.pk))
        )
        assert "authority" in response.context["form"].errors
    assert not Organisation.objects.filter(name="农安县融媒体中心").exists()


def test_the_service_refuses_a_duplicate_and_leaves_nothing_behind(cast):
    from django.core.exceptions import ValidationError

    organisations, users = Organisation.objects.count(), User.objects.count()
    with pytest.raises(ValidationError):
        register_unit(authority=cast.city_a, username="applicant_a")  # the unit would be created first
    with pytest.raises(ValidationError):
        register_unit(authority=cast.unit_a)  # a unit is no authority
    assert (Organisation.objects.count(), User.objects.count()) == (organisations, users)


def test_a_signed_in_user_is_sent_to_the_dashboard(client, cast):
    client.force_login(cast.applicant_a)
    assert client.get(reverse("accounts:register")).url == reverse("dashboard")


def test_the_dashboard_notice_follows_the_registration(cast):
    unit = register_unit(authority=cast.city_a)
    user = unit.members.get()
    assert "注册申请待推荐单位审核，审核通过后方可填报案例" in render_to_string(
        "accounts/includes/registration_notice.html", {"user": user}
    )
    unit_registration_reject(unit=unit, actor=cast.reviewer_a, reason="信用代码与单位名称不符")
    user = User.objects.select_related("organisation").get(pk=user.pk)
    notice = render_to_string("accounts/includes/registration_notice.html", {"user": user})
    assert "未通过" in notice and "信用代码与单位名称不符" in notice
    unit_registration_approve(unit=unit, actor=cast.reviewer_a)
    user = User.objects.select_related("organisation").get(pk=user.pk)
    assert render_to_string("accounts/includes/registration_notice.html", {"user": user}).strip() == ""
    for other in [cast.applicant_a, cast.reviewer_a, cast.expert_assigned]:
        assert render_to_string("accounts/includes/registration_notice.html", {"user": other}).strip() == ""


# Approval --------------------------------------------------------------------------------


def test_the_authority_sees_its_pending_registrations_with_all_their_data(client, cast):
    register_unit(authority=cast.city_a)
    register_unit(authority=cast.city_b, name="蛟河市融媒体中心", credit_code="91350100M000100Y43", username="jiaohe")
    client.force_login(cast.reviewer_a)
    page = client.get(reverse("accounts:registrations")).content.decode()
    for shown in [
        "农安县融媒体中心",
        "县级融媒体中心",
        "12220000412757628J",
        "王晓梅",
        "13904310000",
        "nongan@example.com",
    ]:
        assert shown in page
    assert "蛟河市融媒体中心" not in page
    assert "九台区融媒体中心" not in page  # created by the province, never registered


def test_the_nav_link_is_shown_to_reviewers_only(client, cast):
    for user, shown in [(cast.reviewer_a, True), (cast.province_admin, True), (cast.applicant_a, False)]:
        client.force_login(user)
        page = client.get(reverse("dashboard")).content.decode()
        assert (reverse("accounts:registrations") in page) is shown


def test_the_list_costs_the_same_queries_however_many_wait(client, cast, django_assert_max_num_queries):
    client.force_login(cast.reviewer_a)
    register_unit(authority=cast.city_a)
    with django_assert_max_num_queries(9) as few:  # 9: the inbox badge counts once
        client.get(reverse("accounts:registrations"))
    codes = ["91350100M000100Y43", "91110000600037341L", "91220000124050911F"]
    for number, code in enumerate(codes):
        register_unit(authority=cast.city_a, name=f"测试融媒体中心{number}", credit_code=code, username=f"unit{number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("accounts:registrations"))


def test_the_right_authority_approves_and_the_unit_is_mailed(client, cast, django_capture_on_commit_callbacks):
    unit = register_unit(authority=cast.city_a)
    mail.outbox.clear()
    client.force_login(cast.reviewer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:registration_approve", args=[unit.pk]), follow=True)
    assert "已通过「农安县融媒体中心」的注册申请" in response.content.decode()
    unit.refresh_from_db()
    assert unit.registration_status == RegistrationStatus.APPROVED and unit.can_file
    assert [message.to for message in mail.outbox] == [["nongan@example.com"]]
    assert "审核通过" in mail.outbox[0].subject and "长春市文广旅局" in mail.outbox[0].body


def test_another_citys_reviewer_gets_404_and_the_unit_is_unchanged(client, cast):
    unit = register_unit(authority=cast.city_a)
    client.force_login(cast.reviewer_b)
    assert client.post(reverse("accounts:registration_approve", args=[unit.pk])).status_code == 404
    assert (
        client.post(
            reverse("accounts:registration_reject", args=[unit.pk]), {f"reject-{unit.pk}-reason": "不符"}
        ).status_code
        == 404
    )
    unit.refresh_from_db()
    assert (unit.registration_status, unit.registration_note) == (RegistrationStatus.PENDING, "")
    with pytest.raises(RegistrationRefused):
        unit_registration_approve(unit=unit, actor=cast.reviewer_b)
    with pytest.raises(RegistrationRefused):
        unit_registration_approve(unit=unit, actor=cast.province_admin)  # the province is not city A's authority
    unit.refresh_from_db()
    assert unit.registration_status == RegistrationStatus.PENDING


def test_the_province_approves_a_provincial_unit_and_a_city_cannot(client, cast):
    unit = register_unit(authority=cast.province, name="吉林教育电视台")
    client.force_login(cast.reviewer_a)
    assert client.post(reverse("accounts:registration_approve", args=[unit.pk])).status_code == 404
    unit.refresh_from_db()
    assert unit.registration_status == RegistrationStatus.PENDING
    province_reviewer = UserFactory(organisation=cast.province, role=Role.AUTHORITY_REVIEWER)
    client.force_login(province_reviewer)
    assert "吉林教育电视台" in client.get(reverse("accounts:registrations")).content.decode()
    client.force_login(cast.province_admin)
    assert client.post(reverse("accounts:registration_approve", args=[unit.pk])).status_code == 302
    unit.refresh_from_db()
    assert unit.registration_status == RegistrationStatus.APPROVED


def test_reject_needs_a_reason(client, cast):
    unit = register_unit(authority=cast.city_a)
    client.force_login(cast.reviewer_a)
    response = client.post(reverse("accounts:registration_reject", args=[unit.pk]), {f"reject-{unit.pk}-reason": "  "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "不通过时必须填写理由" in page and "请修改以下问题" in page
    unit.refresh_from_db()
    assert unit.registration_status == RegistrationStatus.PENDING
    with pytest.raises(RegistrationRefused):
        unit_registration_reject(unit=unit, actor=cast.reviewer_a, reason=" ")


def test_a_rejection_mails_the_reason_and_can_be_reconsidered(client, cast, django_capture_on_commit_callbacks):
    unit = register_unit(authority=cast.city_a)
    colleague = UserFactory(organisation=unit, role=Role.APPLICANT)
    mail.outbox.clear()
    client.force_login(cast.reviewer_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:registration_reject", args=[unit.pk]),
            {f"reject-{unit.pk}-reason": "单位名称与营业执照不一致，请联系本局"},
        )
    unit.refresh_from_db()
    assert (unit.registration_status, unit.registration_note) == (
        RegistrationStatus.REJECTED,
        "单位名称与营业执照不一致，请联系本局",
    )
    assert sorted(message.to[0] for message in mail.outbox) == sorted(["nongan@example.com", colleague.email])
    assert "未通过" in mail.outbox[0].subject and "单位名称与营业执照不一致" in mail.outbox[0].body
    # A decided registration is not rejected twice, but the authority may change its mind.
    with pytest.raises(RegistrationRefused):
        unit_registration_reject(unit=unit, actor=cast.reviewer_a, reason="再次")
    page = client.get(reverse("accounts:registrations")).content.decode()
    assert "单位名称与营业执照不一致" in page and "改为通过" in page
    unit_registration_approve(unit=unit, actor=cast.reviewer_a)
    unit.refresh_from_db()
    assert unit.can_file and unit.registration_note == ""
    with pytest.raises(RegistrationRefused):
        unit_registration_approve(unit=unit, actor=cast.reviewer_a)


@pytest.mark.parametrize("who", ["applicant_a", "applicant_p", "expert_assigned", "expert_unassigned"])
def test_applicants_and_experts_get_404_on_the_approval_pages(client, cast, who):
    unit = register_unit(authority=cast.city_a)
    client.force_login(getattr(cast, who))
    assert client.get(reverse("accounts:registrations")).status_code == 404
    assert client.post(reverse("accounts:registration_approve", args=[unit.pk])).status_code == 404
    assert (
        client.post(
            reverse("accounts:registration_reject", args=[unit.pk]), {f"reject-{unit.pk}-reason": "x"}
        ).status_code
        == 404
    )
    unit.refresh_from_db()
    assert unit.registration_status == RegistrationStatus.PENDING


def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    unit = register_unit(authority=cast.city_a)
    for response in [
        client.get(reverse("accounts:registrations")),
        client.post(reverse("accounts:registration_approve", args=[unit.pk])),
        client.post(reverse("accounts:registration_reject", args=[unit.pk]), {f"reject-{unit.pk}-reason": "x"}),
    ]:
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    unit.refresh_from_db()
    assert unit.registration_status == RegistrationStatus.PENDING


def test_decisions_are_taken_by_post_only(client, cast):
    unit = register_unit(authority=cast.city_a)
    client.force_login(cast.reviewer_a)
    assert client.get(reverse("accounts:registration_approve", args=[unit.pk])).status_code == 405
    unit.refresh_from_db()
    assert unit.registration_status == RegistrationStatus.PENDING


# Password reset ----------------------------------------------------------------------------


def test_password_reset_mails_a_link_that_sets_a_new_password(client, cast):
    response = client.post(reverse("accounts:password_reset"), {"email": cast.applicant_a.email})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert [message.to for message in mail.outbox] == [[cast.applicant_a.email]]
    body = mail.outbox[0].body
    assert "重设密码" in mail.outbox[0].subject and "applicant_a" in body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/\S+/)", body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_complete")
    assert "密码已重设" in client.get(response.url).content.decode()

    assert client.login(username="applicant_a", password=NEW_PASSWORD)
    assert not client.login(username="applicant_a", password=PASSWORD)
    # The link worked once.
    assert not client.get(link, follow=True).context["validlink"]


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, cast):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []
    assert "邮件已发送" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    "overrides",
    [{"name": "九台区融媒体中心"}, {"credit_code": "91350100M000100Y43"}, {"username": "Applicant_A"}],
)
def test_registration_answers_the_same_whether_or_not_a_name_exists(client, cast, overrides):
    """A unit name, credit code or login that exists already is not told: the answer is
    the page a successful registration gets; nothing is created; the attempt is audited."""
    from audit.models import AuditRecord

    Organisation.objects.filter(pk=cast.unit_b.pk).update(credit_code="91350100M000100Y43")
    organisations, users = Organisation.objects.count(), User.objects.count()
    response = client.post(reverse("accounts:register"), registration_data(cast.city_a, **overrides))
    assert response.status_code == 302
    assert response.url == reverse("accounts:register_done")
    assert (Organisation.objects.count(), User.objects.count()) == (organisations, users)
    assert AuditRecord.objects.filter(action="registration.submitted", details__reason="exists").exists()
    # With another mistake besides, only that mistake is told.
    response = client.post(
        reverse("accounts:register"), registration_data(cast.city_a, phone="0431-85816713", **overrides)
    )
    errors = response.context["form"].errors
    assert list(errors) == ["phone"]


def test_registration_is_rate_limited(client, cast, settings):
    settings.REGISTRATION_RATE_LIMIT = 2
    statuses = [
        client.post(reverse("accounts:register"), registration_data(cast.city_a, phone="0")).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
