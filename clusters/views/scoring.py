"""Verification and peer scoring (chấm chéo), the scoreboard (bảng điểm) and the freeze."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.formatting import number_text
from provinces.collation import vietnamese_key

from .. import access
from ..forms.scoring import AssignmentAddForm, ConflictForm, PeerSheetForm, ScoringSettingsForm
from ..models import CriterionGroup, Phase, RankingSnapshot
from ..selectors.scoreboard import (
    assignment_lines,
    peer_sheet,
    reciprocity_flags,
    scoreboard,
)
from ..selectors.year import year_status
from ..services.scoring import (
    PeerEntry,
    assignment_add,
    assignment_withdraw,
    assignments_generate,
    conflict_declare,
    peer_sheet_save,
    ranking_freeze,
    ranking_verify,
    scoring_settings_for,
    scoring_settings_save,
)
from ._util import flash_errors, form_add_service_error


def _context(request, cluster_year, **extra):
    return {
        "cluster_year": cluster_year,
        "cluster": cluster_year.cluster,
        "status": year_status(cluster_year=cluster_year),
        "can_manage": access.can_manage_cluster_year(request.user, cluster_year),
        **extra,
    }


def _managed_year(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not access.can_manage_cluster_year(request.user, cluster_year):
        raise PermissionDenied
    return cluster_year


def scoring_settings(request, code: str, year: int):
    """Cấu hình chấm điểm: mode, k, seed, thresholds, aggregation and tie rules (coordinator)."""
    cluster_year = _managed_year(request, code, year)
    settings = scoring_settings_for(cluster_year)
    groups = CriterionGroup.objects.filter(table__cluster_year=cluster_year).order_by(
        "position", "code"
    )
    form = ScoringSettingsForm(request.POST or None, settings=settings, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            scoring_settings_save(cluster_year=cluster_year, actor=request.user, **form.values())
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu cấu hình chấm điểm."))
            return redirect("clusters:assignments", code, year)
    return render(
        request,
        "clusters/scoring/settings.html",
        _context(
            request,
            cluster_year,
            form=form,
            frozen=access.is_ranking_frozen(cluster_year),
        ),
    )


def assignments(request, code: str, year: int):
    """Phân công chấm chéo (coordinator: all, with tools) or "Chấm chéo" (a scorer: its own)."""
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    can_manage = access.can_manage_cluster_year(request.user, cluster_year)
    if not can_manage and not access.is_member(request.user, cluster_year):
        raise PermissionDenied  # central roles do not see who scores whom
    visible = access.assignments_visible_to(request.user, cluster_year)
    lines = assignment_lines(cluster_year=cluster_year, assignments=visible)
    mine: list = []
    if roles.is_officer(request.user):
        mine = [
            line
            for line in lines
            if line.assignment.scorer_id == request.user.province_id
            and line.assignment.withdrawn_at is None
        ]
    add_form, provinces = None, []
    if can_manage:
        provinces = [m.province for m in cluster_year.memberships.select_related("province")]
        add_form = AssignmentAddForm(provinces=provinces, auto_id="add_%s")
    return render(
        request,
        "clusters/scoring/assignments.html",
        _context(
            request,
            cluster_year,
            lines=lines if can_manage else [],
            mine=mine,
            add_form=add_form,
            scoring=scoring_settings_for(cluster_year),
            balance=_balance(lines, provinces) if can_manage else [],
            scoring_started=any(line.scored_count for line in lines),
            frozen=access.is_ranking_frozen(cluster_year),
            open_for_changes=cluster_year.phase == Phase.VERIFICATION,
        ),
    )


def _balance(lines, provinces) -> list[dict]:
    """Per member: how many it scores and by how many it is scored (active assignments)."""
    counts = {p.pk: {"province": p, "scores": 0, "scored_by": 0} for p in provinces}
    for line in lines:
        a = line.assignment
        if a.withdrawn_at is None and a.scorer_id in counts and a.scored_id in counts:
            counts[a.scorer_id]["scores"] += 1
            counts[a.scored_id]["scored_by"] += 1
    return sorted(counts.values(), key=lambda e: vietnamese_key(e["province"].name))


@require_POST
def assignments_generate_view(request, code: str, year: int):
    cluster_year = _managed_year(request, code, year)
    try:
        created = assignments_generate(cluster_year=cluster_year, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Đã phân công tự động %(n)s lượt chấm.") % {"n": len(created)})
    return redirect("clusters:assignments", code, year)


@require_POST
def assignment_add_view(request, code: str, year: int):
    cluster_year = _managed_year(request, code, year)
    provinces = [m.province for m in cluster_year.memberships.select_related("province")]
    form = AssignmentAddForm(request.POST, provinces=provinces)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("clusters:assignments", code, year)
    scorer, scored = form.cleaned_data["scorer"], form.cleaned_data["scored"]
    try:
        assignment_add(cluster_year=cluster_year, scorer=scorer, scored=scored, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("Đã phân công %(scorer)s chấm %(scored)s.")
            % {"scorer": scorer.name, "scored": scored.name},
        )
    return redirect("clusters:assignments", code, year)


@require_POST
def assignment_withdraw_view(request, code: str, year: int, pk: int):
    cluster_year = _managed_year(request, code, year)
    assignment = (
        access.assignments_visible_to(request.user, cluster_year)
        .select_related("cluster_year", "scorer", "scored")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    try:
        assignment_withdraw(assignment=assignment, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("Đã rút phân công %(scorer)s chấm %(scored)s.")
            % {"scorer": assignment.scorer.name, "scored": assignment.scored.name},
        )
    return redirect("clusters:assignments", code, year)


def _scorer_assignment(request, code: str, year: int, pk: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    assignment = access.assignment_for_scorer(request.user, pk)
    if assignment.cluster_year_id != cluster_year.pk:
        raise Http404
    return assignment


@require_POST
def conflict_declare_view(request, code: str, year: int, pk: int):
    assignment = _scorer_assignment(request, code, year, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng ghi lý do xung đột lợi ích."))
        return redirect("clusters:assignments", code, year)
    try:
        conflict_declare(
            assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "Đã ghi nhận xung đột lợi ích: tỉnh của bạn không chấm %(scored)s nữa; "
                "Cụm đã phân công tỉnh khác chấm thay."
            )
            % {"scored": assignment.scored.name},
        )
    return redirect("clusters:assignments", code, year)


def peer_scores(request, code: str, year: int, pk: int):
    """Chấm chéo one province: its entries beside the scorer's scores, saved all together.

    The form works without JavaScript; with htmx the running totals follow the
    typing (``?preview=1`` computes them without saving). On any refusal
    nothing is saved and the page comes back with what was typed.
    """
    assignment = _scorer_assignment(request, code, year, pk)
    cluster_year = assignment.cluster_year
    sheet = peer_sheet(assignment=assignment)
    frozen = access.is_ranking_frozen(cluster_year)
    editable = cluster_year.phase == Phase.VERIFICATION and not frozen
    form = PeerSheetForm(request.POST or None, sheet=sheet)
    if request.method == "POST" and request.GET.get("preview"):
        preview = peer_sheet(assignment=assignment, typed=form.typed_scores())
        return render(
            request,
            "clusters/scoring/partials/peer_totals.html",
            {"sheet": preview, "oob": False},
        )
    row_errors: dict[int, list[str]] = {}
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("Chưa lưu: vui lòng sửa các ô được đánh dấu."))
        else:
            entries = [
                PeerEntry(row.criterion, score, comment, revision)
                for row, score, comment, revision in form.changed_rows()
            ]
            try:
                changed = peer_sheet_save(
                    assignment=assignment, actor=request.user, entries=entries
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    row_errors = {int(k): v for k, v in exc.message_dict.items()}
                    sheet = peer_sheet(assignment=assignment)
                    form = _refreshed(form, sheet, getattr(exc, "conflicts", {}))
                else:
                    flash_errors(request, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))
            else:
                if changed:
                    messages.success(request, _("Đã lưu điểm %(n)s tiêu chí.") % {"n": changed})
                else:
                    messages.info(request, _("Không có thay đổi nào để lưu."))
                return redirect("clusters:peer_scores", code, year, pk)
    typed = form.typed_scores() if form.is_bound else None
    if typed:
        sheet = peer_sheet(assignment=assignment, typed=typed)
    return render(
        request,
        "clusters/scoring/peer_scores.html",
        _context(
            request,
            cluster_year,
            assignment=assignment,
            sheet=sheet,
            form=form,
            rows=[
                (
                    group,
                    [
                        (row, *form.bound(row.criterion.pk), row_errors.get(row.criterion.pk, []))
                        for row in group.rows
                    ],
                )
                for group in sheet.groups
            ],
            editable=editable,
            frozen=frozen,
            error_list=[
                (row.criterion, row_errors[row.criterion.pk])
                for row in sheet.rows
                if row.criterion.pk in row_errors
            ],
        ),
    )


def _refreshed(form: PeerSheetForm, sheet, conflicts: dict) -> PeerSheetForm:
    """The bound form again, with the current values of rows someone else saved meanwhile."""
    if not conflicts:
        return PeerSheetForm(form.data, sheet=sheet)
    data = form.data.copy()
    for criterion_id, current in conflicts.items():
        data[f"score_{criterion_id}"] = number_text(current.score) if current else ""
        data[f"comment_{criterion_id}"] = current.comment if current else ""
        data[f"revision_{criterion_id}"] = str(current.revision) if current else "0"
    refreshed = PeerSheetForm(data, sheet=sheet)
    refreshed.is_valid()
    return refreshed


def scoreboard_view(request, code: str, year: int):
    """Bảng điểm: totals, ranks and their change, the sensitivity table and a chart."""
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    frozen = access.is_ranking_frozen(cluster_year)
    if not access.can_see_scoreboard(request.user, cluster_year, frozen=frozen):
        if not (
            roles.reads_everything(request.user) or access.is_member(request.user, cluster_year)
        ):
            raise Http404
        # Members and central roles: nothing before the freeze (no interim standings).
        return render(
            request,
            "clusters/scoring/scoreboard_pending.html",
            _context(request, cluster_year),
        )
    can_manage = access.can_manage_cluster_year(request.user, cluster_year)
    board = scoreboard(cluster_year=cluster_year)
    return render(
        request,
        "clusters/scoring/scoreboard.html",
        _context(
            request,
            cluster_year,
            board=board,
            flags=reciprocity_flags(cluster_year=cluster_year) if can_manage else None,
            scoring=scoring_settings_for(cluster_year) if can_manage else None,
            can_freeze=can_manage
            and not board.frozen
            and cluster_year.phase in (Phase.VERIFICATION, Phase.REVIEW),
        ),
    )


@require_POST
def ranking_freeze_view(request, code: str, year: int):
    cluster_year = _managed_year(request, code, year)
    try:
        frozen = ranking_freeze(cluster_year=cluster_year, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("Đã chốt kết quả xếp hạng. Mã băm SHA-256: %(sha)s") % {"sha": frozen.sha256},
        )
    return redirect("clusters:scoreboard", code, year)


@require_POST
def ranking_verify_view(request, code: str, year: int):
    """Kiểm tra tính toàn vẹn: recompute from the stored inputs, compare output and hash."""
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not access.can_see_scoreboard(request.user, cluster_year):
        raise Http404
    frozen = RankingSnapshot.objects.filter(cluster_year=cluster_year).first()
    if frozen is None:
        messages.error(request, _("Kết quả xếp hạng chưa được chốt."))
    elif ranking_verify(snapshot=frozen):
        messages.success(
            request,
            _(
                "Toàn vẹn: tính lại từ dữ liệu đầu vào đã lưu cho đúng kết quả đã chốt "
                "và đúng mã băm SHA-256 %(sha)s."
            )
            % {"sha": frozen.sha256},
        )
    else:
        messages.error(
            request,
            _(
                "KHÔNG toàn vẹn: dữ liệu đã chốt không còn khớp với mã băm hoặc không tính lại "
                "ra đúng kết quả. Vui lòng báo quản trị hệ thống."
            ),
        )
    return redirect("clusters:scoreboard", code, year)
