"""Nothing typed is lost: not when the network drops, not when the session expires."""

import pytest

from applications.models import Case
from tests.browser.test_dashboards import _login
from tests.factories import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(cast):
    return make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False, title="断网测试案例")


def test_text_typed_while_offline_is_saved_when_the_network_returns(page, live_server, cast, draft):
    _login(page, live_server, "applicant_a")
    page.goto(f"{live_server.url}/cases/{draft.pk}/edit/")
    page.context.set_offline(True)
    page.locator("#id_section__overview").fill("断网时写下的内容。")
    page.get_by_text("未能保存").wait_for()
    assert Case.objects.get(pk=draft.pk).sections.get("overview", "") == ""

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.get_by_text("已自动保存").wait_for()
    assert Case.objects.get(pk=draft.pk).sections["overview"] == "断网时写下的内容。"


def test_text_typed_after_the_session_expired_is_offered_back_after_login(page, live_server, cast, draft):
    _login(page, live_server, "applicant_a")
    page.goto(f"{live_server.url}/cases/{draft.pk}/edit/")
    page.context.clear_cookies()  # the session is gone
    page.locator("#id_section__overview").fill("会话过期后写下的内容。")
    page.get_by_text("未能保存").wait_for()

    # The applicant logs in again (another tab would do the same) and comes back.
    _login(page, live_server, "applicant_a")
    page.goto(f"{live_server.url}/cases/{draft.pk}/edit/")
    page.get_by_role("button", name="恢复这份内容").click()
    assert page.locator("#id_section__overview").input_value() == "会话过期后写下的内容。"
    page.get_by_text("已自动保存").wait_for()
    assert Case.objects.get(pk=draft.pk).sections["overview"] == "会话过期后写下的内容。"


def test_a_second_tab_is_stopped_before_it_overwrites_the_first(browser, page, live_server, cast, draft):
    _login(page, live_server, "applicant_a")
    url = f"{live_server.url}/cases/{draft.pk}/edit/"
    page.goto(url)
    second = page.context.new_page()
    second.goto(url)

    page.locator("#id_section__overview").fill("第一个标签页的内容")
    page.get_by_text("已自动保存").wait_for()
    second.locator("#id_section__overview").fill("第二个标签页的内容")
    second.get_by_text("其他窗口或由其他人保存过").first.wait_for()
    assert Case.objects.get(pk=draft.pk).sections["overview"] == "第一个标签页的内容"
    assert second.locator("#id_section__overview").input_value() == "第二个标签页的内容"
