"""The 通报 list of selected cases, grouped by category, as PDF and Excel, in the house
style of the ranking table (reviews/ranking/documents.py) and the application form
(applications/documents).

    render_announcement_pdf(campaign) / render_announcement_xlsx(campaign) -> bytes
    announcement_filename(campaign, "pdf") -> "吉林省2024年广播电视媒体融合典型案例名单.pdf"
"""

from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.documents.layout import chinese_numeral, clean_text
from applications.enums import CaseState
from reviews.enums import PublicationKind
from reviews.models import Publication, ReviewStage, Rubric
from reviews.table_documents import (
    MAX_FILENAME_LENGTH,
    SANS,
    SERIF,
    filename_part,
    print_setup,
    render_pdf,
    text_cell,
    title_lines,
    wrapped_lines,
)

ANNOUNCEMENT_TEMPLATE = "reviews/documents/announcement.html"
ANNOUNCEMENT_STYLESHEET = "reviews/documents/announcement.css"
ANNOUNCED_STATES = (CaseState.SELECTED, CaseState.RECOMMENDED_TO_NRTA)
ANNOUNCEMENT_SHEET = gettext_lazy("通报名单")


def _plain(value) -> str:
    return clean_text(value).strip()


@dataclass(frozen=True)
class AnnouncementRow:
    number: int
    title: str
    unit: str
    authority: str


@dataclass(frozen=True)
class AnnouncementGroup:
    heading: str  # "一、新媒体平台建设（3个）"
    rows: list[AnnouncementRow]


@dataclass(frozen=True)
class AnnouncementDocument:
    title: str
    document_number: str
    groups: list[AnnouncementGroup]


def announcement_title(year: int) -> str:
    return _("吉林省%(year)d年广播电视媒体融合典型案例名单") % {"year": year}


def current_stage(campaign) -> ReviewStage | None:
    """The latest round of the review with a submitted score: its results are current."""
    return (
        ReviewStage.objects.filter(campaign=campaign, assignments__submitted_at__isnull=False)
        .order_by("-order")
        .distinct()
        .first()
    )


def _category_ranks(campaign) -> dict[int, int]:
    """Case id -> its rank in its category in the current results (ranked cases only)."""
    from reviews.experts.results import stage_results

    stage = current_stage(campaign)
    rubric = Rubric.objects.filter(campaign=campaign).first()
    if stage is None or rubric is None:
        return {}
    return {
        result.case.pk: result.category_rank
        for results in stage_results(stage=stage, rubric=rubric).values()
        for result in results
        if result.category_rank is not None
    }


def announcement_document(campaign) -> AnnouncementDocument:
    """The selected cases (and those recommended on to the NRTA), by category in the
    campaign's order; in a category by rank in the current results, else by title."""
    from applications.models import Case

    publication = Publication.objects.filter(campaign=campaign, kind=PublicationKind.ANNOUNCEMENT).first()
    cases = (
        Case.objects.filter(campaign=campaign, state__in=ANNOUNCED_STATES)
        .select_related("unit", "authority")
        .only("title", "category_id", "unit__name", "authority__name")
    )
    by_category: dict[int, list] = {}
    for case in cases:
        by_category.setdefault(case.category_id, []).append(case)
    ranks = _category_ranks(campaign) if by_category else {}

    def order(case):
        rank = ranks.get(case.pk)
        return (rank is None, rank or 0, _plain(case.title), case.pk)

    groups = []
    categories = campaign.categories.order_by("position", "id")
    for index, category in enumerate(categories, start=1):
        members = sorted(by_category.get(category.pk, []), key=order)
        heading = _("%(number)s、%(name)s（%(count)d个）") % {
            "number": chinese_numeral(index),
            "name": _plain(category.name),
            "count": len(members),
        }
        rows = [
            AnnouncementRow(number, _plain(case.title), _plain(case.unit.name), _plain(case.authority.name))
            for number, case in enumerate(members, start=1)
        ]
        groups.append(AnnouncementGroup(heading, rows))
    return AnnouncementDocument(
        title=announcement_title(campaign.year),
        document_number=_plain(publication.document_number) if publication else "",
        groups=groups,
    )


