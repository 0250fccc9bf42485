"""The year's phase, calendar and what is due: the banner every year screen shows."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ..models import ClusterYear, Phase, PhaseChange, PhaseWindow
from ..services.phase import PHASE_ORDER, allowed_moves


@dataclass(frozen=True)
class PhaseStep:
    phase: str
    label: str
    window: PhaseWindow | None
    state: str  # "done", "current", "todo"


@dataclass(frozen=True)
class YearStatus:
    cluster_year: ClusterYear
    steps: list[PhaseStep]
    current: PhaseStep
    moves: dict[str, str]
    today: dt.date

    @property
    def due_on(self) -> dt.date | None:
        return self.current.window.due_on if self.current.window else None

    @property
    def days_left(self) -> int | None:
        return (self.due_on - self.today).days if self.due_on else None

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.today > self.due_on

    def window(self, phase: str) -> PhaseWindow | None:
        for step in self.steps:
            if step.phase == phase:
                return step.window
        return None


def year_status(*, cluster_year: ClusterYear, today: dt.date | None = None) -> YearStatus:
    """Phases in order with their windows and states, in one query."""
    windows = {w.phase: w for w in PhaseWindow.objects.filter(cluster_year=cluster_year)}
    current_index = PHASE_ORDER.index(cluster_year.phase)
    steps = [
        PhaseStep(
            phase=phase,
            label=str(Phase(phase).label),
            window=windows.get(phase),
            state="done" if i < current_index else ("current" if i == current_index else "todo"),
        )
        for i, phase in enumerate(PHASE_ORDER)
    ]
    return YearStatus(
        cluster_year=cluster_year,
        steps=steps,
        current=steps[current_index],
        moves=allowed_moves(cluster_year),
        today=today or timezone.localdate(),
    )


def phase_history(*, cluster_year: ClusterYear, limit: int = 20):
    """The latest phase moves with who made them."""
    return PhaseChange.objects.filter(cluster_year=cluster_year).select_related("moved_by")[:limit]


@dataclass(frozen=True)
class TodoItem:
    text: str
    url: str
    due_on: dt.date | None = None
    done: bool = False


def officer_todo(*, user, cluster_year: ClusterYear) -> list[TodoItem]:
    """The officer's to-do list for a year, with deadlines (a handful of queries)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from .. import access
    from ..models import PledgeSignature, Submission, SubmissionStatus
    from ..services.pledge import missing_targets

    code, year = cluster_year.cluster.code, cluster_year.year
    windows = {w.phase: w for w in PhaseWindow.objects.filter(cluster_year=cluster_year)}
    items: list[TodoItem] = []
    province_id = user.province_id
    if cluster_year.phase == Phase.PLEDGE:
        due = windows.get(Phase.PLEDGE).due_on if windows.get(Phase.PLEDGE) else None
        missing = missing_targets(cluster_year=cluster_year, province_id=province_id)
        signed = PledgeSignature.objects.filter(
            cluster_year=cluster_year, province_id=province_id
        ).exists()
        url = reverse("clusters:pledge", args=[code, year])
        if missing:
            items.append(
                TodoItem(
                    _("Nhập chỉ tiêu (còn %(n)s tiêu chí)") % {"n": len(missing)},
                    url + "#targets",
                    due,
                )
            )
        items.append(TodoItem(_("Ký kết giao ước"), url, due, done=signed))
    if cluster_year.phase in (Phase.RESULTS, Phase.VERIFICATION):
        due = windows.get(Phase.RESULTS).due_on if windows.get(Phase.RESULTS) else None
        submission = Submission.objects.filter(
            cluster_year=cluster_year, province_id=province_id
        ).first()
        url = reverse("clusters:results", args=[code, year])
        if submission is not None and submission.status == SubmissionStatus.RETURNED:
            items.append(TodoItem(_("Bổ sung kết quả bị Cụm trưởng trả lại"), url, due))
        elif cluster_year.phase == Phase.RESULTS:
            done = submission is not None and submission.status == SubmissionStatus.SUBMITTED
            items.append(TodoItem(_("Nộp kết quả thực hiện, tự chấm điểm"), url, due, done=done))
    if cluster_year.phase == Phase.VERIFICATION:
        from ..models import PeerAssignment

        count = (
            PeerAssignment.objects.active()
            .filter(cluster_year=cluster_year, scorer_id=province_id)
            .count()
        )
        if count:
            window = windows.get(Phase.VERIFICATION)
            items.append(
                TodoItem(
                    _("Chấm chéo %(n)s tỉnh") % {"n": count},
                    reverse("clusters:assignments", args=[code, year]),
                    window.due_on if window else None,
                )
            )
    if access.is_coordinator(user, cluster_year) and cluster_year.phase in (
        Phase.PLEDGE,
        Phase.RESULTS,
    ):
        items.append(
            TodoItem(
                _("Theo dõi tiến độ của các tỉnh"), reverse("clusters:progress", args=[code, year])
            )
        )
    return items
