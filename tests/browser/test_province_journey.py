"""The province's journey in a real browser: assign automatically, two experts score,
select, publish the 公示 and then the 通报, recommend to the NRTA and build the package."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import Case
from core.models import Job
from reviews.models import Panel, Publication
from reviews.ranking.services import ranking_scan_upload, ranking_submit, table_for
from tests.browser.conftest import confirm
from tests.browser.test_dashboards import _login
from tests.factories import close_submissions, pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def _score_everything(page, live_server, username, case):
    _login(page, live_server, username)
    page.get_by_role("link", name=case.title).click()
    page.get_by_label("通过", exact=True).check()
    for number in page.locator("input[type=number]").all():
        number.fill("86")
    page.locator("textarea[name^=comment__]").first.fill("导向正确，做法可复制。")
    page.get_by_role("button", name="提交评审").click()
    confirm(page)
    page.get_by_text("评审意见已提交。").wait_for()


def _move_phase(page, action: str, phase: str):
    """On the phase page, take the move (its conditions met) and see the new phase."""
    page.get_by_role("link", name=re.compile("^阶段与延期")).click()
    page.get_by_role("button", name=action).click()
    page.get_by_text(f"征集活动进入「{phase}」阶段").wait_for()


def test_assign_score_select_publish_and_recommend(browser, live_server, screenshot, cast, case_at):
    case = case_at("recommended")
    close_submissions(cast.campaign)
    ranking_scan_upload(
        table=table_for(campaign=cast.campaign, authority=cast.city_a), actor=cast.reviewer_a, uploaded=pdf_upload()
    )
    ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    panel = Panel.objects.create(campaign=cast.campaign, name="平台组", category=case.category)
    panel.experts.set([cast.expert_assigned, cast.expert_unassigned])
    stage = cast.campaign.stages.get(order=1)
    stage.status, stage.reviewers_per_case = "open", 2
    stage.save()

    admin_context, admin = _page(browser)
    _login(admin, live_server, "province_admin")
    admin.get_by_role("link", name="征集进度", exact=True).click()
    _move_phase(admin, "进入专家评审", "专家评审")
    admin.get_by_role("link", name="专家评审", exact=True).click()
    admin.get_by_role("button", name="自动分配").click()
    admin.get_by_text("每个案例都有2位评审专家").wait_for()
    screenshot("province-assignment", of=admin)

    for username in ("expert_assigned", "expert_unassigned"):
        context, page = _page(browser)
        _score_everything(page, live_server, username, case)
        if username == "expert_assigned":
            screenshot("expert-scoring", of=page)
        context.close()

    admin.get_by_role("link", name="评审结果与入选", exact=True).click()
    admin.get_by_role("button", name=re.compile("确认评审完成")).click()
    confirm(admin)
    admin.get_by_text("已确认1个案例评审完成。").wait_for()
    _move_phase(admin, "进入结果审定", "结果审定")
    admin.get_by_role("link", name="评审结果与入选", exact=True).click()
    admin.get_by_role("button", name=re.compile(rf"^入选\s*{re.escape(case.title)}")).click()
    confirm(admin)
    admin.get_by_text("已完成「确定入选」").wait_for()
    screenshot("province-results", of=admin)

    admin.get_by_role("link", name="公示与通报", exact=True).click()
    # A 公示 in the past is refused; one from today for the campaign's 7 days goes out.
    today = timezone.localdate()
    admin.get_by_label("公示开始").fill((today - timedelta(days=8)).isoformat())
    admin.get_by_label("公示结束").fill((today - timedelta(days=1)).isoformat())
    admin.get_by_role("button", name="发布公示").click()
    confirm(admin)
    admin.get_by_text("公示开始日期不能早于今天").first.wait_for()
    admin.get_by_label("公示开始").fill(today.isoformat())
    admin.get_by_label("公示结束").fill((today + timedelta(days=6)).isoformat())
    admin.get_by_role("button", name="发布公示").click()
    confirm(admin)
    admin.get_by_text("已发布公示").wait_for()
    # Eight days later the period is over.
    Publication.objects.filter(campaign=cast.campaign).update(
        starts_on=today - timedelta(days=8), ends_on=today - timedelta(days=2)
    )
    admin.reload()
    _move_phase(admin, "进入公示", "公示")
    admin.get_by_role("link", name="公示与通报", exact=True).click()
    admin.get_by_role("button", name="发布通报").click()
    confirm(admin)
    admin.get_by_text("已发布通报。").wait_for()
    with admin.expect_download() as download:
        admin.get_by_role("link", name="PDF", exact=True).click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Publication.objects.filter(campaign=cast.campaign).count() == 2

    _move_phase(admin, "进入通报", "通报")
    _move_phase(admin, "进入推荐总局", "推荐总局")
    admin.get_by_role("link", name="推荐总局", exact=True).click()
    admin.get_by_role("button", name=re.compile(rf"^推荐\s*{re.escape(case.title)}")).click()
    confirm(admin)
    admin.get_by_text("已完成「推荐至总局」").wait_for()
    admin.get_by_role("button", name="生成推荐材料包（zip）").click()
    admin.get_by_text("推荐材料包已加入后台队列").wait_for()
    with admin.expect_download() as download:
        admin.get_by_role("link", name=re.compile(r"^下载\s*\d{4} 年度推荐材料包")).click()
    assert download.value.suggested_filename.endswith(".zip")
    screenshot("province-nrta", of=admin)
    admin_context.close()

    assert Case.objects.get(pk=case.pk).state == "recommended_to_nrta"
    assert Job.objects.get(kind="nrta_package").status == "done"
