"""The recommendation ranking table 推荐排序表 as PDF and Excel, to print and stamp.

    render_ranking_pdf(table) -> bytes
    render_ranking_xlsx(table) -> bytes
    ranking_filename(table, "pdf") -> "吉林省2024年广播电视媒体融合典型案例推荐排序表-<推荐单位>.pdf"

Both renderers draw the same RankingDocument, loaded in two queries whatever the
number of entries, so the two files can never disagree about content. The house style
is the application form's (applications/documents): Noto Serif CJK SC for the text,
Noto Sans CJK SC for headings (黑体), title 二号, page numbers "— 1 —".
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.documents.layout import clean_text
from reviews.models import RankingTable
from reviews.table_documents import (
    MAX_FILENAME_LENGTH,
    STAMPED_TABLE_STYLESHEET,
    Column,
    filename_part,
    header_text,
    render_pdf,
    render_stamped_table_xlsx,
)

TEMPLATE = "reviews/documents/ranking_table.html"
STYLESHEET = "reviews/documents/ranking_table.css"
SHEET_TITLE = gettext_lazy("推荐排序表")

COLUMNS = (
    Column("rank", gettext_lazy("推荐排序"), 10, True),
    Column("title", gettext_lazy("案例名称"), 44, False),
    Column("unit", gettext_lazy("申报单位"), 28, False),
    Column("category", gettext_lazy("类别"), 17, True),
    Column("contact_name", gettext_lazy("联系人"), 11, True),
    Column("contact_phone", gettext_lazy("联系电话"), 16, True),
    Column("remarks", gettext_lazy("备注"), 14, True),
)


@dataclass(frozen=True)
class RankingRow:
    rank: int
    title: str
    unit: str
    category: str
    contact_name: str
    contact_phone: str
    remarks: str = ""  # left empty on purpose: the authority writes in it by hand

    def cells(self) -> list:
        return [getattr(self, column.key) for column in COLUMNS]


@dataclass(frozen=True)
class RankingDocument:
    title: str
    authority_name: str
    rows: list[RankingRow]


def ranking_title(year: int) -> str:
    return _("吉林省%(year)d年广播电视媒体融合典型案例推荐排序表") % {"year": year}


def ranking_document(table: RankingTable) -> RankingDocument:
    """Everything the table shows, in two queries whatever the number of entries."""
    table = RankingTable.objects.select_related("campaign", "authority").get(pk=table.pk)
    entries = table.entries.select_related("case__unit", "case__category").order_by("rank")
    rows = [
        RankingRow(
            rank=entry.rank,
            title=clean_text(entry.case.title).strip(),
            unit=clean_text(entry.case.unit.name).strip(),
            category=clean_text(entry.case.category.name).strip(),
            contact_name=header_text(entry.case.header, "contact_name"),
            contact_phone=header_text(entry.case.header, "contact_phone"),
        )
        for entry in entries
    ]
    return RankingDocument(
        title=ranking_title(table.campaign.year),
        authority_name=clean_text(table.authority.name).strip(),
        rows=rows,
    )


def ranking_filename(table: RankingTable, extension: str) -> str:
    """A download name like "<title>-<authority>.pdf", without characters that are
    illegal in file names, at most MAX_FILENAME_LENGTH characters long."""
    extension = "." + extension.lstrip(".").lower()
    with translation.override(settings.LANGUAGE_CODE):
        parts = [ranking_title(table.campaign.year), table.authority.name]
    stem = "-".join(filename_part(part) for part in parts)
    stem = stem[: MAX_FILENAME_LENGTH - len(extension)]
    # Windows drops trailing dots and spaces silently; a leading dot hides the file.
    stem = stem.strip(" .") or "ranking"
    return stem + extension


# --- PDF -------------------------------------------------------------------------------


def render_ranking_pdf(table: RankingTable) -> bytes:
    # An official Chinese document whatever the reader's interface language.
    with translation.override(settings.LANGUAGE_CODE):
        doc = ranking_document(table)
        html = render_to_string(TEMPLATE, {"doc": doc, "columns": COLUMNS})
    return render_pdf(html, STAMPED_TABLE_STYLESHEET, STYLESHEET)


# --- Excel -----------------------------------------------------------------------------


def render_ranking_xlsx(table: RankingTable) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        doc = ranking_document(table)
        labels = [str(column.label) for column in COLUMNS]
        sheet_title = str(SHEET_TITLE)
        authority_line = _("推荐单位（盖章）：%(name)s") % {"name": doc.authority_name}
        date_line = _("填报日期：　　　　年　　月　　日")
        empty_line = _("（无推荐案例）")
        filler_line = _("填报人：　　　　　　　　联系电话：")
        seal_label = _("推荐单位（盖章）")
        seal_date = _("年　　月　　日")

    return render_stamped_table_xlsx(
        title=doc.title,
        creator=doc.authority_name,
        sheet_title=sheet_title,
        columns=COLUMNS,
        labels=labels,
        # The rank stays a number: the province sorts and sums by it.
        rows=[entry.cells() for entry in doc.rows],
        left_columns=4,
        top_left=authority_line,
        top_right=date_line,
        empty_line=empty_line,
        bottom_left=filler_line,
        seal_label=seal_label,
        seal_date=seal_date,
    )
