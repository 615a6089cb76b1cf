"""Personal data shown to those who do not need it in full (PIPL: 最小必要).

    mask_phone("13912345678") -> "139****5678"      mask_phone("0431-85816713") -> "0431-****6713"
    mask_email("wang.xm@jltv.cn") -> "w***@jltv.cn"

Phones and e-mails of a case's contacts are shown in full to the unit, its
recommending authority and the province's administrator (accounts.roles.
sees_contact_details); everyone else who reads the case (an expert) sees them masked.
"""

import re

_DIGIT = re.compile(r"\d")


def mask_phone(value: str) -> str:
    """All digits but the first three (or the area code) and the last four hidden."""
    value = str(value or "")
    digits = [m.start() for m in _DIGIT.finditer(value)]
    if len(digits) <= 4:
        return "*" * len(value)
    area = value.split("-", 1)[0] if "-" in value else ""
    keep_head = len(area) if area.isdigit() and 3 <= len(area) <= 4 else 3
    hidden = set(digits[keep_head:-4])
    return "".join("*" if index in hidden else ch for index, ch in enumerate(value))


def mask_email(value: str) -> str:
    """The first character of the mailbox and the domain; the rest hidden."""
    value = str(value or "")
    local, at, domain = value.partition("@")
    if not at:
        return "*" * len(value)
    return f"{local[:1]}***@{domain}"


def masked_header(header: dict, fields: list[dict]) -> dict:
    """`header` with every field of type phone or email masked (a copy)."""
    masked = dict(header or {})
    for field in fields:
        key = field["key"]
        if masked.get(key) and field.get("type") == "phone":
            masked[key] = mask_phone(masked[key])
        elif masked.get(key) and field.get("type") == "email":
            masked[key] = mask_email(masked[key])
    return masked
