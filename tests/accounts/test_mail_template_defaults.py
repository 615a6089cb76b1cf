"""The mail-template editor starts from the system's default wording: the fields show it
until the province saves its own, the preview fills it, saving it unchanged stores
nothing, and 恢复默认 brings it back (after asking, when it throws an edit away)."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.enums import NotificationEvent
from accounts.inbox import default_text, fill, sample_placeholders, template_fields
from accounts.models import MailTemplate

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def fields_of(response) -> tuple[str, str]:
    page = response.content.decode()
    subject = re.search(r'<input[^>]*name="subject"[^>]*value="([^"]*)"', page).group(1)
    body = re.search(r'<textarea[^>]*name="body"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)
    return unescape(subject), unescape(body)


def as_browser_sends(text: str) -> str:
    return text.replace("\n", "\r\n")


@pytest.mark.parametrize("event", NotificationEvent.values)
def test_the_editor_shows_the_default_text_of_every_event(client, cast, event):
    client.force_login(cast.province_admin)
    response = client.get(reverse("accounts:mail_template_edit", args=[event]))
    subject, body = fields_of(response)
    assert (subject, body) == default_text(event)
    assert subject and body.count("\n") >= 4
    assert "{url}" in body  # every default links back to the site
    assert "目前使用系统默认内容" in response.content.decode()


@pytest.mark.parametrize("event", NotificationEvent.values)
def test_each_default_uses_the_same_placeholders_in_both_languages(event):
    with translation.override("zh-hans"):
        chinese = default_text(event)
    with translation.override("en"):
        english = default_text(event)
    assert english != chinese
    for zh, en in zip(chinese, english, strict=True):
        assert sorted(template_fields(en)) == sorted(template_fields(zh))
        assert not CJK.search(en), en


def test_the_preview_fills_the_prefilled_text_and_saves_nothing(client, cast):
    client.force_login(cast.province_admin)
    url = reverse("accounts:mail_template_edit", args=["expert_assigned"])
    subject, body = fields_of(client.get(url))
    response = client.post(url, {"subject": subject, "body": as_browser_sends(body), "preview": "1"})
    page = response.content.decode()
    sample = sample_placeholders("expert_assigned")
    assert "您有新的评审任务（初评：3件）" in page
    assert fill(subject, sample) in unescape(page)
    assert sample["campaign"] in page and "{campaign}" not in page.split("预览（示例数据）")[1]
    assert not MailTemplate.objects.exists()


def test_saving_the_default_unchanged_stores_no_override(client, cast):
    client.force_login(cast.province_admin)
    url = reverse("accounts:mail_template_edit", args=["reminder_drafts"])
    subject, body = fields_of(client.get(url))
    response = client.post(url, {"subject": subject, "body": as_browser_sends(body)}, follow=True)
    assert not MailTemplate.objects.exists()
    assert "与系统默认相同，未另存" in response.content.decode()


def test_an_edit_made_from_the_default_is_stored_and_shown_next_time(client, cast):
    client.force_login(cast.province_admin)
    url = reverse("accounts:mail_template_edit", args=["reminder_drafts"])
    subject, body = fields_of(client.get(url))
    client.post(url, {"subject": subject.replace("催报", "请尽快提交"), "body": as_browser_sends(body)})
    stored = MailTemplate.objects.get()
    assert stored.subject == subject.replace("催报", "请尽快提交")
    assert stored.body == body and stored.updated_by == cast.province_admin
    response = client.get(url)
    assert fields_of(response) == (stored.subject, stored.body)
    assert "目前使用省局修改的内容" in response.content.decode()
    # Saving the default text again drops the edit rather than storing a copy of it.
    client.post(url, {"subject": subject, "body": body})
    assert not MailTemplate.objects.exists()


def test_restoring_the_default_asks_first_then_shows_the_default_again(client, cast):
    client.force_login(cast.province_admin)
    url = reverse("accounts:mail_template_edit", args=["table_returned"])
    client.post(url, {"subject": "退回：{campaign}", "body": "{detail}"})
    page = client.get(url).content.decode()
    assert 'name="_confirm_when" value="reset"' in page
    consequence = re.search(r'name="_confirm" value="([^"]*)"', page).group(1)
    asks = {"_confirm": consequence, "_confirm_when": "reset"}  # as the form carries them
    # Without JavaScript the post meets the confirmation page and nothing is deleted.
    asked = client.post(url, {"subject": "x", "body": "y", "reset": "1", **asks})
    assert asked.status_code == 200 and unescape(consequence) in unescape(asked.content.decode())
    assert MailTemplate.objects.exists()
    # Saving (not resetting) from the same form is not asked about.
    assert client.post(url, {"subject": "退回：{campaign}", "body": "{detail}", **asks}).status_code == 302
    response = client.post(url, {"reset": "1", **asks, "_confirmed": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert not MailTemplate.objects.exists()
    assert fields_of(response) == default_text("table_returned")
    assert "已恢复「推荐排序表被退回」的默认邮件内容" in response.content.decode()


def test_without_an_edit_restoring_only_discards_the_unsaved_changes(client, cast):
    client.force_login(cast.province_admin)
    url = reverse("accounts:mail_template_edit", args=["case_transition"])
    page = client.get(url).content.decode()
    assert 'name="reset"' in page and "_confirm_when" not in page  # nothing stored to lose
    response = client.post(url, {"subject": "改了一半", "body": "……", "reset": "1"}, follow=True)
    assert fields_of(response) == default_text("case_transition")
    assert not MailTemplate.objects.exists()


def test_an_english_clerk_starts_from_the_english_default(client, cast):
    client.force_login(cast.province_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    url = reverse("accounts:mail_template_edit", args=["notice_published"])
    subject, body = fields_of(client.get(url))
    with translation.override("en"):
        assert (subject, body) == default_text("notice_published")
    assert not CJK.search(subject + body)
    client.post(url, {"subject": subject, "body": as_browser_sends(body)})
    assert not MailTemplate.objects.exists()
