"""The consolidated score sheet 评分汇总表 of a review stage, as Excel, for the province.

    render_score_sheet_xlsx(stage) -> bytes
    score_sheet_filename(stage) -> "吉林省2024年广播电视媒体融合典型案例评分汇总表-初评.xlsx"

Two worksheets per category, in the campaign's order: "<类别>" with a row per case
(rank, case, units, the authority's own priority, each expert's weighted total, the
panel's result, the dispersion, the flags), and "<类别>明细" with a row per expert and
case and a column per criterion, so every total can be recomputed by hand. Everything
comes from reviews.experts.results, the same figures the province's pages show.

The sheet is the province's, so the units and the experts' names stay on it.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from reviews.models import Criterion, ExpertAssignment, ReviewStage, Rubric
from reviews.table_documents import (
    MAX_FILENAME_LENGTH,
    SANS,
    SERIF,
    filename_part,
    plain_number,
    print_setup,
    text_cell,
    wrapped_lines,
)

# Excel refuses these in a sheet's name, and names longer than 31 characters.
_ILLEGAL_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
SHEET_NAME_LENGTH = 31
HEADER_ROW = 3
GREY = "FFE7E6E6"
FLAG_FILL = "FFFCE4D6"


def score_sheet_title(year: int) -> str:
    return _("吉林省%(year)d年广播电视媒体融合典型案例评分汇总表") % {"year": year}


def score_detail_title(year: int) -> str:
    return _("吉林省%(year)d年广播电视媒体融合典型案例评分明细表") % {"year": year}


def score_sheet_filename(stage: ReviewStage) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        parts = [score_sheet_title(stage.campaign.year), stage.name]
    stem = "-".join(filename_part(part) for part in parts)
    return (stem[: MAX_FILENAME_LENGTH - 5].strip(" .") or "scores") + ".xlsx"


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


@dataclass(frozen=True)
class Column:
    label: str
    width: float  # in widths of the digit "0"
    centred: bool = True
    decimals: bool = False  # a figure shown with two decimals


class _Writer:
    """Writes the house style of the ranking table into one worksheet."""

    def __init__(self, sheet):
        from openpyxl.styles import Border, Side

        self.sheet = sheet
        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def heading(self, title: str, note: str, columns: list[Column]) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        sheet, count = self.sheet, len(columns)
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        for row, text, font, height in ((1, title, Font(name=SERIF, size=18, bold=True), 36), (2, note, None, 36)):
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=count)
            cell = text_cell(sheet, row, 1, text)
            cell.font = font or Font(name=SERIF, size=11)
            cell.alignment = Alignment(horizontal="center" if row == 1 else "left", vertical="center", wrap_text=True)
            sheet.row_dimensions[row].height = height
        for index, column in enumerate(columns, start=1):
            cell = text_cell(sheet, HEADER_ROW, index, column.label)
            cell.font = Font(name=SANS, size=11, bold=True)
            cell.fill = PatternFill(fill_type="solid", start_color=GREY, end_color=GREY)
            cell.border = self.border
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        lines = max(wrapped_lines(column.label, column.width) for column in columns)
        sheet.row_dimensions[HEADER_ROW].height = max(30, lines * 15 + 6)

    def row(self, row: int, values: list, columns: list[Column], *, highlight: bool = False) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        lines = 1
        for index, (value, column) in enumerate(zip(values, columns, strict=True), start=1):
            cell = text_cell(self.sheet, row, index, value)
            cell.font = Font(name=SERIF, size=11)
            cell.border = self.border
            cell.alignment = Alignment(
                horizontal="center" if column.centred else "left", vertical="center", wrap_text=True
            )
            if column.decimals and isinstance(value, Decimal):
                cell.number_format = "0.00"
            if highlight:
                cell.fill = PatternFill(fill_type="solid", start_color=FLAG_FILL, end_color=FLAG_FILL)
            if isinstance(value, str):
                lines = max(lines, wrapped_lines(value, column.width))
        self.sheet.row_dimensions[row].height = max(22, lines * 15 + 6)

    def empty(self, row: int, text: str, count: int) -> None:
        from openpyxl.styles import Alignment, Font

        self.sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=count)
        cell = text_cell(self.sheet, row, 1, text)
        cell.font = Font(name=SERIF, size=11)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        for column in range(1, count + 1):
            self.sheet.cell(row=row, column=column).border = self.border
        self.sheet.row_dimensions[row].height = 30

    def finish(self, last_row: int, count: int) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.properties import PageSetupProperties

        last = get_column_letter(count)
        if last_row > HEADER_ROW:
            self.sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{last_row}"
        print_setup(
            self.sheet,
            header_row=HEADER_ROW,
            area=f"A1:{last}{last_row}",
            orientation="landscape",
            properties=PageSetupProperties(fitToPage=True),
        )


def render_score_sheet_xlsx(stage: ReviewStage) -> bytes:
    from openpyxl import Workbook

    from reviews.experts.results import stage_results

    stage = ReviewStage.objects.select_related("campaign").get(pk=stage.pk)
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

    with translation.override(settings.LANGUAGE_CODE):
        names = {expert_id: clean(name) for expert_id, name in names.items()}
        title = score_sheet_title(campaign.year)
        note = _(
            "专家得分为加权总分（百分制）：各评审项得分÷满分×权重，求和后÷权重合计×100。"
            "汇总得分：%(method)s。分歧提示：最高分与最低分之差超过%(threshold)s分。"
            "否决项不通过的案例不参与排名。"
        ) % {"method": rubric.get_aggregation_display(), "threshold": plain_number(rubric.dispersion_threshold)}
        workbook = Workbook()
        workbook.remove(workbook.active)
        workbook.properties.title = f"{title}（{stage.name}）"
        categories = list(campaign.categories.order_by("position", "id"))
        sheet_names = _sheet_names([n for c in categories for n in (clean(c.name), clean(c.name) + _("明细"))])
        for index, category in enumerate(categories):
            category_results = results.get(category.pk, [])
            context = {"stage": clean(stage.name), "category": clean(category.name)}
            heading = _("%(title)s（%(stage)s · %(category)s）") % {"title": title, **context}
            _summary_sheet(
                workbook.create_sheet(sheet_names[2 * index]), heading, note, category_results, assigned, names, gates
            )
            _detail_sheet(
                workbook.create_sheet(sheet_names[2 * index + 1]),
                _("%(title)s（%(stage)s · %(category)s）") % {"title": score_detail_title(campaign.year), **context},
                note,
                category_results,
                assigned,
                names,
                criteria,
            )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def clean(value) -> str:
    from applications.documents.layout import clean_text

    return clean_text(value).strip()


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
            result.category_rank,
            clean(result.case.title),
            clean(result.case.unit.name),
            clean(result.case.authority.name),
            result.authority_rank,
        ]
        for expert_id in experts:
            if expert_id in totals:
                cells.append(totals[expert_id])
            else:
                cells.append(_("未提交") if expert_id in assigned.get(result.case.pk, []) else None)
        scored = len(result.scores) >= 2
        failed = [
            _("%(name)s不通过") % {"name": clean(gate.name)}
            for gate in gates
            if any(score.gates.get(gate.pk) is False for score in result.scores)
        ]
        cells += [
            result.result,
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
            return _("%(name)s（否决项）") % {"name": clean(criterion.name)}
        return _("%(name)s（权重%(weight)s%%，满分%(max)d）") % {
            "name": clean(criterion.name),
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
            cells = [result.category_rank, clean(result.case.title), names.get(expert_id, "")]
            for criterion in criteria:
                if score is None:
                    cells.append(None)
                elif criterion.is_gate:
                    passed = score.gates.get(criterion.pk)
                    cells.append(None if passed is None else (_("通过") if passed else _("不通过")))
                else:
                    cells.append(score.values.get(criterion.pk))
            comments = [
                f"{clean(criterion.name)}：{clean(score.comments.get(criterion.pk))}"
                for criterion in criteria
                if score is not None and clean(score.comments.get(criterion.pk))
            ]
            cells += [score.total if score else _("未提交"), "\n".join(comments) or None]
            writer.row(row, cells, columns)
            row += 1
    writer.finish(row - 1 if category_results else row, len(columns))
