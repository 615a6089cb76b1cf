"""A whole year in a real browser, through the system's own pages only (no Django
admin, no shell, no service called after the initial data): the provincial
administrator clones 2024 into 2025, adds a figure to a form and publishes it as a new
version, moves a deadline, opens the campaign; a unit writes and submits a case on the
new form; its authority recommends it and submits its stamped ranking table; two
experts score it; the province decides, publishes the 公示 and the 通报, recommends the
case to the NRTA and downloads the package, whose 申请表 carries the new figure.

The only writes outside the pages move the clock (the system has no clock of its own
to turn): the submission deadline passing, and the 公示 period running out. Each is
marked `# Time passes`."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from applications.enums import CampaignPhase
from applications.models import Campaign, Case
from core.models import Job
from reviews.models import Panel, Publication
from tests.applications.test_editor import SEED_TEXT
from tests.browser.conftest import SCREENSHOTS, confirm
from tests.browser.test_dashboards import _login
from tests.browser.test_province_journey import _move_phase, _page, _score_everything
from tests.factories import pdf_upload, set_phase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_FIGURE = "年度新增注册用户"
NEW_VALUE = "36520"
TITLE = "“九台发布”客户端民生服务专区"


def _clone_2024(admin, live_server):
    admin.get_by_role("link", name="征集活动", exact=True).click()
    admin.get_by_role("link", name="复制2024年度为新一年").click()
    assert admin.get_by_label("年度").input_value() == "2025"
    assert "2025" in admin.get_by_label("名称").input_value()
    admin.get_by_role("button", name="创建").click()
    admin.get_by_text("已创建2025年度征集活动，请核对各项设置。").wait_for()


def _add_a_figure(admin, screenshot):
    """The schema editor: a new required integer figure in the last (blank) row,
    previewed, then published as version 2."""
    admin.get_by_role("link", name=re.compile("^编辑申请表\\s*新媒体平台建设")).click()
    labels = admin.locator("input[name^=figures-][name$=-label]")
    new = labels.last.get_attribute("name").removesuffix("-label")
    admin.locator(f"[name={new}-label]").fill(NEW_FIGURE)
    admin.locator(f"[name={new}-unit]").fill("人")
    admin.locator(f"[name={new}-value_type]").select_option("integer")
    admin.locator(f"[name={new}-minimum]").fill("0")
    admin.locator(f"[name={new}-required]").check()
    admin.locator(f"[name={new}-not_applicable]").check()
    admin.get_by_role("button", name="预览").click()
    admin.locator("#schema-preview").get_by_text(NEW_FIGURE).first.wait_for()
    screenshot("year-schema-editor", of=admin)
    # The preview scrolls on its own: its table of figures, with the new row.
    figures = admin.locator("#schema-preview table").last
    figures.scroll_into_view_if_needed()
    figures.screenshot(path=str(SCREENSHOTS / "year-schema-preview.png"))
    admin.get_by_role("button", name="发布为第2版").click()
    admin.get_by_text("已发布「新媒体平台建设」申请表第2版").wait_for()


def _move_the_deadline(admin, deadline):
    admin.get_by_role("link", name="返回活动设置").click()
    admin.get_by_label("申报截止时间").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    admin.get_by_role("button", name="保存截止时间").click()
    admin.get_by_text("「截止时间」已保存。").wait_for()
    # The page's record of changes names both edits.
    history = admin.locator("#section-history")
    history.get_by_text(NEW_FIGURE).first.wait_for()
    history.get_by_text("申报截止时间").first.wait_for()


def _write_and_submit(applicant, live_server, tmp_path):
    _login(applicant, live_server, "applicant_a")
    applicant.get_by_role("link", name="新建案例").click()
    applicant.get_by_label("案例名称").fill(TITLE)
    applicant.get_by_label("新媒体平台建设").check()
    applicant.get_by_role("button", name="创建草稿并开始填写").click()
    applicant.wait_for_url("**/edit/")
    for label, value in [
        ("实施时间", "2024年3月至今"),
        ("案例简介", "以客户端为核心，整合本地政务与民生服务。"),
        ("联系人", "王敏"),
        ("联系电话", "13943100000"),
        ("电子邮箱", "jiutai@example.com"),
    ]:
        applicant.get_by_label(label, exact=True).fill(value)
    sections = applicant.locator("textarea[data-counted]")
    for index in range(sections.count()):
        sections.nth(index).fill(SEED_TEXT)
    # The form of version 2 asks for the new figure (key figure_1, the editor's first new key).
    for name, value in [("figure__users", "12.6"), ("figure__annual_reach", "2500"),
                        ("figure__user_growth__before", "3.2"), ("figure__user_growth__after", "12.6"),
                        ("figure__figure_1", NEW_VALUE)]:  # fmt: skip
        applicant.locator(f"input[name={name}]").fill(value)
    applicant.get_by_role("button", name="保存", exact=True).click()
    applicant.get_by_text("已保存。").wait_for()
    scan = tmp_path / "盖章扫描件.pdf"
    scan.write_bytes(pdf_upload().read())
    applicant.get_by_label("选择文件").set_input_files(str(scan))
    applicant.get_by_label("材料类型").select_option("stamped_scan")
    applicant.get_by_role("button", name="上传").click()
    applicant.get_by_text("已上传「盖章扫描件.pdf」").wait_for()
    applicant.get_by_role("link", name="查看并提交").click()
    applicant.get_by_role("button", name="提交至推荐单位").click()
    applicant.get_by_text("已完成「提交至推荐单位」").wait_for()


def _recommend_and_rank(reviewer, live_server, tmp_path):
    reviewer.get_by_role("button", name="推荐", exact=True).click()
    confirm(reviewer)
    reviewer.get_by_text("已完成「推荐」").wait_for()
    reviewer.goto(f"{live_server.url}/review/2025/ranking/")
    scan = tmp_path / "推荐排序表（盖章）.pdf"
    scan.write_bytes(pdf_upload().read())
    reviewer.get_by_label("盖章扫描件（PDF）").set_input_files(str(scan))
    reviewer.get_by_role("button", name="上传扫描件").click()
    reviewer.get_by_text("已上传盖章扫描件。").wait_for()
    reviewer.get_by_role("button", name="报送省局").click()
    confirm(reviewer)
    reviewer.get_by_text("推荐排序表已报送省局，1个案例进入省级评审。").wait_for()


def _assign(admin, experts):
    """自动分配 from the platform panel, carried over from 2024 by the clone."""
    admin.get_by_role("link", name="专家评审", exact=True).click()
    opening = admin.get_by_role("button", name=re.compile("^开启本轮"))
    if opening.count():
        opening.first.click()
    admin.get_by_role("button", name="自动分配").click()
    # One row per case, its experts in a cell (the round's list is paginated).
    row = admin.locator("#stage-cases tbody tr").filter(has_text=TITLE)
    row.first.wait_for()
    for expert in experts:
        row.get_by_text(f"{expert}（评审中）").wait_for()


def test_a_year_from_cloning_2024_to_the_nrta_package(browser, live_server, screenshot, cast, tmp_path):
    # Last year's campaign is over: the database holds it archived, as a real one would be.
    set_phase(cast.campaign, CampaignPhase.ARCHIVED)
    # Its expert panel (kept in the admin): the clone carries it into 2025.
    panel = Panel.objects.create(
        campaign=cast.campaign, name="平台组", category=cast.campaign.categories.get(code="platform")
    )
    panel.experts.set([cast.expert_assigned, cast.expert_unassigned])
    admin_context, admin = _page(browser)
    _login(admin, live_server, "province_admin")

    # 1. 征集活动 → 复制2024年度为新一年 → 创建: 2025 in 筹备, with 2024's settings.
    _clone_2024(admin, live_server)
    screenshot("year-cloned-settings", of=admin)
    campaign = Campaign.objects.get(year=2025)
    assert campaign.state == CampaignPhase.PREPARING

    # 2. A figure added on the form of one category, and a deadline moved.
    _add_a_figure(admin, screenshot)
    deadline = timezone.localtime() + timedelta(days=20)
    _move_the_deadline(admin, deadline)
    campaign.refresh_from_db()
    assert timezone.localtime(campaign.submission_deadline).strftime("%Y-%m-%d %H:%M") == deadline.strftime(
        "%Y-%m-%d %H:%M"
    )

    # 3. The campaign opens.
    _move_phase(admin, "开始征集", "征集中")

    # 4. A unit writes and submits a case on the new form.
    applicant_context, applicant = _page(browser)
    _write_and_submit(applicant, live_server, tmp_path)
    case = Case.objects.get(title=TITLE)
    assert case.campaign.year == 2025 and case.schema.version == 2 and case.figures["figure_1"] == NEW_VALUE
    screenshot("year-case-submitted", of=applicant)

    # Its authority recommends it.
    reviewer_context, reviewer = _page(browser)
    _login(reviewer, live_server, "reviewer_a")
    reviewer.goto(f"{live_server.url}/cases/{case.pk}/")

    # Time passes: the submission deadline is reached.
    Campaign.objects.filter(pk=campaign.pk).update(submission_deadline=timezone.now() - timedelta(minutes=1))
    _recommend_and_rank(reviewer, live_server, tmp_path)
    screenshot("year-ranking-submitted", of=reviewer)
    reviewer_context.close()

    # 5. The province closes the collection and opens the expert review; two experts score.
    admin.reload()
    _move_phase(admin, "截止征集，进入初审排序", "初审排序")
    _move_phase(admin, "进入专家评审", "专家评审")
    _assign(admin, [cast.expert_assigned, cast.expert_unassigned])
    screenshot("year-assigned", of=admin)
    for username in ("expert_assigned", "expert_unassigned"):
        context, page = _page(browser)
        _score_everything(page, live_server, username, case)
        context.close()

    # 6. Reviews completed, the case selected.
    admin.get_by_role("link", name="评审结果与入选", exact=True).click()
    admin.get_by_role("button", name=re.compile("确认评审完成")).click()
    confirm(admin)
    admin.get_by_text("已确认1个案例评审完成。").wait_for()
    _move_phase(admin, "进入结果审定", "结果审定")
    admin.get_by_role("link", name="评审结果与入选", exact=True).click()
    admin.get_by_role("button", name=re.compile(rf"^入选\s*{re.escape(TITLE)}")).click()
    confirm(admin)
    admin.get_by_text("已完成「确定入选」").wait_for()
    screenshot("year-results", of=admin)

    # 7. The 公示 from today for the campaign's 7 days.
    admin.get_by_role("link", name="公示与通报", exact=True).click()
    today = timezone.localdate()
    admin.get_by_label("公示开始").fill(today.isoformat())
    admin.get_by_label("公示结束").fill((today + timedelta(days=6)).isoformat())
    admin.get_by_role("button", name="发布公示").click()
    confirm(admin)
    admin.get_by_text("已发布公示").wait_for()
    _move_phase(admin, "进入公示", "公示")

    # Time passes: eight days later the 公示 period is over.
    Publication.objects.filter(campaign=campaign).update(
        starts_on=today - timedelta(days=8), ends_on=today - timedelta(days=2)
    )
    # 8. The 通报, then the NRTA.
    admin.get_by_role("link", name="公示与通报", exact=True).click()
    admin.get_by_role("button", name="发布通报").click()
    confirm(admin)
    admin.get_by_text("已发布通报。").wait_for()
    _move_phase(admin, "进入通报", "通报")
    _move_phase(admin, "进入推荐总局", "推荐总局")
    admin.get_by_role("link", name="推荐总局", exact=True).click()
    admin.get_by_role("button", name=re.compile(rf"^推荐\s*{re.escape(TITLE)}")).click()
    confirm(admin)
    admin.get_by_text("已完成「推荐至总局」").wait_for()
    admin.get_by_role("button", name="生成推荐材料包（zip）").click()
    admin.get_by_text("推荐材料包已加入后台队列").wait_for()
    with admin.expect_download() as download:
        admin.get_by_role("link", name=re.compile(r"^下载\s*\d{4} 年度推荐材料包")).click()
    target = tmp_path / "package.zip"
    download.value.save_as(target)
    screenshot("year-nrta", of=admin)
    applicant_context.close()
    admin_context.close()

    assert Case.objects.get(pk=case.pk).state == "recommended_to_nrta"
    assert Job.objects.get(kind="nrta_package", scope=f"campaign:{campaign.pk}").status == "done"
    # The package holds the case's 申请表, on version 2 of the form: the new figure in it.
    with zipfile.ZipFile(target) as package:
        names = package.namelist()
        docx_name = next(name for name in names if name.endswith("/申请表.docx"))
        pdf_name = next(name for name in names if name.endswith("/申请表.pdf"))
        document = Document(io.BytesIO(package.read(docx_name)))
        pdf = PdfReader(io.BytesIO(package.read(pdf_name)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    word_text = "\n".join([p.text for p in document.paragraphs] + cells)
    # The forms print figures with thousands separators.
    assert NEW_FIGURE in word_text and "36,520" in word_text
    pdf_text = "".join(page.extract_text() for page in pdf.pages).replace(" ", "").replace("\n", "")
    assert NEW_FIGURE in pdf_text and "36,520" in pdf_text
