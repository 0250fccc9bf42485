"""The criteria table: view, edit (coordinator), copy from last year, versions and their diff."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access
from ..forms.pledge import CriterionForm
from ..models import ClusterYear, CriteriaTable, CriteriaVersion, Criterion
from ..selectors.year import year_status
from ..services.criteria import (
    criteria_table_copy,
    criterion_retire,
    criterion_save,
    table_check,
    versions_diff_with_results,
)
from ._util import flash_errors, form_add_service_error


def _context(cluster_year, **extra):
    return {
        "cluster_year": cluster_year,
        "cluster": cluster_year.cluster,
        "status": year_status(cluster_year=cluster_year),
        **extra,
    }


def _previous_table(cluster_year: ClusterYear) -> CriteriaTable | None:
    return (
        CriteriaTable.objects.filter(
            cluster_year__cluster=cluster_year.cluster, cluster_year__year__lt=cluster_year.year
        )
        .select_related("cluster_year")
        .order_by("-cluster_year__year")
        .first()
    )


def criteria_table(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    table = CriteriaTable.objects.filter(cluster_year=cluster_year).first()
    can_manage = access.can_manage_cluster_year(request.user, cluster_year)
    groups, check, versions = [], None, []
    if table is not None:
        criteria = list(
            Criterion.objects.filter(table=table)
            .select_related("group")
            .order_by("group__position", "group__code", "position", "code")
        )
        for criterion in criteria:
            if not groups or groups[-1]["group"].pk != criterion.group_id:
                groups.append({"group": criterion.group, "criteria": []})
            groups[-1]["criteria"].append(criterion)
        check = table_check(table)
        versions = list(table.versions.select_related("created_by").order_by("-number"))
    return render(
        request,
        "clusters/criteria_table.html",
        _context(
            cluster_year,
            table=table,
            groups=groups,
            check=check,
            versions=versions,
            can_manage=can_manage,
            previous=_previous_table(cluster_year) if can_manage and table is None else None,
            signed=cluster_year.signatures.exists(),
        ),
    )


@require_POST
def criteria_copy(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not access.can_manage_cluster_year(request.user, cluster_year):
        raise PermissionDenied
    source = _previous_table(cluster_year)
    if source is None:
        messages.error(request, _("Không có bảng tiêu chí của năm trước để sao chép."))
    else:
        try:
            criteria_table_copy(cluster_year=cluster_year, source=source, actor=request.user)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(
                request,
                _("Đã sao chép bảng tiêu chí năm %(year)s.") % {"year": source.cluster_year.year},
            )
    return redirect("clusters:criteria", code, year)


def criterion_edit(request, code: str, year: int, pk: int | None = None):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not access.can_manage_cluster_year(request.user, cluster_year):
        raise PermissionDenied
    table = CriteriaTable.objects.filter(cluster_year=cluster_year).first()
    if table is None:
        raise Http404
    criterion = None
    if pk is not None:
        criterion = Criterion.objects.filter(table=table, pk=pk).first()
        if criterion is None:
            raise Http404
    form = CriterionForm(request.POST or None, instance=criterion, table=table)
    if request.method == "POST" and form.is_valid():
        try:
            criterion_save(
                table=table,
                actor=request.user,
                values=form.values(),
                criterion=criterion,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu tiêu chí."))
            return redirect("clusters:criteria", code, year)
    return render(
        request,
        "clusters/criterion_form.html",
        _context(
            cluster_year, form=form, criterion=criterion, signed=cluster_year.signatures.exists()
        ),
    )


@require_POST
def criterion_remove(request, code: str, year: int, pk: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not access.can_manage_cluster_year(request.user, cluster_year):
        raise PermissionDenied
    criterion = Criterion.objects.filter(table__cluster_year=cluster_year, pk=pk).first()
    if criterion is None:
        raise Http404
    try:
        criterion_retire(
            criterion=criterion, actor=request.user, reason=request.POST.get("reason", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        if isinstance(exc, PermissionDenied):
            messages.error(request, str(exc))
        else:
            flash_errors(request, exc)
    else:
        messages.success(request, _("Đã bỏ tiêu chí %(code)s.") % {"code": criterion.code})
    return redirect("clusters:criteria", code, year)


def criteria_diff(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    table = CriteriaTable.objects.filter(cluster_year=cluster_year).first()
    if table is None:
        raise Http404
    versions = {v.number: v for v in CriteriaVersion.objects.filter(table=table)}
    try:
        older = versions[int(request.GET.get("from", 1))]
        newer = versions[int(request.GET.get("to", table.version))]
    except (KeyError, ValueError):
        raise Http404 from None
    changes = versions_diff_with_results(table=table, older=older, newer=newer)
    return render(
        request,
        "clusters/criteria_diff.html",
        _context(
            cluster_year,
            table=table,
            older=older,
            newer=newer,
            changes=changes,
            versions=sorted(versions.values(), key=lambda v: v.number),
        ),
    )
