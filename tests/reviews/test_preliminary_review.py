"""Preliminary review 初审 on the case page: return with comments per section, reject
with a reason, recommend; a resubmission shows only what changed."""

from django.core import mail
from django.urls import reverse

from applications.diff import inline_diff, snapshot_changes
from applications.models import Case
from applications.services import case_save_content
from workflow.models import SectionComment
from workflow.services import apply_transition


def test_return_with_comments_on_sections_through_the_page(client, cast, case_at):
    case = case_at("submitted")
    client.force_login(cast.reviewer_a)
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert 'name="section_comment__results"' in page
    client.post(
        reverse("case_transition", args=[case.pk, "return_for_revision"]),
        {"comment": "请按意见修改。", "section_comment__results": "补充收入对比。", "section_comment__overview": ""},
    )
    assert Case.objects.get(pk=case.pk).state == "returned"
    assert list(SectionComment.objects.filter(record__case=case).values_list("section_key", "text")) == [
        ("results", "补充收入对比。")
    ]


def test_the_applicant_is_told_of_rejection_and_recommendation(cast, case_at, django_capture_on_commit_callbacks):
    rejected, recommended = case_at("submitted"), case_at("submitted")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(subject=rejected, action="reject", actor=cast.reviewer_a, comment="创新性不足。")
        apply_transition(subject=recommended, action="recommend", actor=cast.reviewer_a)
    assert [(m.to, "不予推荐" in m.subject) for m in mail.outbox] == [
        ([cast.applicant_a.email], True),
        ([cast.applicant_a.email], False),
    ]
    assert "创新性不足。" in mail.outbox[0].body and "推荐" in mail.outbox[1].subject


def test_inline_diff_marks_deletions_and_insertions_and_escapes():
    html = inline_diff("用户规模10万人<b>", "用户规模12万人，增长20%<b>")
    assert html == "用户规模1<del>0</del><ins>2</ins>万人<ins>，增长20%</ins>&lt;b&gt;"


def test_a_resubmitted_case_shows_what_changed_since_it_was_returned(client, cast, case_at):
    case = case_at("submitted")
    apply_transition(subject=case, action="return_for_revision", actor=cast.reviewer_a, comment="补充数据")
    case.refresh_from_db()
    sections = {**case.sections, "results": case.sections["results"] + "经营收入增长30%。"}
    case_save_content(
        case=case, actor=cast.applicant_a, expected_version=case.version, title=case.title, header=case.header,
        sections=sections, figures={**case.figures, "users": "412"},
    )  # fmt: skip
    apply_transition(subject=case, action="resubmit", actor=cast.applicant_a)

    client.force_login(cast.reviewer_a)
    changes = client.get(reverse("case_detail", args=[case.pk])).context["changes"]
    assert [change.where for change in changes] == [
        "3. 取得的成效成果与社会反响（突出社会效益、经济效益及可持续性）",
        "平台（账号）用户总量",
    ]
    assert changes[0].html.endswith("<ins>经营收入增长30%。</ins>")
    assert str(changes[1].html) == "<del>388</del><ins>412</ins>"


def test_a_first_submission_shows_no_changes(client, cast, case_at):
    case = case_at("submitted")
    client.force_login(cast.reviewer_a)
    assert client.get(reverse("case_detail", args=[case.pk])).context["changes"] is None


def test_unchanged_snapshots_give_no_changes(cast, case_at):
    case = case_at("draft")
    snapshot = {"title": case.title, "header": case.header, "sections": case.sections, "figures": case.figures}
    assert snapshot_changes(case.schema.definition, snapshot, dict(snapshot)) == []
