"""The authority's journey in a real browser: return a case, see the applicant's
changes, recommend it and two others, reorder by keyboard, download the table, upload
its stamped scan and submit it to the province."""

import re

import pytest

from applications.models import Case
from reviews.models import RankingTable
from tests.browser.conftest import confirm
from tests.browser.test_dashboards import _login
from tests.factories import close_submissions, pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _new_page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_return_resubmit_recommend_reorder_and_submit(browser, live_server, screenshot, cast, case_at, tmp_path):
    first, second, third = (case_at("submitted") for _ in range(3))
    reviewer_context, reviewer = _new_page(browser)
    _login(reviewer, live_server, "reviewer_a")

    # Return the first case with a comment on one section.
    reviewer.get_by_role("link", name="初审与排序").click()
    reviewer.get_by_role("link", name=first.title).click()
    reviewer.get_by_label("意见或理由（必填）").first.fill("请补充用户规模的对比数据。")
    reviewer.get_by_text("按部分填写修改意见（选填）").click()
    reviewer.get_by_role("textbox", name="3. 取得的成效成果").fill("这里缺少实施前后的对比。")
    reviewer.get_by_role("button", name="退回修改").click()
    reviewer.get_by_text("已完成「退回修改」").wait_for()

    # The applicant sees the comment beside the section, revises and resubmits.
    applicant_context, applicant = _new_page(browser)
    _login(applicant, live_server, "applicant_a")
    applicant.goto(f"{live_server.url}/cases/{first.pk}/edit/")
    applicant.get_by_text("这里缺少实施前后的对比。").wait_for()
    results = applicant.locator("#id_section__results")
    results.fill(results.input_value() + "实施后用户规模由3.2万人增至12.6万人。")
    applicant.get_by_role("button", name="保存", exact=True).click()
    applicant.get_by_text("已保存。").wait_for()
    applicant.get_by_role("link", name="查看并提交").click()
    applicant.get_by_role("button", name="修改后重新提交").click()
    applicant.get_by_text("已完成「修改后重新提交」").wait_for()
    applicant_context.close()

    # The reviewer reads only the change, then recommends all three.
    reviewer.goto(f"{live_server.url}/cases/{first.pk}/")
    assert reviewer.locator(".diff ins").first.inner_text() == "实施后用户规模由3.2万人增至12.6万人。"
    for case in (first, second, third):
        reviewer.goto(f"{live_server.url}/cases/{case.pk}/")
        reviewer.get_by_role("button", name="推荐", exact=True).click()
        confirm(reviewer)
        reviewer.get_by_text("已完成「推荐」").wait_for()

    # The submission deadline passes: no unit can submit any more, the table may go.
    close_submissions(cast.campaign)

    # Reorder from the keyboard: move the third case up twice.
    reviewer.goto(f"{live_server.url}/review/2024/ranking/")
    for _ in range(2):
        button = reviewer.get_by_role("button", name=re.compile(rf"上移\s*{re.escape(third.title)}"))
        button.focus()
        with reviewer.expect_navigation():
            reviewer.keyboard.press("Enter")
    table = RankingTable.objects.get(authority=cast.city_a)
    assert list(table.entries.order_by("rank").values_list("case_id", flat=True)) == [third.pk, first.pk, second.pk]

    for link, suffix in [("PDF", ".pdf"), ("Excel", ".xlsx")]:
        with reviewer.expect_download() as download:
            reviewer.get_by_role("link", name=link, exact=True).click()
        assert download.value.suggested_filename.endswith(suffix)
    scan = tmp_path / "推荐排序表（盖章）.pdf"
    scan.write_bytes(pdf_upload().read())
    reviewer.get_by_label("盖章扫描件（PDF）").set_input_files(str(scan))
    reviewer.get_by_role("button", name="上传扫描件").click()
    reviewer.get_by_text("已上传盖章扫描件。").wait_for()
    reviewer.get_by_role("button", name="报送省局").click()
    confirm(reviewer)
    reviewer.get_by_text("推荐排序表已报送省局，3个案例进入省级评审。").wait_for()
    screenshot("ranking-submitted", of=reviewer)
    reviewer_context.close()

    assert (
        sorted(Case.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("state", flat=True))
        == ["in_expert_review"] * 3
    )
