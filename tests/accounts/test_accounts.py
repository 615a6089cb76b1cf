import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.enums import OrgKind, Role
from accounts.models import Organisation
from config import env
from tests.factories import PASSWORD, OrganisationFactory, UnitFactory, UserFactory


def test_each_organisation_has_its_own_group_and_members_join_it(cast):
    groups = {org.group_id for org in Organisation.objects.all()}
    assert len(groups) == Organisation.objects.count()
    assert cast.applicant_a.groups.get() == cast.unit_a.group


def test_a_unit_needs_an_authority_and_a_type(cast):
    with pytest.raises(ValidationError):
        UnitFactory(authority=None)
    with pytest.raises(ValidationError) as error:
        UnitFactory(authority=cast.unit_a)  # a unit cannot recommend another unit
    assert "推荐单位必须是" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=cast.unit_a.pk).update(authority=None)


def test_there_is_one_province(cast):
    with pytest.raises((ValidationError, IntegrityError)):
        OrganisationFactory(kind=OrgKind.PROVINCE)


def test_roles_must_fit_the_organisation(cast):
    with pytest.raises(ValidationError) as error:
        UserFactory(organisation=cast.unit_a, role=Role.AUTHORITY_REVIEWER)
    assert "不能担任此角色" in str(error.value)
    with pytest.raises(ValidationError):
        UserFactory(organisation=cast.city_a, role=Role.EXPERT)
    UserFactory(organisation=cast.province, role=Role.AUTHORITY_REVIEWER)  # the province reviews its own units


def test_login_logout_and_password_change(client, cast):
    assert client.login(username="applicant_a", password=PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "融媒体-new-pass-2024", "new_password2": "融媒体-new-pass-2024"},
    )
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("dashboard")).status_code == 302
    assert client.login(username="applicant_a", password="融媒体-new-pass-2024")


def test_wrong_password_is_told_in_chinese(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "applicant_a", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


@pytest.mark.parametrize(
    ("function", "raw", "kwargs"),
    [
        (env.env_bool, "maybe", {"default": False}),
        (env.env_int, "12a", {"default": 1}),
        (env.env_int, "0", {"default": 1, "minimum": 1}),
        (env.env_choice, "redis", {"default": "immediate", "choices": ("immediate", "database")}),
        (env.env_timezone, "Mars/Olympus", {"default": "Asia/Shanghai"}),
    ],
)
def test_a_malformed_setting_stops_start_up(monkeypatch, function, raw, kwargs):
    monkeypatch.setenv("SOME_SETTING", raw)
    with pytest.raises(ImproperlyConfigured) as error:
        function("SOME_SETTING", **kwargs)
    assert "SOME_SETTING" in str(error.value)


def test_settings_parse_what_they_should(monkeypatch):
    monkeypatch.setenv("FLAG", "off")
    monkeypatch.setenv("COUNT", " 42 ")
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env.env_bool("FLAG", True) is False
    assert env.env_int("COUNT", 1) == 42
    assert env.env_list("HOSTS", []) == ["a.example", "b.example"]
    assert env.env_str("UNSET_SETTING", "fallback") == "fallback"


def test_the_interface_is_chinese_first_and_english_on_request(client, cast):
    client.force_login(cast.reviewer_a)
    assert "本地区申报案例" in client.get(reverse("dashboard")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("dashboard")).content.decode()
    assert "本地区申报案例" not in english and 'lang="en"' in english


def test_an_english_browser_still_gets_chinese_until_english_is_chosen(client, db):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户登录" in response.content.decode()
