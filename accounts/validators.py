"""Identifiers people type: the 统一社会信用代码 and telephone numbers.

统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a
31-character alphabet (the digits and the capitals without I, O, S, V, Z, which are too
easily misread):
  1     the registration authority (登记管理部门代码: 1 机构编制, 5 民政, 9 工商 …)
  2     the kind of organisation within that authority (机构类别代码: 1 机关, 2 事业单位 …)
  3–8   the administrative division of the registering office (行政区划码, six digits)
  9–17  the organisation code (组织机构代码)
  18    a check character computed from the first 17 with fixed weights.
A code is stored as typed once spaces are removed and letters upper-cased.

Telephone numbers are stored in one form, whatever was typed (full-width digits from a
Chinese input method, "+86", spaces, brackets, dashes): a mobile as its 11 ASCII digits
("13904310000"), a fixed line as area code, dash, number ("0431-88888888")."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18
# Spaces of any width (people copy codes out of PDFs and Word files).
_SPACES = re.compile(r"\s+")

# GB 32100-2015 table 1 and its amendments: each registration authority with the kinds
# of organisation it registers (the second character).
CREDIT_CODE_AUTHORITIES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
    "2": "19",  # 外交: 外国常住新闻机构, 其他
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国及港澳台旅游部门常驻代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级、村级、乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}
# The first two digits of an administrative division (GB/T 2260): the provinces, and
# 10 for registrations at national level.
DIVISION_PREFIXES = frozenset(
    "10 11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)

# ASCII after normalise_phone: 11 digits for a mobile; a fixed line is an area code of
# 3–4 digits starting 0 (010, 0431) and a local number of 7–8 digits not starting 0 or 1.
MOBILE_PATTERN = re.compile(r"^1[3-9][0-9]{9}$")
LANDLINE_PATTERN = re.compile(r"^(0[1-9][0-9]{1,2})-([2-9][0-9]{6,7})$")
# Area codes of three digits: 010 and 02x; every other one has four.
_THREE_DIGIT_AREA = re.compile(r"^0(10|2[0-9])")


def _ascii_digits(value: str) -> str:
    """Every decimal digit of any script (full-width ０–９ from a Chinese input method,
    Arabic-Indic …) as its ASCII digit; NFKC for the rest (full-width letters, dashes,
    brackets). Python's `\\d` and `str.isdigit()` accept all of them: never trust them."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(str(unicodedata.decimal(ch)) if unicodedata.decimal(ch, None) is not None else ch for ch in value)


def credit_code_normalise(value: str) -> str:
    """What the user meant: no spaces, ASCII, upper case."""
    return _SPACES.sub("", _ascii_digits(value)).upper()


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
    if set(value[:17]) == {"0"}:
        # All zeros has a correct check character ("0") and names nobody.
        raise ValidationError(_("统一社会信用代码不能全为0，请对照营业执照或登记证书填写。"), code="zero")
    kinds = CREDIT_CODE_AUTHORITIES.get(value[0])
    if kinds is None:
        raise ValidationError(
            _("统一社会信用代码的第1位（登记管理部门代码）“%(char)s”不存在，请对照营业执照或登记证书核对。"),
            code="authority",
            params={"char": value[0]},
        )
    if value[1] not in kinds:
        raise ValidationError(
            _("统一社会信用代码的第2位（机构类别代码）“%(char)s”与第1位不相符，请对照营业执照或登记证书核对。"),
            code="kind",
            params={"char": value[1]},
        )
    division = value[2:8]
    if not division.isascii() or not division.isdigit() or division[:2] not in DIVISION_PREFIXES:
        raise ValidationError(
            _(
                "统一社会信用代码的第3至8位（登记管理机关行政区划码）“%(division)s”不正确，请对照营业执照或登记证书核对。"
            ),
            code="division",
            params={"division": division},
        )
    if credit_code_check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("统一社会信用代码的校验位（第18位）不正确，请对照营业执照或登记证书核对。"), code="check_digit"
        )


def credit_code_clean(value: str) -> str:
    """The code as stored (credit_code_normalise), or ValidationError."""
    code = credit_code_normalise(value)
    validate_credit_code(code)
    return code


# --- telephone numbers ---------------------------------------------------------------


def normalise_phone(value: str) -> str:
    """A telephone number in its one stored form when it is one (see the module's
    docstring); anything else comes back as typed, minus the spaces, for the
    validators to refuse. Never raises."""
    text = _SPACES.sub("", _ascii_digits(value))
    compact = re.sub(r"[-()（）－—‐]", "", text)
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    elif compact.startswith("86") and len(compact) == 13:
        compact = compact[2:]
    if MOBILE_PATTERN.match(compact):
        return compact
    if compact.isascii() and compact.isdigit() and compact.startswith("0") and 10 <= len(compact) <= 12:
        area = 3 if _THREE_DIGIT_AREA.match(compact) else 4
        candidate = f"{compact[:area]}-{compact[area:]}"
        if LANDLINE_PATTERN.match(candidate):
            return candidate
    return text


def validate_mobile(value: str) -> None:
    """A mainland China mobile number: 11 ASCII digits, starting 13–19. Expects
    normalise_phone's output."""
    if not MOBILE_PATTERN.match(value):
        raise ValidationError(_("请输入11位中国大陆手机号码，如 13904310000。"), code="mobile")


def validate_phone(value: str) -> None:
    """A mobile number, or a fixed line with its area code. Expects normalise_phone's
    output."""
    if not (MOBILE_PATTERN.match(value) or LANDLINE_PATTERN.match(value)):
        raise ValidationError(
            _("请输入11位手机号码（如 13904310000）或带区号的固定电话（如 0431-88888888）。"), code="phone"
        )


def mobile_clean(value: str) -> str:
    phone = normalise_phone(value)
    validate_mobile(phone)
    return phone


def phone_clean(value: str) -> str:
    phone = normalise_phone(value)
    validate_phone(phone)
    return phone
