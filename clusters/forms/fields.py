"""Form fields that read numbers and dates the way Vietnamese officials type them."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_vietnamese_decimal(raw, *, english: bool = False) -> Decimal | None:
    """ "10,5" → 10.5; "87.183,5" → 87183.5; "1.000" → 1000; "10.5" → 10.5; "" → None.

    With ``english`` (pages shown in English) the separators swap: "87,183.5".
    """
    if raw is None:
        return None
    if isinstance(raw, (int, float, Decimal)):
        return Decimal(str(raw))
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace("−", "-")
    if text == "":
        return None
    if english:
        text = text.replace(",", "")
    elif "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(text):
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value


class VietnameseDecimalField(forms.DecimalField):
    """A decimal field that accepts the decimal comma and dot thousands separators."""

    default_error_messages = {
        "invalid": _("Vui lòng nhập một số (ví dụ 10,5 hoặc 1.000)."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = parse_vietnamese_decimal(
                value, english=(get_language() or "vi").startswith("en")
            )
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return number

    def validate(self, value):
        forms.Field.validate(self, value)
        if value in self.empty_values:
            return
        if not value.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
