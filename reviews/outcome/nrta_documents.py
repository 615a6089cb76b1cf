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

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import province_name, province_region
from applications.enums import CaseState
from core.documents import official_language
from core.documents.excel import Column
from reviews.outcome.nrta import nrta_cases
from reviews.table_documents import (
    CaseRow,
    Signoff,
    plain_text,
    render_stamped_table_pdf,
    render_stamped_table_xlsx,
)

SHEET_TITLE = gettext_lazy("推荐名单")

COLUMNS = (
    Column(gettext_lazy("推荐顺序"), 10, key="rank"),
    Column(gettext_lazy("案例名称"), 40, centred=False, key="title"),
    Column(gettext_lazy("申报单位"), 26, centred=False, key="unit"),
    Column(gettext_lazy("类别"), 17, key="category"),
    Column(gettext_lazy("推荐单位"), 24, centred=False, key="authority"),
    Column(gettext_lazy("联系人"), 11, key="contact_name"),
    Column(gettext_lazy("联系电话"), 16, key="contact_phone"),
)
# The PDF's columns in mm: wide enough for 推荐顺序, 新媒体平台建设, a four-character
# name and a landline number on one line each; the case name takes what is left,
# about 18 characters.
PDF_WIDTHS = {"rank": 22, "unit": 40, "category": 34, "authority": 38, "contact_name": 22, "contact_phone": 34}


@dataclass(frozen=True)
class NrtaListDocument:
    # The title in two lines: too long for one line of 二号 across a landscape page.
    title_lines: tuple[str, str]
    province_name: str
    rows: list[CaseRow]

    @property
    def title(self) -> str:
        return "".join(self.title_lines)


def nrta_list_title_lines(year: int, region: str) -> tuple[str, str]:
    return (
        _("%(province)s%(year)d年广播电视媒体融合典型案例推荐名单") % {"province": region, "year": year},
        _("（报国家广播电视总局）"),
    )


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
    province = plain_text(province_name())
    return NrtaListDocument(
        title_lines=nrta_list_title_lines(campaign.year, province_region(province)),
        province_name=province,
        rows=[CaseRow.of(rank, case) for rank, case in enumerate(cases, start=1)],
    )


def render_nrta_list_pdf(campaign, cases=None) -> bytes:
    # An official Chinese document whatever the reader's interface language.
    with official_language():
        doc = nrta_list_document(campaign, cases)
        return render_stamped_table_pdf(
            title=doc.title,
            title_lines=list(doc.title_lines),
            author=doc.province_name,
            running=doc.title,
            columns=COLUMNS,
            widths=PDF_WIDTHS,
            rows=doc.rows,
            top_left=_("报送单位（盖章）：%(name)s") % {"name": doc.province_name},
            top_right=_("报送日期：　　　　年　　月　　日"),
            empty_line=_("（无推荐案例）"),
            # A seal is about 4 cm across: room for it between the label and the date.
            signoff=Signoff(
                left=(_("共推荐 %(count)d 个案例。") % {"count": len(doc.rows)},),
                left_top=True,
                seal_label=_("%(name)s（盖章）") % {"name": doc.province_name},
                seal_date=_("年　　月　　日"),
                seal_width=90,
                seal_room=42,
                gap=14,
                line_height=24,
            ),
            line_height=18,
        )


def render_nrta_list_xlsx(campaign, cases=None) -> bytes:
    with official_language():
        doc = nrta_list_document(campaign, cases)
        return render_stamped_table_xlsx(
            title=doc.title,
            creator=doc.province_name,
            sheet_title=SHEET_TITLE,
            columns=COLUMNS,
            rows=doc.rows,
            left_columns=3,
            top_left=_("报送单位（盖章）：%(name)s") % {"name": doc.province_name},
            top_right=_("报送日期：　　　　年　　月　　日"),
            empty_line=_("（无推荐案例）"),
            bottom_left=_("共推荐 %(count)d 个案例。") % {"count": len(doc.rows)},
            seal_label=_("%(name)s（盖章）") % {"name": doc.province_name},
            seal_date=_("年　　月　　日"),
        )
