"""Chinese mobiles and the unified social credit code (GB 32100-2015)."""

import pytest
from django.core.exceptions import ValidationError

from aftersales.customers.validators import (
    credit_code_check_char,
    mask_phone,
    normalise_phone,
    validate_credit_code,
    validate_mobile,
)


@pytest.mark.parametrize("number", ["13812345678", "19912345678", "16612345678"])
def test_valid_mobiles(number):
    validate_mobile(number)


@pytest.mark.parametrize("number", ["12812345678", "1381234567", "138123456789", "abc", ""])
def test_invalid_mobiles(number):
    with pytest.raises(ValidationError):
        validate_mobile(number)


def test_what_people_type_is_normalised():
    assert normalise_phone("+86 138-1234-5678") == "13812345678"
    assert normalise_phone("0086 13812345678") == "13812345678"
    assert normalise_phone("021-62345678") == "021-62345678"


def test_a_published_credit_code_passes():
    validate_credit_code("91350100M000100Y43")
    assert credit_code_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y44", "credit_code_checksum"),  # one character off
        ("91350100M000100Y4", "invalid_credit_code"),  # 17 characters
        ("91350100I000100Y43", "invalid_credit_code"),  # I is not in the character set
    ],
)
def test_bad_credit_codes(code, problem):
    with pytest.raises(ValidationError) as err:
        validate_credit_code(code)
    assert err.value.code == problem


def test_masking():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("021-62345678") == "021*****5678"
    assert mask_phone("") == ""
