"""通过 several registrations at once: each unit decided on its own, each refusal named."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from accounts.enums import RegistrationStatus
from accounts.models import Organisation
from tests.accounts.test_registration import register_unit

CODES = ["91350100M000100Y43", "91110000600037341L", "91220000124050911F"]


def _units(authority, n=3):
    return [
        register_unit(authority=authority, name=f"测试融媒体中心{i}", credit_code=CODES[i], username=f"unit{i}")
        for i in range(n)
    ]


def _statuses(units):
    return [Organisation.objects.get(pk=unit.pk).registration_status for unit in units]


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_bulk_approve_approves_each_and_mails_each(client, cast, django_capture_on_commit_callbacks):
    units = _units(cast.city_a)
    mail.outbox.clear()
    client.force_login(cast.reviewer_a)
    page = client.get(reverse("accounts:registrations")).content.decode()
    assert 'form="bulk-form"' in page and "js/bulk-select.js" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:registrations_bulk_approve"), {"units": [u.pk for u in units]})
    assert _statuses(units) == [RegistrationStatus.APPROVED] * 3
    assert sorted(m.to[0] for m in mail.outbox) == ["unit0@example.com", "unit1@example.com", "unit2@example.com"]
    assert "已通过3个单位的注册申请，并已邮件通知各单位。" in _messages(response)


def test_an_already_approved_unit_is_named_and_the_others_go_through(client, cast):
    units = _units(cast.city_a)
    client.force_login(cast.reviewer_a)
    client.post(reverse("accounts:registration_approve", args=[units[1].pk]))
    response = client.post(reverse("accounts:registrations_bulk_approve"), {"units": [u.pk for u in units]})
    assert _statuses(units) == [RegistrationStatus.APPROVED] * 3
    shown = _messages(response)
    assert "已通过2个单位的注册申请，并已邮件通知各单位。" in shown
    assert any("测试融媒体中心1" in m and "不能再作此审核" in m for m in shown)


def test_another_authoritys_unit_refuses_the_whole_form(client, cast):
    mine, theirs = _units(cast.city_a, 1)[0], register_unit(authority=cast.city_b, username="other")
    client.force_login(cast.reviewer_a)
    response = client.post(reverse("accounts:registrations_bulk_approve"), {"units": [mine.pk, theirs.pk]})
    assert _statuses([mine, theirs]) == [RegistrationStatus.PENDING] * 2
    assert any("不由本单位审核" in m for m in _messages(response))


@pytest.mark.parametrize("units", [[], ["abc"], ["-1"], ["9" * 30]])
def test_hostile_posts_change_nothing(client, cast, units):
    unit = _units(cast.city_a, 1)[0]
    client.force_login(cast.reviewer_a)
    response = client.post(reverse("accounts:registrations_bulk_approve"), {"units": units})
    assert response.status_code == 302 and _statuses([unit]) == [RegistrationStatus.PENDING]


@pytest.mark.parametrize("who", ["applicant_a", "expert_assigned"])
def test_other_roles_get_404(client, cast, who):
    unit = _units(cast.city_a, 1)[0]
    client.force_login(getattr(cast, who))
    response = client.post(reverse("accounts:registrations_bulk_approve"), {"units": [unit.pk]})
    assert response.status_code == 404 and _statuses([unit]) == [RegistrationStatus.PENDING]
