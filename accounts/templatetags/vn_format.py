"""Number formatting for every page: Vietnamese grouping and decimal comma (87.183,5).

Lives on the ground floor so every app's templates can load it.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def number(value, places=None):
    """87183.50 → "87.183,5"; ``places`` fixes the decimals (``|number:2`` → "87.183,50")."""
    if value is None or value == "":
        return ""
    try:
        dec = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    if places is None or places == "":
        # Drop trailing zeros but never switch to exponent notation.
        dec = dec.quantize(Decimal(1)) if dec == dec.to_integral() else dec.normalize()
        decimal_pos = None
    else:
        decimal_pos = int(places)
    return formats.number_format(dec, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)
