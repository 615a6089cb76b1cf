"""Bulk work in a real browser: "select all" ticks the rows (a script, the form works
without it), one action recommends them all, a refused case is named; the matrix
assigns by ticking."""

import pytest

from applications.models import Case
from reviews.models import ExpertAssignment
from tests.browser.test_dashboards import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_select_all_then_recommend_names_the_refused_case(page, live_server, screenshot, cast, case_in):
    cases = [case_in("submitted") for _ in range(3)]
    returned = case_in("returned")
    _login(page, live_server, "reviewer_a")
    page.goto(f"{live_server.url}/review/2024/")
    select_all = page.get_by_label("全选本页")
    select_all.check()
    assert page.locator('input[name="cases"]:checked').count() == 4
    page.locator(f"#pick-{cases[0].pk}").uncheck()
    assert select_all.evaluate("box => box.indeterminate")
    page.locator(f"#pick-{cases[0].pk}").check()
    page.get_by_label("对勾选的案例").select_option("recommend")
    page.get_by_role("button", name="批量执行").click()
    page.get_by_text("已对3个案例执行「推荐」。").wait_for()
    assert page.get_by_text(f"「#{returned.pk} {returned.title}」未处理").count() == 1
    screenshot("bulk-queue-result")
    states = {c.pk: c.state for c in Case.objects.filter(pk__in=[c.pk for c in [*cases, returned]])}
    assert sorted(states.values()) == ["recommended", "recommended", "recommended", "returned"]


def test_the_matrix_assigns_by_ticking(page, live_server, screenshot, cast, case_in):
    case = case_in("in_expert_review")
    _login(page, live_server, "province_admin")
    page.goto(f"{live_server.url}/province/2024/review/matrix/")
    page.locator(f"#pair-{case.pk}-{cast.expert_unassigned.pk}").check()
    page.get_by_role("button", name="保存本页分配").click()
    page.get_by_text("已保存1项分配调整。").wait_for()
    screenshot("bulk-matrix")
    assert ExpertAssignment.objects.filter(case=case, expert=cast.expert_unassigned).exists()
