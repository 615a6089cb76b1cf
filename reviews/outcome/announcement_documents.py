"""The list of selected cases 名单, grouped by category: the 附件 of the 公示 and the
通报 (reviews/outcome/official_documents.py draws those as 公文, PDF and Word) and an
Excel sheet of its own, in the house style of the ranking table.

    announcement_document(campaign) -> AnnouncementDocument
    render_announcement_xlsx(campaign) -> bytes
    announcement_filename(campaign, "xlsx") -> "<省>2024年广播电视媒体融合典型案例名单.xlsx"
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import title_region
from applications.documents.layout import chinese_numeral
from applications.enums import CaseState
from applications.models import Case
from core.documents import EXCEL_BODY, EXCEL_HEADING, EXCEL_TITLE, excel, official_language
from core.documents.excel import Column
from core.files import build_filename
from reviews.enums import PublicationKind
from reviews.experts.results import case_ranks
from reviews.models import Publication, ReviewStage, Rubric
from reviews.table_documents import plain_text

ANNOUNCED_STATES = (CaseState.SELECTED, CaseState.RECOMMENDED_TO_NRTA)
ANNOUNCEMENT_SHEET = gettext_lazy("通报名单")


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


def announcement_title(year: int, region: str) -> str:
    return _("%(province)s%(year)d年广播电视媒体融合典型案例名单") % {"province": region, "year": year}


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
    stage = current_stage(campaign)
    rubric = Rubric.objects.filter(campaign=campaign).first()
    if stage is None or rubric is None:
        return {}
    return case_ranks(stage=stage, rubric=rubric)


def announcement_document(campaign) -> AnnouncementDocument:
    """The selected cases (and those recommended on to the NRTA), by category in the
    campaign's order; in a category by rank in the current results, else by title."""
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
        return (rank is None, rank or 0, plain_text(case.title), case.pk)

    groups = []
    categories = campaign.categories.order_by("position", "id")
    for index, category in enumerate(categories, start=1):
        members = sorted(by_category.get(category.pk, []), key=order)
        heading = _("%(number)s、%(name)s（%(count)d个）") % {
            "number": chinese_numeral(index),
            "name": plain_text(category.name),
            "count": len(members),
        }
        rows = [
            AnnouncementRow(number, plain_text(case.title), plain_text(case.unit.name), plain_text(case.authority.name))
            for number, case in enumerate(members, start=1)
        ]
        groups.append(AnnouncementGroup(heading, rows))
    return AnnouncementDocument(
        title=announcement_title(campaign.year, title_region()),
        document_number=plain_text(publication.document_number) if publication else "",
        groups=groups,
    )


def announcement_filename(campaign, extension: str) -> str:
    """The download name, e.g. "<省>2024年广播电视媒体融合典型案例名单.pdf", safe on every system."""
    with official_language():
        title = announcement_title(campaign.year, title_region())
    return build_filename(title, extension=extension, fallback="announcement")


ANNOUNCEMENT_COLUMNS = (
    Column(gettext_lazy("序号"), 8),
    Column(gettext_lazy("案例名称"), 48, centred=False),
    Column(gettext_lazy("申报单位"), 30, centred=False),
    Column(gettext_lazy("推荐单位"), 28, centred=False),
)
ANNOUNCEMENT_HEADER_ROW = 3


def render_announcement_xlsx(campaign) -> bytes:
    from openpyxl.styles import Font

    with official_language():
        doc = announcement_document(campaign)
        labels = [str(column.label) for column in ANNOUNCEMENT_COLUMNS]
        sheet_title = str(ANNOUNCEMENT_SHEET)
        none_line = _("（无）")

    workbook = excel.new_workbook(title=doc.title)
    sheet = workbook.active
    sheet.title = sheet_title
    count = len(ANNOUNCEMENT_COLUMNS)
    border = excel.thin_border()
    body_font = Font(name=EXCEL_BODY, size=12)
    excel.set_widths(sheet, [column.width for column in ANNOUNCEMENT_COLUMNS])

    title_font = Font(name=EXCEL_TITLE, size=20)
    excel.merged_line(
        sheet, 1, doc.title, first=1, last=count, font=title_font, horizontal="center", wrap=True, height=42
    )
    number_font = Font(name=EXCEL_BODY, size=14)
    excel.merged_line(sheet, 2, doc.document_number or None, first=1, last=count, font=number_font, horizontal="center")
    sheet.row_dimensions[2].height = 26 if doc.document_number else 10
    excel.header_row(sheet, ANNOUNCEMENT_HEADER_ROW, labels, border=border, height=28, wrap=False)

    def full_row(row: int, text: str, font, horizontal: str) -> None:
        excel.merged_line(
            sheet, row, text, first=1, last=count, font=font, horizontal=horizontal, border=border, height=28
        )

    row = ANNOUNCEMENT_HEADER_ROW + 1
    for group in doc.groups:
        full_row(row, group.heading, Font(name=EXCEL_HEADING, size=12), "left")
        row += 1
        if not group.rows:
            full_row(row, none_line, body_font, "center")
            row += 1
        for entry in group.rows:
            values = (entry.number, entry.title, entry.unit, entry.authority)
            excel.table_row(
                sheet,
                row,
                values,
                ANNOUNCEMENT_COLUMNS,
                font=body_font,
                border=border,
                line_height=16.5,
                padding=6,
                min_height=24,
            )
            row += 1

    excel.print_setup(
        sheet, header_row=ANNOUNCEMENT_HEADER_ROW, last_row=row - 1, last_column=count, orientation="portrait"
    )
    return excel.workbook_bytes(workbook)
