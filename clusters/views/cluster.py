"""Cluster pages: list, a cluster over the years, one cluster-year with its phase and calendar."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, selectors
from ..forms.year import CalendarForm, PhaseMoveForm
from ..models import PledgeSignature
from ..selectors.results import progress_board
from ..selectors.year import phase_history, year_status
from ..services.phase import calendar_set, cluster_year_move_phase
from ._util import flash_errors, form_add_service_error


def cluster_list(request):
    clusters = selectors.cluster_list(user=request.user)
    return render(request, "clusters/cluster_list.html", {"clusters": clusters})


def cluster_detail(request, code: str):
    cluster = access.cluster_for_user(request.user, code)
    years = selectors.cluster_detail(cluster=cluster)
    return render(request, "clusters/cluster_detail.html", {"cluster": cluster, "years": years})


def cluster_year_detail(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    members, leaderships = selectors.cluster_year_page(cluster_year=cluster_year)
    overview = selectors.cluster_year_overview(cluster_year=cluster_year, members=members)
    status = year_status(cluster_year=cluster_year)
    can_manage = access.can_manage_cluster_year(request.user, cluster_year)
    signatures = {
        s.province_id: s
        for s in PledgeSignature.objects.filter(cluster_year=cluster_year).select_related(
            "signed_by"
        )
    }
    return render(
        request,
        "clusters/cluster_year_detail.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "members": members,
            "leaderships": leaderships,
            "overview": overview,
            "status": status,
            "signatures": signatures,
            "can_manage": can_manage,
            "is_member": access.is_member(request.user, cluster_year),
            "board": progress_board(cluster_year=cluster_year) if can_manage else None,
            "phase_form": PhaseMoveForm(moves=status.moves) if can_manage else None,
            "history": phase_history(cluster_year=cluster_year, limit=5) if can_manage else (),
        },
    )


@require_POST
def phase_move(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not access.can_manage_cluster_year(request.user, cluster_year):
        raise PermissionDenied
    status = year_status(cluster_year=cluster_year)
    form = PhaseMoveForm(request.POST, moves=status.moves)
    if not form.is_valid():
        messages.error(request, _("Giai đoạn chọn không hợp lệ."))
        return redirect("clusters:year", code, year)
    try:
        cluster_year_move_phase(
            cluster_year=cluster_year,
            to_phase=form.cleaned_data["to_phase"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("Đã chuyển sang giai đoạn “%(phase)s”.")
            % {"phase": cluster_year.get_phase_display()},
        )
    return redirect("clusters:year", code, year)


def calendar_edit(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not access.can_manage_cluster_year(request.user, cluster_year):
        raise PermissionDenied
    status = year_status(cluster_year=cluster_year)
    windows = {step.phase: step.window for step in status.steps if step.window}
    form = CalendarForm(request.POST or None, windows=windows)
    if request.method == "POST" and form.is_valid():
        try:
            calendar_set(cluster_year=cluster_year, actor=request.user, windows=form.windows())
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu lịch các giai đoạn."))
            return redirect("clusters:year", code, year)
    return render(
        request,
        "clusters/calendar_edit.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "form": form,
            "status": status,
        },
    )
