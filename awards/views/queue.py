"""Hàng chờ thẩm định: the Central Board's review queue, assignment and XLSX export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from .. import access
from ..exports import XLSX_CONTENT_TYPE, queue_workbook
from ..forms import AssignForm, BulkAssignForm, QueueFilterForm
from ..selectors import review_queue
from ..services.nominations import reviewer_assign
from ._util import flash_errors

PAGE_SIZE = 30


def _require_queue(user) -> None:
    if not access.can_see_queue(user):
        raise PermissionDenied


@require_safe
def queue(request):
    _require_queue(request.user)
    form = QueueFilterForm(request.GET or None)
    rows = review_queue(user=request.user, filters=form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "awards/review_queue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_review": access.can_review(request.user),
            "assign_form": AssignForm(),
            "today": timezone.localdate(),
        },
    )


@require_safe
def queue_export(request):
    """Danh sách đề nghị khen thưởng (XLSX) of every row the filters select, not one page."""
    _require_queue(request.user)
    form = QueueFilterForm(request.GET or None)
    rows = review_queue(user=request.user, filters=form.filters())
    content = queue_workbook(rows, title=_("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="danh-sach-de-nghi-khen-thuong-{stamp}.xlsx"'
    )
    return response


@require_POST
def queue_assign(request):
    """Assigns the ticked nominations to one reviewer (or clears the assignment)."""
    _require_queue(request.user)
    back = reverse("awards:queue") + (
        f"?{request.POST['next_query']}" if request.POST.get("next_query") else ""
    )
    form = BulkAssignForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    chosen = access.nominations_visible_to(request.user).filter(
        pk__in=form.cleaned_data["nominations"]
    )
    reviewer = form.cleaned_data["reviewer"]
    try:
        changed = reviewer_assign(nominations=list(chosen), reviewer=reviewer, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        if reviewer:
            messages.success(
                request,
                ngettext(
                    "Đã giao %(n)s hồ sơ cho %(name)s.",
                    "Đã giao %(n)s hồ sơ cho %(name)s.",
                    changed,
                )
                % {"n": changed, "name": reviewer.display_name},
            )
        else:
            messages.success(request, _("Đã bỏ giao %(n)s hồ sơ.") % {"n": changed})
    return redirect(back)
