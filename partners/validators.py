"""Validators for Japanese company, address and bank fields."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_corporate_number, validate_registration_number

__all__ = [
    "validate_account_holder_kana",
    "validate_account_number",
    "validate_bank_code",
    "validate_branch_code",
    "validate_corporate_number",
    "validate_katakana_reading",
    "validate_postal_code",
    "validate_registration_number",
    "search_key",
]

# Full-width katakana, the long-vowel mark, the middle dot, spaces and ASCII letters/digits
# (company readings such as "エヌ・ティ・ティ" or names that keep a Latin part).
KATAKANA_READING = re.compile(
    r"^[\u30A0-\u30FF\u3000 A-Za-z0-9Ａ-Ｚａ-ｚ０-９・ー－()（）&＆.,、。]+$"
)
# Half-width kana as banks print them (Zengin character set): ｱ-ﾝ, ﾞ ﾟ, digits, upper-case
# letters, space and ( ) . - / ,
ZENGIN_KANA = re.compile(r"^[\uFF66-\uFF9F0-9A-Z ().\-/,]+$")
POSTAL_CODE = re.compile(r"^\d{3}-\d{4}$")


def validate_katakana_reading(value: str) -> None:
    if value and not KATAKANA_READING.match(value):
        raise ValidationError(_("Write the reading in katakana."), code="katakana")


def validate_account_holder_kana(value: str) -> None:
    if value and not ZENGIN_KANA.match(value):
        raise ValidationError(
            _("Write the account holder in half-width katakana as the bank shows it (ｶ)ｻｸﾗ)."),
            code="half_width_kana",
        )


def validate_postal_code(value: str) -> None:
    if value and not POSTAL_CODE.match(value):
        raise ValidationError(_("Enter the postal code as 123-4567."), code="postal_code")


def _digits(count: int, message) -> RegexValidator:
    return RegexValidator(rf"^\d{{{count}}}$", message=message, code="digits")


validate_bank_code = _digits(4, _("A bank code has 4 digits."))
validate_branch_code = _digits(3, _("A branch code has 3 digits."))
validate_account_number = _digits(7, _("An account number has 7 digits."))


# Hiragana ぁ-ゖ and the iteration marks ゝゞ, and the katakana they are read as: a search for
# "さくら" finds "サクラ商事". partners.models.SearchKey does the same in SQL.
HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3097)) + "ゝゞ"
KATAKANA = "".join(chr(c + 0x60) for c in range(0x3041, 0x3097)) + "ヽヾ"
_HIRAGANA_TO_KATAKANA = str.maketrans(HIRAGANA, KATAKANA)


def search_key(*parts: str) -> str:
    """Text for searching: full-width and half-width forms, hiragana and katakana alike, case
    and spaces ignored.

    NFKC turns full-width Latin and digits into ASCII and half-width katakana into full-width;
    casefold ignores case; hiragana becomes katakana. Queries go through the same function.
    """
    text = unicodedata.normalize("NFKC", " ".join(p for p in parts if p)).casefold()
    return re.sub(r"\s+", "", text.translate(_HIRAGANA_TO_KATAKANA))
