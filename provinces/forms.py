"""The filter form of the provinces list."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ProvinceKind


class ProvinceFilterForm(forms.Form):
    """Filters of the list; an empty query string means units in force today."""

    IN_FORCE = "in_force"
    BEFORE_2025 = "before_2025"
    AFTER_2025 = "after_2025"
    ALL = "all"
    PERIOD_CHOICES = [
        (IN_FORCE, _("Đang hiệu lực vào ngày")),
        (BEFORE_2025, _("Trước sắp xếp (đến 30/06/2025)")),
        (AFTER_2025, _("Sau sắp xếp (từ 01/07/2025)")),
        (ALL, _("Mọi thời kỳ")),
    ]

    q = forms.CharField(
        label=_("Tên hoặc mã"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Ví dụ: Gia Lai hoặc 52")}
        ),
    )
    period = forms.ChoiceField(label=_("Thời kỳ"), choices=PERIOD_CHOICES, required=False)
    day = forms.DateField(
        label=_("Ngày"),
        required=False,
        help_text=_("Dùng với “Đang hiệu lực vào ngày”; để trống là hôm nay."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(
        label=_("Loại đơn vị"),
        required=False,
        choices=[("", _("Tất cả")), *ProvinceKind.choices],
    )

    def __init__(self, data=None, **kwargs):
        # No filter given: show today's units, and say so in the form.
        if not data:
            data = None
            kwargs.setdefault("initial", {"period": self.IN_FORCE})
        super().__init__(data, **kwargs)

    def filter(self, queryset):
        """The units matching the filters; none if a filter is invalid (errors show on the form)."""
        if not self.is_bound:
            return queryset.in_force_on(timezone.localdate())
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        period = data["period"] or self.IN_FORCE
        if period == self.IN_FORCE:
            queryset = queryset.in_force_on(data["day"] or timezone.localdate())
        elif period == self.BEFORE_2025:
            queryset = queryset.before_reorganisation_2025()
        elif period == self.AFTER_2025:
            queryset = queryset.after_reorganisation_2025()
        if data["kind"]:
            queryset = queryset.of_kind(data["kind"])
        if data["q"]:
            queryset = queryset.search(data["q"])
        return queryset
