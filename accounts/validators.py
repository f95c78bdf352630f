import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.jp import cn as corporate_number

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def validate_hex_colour(value: str) -> None:
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(_("Enter a colour as #RRGGBB, for example #1f6feb."), code="colour")


def validate_corporate_number(value: str) -> None:
    """法人番号: 13 digits whose first digit is a check digit (domain.md §5)."""
    if not corporate_number.is_valid(value or ""):
        raise ValidationError(
            _("Enter a valid 13-digit corporate number (the check digit does not match)."),
            code="corporate_number",
        )


def validate_registration_number(value: str) -> None:
    """登録番号 (T-number): "T" followed by a valid 13-digit corporate number."""
    if not value or len(value) != 14 or value[0] != "T" or not value[1:].isdigit():
        raise ValidationError(
            _('Enter a registration number as "T" followed by 13 digits.'), code="t_number"
        )
    if not corporate_number.is_valid(value[1:]):
        raise ValidationError(
            _("This registration number's check digit does not match."), code="t_number"
        )


# First path segments the product itself uses; a tenant may not take one as its URL name.
RESERVED_TENANT_SLUGS = frozenset(
    {"accounts", "admin", "api", "static", "media", "language", "healthz", "portal", "invite"}
)


def validate_tenant_slug(value: str) -> None:
    if value in RESERVED_TENANT_SLUGS:
        raise ValidationError(_("This URL name is reserved; choose another."), code="reserved")
