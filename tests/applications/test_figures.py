"""Figures as numbers (#9 item 6, #11 item 6): read as the schema says, stored
canonically, printed with thousands separators; 「不适用」 only where allowed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.content import figure_problems
from applications.figures import NOT_APPLICABLE, FigureRule, figures_clean, format_figure, parse_figure
from applications.models import Case
from tests.factories import make_case

COUNT = FigureRule.of({"value_type": "integer", "minimum": 0, "maximum": 1000000, "unit": "个"})
MONEY = FigureRule.of(
    {"value_type": "decimal", "decimal_places": 2, "minimum": 0, "unit": "万元", "not_applicable": True}
)
SHARE = FigureRule.of({"value_type": "decimal", "decimal_places": 1, "minimum": 0, "maximum": 100, "unit": "%"})


@pytest.mark.parametrize(
    ("typed", "rule", "stored"),
    [
        ("１２８６", COUNT, "1286"),  # full-width digits
        ("1,286", COUNT, "1286"),  # thousands separator
        ("１，２８６", COUNT, "1286"),  # full-width separator
        (" 1 286 ", COUNT, "1286"),  # spaces
        ("12.0", COUNT, "12"),
        ("-0", SHARE, "0"),
        ("1,286.5", MONEY, "1286.50"),  # money to two places
        ("0.5", MONEY, "0.50"),
        ("38.50", SHARE, "38.5"),
        ("不适用", MONEY, NOT_APPLICABLE),
        ("暂无", MONEY, NOT_APPLICABLE),
        ("", COUNT, ""),
    ],
)
def test_typed_figures_are_stored_canonically(typed, rule, stored):
    assert parse_figure(typed, rule, name="数") == stored


@pytest.mark.parametrize(
    ("typed", "rule", "message"),
    [
        ("1e3", MONEY, "不要用科学计数法"),
        ("1E+30", MONEY, "不要用科学计数法"),
        ("NaN", MONEY, "应为数字"),
        ("Infinity", MONEY, "应为数字"),
        ("inf", MONEY, "应为数字"),
        ("12,86", COUNT, "应为数字"),
        ("十二万", COUNT, "应为数字"),
        ("٣", COUNT, "应为数字"),  # another script's digit is not silently read
        ("1,286.5", COUNT, "应为整数"),
        ("1.234", MONEY, "最多保留2位小数"),
        ("-1", COUNT, "不能小于0"),
        ("100.1", SHARE, "不能大于100"),
        ("1000001", COUNT, "不能大于1000000"),
        ("9" * 16, MONEY, "数值过大"),
        ("不适用", COUNT, "本项不可填「不适用」"),
    ],
)
def test_bad_figures_are_refused_with_a_message_naming_the_figure(typed, rule, message):
    with pytest.raises(ValidationError) as refused:
        parse_figure(typed, rule, name="矩阵账号数量")
    assert message in refused.value.messages[0]
    assert "「矩阵账号数量」" in refused.value.messages[0]


def test_printed_with_thousands_separators():
    assert format_figure("1286.50") == "1,286.50"
    assert format_figure("1234567") == "1,234,567"
    assert format_figure(NOT_APPLICABLE) == "不适用"
    assert format_figure("") == ""
    assert format_figure("很多") == "很多"  # an old draft's text shown as stored


DEFINITION = {
    "figures": [
        {"key": "items", "label": "接入服务事项", "kind": "number", "unit": "项", "value_type": "integer",
         "required": True, "not_applicable": True},
        {"key": "staff", "label": "人员", "kind": "number", "unit": "人", "value_type": "integer", "required": True},
        {"key": "extra", "label": "选填", "kind": "number", "unit": "个", "value_type": "integer"},
        {"key": "growth", "label": "对比", "kind": "before_after", "unit": "万件", "required": True,
         "not_applicable": True},
    ]
}  # fmt: skip


def test_required_only_where_the_schema_requires_and_not_applicable_where_allowed():
    figures = {"items": NOT_APPLICABLE, "staff": "", "extra": "", "growth": {"before": NOT_APPLICABLE, "after": "2.4"}}
    messages = [p.message for p in figure_problems(DEFINITION, figures)]
    assert messages == ["量化数据「人员」未填写。"]  # the optional one and the 不适用 ones pass
    blank = [p.message for p in figure_problems(DEFINITION, {})]
    assert "量化数据「接入服务事项」未填写；没有此项数据请选「不适用/暂无」。" in blank
    assert "量化数据「选填」未填写。" not in " ".join(blank)


def test_figures_clean_keeps_only_the_schemas_figures_and_lists_every_error():
    with pytest.raises(ValidationError) as refused:
        figures_clean(DEFINITION, {"items": "1,2", "staff": "x", "other": "1"})
    assert len(refused.value.messages) == 2
    cleaned = figures_clean(DEFINITION, {"items": "３６", "growth": {"before": "0.3", "after": "2,100"}, "other": "1"})
    assert cleaned == {"items": "36", "staff": "", "extra": "", "growth": {"before": "0.3", "after": "2100"}}


def test_the_editor_stores_numbers_and_the_not_applicable_box(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, category_code="services")
    client.force_login(cast.applicant_a)
    page = client.get(reverse("case_edit", args=[case.pk])).content.decode()
    data = {"version": case.version, "title": case.title}
    data.update({f"header__{k}": v for k, v in case.header.items()})
    data.update({f"section__{k}": v for k, v in case.sections.items()})
    data.update(
        {
            "figure__service_items__na": "on",  # a unit that does not count them
            "figure__service_users": "１,２８６",
            "figure__satisfaction": "97.6",
            "figure__handled_growth__before": "暂无",
            "figure__handled_growth__after": "2.4",
            "figure__income": "5,860",
            "figure__expenditure": "",
        }
    )
    assert 'name="figure__service_items__na"' in page
    assert client.post(reverse("case_edit", args=[case.pk]), data).status_code == 302
    stored = Case.objects.get(pk=case.pk).figures
    assert stored == {
        "service_items": NOT_APPLICABLE,
        "service_users": "1286",
        "satisfaction": "97.6",
        "handled_growth": {"before": NOT_APPLICABLE, "after": "2.4"},
        "income": "5860.00",
        "expenditure": "",
    }
    both = client.post(
        reverse("case_edit", args=[case.pk]),
        {**data, "version": case.version + 1, "figure__service_items": "36"},
    )
    assert both.status_code == 400
    assert "「接入服务事项」已勾选「不适用/暂无」，请清空数值或取消勾选。" in both.content.decode()
    detail = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "5,860.00" in detail and "1,286" in detail and "不适用" in detail
    assert not [p for p in figure_problems(case.schema.definition, stored)]


def test_the_application_form_prints_figures_with_thousands_separators(cast):
    from applications.documents.layout import case_for_document, form_document

    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, category_code="services")
    Case.objects.filter(pk=case.pk).update(
        figures={**case.figures, "income": "5860.00", "service_items": NOT_APPLICABLE, "service_users": "1286"}
    )
    document = form_document(case_for_document(Case.objects.get(pk=case.pk)))
    shown = {figure.label: figure.values for figure in document.figures}
    assert shown["年度经营收入"] == ("5,860.00",)
    assert shown["接入服务事项"] == ("不适用",)
    assert shown["服务用户"] == ("1,286",)


def test_the_migration_rewrites_stored_figures_canonically_and_keeps_what_does_not_parse(cast):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("applications.migrations.0007_figures_as_canonical_numbers")
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    typed = {
        "users": "1,286.5",
        "accounts": "１２",
        "annual_reach": "很多",
        "user_growth": {"before": "-0", "after": " 326 "},
        "income": "5860",
        "expenditure": "",
    }
    Case.objects.filter(pk=case.pk).update(figures=typed)
    migration.canonicalise(apps, None)
    assert Case.objects.get(pk=case.pk).figures == {
        "users": "1286.5",
        "accounts": "12",
        "annual_reach": "很多",  # a draft's problem, reported at submission
        "user_growth": {"before": "0", "after": "326"},
        "income": "5860.00",
        "expenditure": "",
    }
