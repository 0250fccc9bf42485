"""Numbers as people read them, in the active language (87.183,5 in Vietnamese)."""

from decimal import Decimal, InvalidOperation

from django.utils import formats


def number_text(value, places: int | None = None) -> str:
    """87183.50 → "87.183,5"; ``places`` fixes the decimals. Never exponent notation."""
    if value is None or value == "":
        return ""
    try:
        dec = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if places is None:
        dec = dec.quantize(Decimal(1)) if dec == dec.to_integral() else dec.normalize()
    return formats.number_format(dec, decimal_pos=places, use_l10n=True, force_grouping=True)
