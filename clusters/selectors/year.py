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
