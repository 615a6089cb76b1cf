"""A real browser: every role logs in through the form and lands on its dashboard;
a reviewer recommends a case with the button on its page."""

import pytest

from applications.models import Case
from tests.browser.conftest import confirm
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    # Every role lands on its own page (experts on their queue), never back on the login.
    page.wait_for_url(lambda url: url.startswith(live_server.url) and "/accounts/login/" not in url)


@pytest.mark.parametrize(
    ("user", "heading"),
    [
        ("applicant_a", "本单位申报案例"),
        ("reviewer_a", "本地区申报案例"),
        ("province_admin", "全省申报案例"),
        ("expert_assigned", "我的评审任务"),
    ],
)
def test_each_role_lands_on_its_dashboard(page, live_server, screenshot, cast, case_at, user, heading):
    case_at("in_expert_review")
    case_at("draft")
    _login(page, live_server, user)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    screenshot(f"dashboard-{user}")


def test_a_reviewer_recommends_a_case_from_its_page(page, live_server, screenshot, cast, case_at):
    case = case_at("submitted")
    _login(page, live_server, "reviewer_a")
    page.get_by_role("link", name=case.title).click()
    page.get_by_label("意见（选填）").fill("材料翔实，同意推荐。")
    page.get_by_role("button", name="推荐", exact=True).click()
    confirm(page)
    page.get_by_text("已完成「推荐」").wait_for()
    screenshot("case-recommended")
    assert Case.objects.get(pk=case.pk).state == "recommended"
    assert page.get_by_text("材料翔实，同意推荐。").is_visible()
