"""Chinese identifiers: mobile numbers and the unified social credit code (GB 32100-2015)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")

# GB 32100-2015: 31 characters (no I, O, S, V, Z) and the weights of positions 1–17.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_phone(value: str) -> str:
    """Strip spaces, dashes in mobiles and a +86 / 0086 prefix: what people type."""
    value = (value or "").strip().replace(" ", "")
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    if value.replace("-", "").isdigit() and value.replace("-", "").startswith("1"):
        value = value.replace("-", "")
    return value


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(
            _("Enter a mainland mobile number: 11 digits starting 13–19, e.g. 13812345678."),
            code="invalid_mobile",
        )


def validate_landline(value: str) -> None:
    if value and not LANDLINE_RE.match(value):
        raise ValidationError(
            _("Enter a landline with its area code, e.g. 010-12345678."), code="invalid_landline"
        )


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """18 characters from the GB 32100 set, the last a check character over the first 17."""
    code = (value or "").strip().upper()
    if len(code) != 18 or any(c not in CREDIT_CODE_CHARSET for c in code):
        raise ValidationError(
            _("A unified social credit code has 18 digits or capital letters (no I, O, S, V, Z)."),
            code="invalid_credit_code",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of this credit code is wrong: please check for a typo."),
            code="credit_code_checksum",
        )


def mask_phone(value: str) -> str:
    """138****5678 for a mobile; the middle of a landline likewise."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
