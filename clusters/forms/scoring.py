"""Forms of the scoring screens: settings, assignments, conflicts and the peer scoring sheet."""

from django import forms
from django.utils.translation import gettext_lazy as _

from provinces.collation import sort_by_name
from provinces.models import Province

from ..models import Aggregation, ScoringSettings, TieRule, VerificationMode
from .fields import VietnameseDecimalField

TIE_RULE_SLOTS = 3


def _tie_rule_choices(groups) -> list[tuple[str, str]]:
    """ "" (none), the argument-free rules, and one "group_points:<code>" per criteria group."""
    choices = [("", _("— Không dùng —"))]
    for group in groups:
        choices.append(
            (
                f"{TieRule.GROUP_POINTS}:{group.code}",
                _("Điểm của nhóm %(code)s. %(title)s cao hơn")
                % {"code": group.code, "title": group.title},
            )
        )
    choices.append((TieRule.FEWER_PENALTIES.value, TieRule.FEWER_PENALTIES.label))
    choices.append((TieRule.SELF_TOTAL.value, TieRule.SELF_TOTAL.label))
    return choices


class ScoringSettingsForm(forms.Form):
    """How the year is verified, scored and ranked (the coordinator's choice)."""

    mode = forms.ChoiceField(
        label=_("Hình thức thẩm định"), choices=VerificationMode.choices, widget=forms.RadioSelect
    )
    scorers_per_member = forms.IntegerField(
        label=_("Số tỉnh chấm mỗi tỉnh (k)"),
        min_value=1,
        max_value=50,
        help_text=_(
            "Chấm chéo: mỗi tỉnh chấm k tỉnh khác và được k tỉnh chấm; k nhỏ hơn số thành viên."
        ),
    )
    seed = forms.IntegerField(
        label=_("Hạt giống phân công"),
        min_value=0,
        max_value=2_147_483_647,
        help_text=_("Cùng hạt giống thì cùng một phân công; đổi số để có phân công khác."),
    )
    comment_threshold = VietnameseDecimalField(
        label=_("Ngưỡng chênh lệch bắt buộc ghi nhận xét (điểm)"),
        max_digits=7,
        decimal_places=2,
        min_value=0,
        help_text=_(
            "Khi điểm thẩm định khác điểm tự chấm quá mức này, người chấm phải ghi nhận xét."
        ),
    )
    aggregation = forms.ChoiceField(
        label=_("Cách tổng hợp điểm chấm chéo"),
        choices=Aggregation.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Trung bình bỏ điểm cao nhất và thấp nhất chỉ áp dụng khi có từ 4 tỉnh chấm trở lên."
        ),
    )
    reciprocity_threshold = VietnameseDecimalField(
        label=_("Ngưỡng cảnh báo chấm “có đi có lại” (điểm)"),
        max_digits=7,
        decimal_places=2,
        min_value=0,
        help_text=_(
            "Cảnh báo khi hai tỉnh chấm cho nhau cao hơn mức trung bình mỗi tỉnh chấm cho các tỉnh khác quá số điểm này."
        ),
    )

    def __init__(self, *args, settings: ScoringSettings, groups, **kwargs):
        initial = {
            "mode": settings.mode,
            "scorers_per_member": settings.scorers_per_member,
            "seed": settings.seed,
            "comment_threshold": settings.comment_threshold,
            "aggregation": settings.aggregation,
            "reciprocity_threshold": settings.reciprocity_threshold,
        }
        for index, rule in enumerate((settings.tie_rules or [])[:TIE_RULE_SLOTS], start=1):
            initial[f"tie_rule_{index}"] = ":".join(str(part) for part in rule)
        super().__init__(*args, initial=initial, **kwargs)
        choices = _tie_rule_choices(groups)
        for index in range(1, TIE_RULE_SLOTS + 1):
            self.fields[f"tie_rule_{index}"] = forms.ChoiceField(
                label=_("Quy tắc khi bằng điểm thứ %(n)s") % {"n": index},
                choices=choices,
                required=False,
            )
        self.fields[f"tie_rule_{TIE_RULE_SLOTS}"].help_text = _(
            "Các tỉnh bằng tổng điểm được xếp theo các quy tắc trên, lần lượt; "
            "nếu vẫn bằng nhau thì đồng hạng."
        )

    def clean(self):
        data = super().clean()
        chosen = [data.get(f"tie_rule_{i}") for i in range(1, TIE_RULE_SLOTS + 1)]
        picked = [c for c in chosen if c]
        if len(set(picked)) != len(picked):
            self.add_error(None, _("Mỗi quy tắc xếp hạng chỉ chọn một lần."))
        return data

    def tie_rules(self) -> list[list[str]]:
        rules = []
        for index in range(1, TIE_RULE_SLOTS + 1):
            value = self.cleaned_data.get(f"tie_rule_{index}")
            if value:
                rules.append(value.split(":", 1))
        return rules

    def values(self) -> dict:
        """Keyword arguments for ``scoring_settings_save``."""
        names = [
            "mode",
            "scorers_per_member",
            "seed",
            "comment_threshold",
            "aggregation",
            "reciprocity_threshold",
        ]
        values = {name: self.cleaned_data[name] for name in names}
        values["tie_rules"] = self.tie_rules()
        return values

    def tie_rule_fields(self):
        return [self[f"tie_rule_{i}"] for i in range(1, TIE_RULE_SLOTS + 1)]


