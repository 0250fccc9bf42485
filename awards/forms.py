"""Forms of the awards pages. They validate and shape input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster

from .models import Honour, NominationStatus, SubjectKind, Verdict
from .selectors import DEFAULT_SORT, QUEUE_SORTS, QueueFilters, active_reviewers
from .services.checks import RuleCode
from .services.dossier import OTHER_CODE

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class NominationForm(forms.Form):
    """Lập đề nghị: a collective or an individual of the officer's province."""

    cluster_year = forms.ChoiceField(label=_("Năm thi đua"))
    honour = forms.ModelChoiceField(
        label=_("Hình thức khen thưởng"),
        queryset=Honour.objects.none(),
        empty_label=_("— Chọn hình thức —"),
    )
    subject_kind = forms.ChoiceField(
        label=_("Đối tượng"), choices=SubjectKind.choices, widget=forms.RadioSelect
    )
    subject_name = forms.CharField(
        label=_("Tên tập thể, cá nhân"),
        max_length=300,
        help_text=_("Ví dụ: Ông Nguyễn Văn A; Tổ sản xuất số 3, Hợp tác xã …"),
    )
    position_or_unit = forms.CharField(
        label=_("Chức vụ, đơn vị công tác"),
        max_length=300,
        required=False,
        help_text=_("Với cá nhân: chức vụ và đơn vị; với tập thể: đơn vị chủ quản."),
    )
    achievements = forms.CharField(
        label=_("Tóm tắt thành tích"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, cluster_years=None, fixed_subject: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster_years = {str(cy.pk): cy for cy in (cluster_years or [])}
        if cluster_years is None:
            # Editing: the year and honour are fixed once the nomination exists.
            del self.fields["cluster_year"]
            del self.fields["honour"]
        else:
            self.fields["cluster_year"].choices = [
                (key, f"{cy.year} – {cy.cluster.short_name or cy.cluster.name}")
                for key, cy in self.cluster_years.items()
            ]
            self.fields["honour"].queryset = Honour.objects.active()
        if fixed_subject:
            # A member honoured by the vote is itself the subject.
            for name in ("subject_kind", "subject_name"):
                self.fields[name].disabled = True
                self.fields[name].required = False

    def clean_cluster_year(self):
        value = self.cleaned_data["cluster_year"]
        if value not in self.cluster_years:
            raise forms.ValidationError(_("Vui lòng chọn năm thi đua."))
        return self.cluster_years[value]


class DocumentUploadForm(forms.Form):
    requirement_code = forms.ChoiceField(label=_("Thành phần hồ sơ"))
    file = forms.FileField(
        label=_("Tệp"),
        help_text=_("PDF, DOCX, XLSX, JPG hoặc PNG; định dạng được kiểm tra theo nội dung tệp."),
        error_messages={"required": _("Vui lòng chọn tệp để tải lên.")},
    )
    replace = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, codes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement_code"].choices = [*codes, (OTHER_CODE, _("Tài liệu khác"))]


class CommentForm(forms.Form):
    """A move that needs no more than an optional comment."""

    comment = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Nội dung cần bổ sung, sửa đổi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng ghi nội dung cần bổ sung, sửa đổi.")},
    )


class DecisionForm(forms.Form):
    decision_number = forms.CharField(
        label=_("Số quyết định"),
        max_length=100,
        error_messages={"required": _("Vui lòng nhập số quyết định.")},
        help_text=_("Ví dụ: 1234/QĐ-TTg."),
    )
    decision_date = forms.DateField(
        label=_("Ngày quyết định"),
        widget=DATE_WIDGET,
        error_messages={
            "required": _("Vui lòng nhập ngày quyết định (dd/mm/yyyy)."),
            "invalid": _("Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy."),
        },
    )
    comment = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NotApprovedForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do không khen thưởng"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng ghi lý do không khen thưởng.")},
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thu hồi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng ghi lý do thu hồi.")},
    )
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"),
        max_length=400,
        # A citation of Vietnamese law is stored as written, whatever the page's language.
        initial="Chương VII Luật Thi đua, khen thưởng số 06/2022/QH15",
        error_messages={"required": _("Vui lòng ghi căn cứ pháp lý của việc thu hồi.")},
    )
    comment = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# The form each move asks for; moves not listed take an optional comment.
