"""The ranking page a page at a time in a real browser: a drag reorders the page it is
on (SortableJS posts that page's order and its place in the whole), a typed rank sends
a case to another page, 上移 on a page's first row carries it into the page before."""

import re

import pytest

from reviews.models import RankingTable
from reviews.ranking import views
from tests.browser.test_dashboards import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _order(cast) -> list[int]:
    table = RankingTable.objects.get(authority=cast.city_a)
    return list(table.entries.order_by("rank").values_list("case_id", flat=True))


def test_drag_typed_rank_and_steps_across_pages(page, live_server, screenshot, cast, case_at, monkeypatch):
    # Two rows a page (the server runs in this process): five cases make three pages.
    monkeypatch.setattr(views, "RANKING_PAGE_SIZE", 2)
    cases = [case_at("recommended") for _ in range(5)]
    ids = [case.pk for case in cases]
    _login(page, live_server, "reviewer_a")

    # Page 2 holds ranks 3 and 4: drag the fourth above the third.
    page.goto(f"{live_server.url}/review/2024/ranking/?page=2")
    page.get_by_text("本页为第 3–4 位，共 5 个推荐案例。").wait_for()
    rows = page.locator("#ranking-rows tr")
    with page.expect_navigation():
        rows.nth(1).locator(".drag-handle").drag_to(rows.nth(0), target_position={"x": 5, "y": 2})
    page.get_by_text("推荐排序已保存。").wait_for()
    assert _order(cast) == [ids[0], ids[1], ids[3], ids[2], ids[4]]
    assert "page=2" in page.url

    # Type rank 1 for the last case, on page 3: it goes to page 1, marked there.
    page.goto(f"{live_server.url}/review/2024/ranking/?page=3")
    page.get_by_label(f"「{cases[4].title}」的排序号").fill("1")
    page.get_by_role("button", name="按序号保存排序").click()
    page.get_by_text("推荐排序已保存。").wait_for()
    assert _order(cast) == [ids[4], ids[0], ids[1], ids[3], ids[2]]
    assert page.locator(f"#case-{ids[4]}.row-moved").is_visible()

    # 上移 on page 2's first row (rank 3) from the keyboard: onto page 1, its button
    # ready for the next press.
    page.goto(f"{live_server.url}/review/2024/ranking/?page=2")
    button = page.get_by_role("button", name=re.compile(rf"上移\s*{re.escape(cases[1].title)}"))
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _order(cast) == [ids[4], ids[1], ids[0], ids[3], ids[2]]
    assert "page=" not in page.url  # page 1
    # Its 上移 button carries autofocus: Enter again moves it further.
    assert page.locator(f'button[form="step-{ids[1]}-up"][autofocus]').count() == 1
    screenshot("ranking-pages")
