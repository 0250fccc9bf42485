"""Forms of the vote (bình xét, suy tôn) and of next year's leadership.

They shape input only; every rule (seats, candidates, once per province,
who may do what) is enforced again by the services.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from provinces.collation import sort_by_name

from ..models import CandidateMode, Honour

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"})


class BallotSetupForm(forms.Form):
    """Candidates and the meeting: used to create the ballot and to edit it in draft."""

    candidate_mode = forms.ChoiceField(
        label=_("Danh sách ứng viên"),
        choices=CandidateMode.choices,
        initial=CandidateMode.ALL,
        widget=forms.RadioSelect,
    )
    top_n = forms.IntegerField(
        label=_("Số tỉnh xếp hạng cao nhất"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_(
            "Chỉ dùng khi chọn các tỉnh xếp hạng cao nhất; cần kết quả xếp hạng đã chốt. "
            "Các tỉnh bằng hạng ở vị trí cuối đều được đưa vào."
        ),
    )
    meeting_place = forms.CharField(label=_("Địa điểm họp"), max_length=200, required=False)
    meeting_date = forms.DateField(label=_("Ngày họp"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, candidates_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates_locked:
            for name in ("candidate_mode", "top_n"):
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        if data.get("candidate_mode") == CandidateMode.TOP and not data.get("top_n"):
            self.add_error("top_n", _("Vui lòng nhập số tỉnh xếp hạng cao nhất."))
        return data


class QuestionForm(forms.Form):
    """A question's title and seats (draft ballots)."""

    title = forms.CharField(label=_("Nội dung"), max_length=300)
    seats = forms.IntegerField(label=_("Số lượng được chọn"), min_value=1, max_value=99)


class QuestionAddForm(forms.Form):
    honour = forms.ChoiceField(label=_("Hình thức khen thưởng"), choices=Honour.choices)
    title = forms.CharField(
        label=_("Tên hình thức"),
        max_length=300,
        required=False,
        help_text=_("Bắt buộc với hình thức khác; để trống để dùng tên của hình thức."),
    )
    seats = forms.IntegerField(
        label=_("Số lượng được chọn"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_("Để trống để dùng số lượng theo quy định đang áp dụng."),
    )


class BallotCastForm(forms.Form):
    """The paper: one group of check boxes per question, at most its seats.

    Field ``q<question id>`` holds the chosen candidates' ids. Built from
    ``selectors.ballot.ballot_paper``.
    """

    def __init__(self, *args, paper, **kwargs):
        super().__init__(*args, **kwargs)
        self.paper = paper
        for item in paper:
            question = item.question
            self.fields[self.field_name(question)] = forms.TypedMultipleChoiceField(
                label=question.title,
                # The candidate itself is the label: the paper shows its rank and total.
                choices=[(c.pk, c) for c in item.candidates],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "invalid_choice": _("Tỉnh được chọn không có trong danh sách ứng viên.")
                },
            )

    @staticmethod
    def field_name(question) -> str:
        return f"q{question.pk}"

    def clean(self):
        data = super().clean()
        for item in self.paper:
            name = self.field_name(item.question)
            chosen = data.get(name) or []
            if len(chosen) > item.question.seats:
                self.add_error(
                    name,
                    ngettext_lazy(
                        "Chỉ được chọn tối đa %(seats)s tỉnh.",
                        "Chỉ được chọn tối đa %(seats)s tỉnh.",
                        "seats",
                    )
                    % {"seats": item.question.seats},
                )
        return data

    def choices(self) -> dict[int, list[int]]:
        """Question id → chosen candidate ids, for ``ballot_cast``."""
        return {
            item.question.pk: list(self.cleaned_data.get(self.field_name(item.question)) or [])
            for item in self.paper
        }

    def selections(self):
        """(question, [candidates chosen]) for the confirmation step."""
        for item in self.paper:
            chosen = set(self.cleaned_data.get(self.field_name(item.question)) or [])
            yield item.question, [c for c in item.candidates if c.pk in chosen]


class LeadershipProposalForm(forms.Form):
    """Next year's leader and deputies, among the year's members (in Vietnamese name order)."""

    leader = forms.TypedChoiceField(label=_("Cụm trưởng"), coerce=int)
    deputy = forms.TypedChoiceField(label=_("Cụm phó"), coerce=int)
    second_deputy = forms.TypedChoiceField(
        label=_("Cụm phó thứ hai"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Không bắt buộc."),
    )

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.provinces = {p.pk: p for p in provinces}
        choices = [(p.pk, p.name) for p in sort_by_name(provinces)]
        self.fields["leader"].choices = [("", "—"), *choices]
        self.fields["deputy"].choices = [("", "—"), *choices]
        self.fields["second_deputy"].choices = [("", _("(không có)")), *choices]

    def clean(self):
        data = super().clean()
        for name in ("leader", "deputy", "second_deputy"):
            if data.get(name) is not None:
                data[name] = self.provinces[data[name]]
        chosen = [data.get(n) for n in ("leader", "deputy", "second_deputy") if data.get(n)]
        if len({p.pk for p in chosen}) != len(chosen):
            raise forms.ValidationError(_("Cụm trưởng và các Cụm phó phải là các tỉnh khác nhau."))
        return data


class LeadershipDecisionForm(forms.Form):
    approved = forms.TypedChoiceField(
        label=_("Quyết định của Hội đồng"),
        choices=[("yes", _("Chấp thuận đề xuất")), ("no", _("Không chấp thuận"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    decision_reference = forms.CharField(
        label=_("Số, ngày văn bản của Hội đồng"),
        max_length=300,
        help_text=_("Ví dụ: Quyết định số 123/QĐ-HĐTĐKT ngày 15/4/2023."),
        error_messages={"required": _("Vui lòng ghi số, ngày văn bản của Hội đồng.")},
    )
