"""Results entry (Kết quả thực hiện), evidence files, submission, return and progress."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import history_for
from provinces.models import Province

from .. import access
from ..forms.results import EvidenceForm, ResultForm, ReturnForm
from ..models import Criterion, Evidence, Phase, Result, SubmissionStatus
from ..selectors.results import SheetRow, progress_board, results_sheet
from ..selectors.year import year_status
from ..services.errors import ConcurrentEditError
from ..services.evidence import evidence_add, evidence_remove, evidence_replace
from ..services.results import (
    result_ensure,
    result_save,
    result_submit,
    submission_missing,
    submission_return,
)
from ._util import error_messages, flash_errors


def _editable(cluster_year, sheet) -> bool:
    locked = sheet.submission is not None and sheet.submission.status == SubmissionStatus.SUBMITTED
    returned_late = (
        sheet.submission is not None
        and sheet.submission.status == SubmissionStatus.RETURNED
        and cluster_year.phase == Phase.VERIFICATION
    )
    return not locked and (cluster_year.phase == Phase.RESULTS or returned_late)


def results_entry(request, code: str, year: int):
    cluster_year = access.member_cluster_year_for_user(request.user, code, year)
    sheet = results_sheet(cluster_year=cluster_year, province_id=request.user.province_id)
    return render(
        request,
        "clusters/results_entry.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "status": year_status(cluster_year=cluster_year),
            "sheet": sheet,
            "province": request.user.province,
            "editable": _editable(cluster_year, sheet),
        },
    )


def _row_for(sheet, criterion_id: int) -> SheetRow:
    for row in sheet.rows:
        if row.criterion.pk == criterion_id:
            return row
    raise Http404


@require_POST
def result_row_save(request, code: str, year: int, criterion_id: int):
    """Saves one criterion's row ("Lưu nháp"); htmx gets the row and totals back."""
    cluster_year = access.member_cluster_year_for_user(request.user, code, year)
    criterion = (
        Criterion.objects.filter(table__cluster_year=cluster_year, pk=criterion_id)
        .select_related("table")
        .first()
    )
    if criterion is None:
        raise Http404
    form = ResultForm(request.POST)
    notice, problem = "", ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            result_save(
                cluster_year=cluster_year,
                criterion=criterion,
                actor=request.user,
                expected_revision=data["revision"],
                achieved_value=data["achieved_value"],
                self_score=data["self_score"],
                explanation=data["explanation"],
                override_reason=data["override_reason"],
            )
        except ConcurrentEditError as exc:
            problem = " ".join(error_messages(exc))
            form = None  # show the current values, never the stale ones
        except ValidationError as exc:
            problem = " ".join(error_messages(exc))
        except PermissionDenied as exc:
            problem = str(exc) or _("Bạn không có quyền thực hiện thao tác này.")
        else:
            notice = _("Đã lưu lúc %(time)s.") % {"time": _now_label()}
            form = None
    else:
        problem = _("Vui lòng sửa các ô được đánh dấu.")
    if not request.headers.get("HX-Request"):
        if problem:
            messages.error(request, f"{criterion.code}: {problem}")
        else:
            messages.success(request, f"{criterion.code}: {notice}")
        return redirect(
            reverse("clusters:results", args=[code, year]) + f"#criterion-{criterion.pk}"
        )
    sheet = results_sheet(cluster_year=cluster_year, province_id=request.user.province_id)
    return render(
        request,
        "clusters/partials/result_row_response.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "sheet": sheet,
            "row": _row_for(sheet, criterion.pk),
            "form": form,
            "notice": notice,
            "problem": problem,
            "editable": _editable(cluster_year, sheet),
        },
        status=200,
    )


def _now_label() -> str:
    from django.utils import timezone
    from django.utils.formats import time_format

    return time_format(timezone.localtime(), "H:i:s")


@require_POST
def evidence_upload(request, code: str, year: int, criterion_id: int):
    cluster_year = access.member_cluster_year_for_user(request.user, code, year)
    criterion = (
        Criterion.objects.filter(table__cluster_year=cluster_year, pk=criterion_id)
        .select_related("table")
        .first()
    )
    if criterion is None:
        raise Http404
    form = EvidenceForm(request.POST, request.FILES)
    anchor = reverse("clusters:results", args=[code, year]) + f"#criterion-{criterion.pk}"
    if not form.is_valid():
        messages.error(
            request, _("%(code)s: vui lòng chọn tệp minh chứng.") % {"code": criterion.code}
        )
        return redirect(anchor)
    try:
        result = result_ensure(cluster_year=cluster_year, criterion=criterion, actor=request.user)
        replace_id = request.POST.get("replace")
        if replace_id:
            old = Evidence.objects.filter(pk=replace_id, result=result).first()
            if old is None:
                raise Http404
            evidence_replace(evidence=old, upload=form.cleaned_data["file"], actor=request.user)
        else:
            evidence_add(result=result, upload=form.cleaned_data["file"], actor=request.user)
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, f"{criterion.code}: {message}")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(code)s: đã tải lên minh chứng.") % {"code": criterion.code})
    return redirect(anchor)


