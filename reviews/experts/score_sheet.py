"""The consolidated score sheet 评分汇总表 of a review stage, as Excel, for the province.

    render_score_sheet_xlsx(stage) -> bytes
    score_sheet_filename(stage) -> "<省>2024年广播电视媒体融合典型案例评分汇总表-初评.xlsx"

Two worksheets per category, in the campaign's order: "<类别>" with a row per case
(rank, case, units, the authority's own priority, each expert's weighted total, the
panel's result, the dispersion, the flags), and "<类别>明细" with a row per expert and
case and a column per criterion, so every total can be recomputed by hand. Everything
comes from reviews.experts.results, the same figures the province's pages show.

The sheet is the province's, so the units and the experts' names stay on it.
"""

import re

from django.utils.translation import gettext as _

from accounts.selectors import province_name_subquery, province_region, title_region
from core.documents import EXCEL_BODY, EXCEL_TITLE, excel, official_language
from core.documents.excel import Column
from core.files import build_filename
from reviews.experts.aggregation import rule_description
from reviews.experts.results import shown_rank, stage_results
from reviews.models import Criterion, ExpertAssignment, ReviewStage, Rubric
from reviews.table_documents import plain_number, plain_text

# Excel refuses these in a sheet's name, and names longer than 31 characters.
_ILLEGAL_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
SHEET_NAME_LENGTH = 31
HEADER_ROW = 3
FLAG_FILL = "FFFCE4D6"


def score_sheet_title(year: int, region: str) -> str:
    return _("%(province)s%(year)d年广播电视媒体融合典型案例评分汇总表") % {"province": region, "year": year}


def score_detail_title(year: int, region: str) -> str:
    return _("%(province)s%(year)d年广播电视媒体融合典型案例评分明细表") % {"province": region, "year": year}


def score_sheet_filename(stage: ReviewStage) -> str:
    with official_language():
        title = score_sheet_title(stage.campaign.year, title_region())
    return build_filename(title, stage.name, extension="xlsx", fallback="scores")


def _sheet_names(names: list[str]) -> list[str]:
    """Valid, distinct Excel sheet names (compared without case, as Excel does)."""
    taken, result = set(), []
    for name in names:
        base = " ".join(_ILLEGAL_IN_SHEET_NAME.sub("", name).split()).strip("'") or _("类别")
        candidate, number = base[:SHEET_NAME_LENGTH], 1
        while candidate.lower() in taken or candidate.lower() == "history":
            number += 1
            suffix = f"({number})"
            candidate = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        taken.add(candidate.lower())
        result.append(candidate)
    return result


class _Writer:
    """Writes the house style of the ranking table into one worksheet."""

    def __init__(self, sheet):
        from openpyxl.styles import Font

        self.sheet = sheet
        self.border = excel.thin_border()
        self.font = Font(name=EXCEL_BODY, size=11)

    def heading(self, title: str, note: str, columns: list[Column]) -> None:
        from openpyxl.styles import Font

        sheet, count = self.sheet, len(columns)
        excel.set_widths(sheet, [column.width for column in columns])
        title_font = Font(name=EXCEL_TITLE, size=18)
        excel.merged_line(
            sheet, 1, title, first=1, last=count, font=title_font, horizontal="center", wrap=True, height=36
        )
        excel.merged_line(sheet, 2, note, first=1, last=count, font=self.font, horizontal="left", wrap=True, height=36)
        lines = max(excel.wrapped_lines(column.label, column.width) for column in columns)
        labels = [column.label for column in columns]
        excel.header_row(sheet, HEADER_ROW, labels, border=self.border, height=max(30, lines * 15 + 6), size=11)

    def row(self, row: int, values: list, columns: list[Column], *, highlight: bool = False) -> None:
        from openpyxl.styles import PatternFill

        fill = PatternFill(fill_type="solid", start_color=FLAG_FILL, end_color=FLAG_FILL) if highlight else None
        excel.table_row(
            self.sheet,
            row,
            values,
            columns,
            font=self.font,
            border=self.border,
            line_height=15,
            padding=6,
            min_height=22,
            fill=fill,
        )

    def empty(self, row: int, text: str, count: int) -> None:
        excel.merged_line(
            self.sheet,
            row,
            text,
            first=1,
            last=count,
            font=self.font,
            horizontal="center",
            border=self.border,
            height=30,
        )

    def finish(self, last_row: int, count: int) -> None:
        if last_row > HEADER_ROW:
            self.sheet.auto_filter.ref = f"A{HEADER_ROW}:{excel.column_letter(count)}{last_row}"
        excel.print_setup(
            self.sheet, header_row=HEADER_ROW, last_row=last_row, last_column=count, orientation="landscape"
        )


