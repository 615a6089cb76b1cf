"""The recommendation ranking table 推荐排序表 as PDF and Excel, to print and stamp.

    render_ranking_pdf(table) -> bytes
    render_ranking_xlsx(table) -> bytes
    ranking_filename(table, "pdf") -> "<省>2024年广播电视媒体融合典型案例推荐排序表-<推荐单位>.pdf"

Both renderers draw the same RankingDocument, loaded in two queries whatever the
number of entries, so the two files can never disagree about content. The house style
is the application form's (core.documents): Noto Serif CJK SC for the text, Noto Sans
CJK SC for headings (黑体), title 二号, page numbers "— 1 —".
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import province_name_subquery, province_region, title_region
from core.documents import official_language
from core.documents.excel import Column
from core.files import build_filename
from reviews.models import RankingTable
from reviews.table_documents import (
    CaseRow,
    Signoff,
    plain_text,
    render_stamped_table_pdf,
    render_stamped_table_xlsx,
)

SHEET_TITLE = gettext_lazy("推荐排序表")

COLUMNS = (
    Column(gettext_lazy("推荐排序"), 10, key="rank"),
    Column(gettext_lazy("案例名称"), 44, centred=False, key="title"),
    Column(gettext_lazy("申报单位"), 28, centred=False, key="unit"),
    Column(gettext_lazy("类别"), 17, key="category"),
    Column(gettext_lazy("联系人"), 11, key="contact_name"),
    Column(gettext_lazy("联系电话"), 16, key="contact_phone"),
    Column(gettext_lazy("备注"), 14, key="remarks"),
)
# The PDF's columns in mm: wide enough for 推荐排序, 新媒体平台建设, a four-character
# name and a landline number on one line each; the case name takes what is left,
# about 20 characters.
PDF_WIDTHS = {"rank": 22, "unit": 42, "category": 34, "contact_name": 22, "contact_phone": 34, "remarks": 24}


@dataclass(frozen=True)
class RankingDocument:
    title: str
    authority_name: str
    rows: list[CaseRow]


def ranking_title(year: int, region: str) -> str:
    return _("%(province)s%(year)d年广播电视媒体融合典型案例推荐排序表") % {"province": region, "year": year}


def ranking_document(table: RankingTable) -> RankingDocument:
    """Everything the table shows, in two queries whatever the number of entries (the
    province's name comes with the table)."""
    table = (
        RankingTable.objects.select_related("campaign", "authority")
        .annotate(province_name=province_name_subquery())
        .get(pk=table.pk)
    )
    entries = table.entries.select_related("case__unit", "case__category", "case__authority").order_by("rank")
    title = ranking_title(table.campaign.year, province_region(table.province_name))
    if table.is_supplementary:
        title = f"{title}（{table.title}）"
    return RankingDocument(
        title=title,
        authority_name=plain_text(table.authority.name),
        rows=[CaseRow.of(entry.rank, entry.case) for entry in entries],
    )


def ranking_filename(table: RankingTable, extension: str) -> str:
    """A download name like "<title>-<authority>.pdf", safe on every system (core.files)."""
    with official_language():
        title = ranking_title(table.campaign.year, title_region())
        if table.is_supplementary:
            title = f"{title}-{table.title}"
    return build_filename(title, table.authority.name, extension=extension, fallback="ranking")


def render_ranking_pdf(table: RankingTable) -> bytes:
    # An official Chinese document whatever the reader's interface language.
    with official_language():
        doc = ranking_document(table)
        return render_stamped_table_pdf(
            title=doc.title,
            title_lines=[doc.title],
            author=doc.authority_name,
            running=f"{doc.title}（{doc.authority_name}）",
            columns=COLUMNS,
            widths=PDF_WIDTHS,
            rows=doc.rows,
            top_left=_("推荐单位（盖章）：%(name)s") % {"name": doc.authority_name},
            top_right=_("填报日期：　　　　年　　月　　日"),
            empty_line=_("（无推荐案例）"),
            # A seal is about 4 cm across and is stamped over the label and the date
            # (as offices stamp a date: 骑年盖月): label, room and date are about 3 cm.
            # A taller block would push a page's last rows over with it and leave half
            # a page empty (长春's seven cases took two pages).
            signoff=Signoff(
                left=(_("填报人："), _("联系电话：")),
                blanks=True,
                seal_label=_("推荐单位（盖章）"),
                seal_date=_("年　　月　　日"),
            ),
        )


def render_ranking_xlsx(table: RankingTable) -> bytes:
    with official_language():
        doc = ranking_document(table)
        return render_stamped_table_xlsx(
            title=doc.title,
            creator=doc.authority_name,
            sheet_title=SHEET_TITLE,
            columns=COLUMNS,
            rows=doc.rows,
            left_columns=4,
            top_left=_("推荐单位（盖章）：%(name)s") % {"name": doc.authority_name},
            top_right=_("填报日期：　　　　年　　月　　日"),
            empty_line=_("（无推荐案例）"),
            bottom_left=_("填报人：　　　　　　　　联系电话："),
            seal_label=_("推荐单位（盖章）"),
            seal_date=_("年　　月　　日"),
        )
