"""统一社会信用代码: the GB 32100-2015 check character, and the messages people see."""

import pytest
from django.core.exceptions import ValidationError

from accounts.forms import RegistrationForm
from accounts.validators import (
    credit_code_check_character,
    credit_code_normalise,
    validate_credit_code,
    validate_mobile,
)

# A published example, and one computed by hand:
# 12220000412757628 → weighted sum 1*1+2*3+2*9+2*27+4*20+1*29+2*25+7*13+5*8+7*24+6*10+2*30+8*28 = 881,
# 881 % 31 = 13, 31 - 13 = 18 → "J" (0–9 are 0–9, A=10 … H=17, J=18: there is no I).
VALID = ["91350100M000100Y43", "12220000412757628J", "91110000600037341L"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_are_accepted(code):
    validate_credit_code(code)
    assert credit_code_check_character(code[:17]) == code[17]


def test_the_hand_computed_check_character():
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(int(digit) * weight for digit, weight in zip("12220000412757628", weights, strict=True))
    assert total == 881 and (31 - total % 31) % 31 == 18
    assert credit_code_check_character("12220000412757628") == "J"


def test_lower_case_and_spaces_are_forgiven():
    assert credit_code_normalise(" 9135 0100m000100y43\u3000") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "校验位（第18位）不正确"),
        ("91350100M000100Y4", "应为18位，您输入了17位"),
        ("91350100M000100Y433", "应为18位，您输入了19位"),
        ("91350100I000100Y43", "不含字母I、O、S、V、Z；请检查：I"),
        ("91350100O000100Y43", "请检查：O"),
        ("91350100S000100Y43", "请检查：S"),
        ("91350100V000100Y43", "请检查：V"),
        ("91350100Z000100Y43", "请检查：Z"),
        ("91350100-000100Y43", "请检查：-"),
    ],
)
def test_bad_codes_are_refused_with_a_clear_message(code, message):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert message in error.value.messages[0]


@pytest.mark.parametrize("code", ["91350100m000100y43", "9135 0100 M000 100Y 43"])
def test_the_form_upper_cases_and_strips(db, code):
    form = RegistrationForm(data={"credit_code": code})
    form.is_valid()
    assert "credit_code" not in form.errors
    assert form.cleaned_data["credit_code"] == "91350100M000100Y43"


@pytest.mark.parametrize("phone", ["13904310000", "19912345678"])
def test_mainland_mobiles_are_accepted(phone):
    validate_mobile(phone)


@pytest.mark.parametrize("phone", ["12904310000", "1390431000", "0431-85816713", "+8613904310000"])
def test_other_numbers_are_not_mobiles(phone):
    with pytest.raises(ValidationError) as error:
        validate_mobile(phone)
    assert "11位中国大陆手机号码" in error.value.messages[0]
