"""The year's state machine and its calendar.

Only ``cluster_year_move_phase`` changes ``ClusterYear.phase``; it checks who
asks and the calendar, and writes a ``PhaseChange`` event in the same
transaction. ``require_open`` is what every data-entry service calls to refuse
entries outside their phase or after their due date.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import roles
from accounts.audit import audit_record

from .. import access
from ..models import ClusterYear, Phase, PhaseChange, PhaseWindow
from .errors import RuleError

PHASE_ORDER: list[str] = [
    Phase.SETUP,
    Phase.PLEDGE,
    Phase.IN_PROGRESS,
    Phase.RESULTS,
    Phase.VERIFICATION,
    Phase.REVIEW,
    Phase.CLOSED,
]


def phase_index(phase: str) -> int:
    return PHASE_ORDER.index(phase)


def allowed_moves(cluster_year: ClusterYear) -> dict[str, str]:
    """Phases the year may move to: the next one, or back one step (with a reason)."""
    index = phase_index(cluster_year.phase)
    moves = {}
    if index + 1 < len(PHASE_ORDER):
        moves[PHASE_ORDER[index + 1]] = "forward"
    if index > 0:
        moves[PHASE_ORDER[index - 1]] = "back"
    return moves


def _fmt(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


@transaction.atomic
def cluster_year_move_phase(
    *,
    cluster_year: ClusterYear,
    to_phase: str,
    actor,
    note: str = "",
    today: dt.date | None = None,
) -> ClusterYear:
    """Moves the year one phase forward (or back, with a reason), checking the calendar.

    Forward moves need the target phase's window to have opened; an admin may
    move early with a written reason. Moving back re-opens the previous phase
    (e.g. results entry) and always needs a reason. A closed year changes only
    through an admin's audited correction.
    """
    if not access.can_manage_cluster_year(actor, cluster_year):
        raise PermissionDenied(
            _("Chỉ Cụm trưởng của năm này hoặc quản trị viên được chuyển giai đoạn.")
        )
    today = today or timezone.localdate()
    # Lock the row: two coordinators pressing the button at once move it once.
    locked = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    if to_phase not in Phase.values:
        raise RuleError(_("Giai đoạn không hợp lệ."))
    direction = allowed_moves(locked).get(to_phase)
    if direction is None:
        raise RuleError(
            _("Không thể chuyển từ giai đoạn “%(current)s” sang “%(target)s”.")
            % {"current": locked.get_phase_display(), "target": Phase(to_phase).label}
        )
    note = note.strip()
    is_admin = roles.is_admin(actor)
    if locked.phase == Phase.CLOSED and not is_admin:
        raise RuleError(_("Năm thi đua đã kết thúc; chỉ quản trị viên được điều chỉnh."))
    if direction == "back" and not note:
        raise RuleError(_("Vui lòng ghi lý do khi quay lại giai đoạn trước."))
    if direction == "forward":
        window = PhaseWindow.objects.filter(cluster_year=locked, phase=to_phase).first()
        if window is None and to_phase != Phase.CLOSED:
            raise RuleError(
                _("Chưa có lịch cho giai đoạn “%(phase)s”: vui lòng nhập lịch trước.")
                % {"phase": Phase(to_phase).label}
            )
        if window is not None and today < window.opens_on:
            if not is_admin:
                raise RuleError(
                    _("Giai đoạn “%(phase)s” theo lịch bắt đầu từ %(day)s.")
                    % {"phase": Phase(to_phase).label, "day": _fmt(window.opens_on)}
                )
            if not note:
                raise RuleError(_("Chuyển giai đoạn sớm hơn lịch cần ghi lý do."))
    from_phase = locked.phase
    locked.phase = to_phase
    locked.save(update_fields=["phase"])
    PhaseChange.objects.create(
        cluster_year=locked, from_phase=from_phase, to_phase=to_phase, moved_by=actor, note=note
    )
    audit_record(
        actor=actor,
        obj=locked,
        action="phase_move",
        before={"phase": from_phase},
        after={"phase": to_phase},
    )
    cluster_year.phase = to_phase
    return locked


@transaction.atomic
def calendar_set(
    *, cluster_year: ClusterYear, actor, windows: dict[str, tuple[dt.date, dt.date | None]]
) -> list[PhaseWindow]:
    """Sets the open and due dates of the year's phases; phases must follow in order."""
    if not access.can_manage_cluster_year(actor, cluster_year):
        raise PermissionDenied(_("Chỉ Cụm trưởng của năm này hoặc quản trị viên được sửa lịch."))
    if cluster_year.phase == Phase.CLOSED:
        raise RuleError(_("Năm thi đua đã kết thúc; không sửa lịch được nữa."))
    previous_open = None
    for phase in PHASE_ORDER:
        if phase not in windows:
            continue
        opens_on, due_on = windows[phase]
        label = Phase(phase).label
        if due_on is not None and due_on < opens_on:
            raise RuleError(
                _("“%(phase)s”: hạn hoàn thành không được trước ngày bắt đầu.") % {"phase": label}
            )
        if previous_open is not None and opens_on < previous_open:
            raise RuleError(
                _("“%(phase)s” không được bắt đầu trước giai đoạn liền trước.") % {"phase": label}
            )
        previous_open = opens_on
    existing = {w.phase: w for w in PhaseWindow.objects.filter(cluster_year=cluster_year)}
    saved = []
    for phase, (opens_on, due_on) in windows.items():
        window = existing.get(phase)
        before = {"opens_on": window.opens_on, "due_on": window.due_on} if window else {}
        if window is None:
            window = PhaseWindow(cluster_year=cluster_year, phase=phase)
        if before == {"opens_on": opens_on, "due_on": due_on}:
            saved.append(window)
            continue
        window.opens_on, window.due_on = opens_on, due_on
        window.full_clean()
        window.save()
        audit_record(
            actor=actor,
            obj=window,
            action="calendar_set",
            before={k: v.isoformat() if v else None for k, v in before.items()},
            after={
                "opens_on": opens_on.isoformat(),
                "due_on": due_on.isoformat() if due_on else None,
            },
        )
        saved.append(window)
    return saved


def current_window(cluster_year: ClusterYear) -> PhaseWindow | None:
    """The calendar entry of the year's current phase, if any."""
    return PhaseWindow.objects.filter(cluster_year=cluster_year, phase=cluster_year.phase).first()


def require_open(
    cluster_year: ClusterYear, phase: str, *, today: dt.date | None = None, what: str = ""
) -> None:
    """Refuses an entry unless the year is in ``phase`` and its due date has not passed."""
    if cluster_year.phase != phase:
        raise RuleError(
            _(
                "%(what)s chỉ được thực hiện trong giai đoạn “%(phase)s”; năm thi đua đang ở giai đoạn “%(current)s”."
            )
            % {
                "what": what or _("Thao tác này"),
                "phase": Phase(phase).label,
                "current": cluster_year.get_phase_display(),
            }
        )
    today = today or timezone.localdate()
    window = PhaseWindow.objects.filter(cluster_year=cluster_year, phase=phase).first()
    if window is not None and window.due_on is not None and today > window.due_on:
        raise RuleError(
            _("Đã quá hạn %(day)s của giai đoạn “%(phase)s”.")
            % {"day": _fmt(window.due_on), "phase": Phase(phase).label}
        )
