"""The year's calendar and its phase changes (the events of the state machine)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .cluster import ClusterYear, Phase


class PhaseWindow(models.Model):
    """When a phase of the year opens and when its work is due (lịch giai đoạn)."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.CASCADE,
        related_name="calendar",
    )
    phase = models.CharField(_("giai đoạn"), max_length=16, choices=Phase.choices)
    opens_on = models.DateField(_("ngày bắt đầu"))
    due_on = models.DateField(
        _("hạn hoàn thành"),
        null=True,
        blank=True,
        help_text=_("Sau ngày này không nhận thêm dữ liệu của giai đoạn."),
    )

    class Meta:
        verbose_name = _("lịch giai đoạn")
        verbose_name_plural = _("lịch các giai đoạn")
        ordering = ["cluster_year", "opens_on"]
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "phase"], name="phase_window_unique"),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("opens_on")),
                name="phase_window_due_after_open",
                violation_error_message=_("Hạn hoàn thành không được trước ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} ({self.cluster_year})"


class PhaseChange(models.Model):
    """One move of the year's phase: who moved it, when, from and to, and why."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.CASCADE,
        related_name="phase_changes",
    )
    from_phase = models.CharField(_("từ giai đoạn"), max_length=16, choices=Phase.choices)
    to_phase = models.CharField(_("sang giai đoạn"), max_length=16, choices=Phase.choices)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chuyển"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    moved_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("lần chuyển giai đoạn")
        verbose_name_plural = _("lịch sử chuyển giai đoạn")
        ordering = ["-moved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.cluster_year}: {self.from_phase} → {self.to_phase}"
