from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Criterion, CriterionGroup, CriterionKind
from .fields import VietnameseDecimalField


class PledgeForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    articles = forms.CharField(
        label=_("Nội dung các điều"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Mỗi điều bắt đầu bằng “Điều 1.”, “Điều 2.”… trên một dòng riêng."),
    )
    signing_place = forms.CharField(label=_("Địa điểm ký"), max_length=120, required=False)
    signing_date = forms.DateField(
        label=_("Ngày ký"),
        required=False,
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CriterionForm(forms.ModelForm):
    max_points = VietnameseDecimalField(label=_("Điểm tối đa"), max_digits=7, decimal_places=2)
    reason = forms.CharField(
        label=_("Lý do thay đổi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi giao ước đã được ký."),
    )

    class Meta:
        model = Criterion
        fields = [
            "group",
            "code",
            "title",
            "guidance",
            "kind",
            "unit",
            "direction",
            "max_points",
            "target_applies",
            "evidence_required",
            "formula",
            "position",
        ]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, table, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = CriterionGroup.objects.filter(table=table)
        self.instance.table = table

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind != CriterionKind.QUANTITATIVE and data.get("target_applies"):
            self.add_error("target_applies", _("Chỉ tiêu chí định lượng mới có chỉ tiêu."))
        return data

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class TargetForm(forms.Form):
    value = VietnameseDecimalField(label=_("Chỉ tiêu"), max_digits=16, decimal_places=4)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