MOVE_FORMS = {
    NominationStatus.RETURNED: ReturnForm,
    NominationStatus.APPROVED: DecisionForm,
    NominationStatus.NOT_APPROVED: NotApprovedForm,
    NominationStatus.REVOKED: RevokeForm,
}


def move_form_class(to_status: str):
    return MOVE_FORMS.get(to_status, CommentForm)


class ReviewNoteForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Đánh giá"), choices=Verdict.choices)
    comment = forms.CharField(
        label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    requirement_code = forms.CharField(required=False, widget=forms.HiddenInput)
    document = forms.IntegerField(required=False, widget=forms.HiddenInput)


class OverrideForm(forms.Form):
    rule_code = forms.ChoiceField(choices=RuleCode.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Lý do bỏ qua cảnh báo"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Vui lòng ghi lý do bỏ qua cảnh báo.")},
    )


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label=_("Chuyên viên thẩm định"),
        queryset=active_reviewers(),
        required=False,
        empty_label=_("— Chưa giao —"),
    )


class BulkAssignForm(AssignForm):
    nominations = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Ids are checked against what the user may see by the view, not here.
        raw = self.data.getlist("nominations") if hasattr(self.data, "getlist") else []
        self.fields["nominations"].choices = [(v, v) for v in raw]
        self.fields["nominations"].error_messages["required"] = _(
            "Vui lòng chọn ít nhất một hồ sơ để giao."
        )


class OfficerFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Năm thi đua"), coerce=int, required=False, empty_value=None
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả trạng thái")), *NominationStatus.choices],
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Tất cả các năm"))] + [(y, str(y)) for y in years]


REVIEWER_FILTER_NONE = "none"


class QueueFilterForm(forms.Form):
    """Filters of the review queue, read from the query string."""

    q = forms.CharField(label=_("Tìm theo tên đối tượng, tỉnh"), required=False, max_length=100)
    cluster = forms.ModelChoiceField(
        label=_("Cụm thi đua"),
        queryset=Cluster.objects.order_by("name"),
        required=False,
        empty_label=_("Tất cả các cụm"),
    )
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=1990, max_value=2100)
    honour = forms.ModelChoiceField(
        label=_("Hình thức khen thưởng"),
        queryset=Honour.objects.all(),
        required=False,
        empty_label=_("Tất cả các hình thức"),
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[
            ("", _("Tất cả (trừ đang chuẩn bị)")),
            ("with_board", _("Chờ Ban xử lý (đã gửi, đang thẩm định, gửi lại)")),
            *NominationStatus.choices,
        ],
    )
    reviewer = forms.ChoiceField(label=_("Chuyên viên"), required=False)
    overdue = forms.BooleanField(label=_("Chỉ hồ sơ quá hạn"), required=False)
    sort = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[
            ("deadline", _("Hạn nộp (sớm trước)")),
            ("-deadline", _("Hạn nộp (muộn trước)")),
            ("-submitted", _("Ngày gửi (mới nhất)")),
            ("submitted", _("Ngày gửi (cũ nhất)")),
            ("province", _("Tỉnh")),
            ("honour", _("Hình thức khen thưởng")),
            ("status", _("Trạng thái")),
            ("year", _("Năm thi đua (mới nhất)")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [
            ("", _("Tất cả")),
            (REVIEWER_FILTER_NONE, _("Chưa giao")),
        ] + [(str(u.pk), u.display_name) for u in active_reviewers()]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"

    def filters(self) -> QueueFilters:
        """The filters to apply (invalid values are ignored, as for an empty field)."""
        # Valid fields still filter when another one is invalid (a typo in the year).
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        sort = data.get("sort") or DEFAULT_SORT
        return QueueFilters(
            cluster_id=data["cluster"].pk if data.get("cluster") else None,
            year=data.get("year"),
            honour_id=data["honour"].pk if data.get("honour") else None,
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            reviewer=data.get("reviewer") or "",
            q=data.get("q") or "",
            sort=sort if sort in QUEUE_SORTS else DEFAULT_SORT,
        )