class _ProvinceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AssignmentAddForm(forms.Form):
    """The coordinator adds a scorer → scored pair by hand."""

    scorer = _ProvinceChoice(
        label=_("Tỉnh chấm"),
        queryset=Province.objects.none(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    scored = _ProvinceChoice(
        label=_("Tỉnh được chấm"),
        queryset=Province.objects.none(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Province.objects.filter(pk__in=[p.pk for p in provinces])
        for name in ("scorer", "scored"):
            self.fields[name].queryset = queryset
            self.fields[name].choices = [("", "—")] + [
                (p.pk, p.name) for p in sort_by_name(provinces)
            ]

    def clean(self):
        data = super().clean()
        if data.get("scorer") and data.get("scorer") == data.get("scored"):
            self.add_error("scored", _("Một tỉnh không chấm chính mình."))
        return data


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do xung đột lợi ích"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Vui lòng ghi lý do xung đột lợi ích.")},
    )


class PeerSheetForm(forms.Form):
    """All criteria of one assignment: a score, a comment and the revision it was based on."""

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        for row in sheet.rows:
            pk = row.criterion.pk
            self.fields[f"score_{pk}"] = VietnameseDecimalField(
                label=_("Điểm thẩm định %(code)s") % {"code": row.criterion.code},
                max_digits=7,
                decimal_places=2,
                required=False,
                initial=row.peer.score if row.peer else None,
            )
            self.fields[f"comment_{pk}"] = forms.CharField(
                label=_("Nhận xét %(code)s") % {"code": row.criterion.code},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=row.peer.comment if row.peer else "",
            )
            self.fields[f"revision_{pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=0, initial=row.revision
            )

    def bound(self, criterion_id: int) -> tuple:
        return (
            self[f"score_{criterion_id}"],
            self[f"comment_{criterion_id}"],
            self[f"revision_{criterion_id}"],
        )

    def typed_scores(self) -> dict:
        """Criterion id → the value typed (parsed), ignoring what cannot be read yet."""
        typed = {}
        for row in self.sheet.rows:
            field = self.fields[f"score_{row.criterion.pk}"]
            raw = self.data.get(self.add_prefix(f"score_{row.criterion.pk}"))
            try:
                value = field.clean(raw)
            except forms.ValidationError:
                continue
            if value is not None:
                typed[row.criterion.pk] = value
        return typed

    def changed_rows(self):
        """(row, score, comment, revision) for each row whose score or comment differs from
        what is saved. A blank score on a row never scored is left alone."""
        for row in self.sheet.rows:
            pk = row.criterion.pk
            score = self.cleaned_data.get(f"score_{pk}")
            comment = (self.cleaned_data.get(f"comment_{pk}") or "").strip()
            revision = self.cleaned_data.get(f"revision_{pk}") or 0
            saved_score = row.peer.score if row.peer else None
            saved_comment = row.peer.comment if row.peer else ""
            if score is None and saved_score is None:
                continue
            if score == saved_score and comment == saved_comment:
                continue
            yield row, score, comment, revision
