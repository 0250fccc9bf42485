from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation


@pytest.mark.parametrize(
    ("value", "arg", "expected"),
    [
        (Decimal("87183.50"), None, "87.183,5"),
        (Decimal("87183.5"), 2, "87.183,50"),
        (12000000, None, "12.000.000"),
        (1544, None, "1.544"),
        (Decimal("0.10"), None, "0,1"),
        (None, None, ""),
    ],
)
def test_number_filter_formats_vietnamese(value, arg, expected):
    tpl = (
        "{% load vn_format %}{{ v|number }}"
        if arg is None
        else "{% load vn_format %}{{ v|number:a }}"
    )
    with translation.override("vi"):
        assert Template(tpl).render(Context({"v": value, "a": arg})) == expected


def test_number_filter_in_english():
    with translation.override("en"):
        out = Template("{% load vn_format %}{{ v|number }}").render(
            Context({"v": Decimal("87183.5")})
        )
    assert out == "87,183.5"


def test_decimal_field_reads_each_language_its_own_way():
    from decimal import Decimal

    from clusters.forms.fields import VietnameseDecimalField

    field = VietnameseDecimalField(required=False)
    with translation.override("vi"):
        assert field.clean("10,5") == Decimal("10.5")
        assert field.clean("87.183,5") == Decimal("87183.5")
        assert field.clean("1.000") == Decimal("1000")
    with translation.override("en"):
        assert field.clean("87,183.5") == Decimal("87183.5")
        assert field.clean("1,000") == Decimal("1000")
        assert field.clean("10.5") == Decimal("10.5")
