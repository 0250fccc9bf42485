"""Báo cáo: request year-end documents, watch their progress, download them; narrative sections."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import access
from ..models import JobStatus, NarrativeSection, ReportFile, ReportJob, ReportKind
from ..selectors.year import year_status
from ..services.narrative import narrative_delete, narrative_save
from ..services.reports import report_request, report_retry
from ._util import flash_errors, form_add_service_error


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại báo cáo"),
        choices=ReportKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    draft = forms.BooleanField(
        label=gettext_lazy("Bản dự thảo (khi chưa chốt kết quả xếp hạng)"), required=False
    )
    force = forms.BooleanField(label=gettext_lazy("Tạo lại dù dữ liệu không đổi"), required=False)


class NarrativeForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tiêu đề mục"), max_length=300)
    body = forms.CharField(label=gettext_lazy("Nội dung"), widget=forms.Textarea(attrs={"rows": 8}))
    position = forms.IntegerField(label=gettext_lazy("Thứ tự"), min_value=0, initial=0)


def reports_page(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    jobs = list(
        ReportJob.objects.filter(cluster_year=cluster_year)
        .select_related("requested_by")
        .prefetch_related("files")
        .order_by("-created_at")[:30]
    )
    can_request = access.can_request_reports(request.user, cluster_year)
    return render(
        request,
        "clusters/reports/reports.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "status": year_status(cluster_year=cluster_year),
            "jobs": jobs,
            "form": ReportRequestForm() if can_request else None,
            "can_request": can_request,
            "can_manage": access.can_manage_cluster_year(request.user, cluster_year),
            "sections": NarrativeSection.objects.filter(cluster_year=cluster_year),
            "frozen": hasattr(cluster_year, "ranking"),
        },
    )


@require_POST
def report_request_view(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    form = ReportRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng chọn loại báo cáo."))
        return redirect("clusters:reports", code, year)
    try:
        job = report_request(
            cluster_year=cluster_year,
            kind=form.cleaned_data["kind"],
            actor=request.user,
            draft=form.cleaned_data["draft"],
            force=form.cleaned_data["force"],
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        if job.status == JobStatus.SUCCEEDED:
            messages.info(
                request, _("Dữ liệu không thay đổi từ lần tạo trước: dùng lại các tệp đã có.")
            )
        else:
            messages.success(
                request, _("Đã xếp yêu cầu vào hàng đợi. Trang sẽ tự cập nhật tiến độ.")
            )
    return redirect("clusters:reports", code, year)


def report_job_status(request, pk: int):
    """The job's row (htmx polls it every two seconds while it is queued or running)."""
    job = access.report_job_for_user(request.user, pk)
    return render(
        request,
        "clusters/reports/job_row.html",
        {
            "job": job,
            "cluster": job.cluster_year.cluster,
            "cluster_year": job.cluster_year,
            "can_request": access.can_request_reports(request.user, job.cluster_year),
        },
    )


@require_POST
def report_retry_view(request, pk: int):
    job = access.report_job_for_user(request.user, pk)
    try:
        report_retry(job=job, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied:
        raise
    else:
        messages.success(request, _("Đã xếp lại yêu cầu vào hàng đợi."))
    return redirect("clusters:reports", job.cluster_year.cluster.code, job.cluster_year.year)


def report_file_download(request, pk: int):
    report_file = ReportFile.objects.select_related("job").filter(pk=pk).first()
    if report_file is None:
        raise Http404
    job = access.report_job_for_user(request.user, report_file.job_id)
    response = FileResponse(
        report_file.file.open("rb"),
        content_type=report_file.content_type,
        as_attachment=True,
        # The cluster's code keeps the downloads of different clusters apart.
        filename=f"{job.cluster_year.cluster.code}-{report_file.filename}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def narrative_edit(request, code: str, year: int, pk: int | None = None):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not access.can_manage_cluster_year(request.user, cluster_year):
        raise PermissionDenied
    section = None
    if pk is not None:
        section = NarrativeSection.objects.filter(cluster_year=cluster_year, pk=pk).first()
        if section is None:
            raise Http404
    initial = (
        {"title": section.title, "body": section.body, "position": section.position}
        if section
        else {}
    )
    form = NarrativeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("delete") and section is not None:
            narrative_delete(section=section, actor=request.user)
            messages.success(request, _("Đã xóa mục nội dung."))
            return redirect("clusters:reports", code, year)
        if form.is_valid():
            try:
                narrative_save(
                    cluster_year=cluster_year,
                    actor=request.user,
                    section=section,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Đã lưu mục nội dung báo cáo."))
                return redirect("clusters:reports", code, year)
    return render(
        request,
        "clusters/reports/narrative_form.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "form": form,
            "section": section,
            "status": year_status(cluster_year=cluster_year),
        },
    )
