"""The Excel round trip of results: template download, upload, and the cluster's export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from .. import access
from ..forms.results import ResultsWorkbookForm
from ..selectors.year import year_status
from ..services.errors import RuleError
from ..services.excel import (
    XLSX_CONTENT_TYPE,
    cluster_results_workbook,
    results_import_workbook,
    results_template_workbook,
)


def ascii_slug(text: str) -> str:
    """ "Đắk Lắk" → "dak-lak": đ has no decomposition, so slugify alone would drop it."""
    return slugify(text.replace("Đ", "D").replace("đ", "d"), allow_unicode=False)


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Results are not public: never kept by a shared cache or the browser.
    add_never_cache_headers(response)
    return response


@require_GET
def results_template_download(request, code: str, year: int):
    # Always the officer's own province: there is no way to ask for another's.
    cluster_year = access.member_cluster_year_for_user(request.user, code, year)
    province = request.user.province
    try:
        content = results_template_workbook(cluster_year=cluster_year, province=province)
    except RuleError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("clusters:year", code, year)
    return _xlsx_response(content, f"ket-qua-{cluster_year.year}-{ascii_slug(province.name)}.xlsx")


@require_http_methods(["GET", "POST"])
def results_import(request, code: str, year: int):
    cluster_year = access.member_cluster_year_for_user(request.user, code, year)
    report = None
    if request.method == "POST":
        form = ResultsWorkbookForm(request.POST, request.FILES)
        if form.is_valid():
            report = results_import_workbook(
                cluster_year=cluster_year, actor=request.user, file=form.cleaned_data["file"]
            )
            if report.ok:
                if report.saved:
                    messages.success(
                        request,
                        ngettext(
                            "Đã nhập %(n)s dòng kết quả từ tệp Excel.",
                            "Đã nhập %(n)s dòng kết quả từ tệp Excel.",
                            report.saved,
                        )
                        % {"n": report.saved},
                    )
                else:
                    messages.info(
                        request,
                        _(
                            "Tệp không có thay đổi nào so với kết quả trên cổng; không dòng nào được cập nhật."
                        ),
                    )
                return redirect("clusters:results", code, year)
    else:
        form = ResultsWorkbookForm()
    return render(
        request,
        "clusters/excel/results_import.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "status": year_status(cluster_year=cluster_year),
            "province": request.user.province,
            "form": form,
            "report": report,
        },
    )


@require_GET
def cluster_results_export(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    # The year's coordinator and the central roles read every member's results.
    if not access.can_read_all_results(request.user, cluster_year):
        raise PermissionDenied
    content = cluster_results_workbook(cluster_year=cluster_year)
    filename = f"ket-qua-cum-{ascii_slug(cluster_year.cluster.code)}-{cluster_year.year}.xlsx"
    return _xlsx_response(content, filename)
