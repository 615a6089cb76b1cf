"""What a case says, checked against the form it was written on."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.validators import normalise_phone, validate_phone
from applications.enums import AttachmentKind
from applications.figures import FigureRule, figure_parts, parse_figure, part_name, stored_parts
from core.text import counted_length, has_text


@dataclass(frozen=True)
class Problem:
    """One thing to fix before the case can be submitted. `where` is the header field,
    section or figure key it concerns ("" for the case as a whole)."""

    where: str
    message: str


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def header_problems(definition: dict, header: dict) -> list[Problem]:
    problems = []
    for field in definition["header_fields"]:
        key, label = field["key"], field["label"]
        value = (header.get(key) or "").strip() if isinstance(header.get(key), str) else header.get(key)
        if _blank(value):
            if field.get("required"):
                problems.append(Problem(key, _("基本信息「%(label)s」未填写。") % {"label": label}))
            continue
        limit = field.get("max_length")
        if limit and len(value) > limit:
            problems.append(
                Problem(
                    key,
                    _("「%(label)s」不能超过%(limit)d字（现为%(count)d字）。")
                    % {"label": label, "limit": limit, "count": len(value)},
                )
            )
        if field["type"] == "phone":
            try:
                validate_phone(normalise_phone(value))
            except ValidationError as error:
                problems.append(Problem(key, f"「{label}」：{error.messages[0]}"))
        if field["type"] == "email":
            try:
                validate_email(value)
            except ValidationError:
                problems.append(Problem(key, _("「%(label)s」不是有效的电子邮箱地址。") % {"label": label}))
    return problems


def section_problems(definition: dict, sections: dict) -> list[Problem]:
    problems = []
    total = 0
    for number, section in enumerate(definition["sections"], start=1):
        text = sections.get(section["key"]) or ""
        # Counted as the notice counts (core.text.counted_length, mirrored by the
        # editor's script); written only when there is a letter, digit or Han character:
        # spaces, invisible characters, punctuation or emoji alone leave it empty.
        count = counted_length(text)
        total += count
        limit = section.get("max_length")
        if limit and count > limit:
            problems.append(
                Problem(
                    section["key"],
                    _("第%(number)d部分「%(title)s」共%(count)d字，超过本部分%(limit)d字的上限。")
                    % {"number": number, "title": section["title"], "count": count, "limit": limit},
                )
            )
        if section.get("required") and not has_text(text):
            problems.append(
                Problem(
                    section["key"],
                    _("第%(number)d部分「%(title)s」未填写。") % {"number": number, "title": section["title"]},
                )
            )
    limit = definition["narrative_limit"]
    if total > limit:
        problems.append(
            Problem(
                "",
                _("申报材料正文共%(total)d字，超过%(limit)d字的上限，请删减%(over)d字。")
                % {"total": total, "limit": limit, "over": total - limit},
            )
        )
    return problems


def figure_problems(definition: dict, figures: dict) -> list[Problem]:
    """Figures as the schema says: a required one filled (with a number, or 「不适用」
    where the schema allows it), every filled one a number of its kind and range."""
    problems = []
    for spec in definition["figures"]:
        rule = FigureRule.of(spec)
        stored = stored_parts(spec, figures.get(spec["key"]))
        for (_part, suffix), raw in zip(figure_parts(spec), stored.values(), strict=True):
            name = part_name(spec, suffix)
            if _blank(raw):
                if rule.required:
                    message = (
                        _("量化数据「%(name)s」未填写；没有此项数据请选「不适用/暂无」。")
                        if rule.not_applicable
                        else _("量化数据「%(name)s」未填写。")
                    )
                    problems.append(Problem(spec["key"], message % {"name": name}))
                continue
            try:
                parse_figure(raw, rule, name=name)
            except ValidationError as invalid:
                problems.extend(
                    Problem(spec["key"], _("量化数据%(message)s") % {"message": m}) for m in invalid.messages
                )
    return problems


def attachment_problems(definition: dict, case) -> list[Problem]:
    required = definition.get("attachments", {}).get("stamped_scan_required", False)
    if not required:
        return []
    # Lists annotate has_stamped_scan (applications.selectors) to spare a query per case.
    present = getattr(case, "has_stamped_scan", None)
    if present is None:
        present = case.attachments.filter(kind=AttachmentKind.STAMPED_SCAN).exists()
    if not present:
        return [Problem("stamped_scan", _("尚未上传加盖申报单位公章的申请表扫描件（PDF）。"))]
    return []


def case_problems(case) -> list[Problem]:
    """Everything that stops `case` from being submitted, in the order of the form."""
    definition = case.schema.definition
    problems = []
    if not (case.title or "").strip():
        problems.append(Problem("title", _("案例名称未填写。")))
    problems += header_problems(definition, case.header or {})
    problems += section_problems(definition, case.sections or {})
    problems += figure_problems(definition, case.figures or {})
    problems += attachment_problems(definition, case)
    return problems
