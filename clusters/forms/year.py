from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Phase
from ..services.phase import PHASE_ORDER


class PhaseMoveForm(forms.Form):
    to_phase = forms.ChoiceField(label=_("Chuyển sang giai đoạn"), choices=Phase.choices)
    note = forms.CharField(
        label=_("Ghi chú, lý do"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi quay lại giai đoạn trước hoặc chuyển sớm hơn lịch."),
    )

    def __init__(self, *args, moves: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_phase"].choices = [
            (phase, f"{'→' if direction == 'forward' else '←'} {Phase(phase).label}")
            for phase, direction in moves.items()
        ]


class CalendarForm(forms.Form):
    """Open and due dates for every phase (dd/mm/yyyy)."""

    def __init__(self, *args, windows: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for phase in PHASE_ORDER:
            window = windows.get(phase)
            label = Phase(phase).label
            self.fields[f"{phase}_opens"] = forms.DateField(
                label=_("%(phase)s: ngày bắt đầu") % {"phase": label},
                required=False,
                initial=window.opens_on if window else None,
                widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            )
            self.fields[f"{phase}_due"] = forms.DateField(
                label=_("%(phase)s: hạn hoàn thành") % {"phase": label},
                required=False,
                initial=window.due_on if window else None,
                widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            )

    def clean(self):
        data = super().clean()
        for phase in PHASE_ORDER:
            if data.get(f"{phase}_due") and not data.get(f"{phase}_opens"):
                self.add_error(
                    f"{phase}_opens", _("Vui lòng nhập ngày bắt đầu khi đã có hạn hoàn thành.")
                )
        return data

    def windows(self) -> dict:
        return {
            phase: (self.cleaned_data[f"{phase}_opens"], self.cleaned_data.get(f"{phase}_due"))
            for phase in PHASE_ORDER
            if self.cleaned_data.get(f"{phase}_opens")
        }

    def rows(self):
        for phase in PHASE_ORDER:
            yield Phase(phase).label, self[f"{phase}_opens"], self[f"{phase}_due"]
