"""What goes on the application form 申请表, in which order and in which row.

The Word and the PDF renderers draw the same `FormDocument`, so the two documents
can never disagree about content. Every label of the header and every section title
comes from the case's own form schema (`case.schema.definition`): a schema version
with another field or section appears in both documents without a code change.
"""

import re
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from applications.enums import AttachmentKind
from applications.figures import format_figure, stored_parts
from applications.models import Attachment, Case
from core.privacy import masked_header
from core.text import counted_length

EMPTY = "—"
# Characters XML 1.0 cannot carry (C0 controls but tab/newline/CR, and U+FFFE/U+FFFF).
# Text pasted from other programs sometimes holds them; python-docx and lxml refuse
# them outright, so both documents drop them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A header field this short shares its row with its neighbour (联系人 | 职务).
_SHORT_FIELD_MAX_LENGTH = 50
_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    # Alone on its row, its value spanning the rest of the table.
    wide: bool


@dataclass(frozen=True)
class Section:
    number: str  # "一", "二", …: the heading reads "一、<title>"
    title: str
    paragraphs: list[str]


@dataclass(frozen=True)
class Figure:
    label: str
    unit: str
    # One value for a plain number; two (before, after) for a before/after pair.
    values: tuple[str, ...]


@dataclass(frozen=True)
class EvidenceItem:
    name: str
    kind: str  # "文件" or "网盘链接"
    size: str  # "2.3 MB" for a file, "" for a link
    description: str
    url: str = ""
    extraction_code: str = ""

    @property
    def clickable(self) -> bool:
        # Only web addresses become links in the documents, never javascript: or file:.
        return self.url.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class FormDocument:
    form_title: str
    case_title: str
    unit_name: str
    header_rows: list[list[Field]]
    sections: list[Section]
    narrative_count: int
    figures: list[Figure]
    evidence: list[EvidenceItem]
    opinion_boxes: list[str]


def _cases_with_form_content():
    evidence = Attachment.objects.filter(kind=AttachmentKind.EVIDENCE).order_by("uploaded_at", "id")
    return Case.objects.select_related(
        "unit", "authority", "category__campaign", "campaign", "schema"
    ).prefetch_related(Prefetch("attachments", queryset=evidence), "links")


def cases_for_documents(case_ids: list[int]) -> dict[int, Case]:
    """The cases of `case_ids` with everything their forms show, in three queries
    however many (the NRTA package reads them a batch at a time), by id."""
    return {case.pk: case for case in _cases_with_form_content().filter(pk__in=case_ids)}


def case_for_document(case: Case, *, masked: bool = False) -> Case:
    """The case again with everything the form shows, in three queries whatever its size;
    masked: its contacts' phones and e-mails partly hidden (in memory only), for a reader
    who does not need them (accounts.roles.sees_contact_details)."""
    loaded = _cases_with_form_content().get(pk=case.pk)
    if masked:
        loaded.header = masked_header(loaded.header, loaded.schema.definition["header_fields"])
    return loaded


def clean_text(value) -> str:
    """User text as a string safe for XML, with Windows line endings made plain."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text)


def paragraphs(text) -> list[str]:
    """The non-empty lines of `text`, stripped: each one is a paragraph of the form."""
    return [line.strip() for line in clean_text(text).split("\n") if line.strip()]


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (section numbers)."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    prefix = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return prefix + (_DIGITS[ones] if ones else "")


def human_size(size: int) -> str:
    """2411724 → "2.3 MB": binary multiples, one decimal from KB up."""
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def _is_short(field: dict) -> bool:
    if field["type"] in ("phone", "email"):
        return True
    return field["type"] == "text" and field.get("max_length", 10**6) <= _SHORT_FIELD_MAX_LENGTH


def _pair_rows(fields: list[tuple[str, str, bool]]) -> list[list[Field]]:
    """(label, value, short) in form order → rows: two short fields in a row share it
    (联系人 | 职务); anything else has a row of its own."""
    rows = []
    index = 0
    while index < len(fields):
        label, value, short = fields[index]
        following = fields[index + 1] if index + 1 < len(fields) else None
        if short and following is not None and following[2]:
            rows.append([Field(label, value, wide=False), Field(following[0], following[1], wide=False)])
            index += 2
        else:
            rows.append([Field(label, value, wide=True)])
            index += 1
    return rows


def _header_rows(case: Case, definition: dict) -> list[list[Field]]:
    header = case.header or {}
    fields = [
        (_("申报单位"), clean_text(case.unit.name), False),
        (_("案例名称"), clean_text(case.title), False),
        (_("征集类别"), clean_text(case.category.name), True),
        (_("推荐单位"), clean_text(case.authority.name), True),
    ]
    for spec in definition["header_fields"]:
        fields.append((clean_text(spec["label"]), clean_text(header.get(spec["key"])).strip(), _is_short(spec)))
    return _pair_rows(fields)


def _sections(case: Case, definition: dict) -> list[Section]:
    texts = case.sections or {}
    return [
        Section(chinese_numeral(number), clean_text(spec["title"]), paragraphs(texts.get(spec["key"])))
        for number, spec in enumerate(definition["sections"], start=1)
    ]


def _shown(value) -> str:
    text = clean_text(value).strip() if not isinstance(value, dict) else ""
    return text or EMPTY


def _figures(case: Case, definition: dict) -> list[Figure]:
    values = case.figures or {}
    figures = []
    for spec in definition["figures"]:
        # Numbers with thousands separators (1,286.50), 「不适用」 where the unit said so.
        parts = stored_parts(spec, values.get(spec["key"]))
        shown = tuple(_shown(format_figure(value)) for value in parts.values())
        unit = clean_text(spec.get("unit", "")).strip() or EMPTY
        figures.append(Figure(clean_text(spec["label"]), unit, shown))
    return figures


def _evidence(case: Case) -> list[EvidenceItem]:
    files = [
        EvidenceItem(clean_text(a.offered_name), _("文件"), human_size(a.size), clean_text(a.description))
        for a in case.attachments.all()
        # The prefetch keeps evidence only; this also guards a case loaded elsewhere.
        if a.kind == AttachmentKind.EVIDENCE
    ]
    links = [
        EvidenceItem(
            clean_text(link.title),
            _("网盘链接"),
            "",
            "",
            url=clean_text(link.url),
            extraction_code=clean_text(link.extraction_code),
        )
        for link in case.links.all()
    ]
    return files + links


def form_document(case: Case) -> FormDocument:
    """Everything the form shows about `case` (loaded by `case_for_document`)."""
    definition = case.schema.definition
    sections = _sections(case, definition)
    texts = case.sections or {}
    # Counted on the text as saved, as the editor and the submission check count it.
    narrative_count = sum(counted_length(texts.get(spec["key"]) or "") for spec in definition["sections"])
    return FormDocument(
        form_title=clean_text(case.category.form_title),
        case_title=clean_text(case.title),
        unit_name=clean_text(case.unit.name),
        header_rows=_header_rows(case, definition),
        sections=sections,
        narrative_count=narrative_count,
        figures=_figures(case, definition),
        evidence=_evidence(case),
        opinion_boxes=[_("申报单位意见"), _("推荐单位意见")],
    )
