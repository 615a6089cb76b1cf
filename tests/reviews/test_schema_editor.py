"""The form-schema editor: rows of sections and figures, a live preview of the
applicant's form, errors beside the field, and publishing a version that new drafts use
while existing drafts keep theirs."""

import pytest
from django.urls import reverse

from applications.forms import CaseContentForm
from applications.models import CampaignSettingChange, FormSchema
from tests.factories import make_case

EDITOR = "reviews:schema_editor"


def _post_data(definition: dict, *, extra_figure: dict | None = None, **overrides) -> dict:
    """What the editor's page posts for `definition` unchanged, plus a new figure row."""
    data = {"meta-narrative_limit": definition["narrative_limit"]}
    sections, figures = definition["sections"], definition["figures"]
    data.update({"sections-TOTAL_FORMS": len(sections) + 1, "sections-INITIAL_FORMS": len(sections)})
    for i, s in enumerate(sections):
        data.update({f"sections-{i}-key": s["key"], f"sections-{i}-title": s["title"], f"sections-{i}-position": i + 1})
        data[f"sections-{i}-help"] = s.get("help", "")
        data[f"sections-{i}-max_length"] = s.get("max_length", "")
        if s.get("required"):
            data[f"sections-{i}-required"] = "on"
    rows = [*figures, *([extra_figure] if extra_figure else [])]
    data.update({"figures-TOTAL_FORMS": len(rows) + 1, "figures-INITIAL_FORMS": len(figures)})
    for i, f in enumerate(rows):
        prefix = f"figures-{i}-"
        data.update(
            {
                prefix + "key": f.get("key", ""),
                prefix + "label": f["label"],
                prefix + "kind": f["kind"],
                prefix + "unit": f["unit"],
                prefix + "value_type": f.get("value_type", "decimal"),
                prefix + "decimal_places": f.get("decimal_places", 2),
                prefix + "minimum": f.get("minimum", ""),
                prefix + "maximum": f.get("maximum", ""),
                prefix + "position": i + 1,
                prefix + "help": f.get("help", ""),
            }
        )
        for flag in ("required", "not_applicable"):
            if f.get(flag):
                data[prefix + flag] = "on"
    # The blank extra rows as a browser sends them (defaults of the selects).
    n = len(rows)
    data.update({f"figures-{n}-kind": "number", f"figures-{n}-value_type": "decimal", f"figures-{n}-decimal_places": 2})
    data.update(overrides)
    return data


NEW_FIGURE = {
    "label": "年度新增注册用户",
    "kind": "number",
    "unit": "人",
    "value_type": "integer",
    "minimum": 0,
    "maximum": 10000000,
    "required": True,
    "not_applicable": True,
}


@pytest.fixture
def platform(cast):
    return cast.campaign.categories.get(code="platform")


def test_the_editor_shows_the_form_and_its_preview(client, cast, platform):
    client.force_login(cast.province_admin)
    page = client.get(reverse(EDITOR, args=[2024, "platform"])).content.decode()
    definition = platform.schemas.latest().definition
    assert definition["sections"][0]["title"] in page
    assert "申报单位看到的申请表（预览）" in page and "不适用/暂无" in page
    assert 'name="action" value="preview"' in page  # works without the script


