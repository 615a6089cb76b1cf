"""统一社会信用代码 (unified social credit code) per GB 32100-2015.

18 characters from a 31-character alphabet (the digits and the capitals without I, O,
S, V, Z, which are too easily misread); the last one is a check character computed
from the first 17 with fixed weights."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18
# Spaces of any width (people copy codes out of PDFs and Word files).
_SPACES = re.compile(r"\s+")

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def credit_code_normalise(value: str) -> str:
    """What the user meant: no spaces, upper case."""
    return _SPACES.sub("", value or "").upper()


def credit_code_check_character(first_17: str) -> str:
    """The 18th character for the given first 17 (all from the alphabet)."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight for char, weight in zip(first_17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Refuse anything but a well-formed code with a correct check character.
    Expects a normalised value (see credit_code_normalise)."""
    if len(value) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("统一社会信用代码应为18位，您输入了%(length)d位。"), code="length", params={"length": len(value)}
        )
    illegal = sorted({char for char in value if char not in CREDIT_CODE_ALPHABET})
    if illegal:
        raise ValidationError(
            _("统一社会信用代码只能由数字和大写字母组成，且不含字母I、O、S、V、Z；请检查：%(chars)s。"),
            code="alphabet",
            params={"chars": "、".join(illegal)},
        )
    if credit_code_check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("统一社会信用代码的校验位（第18位）不正确，请对照营业执照或登记证书核对。"), code="check_digit"
        )


def validate_mobile(value: str) -> None:
    """A mainland China mobile number: 11 digits, starting 13–19."""
    if not MOBILE_PATTERN.match(value):
        raise ValidationError(_("请输入11位中国大陆手机号码，如 13904310000。"), code="mobile")
