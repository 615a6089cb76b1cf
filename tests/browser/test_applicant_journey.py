"""The applicant's whole journey in a real browser: register, get approved, write the
form (the browser's character count checked against the server's), attach the
stamped scan, submit, download the form as PDF and Word."""

import re

import pytest

from accounts.models import Organisation
from applications.models import Case
from core.text import counted_length
from tests.applications.test_editor import SEED_TEXT
from tests.browser.test_dashboards import _login
from tests.factories import PASSWORD, pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CREDIT_CODE = "91350100M000100Y43"


def _register(page, live_server, cast):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="注册").first.click()
    page.get_by_label("单位名称").fill("双阳区融媒体中心")
    page.get_by_label("单位类型").select_option("county_centre")
    page.get_by_label("推荐单位").select_option(str(cast.city_a.pk))
    page.get_by_label("统一社会信用代码").fill(CREDIT_CODE.lower())
    page.get_by_label("联系人").fill("王敏")
    page.get_by_label("手机号码").fill("13943100000")
    page.get_by_label("电子邮箱").fill("shuangyang@example.com")
    page.get_by_label("登录名").fill("shuangyang")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="提交注册").click()
    page.get_by_text("双阳区融媒体中心").first.wait_for()


def test_register_write_submit_and_download(browser, live_server, screenshot, cast, tmp_path):
    applicant = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = applicant.new_page()
    page.set_default_timeout(15_000)
    _register(page, live_server, cast)
    unit = Organisation.objects.get(credit_code=CREDIT_CODE)
    assert unit.registration_status == "pending"

    reviewer_context = browser.new_context(locale="zh-CN")
    reviewer = reviewer_context.new_page()
    _login(reviewer, live_server, "reviewer_a")
    reviewer.get_by_role("link", name="单位注册审核").click()
    reviewer.get_by_role("button", name=re.compile(r"^通过\W*双阳区融媒体中心")).click()
    reviewer.get_by_text("已通过").first.wait_for()
    reviewer_context.close()
    unit.refresh_from_db()
    assert unit.registration_status == "approved"

    _login(page, live_server, "shuangyang")
    page.get_by_role("link", name="新建案例").click()
    page.get_by_label("案例名称").fill("“双阳发布”移动客户端建设")
    page.get_by_label("新媒体平台建设").check()
    page.get_by_role("button", name="创建草稿并开始填写").click()
    page.wait_for_url("**/edit/")

    for label, value in [
        ("实施时间", "2023年3月至今"),
        ("案例简介", "以客户端为核心，整合本地政务与民生服务。"),
        ("联系人", "王敏"),
        ("联系电话", "13943100000"),
        ("电子邮箱", "shuangyang@example.com"),
    ]:
        page.get_by_label(label, exact=True).fill(value)
    sections = page.locator("textarea[data-counted]")
    for index in range(sections.count()):
        sections.nth(index).fill(SEED_TEXT)
    # The browser counts exactly as the server does, on real text with ideographic spaces.
    expected = counted_length(SEED_TEXT)
    assert page.locator("[data-count-for=id_section__overview]").inner_text() == str(expected)
    assert page.locator("#total-count").inner_text() == str(expected * sections.count())
    for name, value in [("figure__users", "12.6"), ("figure__annual_reach", "2500"),
                        ("figure__user_growth__before", "3.2"), ("figure__user_growth__after", "12.6")]:  # fmt: skip
        page.locator(f"input[name={name}]").fill(value)
    page.get_by_text("已自动保存").wait_for()
    case = Case.objects.get(title="“双阳发布”移动客户端建设")
    assert case.sections["overview"] == SEED_TEXT and case.figures["users"] == "12.6"

    scan = tmp_path / "盖章扫描件.pdf"
    scan.write_bytes(pdf_upload().read())
    page.get_by_label("选择文件").set_input_files(str(scan))
    page.get_by_label("材料类型").select_option("stamped_scan")
    page.get_by_role("button", name="上传").click()
    page.get_by_text("已上传「盖章扫描件.pdf」").wait_for()
    screenshot("editor-complete", of=page)

    page.get_by_role("link", name="查看并提交").click()
    page.get_by_role("button", name="提交至推荐单位").click()
    page.get_by_text("已完成「提交至推荐单位」").wait_for()
    case.refresh_from_db()
    assert case.state == "submitted"

    for link, suffix, magic in [("下载 PDF", ".pdf", b"%PDF-"), ("下载 Word", ".docx", b"PK\x03\x04")]:
        with page.expect_download() as download_info:
            page.get_by_role("link", name=link).click()
        download = download_info.value
        assert download.suggested_filename.endswith(suffix) and "申请表" in download.suggested_filename
        target = tmp_path / f"form{suffix}"
        download.save_as(target)
        assert target.read_bytes().startswith(magic)
    screenshot("case-submitted", of=page)
    applicant.close()