def announcement_filename(campaign, extension: str) -> str:
    """The download name, e.g. "吉林省2024年广播电视媒体融合典型案例名单.pdf", safe on every system."""
    extension = "." + extension.lstrip(".").lower()
    with translation.override(settings.LANGUAGE_CODE):
        stem = filename_part(announcement_title(campaign.year))
    stem = stem[: MAX_FILENAME_LENGTH - len(extension)].strip(" .") or "announcement"
    return stem + extension


def render_announcement_pdf(campaign) -> bytes:
    # An official Chinese document whatever the reader's interface language.
    with translation.override(settings.LANGUAGE_CODE):
        doc = announcement_document(campaign)
        context = {"doc": doc, "title_lines": title_lines(doc.title)}
        return render_pdf(render_to_string(ANNOUNCEMENT_TEMPLATE, context), ANNOUNCEMENT_STYLESHEET)


# (label, Excel width in widths of "0", centred)
ANNOUNCEMENT_COLUMNS = (
    (gettext_lazy("序号"), 8, True),
    (gettext_lazy("案例名称"), 48, False),
    (gettext_lazy("申报单位"), 30, False),
    (gettext_lazy("推荐单位"), 28, False),
)
ANNOUNCEMENT_HEADER_ROW = 3


def render_announcement_xlsx(campaign) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    with translation.override(settings.LANGUAGE_CODE):
        doc = announcement_document(campaign)
        labels = [str(label) for label, _width, _centred in ANNOUNCEMENT_COLUMNS]
        sheet_title = str(ANNOUNCEMENT_SHEET)
        none_line = _("（无）")

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    workbook.properties.title = doc.title
    count = len(ANNOUNCEMENT_COLUMNS)
    last = get_column_letter(count)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = Font(name=SERIF, size=12)
    grey = PatternFill(fill_type="solid", start_color="FFE7E6E6", end_color="FFE7E6E6")
    for index, (_label, width, _centred) in enumerate(ANNOUNCEMENT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    sheet.merge_cells(f"A1:{last}1")
    title = text_cell(sheet, 1, 1, doc.title)
    title.font = Font(name=SERIF, size=20, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 42
    sheet.merge_cells(f"A2:{last}2")
    number = text_cell(sheet, 2, 1, doc.document_number or None)
    number.font = Font(name=SERIF, size=14)
    number.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[2].height = 26 if doc.document_number else 10

    for index, label in enumerate(labels, start=1):
        cell = text_cell(sheet, ANNOUNCEMENT_HEADER_ROW, index, label)
        cell.font = Font(name=SANS, size=12, bold=True)
        cell.fill = grey
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[ANNOUNCEMENT_HEADER_ROW].height = 28

    def full_row(row: int, text: str, font, horizontal: str):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=count)
        cell = text_cell(sheet, row, 1, text)
        cell.font = font
        cell.alignment = Alignment(horizontal=horizontal, vertical="center")
        for column in range(1, count + 1):
            sheet.cell(row=row, column=column).border = border
        sheet.row_dimensions[row].height = 28

    row = ANNOUNCEMENT_HEADER_ROW + 1
    for group in doc.groups:
        full_row(row, group.heading, Font(name=SANS, size=12, bold=True), "left")
        row += 1
        if not group.rows:
            full_row(row, none_line, body_font, "center")
            row += 1
        for entry in group.rows:
            lines = 1
            values = (entry.number, entry.title, entry.unit, entry.authority)
            for index, (value, (_label, width, centred)) in enumerate(
                zip(values, ANNOUNCEMENT_COLUMNS, strict=True), start=1
            ):
                cell = text_cell(sheet, row, index, value)
                cell.font = body_font
                cell.border = border
                cell.alignment = Alignment(
                    horizontal="center" if centred else "left", vertical="center", wrap_text=True
                )
                if isinstance(value, str):
                    lines = max(lines, wrapped_lines(value, width))
            sheet.row_dimensions[row].height = max(24, lines * 16.5 + 6)
            row += 1

    print_setup(
        sheet,
        header_row=ANNOUNCEMENT_HEADER_ROW,
        area=f"A1:{last}{row - 1}",
        orientation="portrait",
        properties=PageSetupProperties(fitToPage=True),
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
