"""The province's recommendation list for the NRTA 推荐名单 as PDF and Excel.

    render_nrta_list_pdf(campaign) -> bytes
    render_nrta_list_xlsx(campaign) -> bytes
    recommended_cases(campaign) -> [Case, …]   (what the list and the package hold)

The list heads the recommendation package (reviews/outcome/nrta_package.py); the
province prints it, stamps it and sends it with the package. Both renderers draw the
same NrtaListDocument, loaded in two queries whatever the number of cases, in the house
style of the ranking table (reviews/ranking/documents.py): A4 landscape, title 二号,
page numbers "— 1 —".
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.enums import OrgKind
from accounts.models import Organisation
from applications.documents.layout import clean_text
from applications.enums import CaseState
from reviews.outcome.nrta import nrta_cases
from reviews.table_documents import STAMPED_TABLE_STYLESHEET, Column, header_text, render_pdf, render_stamped_table_xlsx

TEMPLATE = "reviews/documents/nrta_list.html"
STYLESHEET = "reviews/documents/nrta_list.css"
SHEET_TITLE = gettext_lazy("推荐名单")

COLUMNS = (
    Column("rank", gettext_lazy("推荐顺序"), 10, True),
    Column("title", gettext_lazy("案例名称"), 40, False),
    Column("unit", gettext_lazy("申报单位"), 26, False),
    Column("category", gettext_lazy("类别"), 17, True),
    Column("authority", gettext_lazy("推荐单位"), 24, False),
    Column("contact_name", gettext_lazy("联系人"), 11, True),
    Column("contact_phone", gettext_lazy("联系电话"), 16, True),
)


@dataclass(frozen=True)
class NrtaRow:
    rank: int
    title: str
    unit: str
    category: str
    authority: str
    contact_name: str
    contact_phone: str

    def cells(self) -> list:
        return [getattr(self, column.key) for column in COLUMNS]


@dataclass(frozen=True)
class NrtaListDocument:
    # The title in two lines: too long for one line of 二号 across a landscape page.
    title_lines: tuple[str, str]
    province_name: str
    rows: list[NrtaRow]

    @property
    def title(self) -> str:
        return "".join(self.title_lines)


def nrta_list_title_lines(year: int) -> tuple[str, str]:
    return (
        _("吉林省%(year)d年广播电视媒体融合典型案例推荐名单") % {"year": year},
        _("（报国家广播电视总局）"),
    )


def _clean(value) -> str:
    return clean_text(value).strip()


def recommended_cases(campaign) -> list:
    """The cases recommended to the NRTA, in the province's order (one query)."""
    return [case for case in nrta_cases(campaign) if case.state == CaseState.RECOMMENDED_TO_NRTA]


def nrta_list_document(campaign, cases=None) -> NrtaListDocument:
    """Everything the list shows, in two queries whatever the number of cases. The
    rank is the position in the province's order, as in the package's folders; the
    package passes the `cases` it packs, so that a reordering meanwhile cannot make
    the list and the folders disagree."""
    if cases is None:
        cases = recommended_cases(campaign)
    rows = [
        NrtaRow(
            rank=rank,
            title=_clean(case.title),
            unit=_clean(case.unit.name),
            category=_clean(case.category.name),
            authority=_clean(case.authority.name),
            contact_name=header_text(case.header, "contact_name"),
            contact_phone=header_text(case.header, "contact_phone"),
        )
        for rank, case in enumerate(cases, start=1)
    ]
    province = Organisation.objects.filter(kind=OrgKind.PROVINCE).order_by("id").values_list("name", flat=True).first()
    return NrtaListDocument(
        title_lines=nrta_list_title_lines(campaign.year),
        province_name=_clean(province) or _("吉林省广播电视局"),
        rows=rows,
    )


# --- PDF -------------------------------------------------------------------------------


def render_nrta_list_pdf(campaign, cases=None) -> bytes:
    # An official Chinese document whatever the reader's interface language.
    with translation.override(settings.LANGUAGE_CODE):
        doc = nrta_list_document(campaign, cases)
        html = render_to_string(TEMPLATE, {"doc": doc, "columns": COLUMNS})
    return render_pdf(html, STAMPED_TABLE_STYLESHEET, STYLESHEET)


# --- Excel -----------------------------------------------------------------------------


def render_nrta_list_xlsx(campaign, cases=None) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        doc = nrta_list_document(campaign, cases)
        labels = [str(column.label) for column in COLUMNS]
        sheet_title = str(SHEET_TITLE)
        sender_line = _("报送单位（盖章）：%(name)s") % {"name": doc.province_name}
        date_line = _("报送日期：　　　　年　　月　　日")
        empty_line = _("（无推荐案例）")
        count_line = _("共推荐 %(count)d 个案例。") % {"count": len(doc.rows)}
        seal_label = _("%(name)s（盖章）") % {"name": doc.province_name}
        seal_date = _("年　　月　　日")

    return render_stamped_table_xlsx(
        title=doc.title,
        creator=doc.province_name,
        sheet_title=sheet_title,
        columns=COLUMNS,
        labels=labels,
        rows=[entry.cells() for entry in doc.rows],
        left_columns=3,
        top_left=sender_line,
        top_right=date_line,
        empty_line=empty_line,
        bottom_left=count_line,
        seal_label=seal_label,
        seal_date=seal_date,
    )