def test_publishing_makes_a_version_new_drafts_use_while_old_drafts_keep_theirs(client, cast, platform):
    old_draft = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False, title="旧草稿")
    client.force_login(cast.province_admin)
    v1 = platform.schemas.latest()
    data = _post_data(v1.definition, extra_figure=NEW_FIGURE, action="publish")
    data["sections-0-max_length"] = "800"
    response = client.post(reverse(EDITOR, args=[2024, "platform"]), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    v2 = platform.schemas.latest()
    assert v2.version == 2
    added = v2.definition["figures"][-1]
    assert added["label"] == "年度新增注册用户" and added["key"] == "figure_1"
    assert (added["value_type"], added["minimum"], added["maximum"], added["not_applicable"]) == (
        "integer",
        0,
        10000000,
        True,
    )
    assert v2.definition["sections"][0]["max_length"] == 800
    assert [s["key"] for s in v2.definition["sections"]] == [s["key"] for s in v1.definition["sections"]]
    assert v2.definition["figures"][:-1] == v1.definition["figures"]  # the rows not touched, as they were
    assert v2.definition["header_fields"] == v1.definition["header_fields"]  # carried over
    assert FormSchema.objects.get(pk=v1.pk).definition == v1.definition  # v1 untouched

    old_draft.refresh_from_db()
    assert old_draft.schema_id == v1.pk
    new_draft = make_case(campaign=cast.campaign, applicant=cast.applicant_b, complete=False, title="新草稿")
    assert new_draft.schema_id == v2.pk
    assert "figure__figure_1" in CaseContentForm(definition=new_draft.schema.definition).fields
    client.force_login(cast.applicant_a)
    assert "年度新增注册用户" not in client.get(reverse("case_edit", args=[old_draft.pk])).content.decode()
    client.force_login(cast.applicant_b)
    new_page = client.get(reverse("case_edit", args=[new_draft.pk])).content.decode()
    assert "年度新增注册用户" in new_page and "本部分不超过800字。" in new_page

    change = CampaignSettingChange.objects.get(section="申请表")
    assert change.subject == "类别：新媒体平台建设" and change.old_value == "v1"
    assert change.new_value.startswith("v2（") and "新增量化数据「年度新增注册用户」" in change.new_value


def test_errors_are_shown_beside_the_field_and_nothing_is_published(client, cast, platform):
    client.force_login(cast.province_admin)
    definition = platform.schemas.latest().definition
    bad = {**NEW_FIGURE, "minimum": 100, "maximum": 5}
    data = _post_data(definition, extra_figure=bad, action="publish")
    n = len(definition["figures"])
    data["sections-1-title"] = ""
    data["meta-narrative_limit"] = "10"
    response = client.post(reverse(EDITOR, args=[2024, "platform"]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_figures-{n}-maximum_error">最大值不能小于最小值。' in page
    assert 'id="id_sections-1-title_error">请填写标题。' in page
    assert "正文字数上限不能小于100。" in page
    unlabelled = _post_data(definition, action="publish", **{f"figures-{n}-unit": "个"})
    response = client.post(reverse(EDITOR, args=[2024, "platform"]), unlabelled)
    assert (
        response.status_code == 400 and f'id="id_figures-{n}-label_error">请填写指标名称。' in response.content.decode()
    )
    unchanged = client.post(reverse(EDITOR, args=[2024, "platform"]), _post_data(definition, action="publish"))
    assert unchanged.status_code == 400 and "申请表没有改动，无需发布新版本。" in unchanged.content.decode()
    assert platform.schemas.count() == 1 and not CampaignSettingChange.objects.exists()


def test_removing_every_section_is_refused(client, cast, platform):
    client.force_login(cast.province_admin)
    definition = platform.schemas.latest().definition
    removals = {f"sections-{i}-remove": "on" for i in range(len(definition["sections"]))}
    response = client.post(
        reverse(EDITOR, args=[2024, "platform"]), _post_data(definition, action="publish", **removals)
    )
    assert response.status_code == 400 and "申请表至少要有一个材料部分。" in response.content.decode()
    assert platform.schemas.count() == 1


def test_the_preview_without_script_and_the_live_fragment(client, cast, platform):
    client.force_login(cast.province_admin)
    definition = platform.schemas.latest().definition
    data = _post_data(definition, extra_figure=NEW_FIGURE, action="preview")
    page = client.post(reverse(EDITOR, args=[2024, "platform"]), data)
    assert page.status_code == 200 and "年度新增注册用户" in page.content.decode()
    assert platform.schemas.count() == 1  # previewing publishes nothing
    fragment = client.post(reverse("reviews:schema_preview", args=[2024, "platform"]), data)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "年度新增注册用户" in html and "<html" not in html and "整数，0至10000000" in html
    invalid = client.post(
        reverse("reviews:schema_preview", args=[2024, "platform"]), {**data, "meta-narrative_limit": "x"}
    )
    assert invalid.status_code == 400 and "预览暂停更新" in invalid.content.decode()