def render_score_sheet_xlsx(stage: ReviewStage) -> bytes:
    # The province's name comes with the stage: no query of its own.
    stage = (
        ReviewStage.objects.select_related("campaign").annotate(province_name=province_name_subquery()).get(pk=stage.pk)
    )
    campaign = stage.campaign
    rubric = Rubric.objects.get(campaign=campaign)
    criteria = list(Criterion.objects.filter(rubric=rubric).order_by("position", "id"))
    gates = [criterion for criterion in criteria if criterion.is_gate]
    results = stage_results(stage=stage, rubric=rubric)
    # Who was given which case, scored or not: an unsubmitted review shows as such.
    assigned: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for case_id, expert_id, display, username in ExpertAssignment.objects.filter(stage=stage).values_list(
        "case_id", "expert_id", "expert__display_name", "expert__username"
    ):
        assigned.setdefault(case_id, []).append(expert_id)
        names[expert_id] = display or username

    region = province_region(stage.province_name)
    with official_language():
        names = {expert_id: plain_text(name) for expert_id, name in names.items()}
        title = score_sheet_title(campaign.year, region)
        note = _(
            "专家得分为加权总分（百分制）：各评审项得分÷满分×权重，求和后÷权重合计×100。"
            "汇总得分：%(method)s。分歧提示：最高分与最低分之差超过%(threshold)s分。"
            "否决项不通过的案例不参与排名。"
        ) % {
            "method": rule_description(rubric.aggregation, rubric.trim_min_experts),
            "threshold": plain_number(rubric.dispersion_threshold),
        }
        workbook = excel.new_workbook(title=f"{title}（{stage.name}）")
        workbook.remove(workbook.active)
        categories = list(campaign.categories.order_by("position", "id"))
        sheet_names = _sheet_names(
            [n for c in categories for n in (plain_text(c.name), plain_text(c.name) + _("明细"))]
        )
        for index, category in enumerate(categories):
            category_results = results.get(category.pk, [])
            context = {"stage": plain_text(stage.name), "category": plain_text(category.name)}
            heading = _("%(title)s（%(stage)s · %(category)s）") % {"title": title, **context}
            _summary_sheet(
                workbook.create_sheet(sheet_names[2 * index]), heading, note, category_results, assigned, names, gates
            )
            _detail_sheet(
                workbook.create_sheet(sheet_names[2 * index + 1]),
                _("%(title)s（%(stage)s · %(category)s）")
                % {"title": score_detail_title(campaign.year, region), **context},
                note,
                category_results,
                assigned,
                names,
                criteria,
            )
    return excel.workbook_bytes(workbook)


def _experts_of(category_results, assigned) -> list[int]:
    return sorted({expert_id for result in category_results for expert_id in assigned.get(result.case.pk, [])})


def _summary_sheet(sheet, heading, note, category_results, assigned, names, gates) -> None:
    experts = _experts_of(category_results, assigned)
    columns = [
        Column(_("排名"), 7),
        Column(_("案例名称"), 36, centred=False),
        Column(_("申报单位"), 22, centred=False),
        Column(_("推荐单位"), 18, centred=False),
        Column(_("推荐单位排序"), 9),
        *(Column(names[expert_id], 10, decimals=True) for expert_id in experts),
        Column(_("汇总得分"), 10, decimals=True),
        Column(_("汇总方法"), 16, centred=False),
        Column(_("标准差"), 9, decimals=True),
        Column(_("极差"), 9, decimals=True),
        Column(_("分歧提示"), 9),
        Column(_("否决"), 14),
    ]
    writer = _Writer(sheet)
    writer.heading(heading, note, columns)
    row = HEADER_ROW + 1
    if not category_results:
        writer.empty(row, _("（无评审案例）"), len(columns))
    for result in category_results:
        totals = {score.expert_id: score.total for score in result.scores}
        cells = [
            shown_rank(result),
            plain_text(result.case.title),
            plain_text(result.case.unit.name),
            plain_text(result.case.authority.name),
            result.authority_rank,
        ]
        for expert_id in experts:
            if expert_id in totals:
                cells.append(totals[expert_id])
            else:
                cells.append(_("未提交") if expert_id in assigned.get(result.case.pk, []) else None)
        scored = len(result.scores) >= 2
        failed = [
            _("%(name)s不通过") % {"name": plain_text(gate.name)}
            for gate in gates
            if any(score.gates.get(gate.pk) is False for score in result.scores)
        ]
        cells += [
            result.result,
            result.rule or None,
            result.spread.stdev if scored else None,
            result.spread.spread if scored else None,
            _("是") if result.flagged else None,
            "、".join(failed) or None,
        ]
        writer.row(row, cells, columns, highlight=result.flagged or result.excluded)
        row += 1
    writer.finish(row - 1 if category_results else row, len(columns))


def _detail_sheet(sheet, heading, note, category_results, assigned, names, criteria) -> None:
    def label(criterion) -> str:
        if criterion.is_gate:
            return _("%(name)s（否决项）") % {"name": plain_text(criterion.name)}
        return _("%(name)s（权重%(weight)s%%，满分%(max)d）") % {
            "name": plain_text(criterion.name),
            "weight": plain_number(criterion.weight),
            "max": criterion.max_score,
        }

    columns = [
        Column(_("排名"), 7),
        Column(_("案例名称"), 32, centred=False),
        Column(_("评审专家"), 12),
        *(Column(label(criterion), 12, decimals=True) for criterion in criteria),
        Column(_("专家得分"), 10, decimals=True),
        Column(_("评语"), 48, centred=False),
    ]
    writer = _Writer(sheet)
    writer.heading(heading, note, columns)
    row = HEADER_ROW + 1
    if not category_results:
        writer.empty(row, _("（无评审案例）"), len(columns))
    for result in category_results:
        scores = {score.expert_id: score for score in result.scores}
        for expert_id in sorted(set(assigned.get(result.case.pk, [])) | set(scores)):
            score = scores.get(expert_id)
            cells = [shown_rank(result), plain_text(result.case.title), names.get(expert_id, "")]
            for criterion in criteria:
                if score is None:
                    cells.append(None)
                elif criterion.is_gate:
                    passed = score.gates.get(criterion.pk)
                    cells.append(None if passed is None else (_("通过") if passed else _("不通过")))
                else:
                    cells.append(score.values.get(criterion.pk))
            comments = [
                f"{plain_text(criterion.name)}：{plain_text(score.comments.get(criterion.pk))}"
                for criterion in criteria
                if score is not None and plain_text(score.comments.get(criterion.pk))
            ]
            cells += [score.total if score else _("未提交"), "\n".join(comments) or None]
            writer.row(row, cells, columns)
            row += 1
    writer.finish(row - 1 if category_results else row, len(columns))
