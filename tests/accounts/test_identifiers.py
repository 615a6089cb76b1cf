"""Identifiers on every path: a unit's name unique in the province on a normalised key
(forms, services, the admin, the database), a warning when one name lies within
another, the credit code's structure, and telephone numbers stored in one form."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.urls import reverse

from accounts.enums import OrgKind, UnitType
from accounts.models import Organisation, User
from accounts.selectors import overlapping_names
from accounts.services import unit_register, user_create
from accounts.validators import (
    credit_code_check_character,
    credit_code_clean,
    normalise_phone,
    phone_clean,
)
from tests.accounts.test_registration import NEW_PASSWORD, register_unit, registration_data

EXISTING = "九台区融媒体中心"  # the cast's unit A
SAME_NAME = f"已有名称相同的单位「{EXISTING}」"

SAME_NAMES = {
    "rlm": "\u200f九台区融媒体中心",
    "bidi embedding": "\u202a九台区融媒体中心\u202c",
    "inner spaces": "九台区 融媒体\u3000中心",
    "zero-width": "九台\u200b区融\u2060媒体中心",
    "padded": f"  {EXISTING}\t",
}


def _code(first_17: str) -> str:
    return first_17 + credit_code_check_character(first_17)


# --- unit names ----------------------------------------------------------------------


@pytest.mark.parametrize("name", SAME_NAMES.values(), ids=SAME_NAMES.keys())
def test_registration_refuses_a_name_people_would_call_the_same_without_telling(client, cast, name):
    """The public form does not say the unit exists (issue #10: no enumeration): the answer
    is a fresh registration's, nothing is created and the attempt is audited. Signed-in
    paths (the service below, the admin) still name the unit."""
    from audit.models import AuditRecord

    before = Organisation.objects.count(), User.objects.count()
    response = client.post(reverse("accounts:register"), registration_data(cast.city_a, name=name))
    assert (Organisation.objects.count(), User.objects.count()) == before
    assert AuditRecord.objects.filter(action="registration.submitted", details__reason="exists").count() == 1
    assert EXISTING not in client.get(response.url).content.decode()
    fresh = Client().post(reverse("accounts:register"), registration_data(cast.city_a, name="农安县融媒体中心"))
    assert Organisation.objects.count() == before[0] + 1  # that one was registered
    assert (response.status_code, response.url) == (fresh.status_code, fresh.url)
    assert (response.status_code, response.url) == (302, reverse("accounts:register_done"))


@pytest.mark.parametrize("name", SAME_NAMES.values(), ids=SAME_NAMES.keys())
def test_the_service_refuses_it_too(cast, name):
    before = Organisation.objects.count()
    with pytest.raises(ValidationError) as refused:
        register_unit(authority=cast.city_a, name=name)
    assert SAME_NAME in refused.value.message_dict["name"][0]
    assert Organisation.objects.count() == before


def test_a_name_is_stored_cleaned_and_keyed(client, cast):
    data = registration_data(cast.city_a, name="\u202e农安县\u200b融媒体中心\u202c ")
    client.post(reverse("accounts:register"), data)
    unit = Organisation.objects.get(credit_code="12220000412757628J")
    assert (unit.name, unit.name_key) == ("农安县融媒体中心", "农安县融媒体中心")


def test_the_database_refuses_two_organisations_with_one_key(cast):
    copy = Organisation.objects.get(pk=cast.unit_a.pk)
    copy.pk, copy.code, copy.name = None, "jiutai-2", "九台区 融媒体中心"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    # Bypassing save() as well: the constraint is the database's.
    copy.name_key = "九台区融媒体中心"
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.bulk_create([copy])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections at once")
def test_two_registrations_of_one_name_at_once_make_one_unit(cast):
    # Both may pass the form's check before either writes: the constraint decides, and
    # the loser is told which unit has the name.
    barrier = threading.Barrier(2)
    outcomes = {}

    def register(username, name, code):
        try:
            barrier.wait(timeout=10)
            register_unit(authority=cast.city_a, name=name, credit_code=code, username=username)
            outcomes[username] = "ok"
        except ValidationError as refused:
            outcomes[username] = refused.message_dict["name"][0]
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=register, args=("first", "农安县融媒体中心", "12220000412757628J")),
        threading.Thread(target=register, args=("second", "农安县 融媒体中心", _code("12220000412757629"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["first", "second"]
    assert list(outcomes.values()).count("ok") == 1
    loser = next(message for message in outcomes.values() if message != "ok")
    assert loser.startswith("已有名称相同的单位「农安县")
    assert Organisation.objects.filter(name_key="农安县融媒体中心").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections at once")
def test_two_registrations_of_different_names_at_once_both_succeed(cast):
    # Both choose the same fresh unit code: the later one takes the next, no error.
    barrier = threading.Barrier(2)
    outcomes = {}

    def register(username, name, code):
        try:
            barrier.wait(timeout=10)
            register_unit(authority=cast.city_a, name=name, credit_code=code, username=username)
            outcomes[username] = "ok"
        except Exception as error:  # noqa: BLE001 - the test reports whatever went wrong
            outcomes[username] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=register, args=("first", "农安县融媒体中心", "12220000412757628J")),
        threading.Thread(target=register, args=("second", "双阳区融媒体中心", _code("12220000412757629"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == {"first": "ok", "second": "ok"}


def test_a_name_within_another_is_registered_with_a_warning_the_reviewer_sees(client, cast):
    response = client.post(
        reverse("accounts:register"), registration_data(cast.city_a, name="长春市九台区融媒体中心"), follow=True
    )
    page = response.content.decode()
    assert "单位名称与以下已有单位相近" in page and f"「{EXISTING}」" in page
    unit = Organisation.objects.get(name="长春市九台区融媒体中心")
    assert unit.registration_status == "pending"
    client.force_login(cast.reviewer_a)
    page = client.get(reverse("accounts:registrations")).content.decode()
    card = page[page.index(f'id="unit-{unit.pk}"') :]
    assert "名称与已有单位相近" in card.split("</article>")[0] and f"「{EXISTING}」" in card.split("</article>")[0]


def test_the_reverse_containment_and_no_warning_for_unrelated_or_short_names(cast):
    inner = register_unit(authority=cast.city_a, name="九台区融媒体", username="inner")
    far = register_unit(authority=cast.city_a, name="农安县融媒体中心", credit_code=_code("12220000412757629"))
    found = overlapping_names(units=[inner, far])
    assert found[inner.pk] == [EXISTING]
    assert found[far.pk] == []
    # "中心" lies within every centre's name and says nothing.
    short = Organisation(pk=-1, name="中心", name_key="中心")
    assert overlapping_names(units=[short])[-1] == []


def test_the_migration_fills_keys_and_never_fails_on_existing_duplicates(cast):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0004_organisation_name_key")
    twin = register_unit(authority=cast.city_a, name="农安县融媒体中心")
    # As before the rule: the same name with an invisible mark, no keys yet.
    Organisation.objects.filter(pk=twin.pk).update(name=f"\u200f{EXISTING}", credit_code="12220000412757628j")
    Organisation.objects.update(name_key="")
    migration.fill_name_keys(apps, None)
    migration.canonical_identifiers(apps, None)
    keys = dict(Organisation.objects.values_list("pk", "name_key"))
    assert keys[cast.unit_a.pk] == EXISTING
    assert keys[twin.pk] == f"{EXISTING}（{twin.pk}）"
    twin.refresh_from_db()
    assert twin.name == f"\u200f{EXISTING}" and twin.credit_code == "12220000412757628J"


def test_the_migration_cleans_a_name_that_lies(cast):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0004_organisation_name_key")
    liar = register_unit(authority=cast.city_a, name="梨树县融媒体中心")
    # Registered before the rule: shown as 「梨树县融媒体中心」, holding its reverse.
    Organisation.objects.filter(pk=liar.pk).update(name="\u202e心中体媒融县树梨\u202c")
    Organisation.objects.update(name_key="")
    migration.fill_name_keys(apps, None)
    liar.refresh_from_db()
    assert (liar.name, liar.name_key) == ("心中体媒融县树梨", "心中体媒融县树梨")
    assert Organisation.objects.get(pk=cast.unit_a.pk).name == EXISTING


# --- credit codes --------------------------------------------------------------------

BAD_CODES = {
    "all zeros": ("000000000000000000", "不能全为0"),
    "unknown authority": (_code("B1220000412757628"), "第1位（登记管理部门代码）“B”不存在"),
    "kind not of the authority": (_code("15220000412757628"), "第2位（机构类别代码）“5”"),
    "enterprise kind 4": (_code("94110000600037341"), "第2位（机构类别代码）“4”"),
    "division not a province": (_code("12990000412757628"), "第3至8位"),
    "division with a letter": (_code("1222A000412757628"), "第3至8位"),
    "check digit": ("12220000412757628K", "校验位（第18位）不正确"),
}


@pytest.mark.parametrize(("code", "message"), BAD_CODES.values(), ids=BAD_CODES.keys())
def test_a_code_of_the_wrong_structure_is_refused(code, message):
    with pytest.raises(ValidationError) as refused:
        credit_code_clean(code)
    assert message in refused.value.messages[0]


@pytest.mark.parametrize(
    "code", ["12220000412757628J", "91350100M000100Y43", "Y1110000MA0000000X", "N2220000412757628X"]
)
def test_codes_of_every_authority_kind_pass_when_their_check_is_right(code):
    code = code if credit_code_check_character(code[:17]) == code[17] else _code(code[:17])
    assert credit_code_clean(code) == code


def test_full_width_and_lower_case_codes_are_stored_upper_case_ascii():
    assert credit_code_clean("１２２２００００４１２７５７６２８ｊ") == "12220000412757628J"


@pytest.mark.parametrize(("code", "message"), BAD_CODES.values(), ids=BAD_CODES.keys())
def test_registration_refuses_them(client, cast, code, message):
    response = client.post(reverse("accounts:register"), registration_data(cast.city_a, credit_code=code))
    assert message in " ".join(response.context["form"].errors["credit_code"])
    assert not Organisation.objects.filter(name="农安县融媒体中心").exists()


def _organisation_post(cast, **changes):
    data = {
        "name": "双阳区融媒体中心",
        "code": "shuangyang",
        "kind": OrgKind.UNIT,
        "unit_type": UnitType.COUNTY_CENTRE,
        "authority": cast.city_a.pk,
        "is_active": "on",
        "registration_status": "approved",
        "credit_code": "",
        "registration_note": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(("code", "message"), BAD_CODES.values(), ids=BAD_CODES.keys())
def test_the_admin_refuses_them(admin_client, cast, code, message):
    response = admin_client.post(reverse("admin:accounts_organisation_add"), _organisation_post(cast, credit_code=code))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Organisation.objects.filter(code="shuangyang").exists()


def test_the_admin_stores_the_code_upper_case_and_the_name_cleaned(admin_client, cast):
    response = admin_client.post(
        reverse("admin:accounts_organisation_add"),
        _organisation_post(cast, name="\u202e双阳区融媒体中心\u202c", credit_code="1222 0000 4127 5762 8j"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    unit = Organisation.objects.get(code="shuangyang")
    assert (unit.name, unit.credit_code) == ("双阳区融媒体中心", "12220000412757628J")
    # Changing it: the same rules.
    url = reverse("admin:accounts_organisation_change", args=[unit.pk])
    response = admin_client.post(url, _organisation_post(cast, credit_code="12220000412757628K"))
    assert "校验位（第18位）不正确" in response.content.decode()


def test_the_admin_refuses_a_name_people_would_call_the_same(admin_client, cast):
    response = admin_client.post(
        reverse("admin:accounts_organisation_add"), _organisation_post(cast, name="九台区　融媒体中心")
    )
    assert response.status_code == 200 and SAME_NAME in response.content.decode()
    assert not Organisation.objects.filter(code="shuangyang").exists()


def test_the_model_refuses_a_bad_code_given_by_code(cast):
    unit = Organisation.objects.get(pk=cast.unit_a.pk)
    unit.credit_code = "000000000000000000"
    with pytest.raises(ValidationError) as refused:
        unit.full_clean()
    assert "不能全为0" in refused.value.message_dict["credit_code"][0]


# --- telephone numbers ---------------------------------------------------------------

CANONICAL = {
    "１３９０４３１００００": "13904310000",
    "+86 139-0431-0000": "13904310000",
    "0086 13904310000": "13904310000",
    "(0431) 8888 8888": "0431-88888888",
    "０４３１－８８８８８８８８": "0431-88888888",
    "010 62345678": "010-62345678",
    "024-2345678": "024-2345678",
    "\u0661\u0663\u0669\u0660\u0664\u0663\u0661\u0660\u0660\u0660\u0660": "13904310000",  # Arabic-Indic digits
}


@pytest.mark.parametrize(("typed", "stored"), CANONICAL.items())
def test_phones_are_stored_in_one_form(typed, stored):
    assert normalise_phone(typed) == stored
    assert phone_clean(typed) == stored


@pytest.mark.parametrize("typed", ["12345678901", "1390431000a", "139043100001", "0431-1234567", "88888888", "abc"])
def test_what_is_no_phone_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        phone_clean(typed)
    assert "带区号的固定电话" in refused.value.messages[0]


def test_registration_stores_a_full_width_mobile_as_ascii(client, cast):
    client.post(reverse("accounts:register"), registration_data(cast.city_a, phone="１３９ ０４３１ ００００"))
    assert User.objects.get(username="nongan").phone == "13904310000"


def test_registration_refuses_a_fixed_line_for_its_mobile(client, cast):
    response = client.post(reverse("accounts:register"), registration_data(cast.city_a, phone="0431-88888888"))
    assert "11位中国大陆手机号码" in " ".join(response.context["form"].errors["phone"])


def test_the_service_stores_the_canonical_mobile(cast):
    unit_register(
        name="农安县融媒体中心",
        unit_type="county_centre",
        authority=cast.city_a,
        credit_code="12220000412757628J",
        display_name="王晓梅",
        phone="+86 139 0431 0000",
        email="nongan@example.com",
        username="nongan",
        password=NEW_PASSWORD,
    )
    assert User.objects.get(username="nongan").phone == "13904310000"


def test_the_admin_user_form_stores_phones_canonically_and_refuses_letters(admin_client, cast):
    user = cast.applicant_a
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"phone": "０４３１ ８８８８８８８８", "display_name": "\u202e王\u200b晓梅 "})
    data.update({"date_joined_0": "2024-01-01"})
    data.update({"date_joined_1": "00:00:00", "last_login_0": "", "last_login_1": ""})
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    data["is_active"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert (user.phone, user.display_name) == ("0431-88888888", "王晓梅")
    data["phone"] = "0431-abc"
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "带区号的固定电话" in response.content.decode()


def test_a_member_created_by_code_gets_the_canonical_phone(cast):
    user = user_create(
        username="member",
        password=None,
        organisation=cast.unit_a,
        role="applicant",
        phone="１３９０４３１００００",
    )
    assert user.phone == "13904310000"
