"""The one mailer (core.mail): after commit, rendered from templates, each address once."""

from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import transaction
from django_tasks import task

from accounts.enums import Role
from core.mail import active_addresses, queue_after_commit, send_templated_mail, unique_addresses
from tests.factories import UserFactory

TEMPLATE = "accounts/email/registration_decided"


def decided_unit():
    authority = SimpleNamespace(name="长春市文广旅局")
    return SimpleNamespace(
        name="九台区融媒体中心", authority=authority, registration_status="approved", registration_note=""
    )


@task()
def send_probe(*, addresses: list[str]) -> int:
    return send_templated_mail(recipients=addresses, template=TEMPLATE, context={"unit": decided_unit(), "url": "u"})


def test_each_address_gets_one_message_of_its_own():
    sent = send_templated_mail(
        recipients=["a@example.cn", "", "b@example.cn", "A@Example.cn ", "a@example.cn", None],
        template=TEMPLATE,
        context={"unit": decided_unit(), "url": "http://example.cn/login/"},
    )
    assert sent == 2
    assert [message.to for message in mail.outbox] == [["a@example.cn"], ["b@example.cn"]]
    message = mail.outbox[0]
    assert message.subject == "【媒体融合典型案例】单位注册已审核通过"
    assert "\n" not in message.subject
    assert "「九台区融媒体中心」的注册申请已由「长春市文广旅局」审核通过" in message.body


def test_nobody_to_tell_sends_nothing():
    assert send_templated_mail(recipients=["", " "], template=TEMPLATE, context={}) == 0
    assert mail.outbox == []


def test_addresses_of_active_people_once_each(cast):
    reviewer = {"organisation": cast.city_a, "role": Role.AUTHORITY_REVIEWER}
    UserFactory(username="twin", email=cast.reviewer_a.email.upper(), **reviewer)
    gone = UserFactory(username="gone", email="gone@example.cn", **reviewer)
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    UserFactory(username="silent", email="", **reviewer)
    users = type(cast.reviewer_a).objects.filter(organisation=cast.city_a)
    assert active_addresses(users) == [cast.reviewer_a.email]
    assert unique_addresses(["x@a.cn", "X@A.CN", "y@a.cn"]) == ["x@a.cn", "y@a.cn"]


def test_mail_goes_out_only_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queue_after_commit(send_probe, addresses=["a@example.cn", "a@example.cn"])
        # Queued, not sent: the transaction has not committed yet.
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert [message.to for message in mail.outbox] == [["a@example.cn"]]


def test_a_rolled_back_change_tells_nobody(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            queue_after_commit(send_probe, addresses=["a@example.cn"])
            raise RuntimeError("the change fails")
    assert callbacks == []
    assert mail.outbox == []