@require_POST
def evidence_delete(request, code: str, year: int, pk: int):
    cluster_year = access.member_cluster_year_for_user(request.user, code, year)
    evidence = access.evidence_for_user(request.user, pk)
    if evidence.result.cluster_year_id != cluster_year.pk:
        raise Http404
    try:
        evidence_remove(evidence=evidence, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Đã gỡ minh chứng “%(name)s” (tệp vẫn được lưu trong lịch sử).")
            % {"name": evidence.original_name},
        )
    return redirect(
        reverse("clusters:results", args=[code, year])
        + f"#criterion-{evidence.result.criterion_id}"
    )


def evidence_download(request, pk: int):
    """Streams an evidence file after the access check; MEDIA_ROOT has no public URL."""
    evidence = access.evidence_for_user(request.user, pk)
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=request.GET.get("inline") != "1"
        or evidence.content_type not in ("application/pdf", "image/png", "image/jpeg"),
        filename=evidence.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def result_history(request, code: str, year: int, province_id: int, criterion_id: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not access.can_read_province_results(request.user, cluster_year, province_id):
        raise Http404
    result = (
        Result.objects.filter(
            cluster_year=cluster_year, province_id=province_id, criterion_id=criterion_id
        )
        .select_related("criterion", "province")
        .first()
    )
    if result is None:
        raise Http404
    files = (
        Evidence.objects.filter(result=result)
        .select_related("uploaded_by")
        .order_by("-uploaded_at")
    )
    return render(
        request,
        "clusters/result_history.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "result": result,
            "entries": history_for(result),
            "files": files,
            "status": year_status(cluster_year=cluster_year),
        },
    )


def results_submit(request, code: str, year: int):
    cluster_year = access.member_cluster_year_for_user(request.user, code, year)
    if request.method == "POST":
        try:
            result_submit(cluster_year=cluster_year, actor=request.user)
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect("clusters:results_submit", code, year)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("clusters:results", code, year)
        messages.success(
            request,
            _("Đã nộp kết quả. Kết quả đã được khóa; chỉ Cụm trưởng trả lại thì mới sửa được."),
        )
        return redirect("clusters:results", code, year)
    sheet = results_sheet(cluster_year=cluster_year, province_id=request.user.province_id)
    return render(
        request,
        "clusters/results_submit.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "sheet": sheet,
            "missing": submission_missing(
                cluster_year=cluster_year, province_id=request.user.province_id
            ),
            "status": year_status(cluster_year=cluster_year),
            "editable": _editable(cluster_year, sheet),
        },
    )


def progress(request, code: str, year: int):
    """Tiến độ: the coordinator's (and central roles') board of every member's progress."""
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not (
        access.can_manage_cluster_year(request.user, cluster_year)
        or access.can_read_all_results(request.user, cluster_year)
    ):
        raise PermissionDenied
    return render(
        request,
        "clusters/progress.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "board": progress_board(cluster_year=cluster_year),
            "status": year_status(cluster_year=cluster_year),
            "can_manage": access.can_manage_cluster_year(request.user, cluster_year),
        },
    )


def province_results(request, code: str, year: int, province_id: int):
    """A member's results, read-only, for the coordinator and central roles (with "Trả lại")."""
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not access.can_read_province_results(request.user, cluster_year, province_id):
        raise Http404
    membership = (
        cluster_year.memberships.filter(province_id=province_id).select_related("province").first()
    )
    if membership is None:
        raise Http404
    sheet = results_sheet(cluster_year=cluster_year, province_id=province_id)
    can_return = (
        access.can_manage_cluster_year(request.user, cluster_year)
        and sheet.submission is not None
        and sheet.submission.status == SubmissionStatus.SUBMITTED
    )
    return render(
        request,
        "clusters/province_results.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "sheet": sheet,
            "province": membership.province,
            "can_return": can_return,
            "return_form": ReturnForm(),
            "status": year_status(cluster_year=cluster_year),
        },
    )


@require_POST
def submission_return_view(request, code: str, year: int, province_id: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not access.can_manage_cluster_year(request.user, cluster_year):
        raise PermissionDenied
    submission = cluster_year.submissions.filter(province_id=province_id).first()
    if submission is None:
        raise Http404
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng ghi lý do trả lại."))
    else:
        try:
            submission_return(
                submission=submission, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            province = Province.objects.get(pk=province_id)
            messages.success(
                request,
                _("Đã trả lại kết quả của %(province)s.") % {"province": province.full_name},
            )
    return redirect("clusters:province_results", code, year, province_id)
