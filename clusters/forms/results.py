from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.excel import XLSX_CONTENT_TYPE
from .fields import VietnameseDecimalField


class ResultForm(forms.Form):
    """One criterion's row on the results screen."""

    achieved_value = VietnameseDecimalField(
        label=_("Kết quả đạt được"), max_digits=16, decimal_places=4, required=False
    )
    self_score = VietnameseDecimalField(
        label=_("Điểm tự chấm"), max_digits=7, decimal_places=2, required=False
    )
    override_reason = forms.CharField(
        label=_("Lý do chấm khác điểm gợi ý"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    explanation = forms.CharField(
        label=_("Giải trình"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp minh chứng"),
        help_text=_("PDF, DOCX, XLSX, JPG hoặc PNG; định dạng được kiểm tra theo nội dung tệp."),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng ghi lý do trả lại.")},
    )


class ResultsWorkbookForm(forms.Form):
    """The filled-in template; the service checks everything inside it."""

    file = forms.FileField(
        label=_("Tệp Excel kết quả (.xlsx)"),
        help_text=_("Tệp mẫu đã tải từ cổng và điền kết quả. Chỉ nhận tệp .xlsx."),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
        error_messages={"required": _("Vui lòng chọn tệp Excel để tải lên.")},
    )
