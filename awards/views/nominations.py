"""Đề nghị khen thưởng: the province's list, the create form, and one nomination's page.

Every view: access (404 for what the user may not see) → form → service →
message → redirect. Services refuse wrong moves and wrong actors; the views
only offer what the user may do.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts import roles

from .. import access
from ..forms import (
    AssignForm,
    DocumentUploadForm,
    NominationForm,
    OfficerFilterForm,
    OverrideForm,
    ReviewNoteForm,
    move_form_class,
)
from ..models import (
    DECIDED_STATUSES,
    PROVINCE_MOVES,
    DossierDocument,
    NominationStatus,
    RequiredDocument,
    Source,
)
from ..selectors import dossier_checklist, nomination_thread, officer_nominations
from ..services.checks import rule_checks
from ..services.dossier import OTHER_CODE, dossier_remove, dossier_replace, dossier_upload
from ..services.nominations import (
    NOTE_STATUSES,
    nomination_create_manual,
    nomination_transition,
    nomination_update,
    review_note_add,
    reviewer_assign,
    rule_override_add,
)
from ._util import error_messages, flash_errors, form_add_service_error

S = NominationStatus
PAGE_SIZE = 30
# The button of each move, in the order they are offered.
MOVE_BUTTONS = {
    S.SUBMITTED: (gettext_lazy("Gửi hồ sơ"), "danger"),
    S.RESUBMITTED: (gettext_lazy("Gửi lại"), "danger"),
    S.IN_REVIEW: (gettext_lazy("Bắt đầu thẩm định"), "primary"),
    S.ACCEPTED: (gettext_lazy("Chấp nhận hồ sơ"), "success"),
    S.RETURNED: (gettext_lazy("Trả lại hồ sơ"), "warning"),
    S.FORWARDED: (gettext_lazy("Trình Hội đồng"), "success"),
    S.APPROVED: (gettext_lazy("Ghi quyết định khen thưởng"), "success"),
    S.NOT_APPROVED: (gettext_lazy("Ghi kết quả không khen thưởng"), "secondary"),
    S.REVOKED: (gettext_lazy("Thu hồi khen thưởng"), "danger"),
}
SUCCESS = {
    S.SUBMITTED: gettext_lazy("Đã gửi hồ sơ tới Ban Thi đua - Khen thưởng Trung ương."),
    S.RESUBMITTED: gettext_lazy("Đã gửi lại hồ sơ."),
    S.IN_REVIEW: gettext_lazy("Đã chuyển hồ sơ sang đang thẩm định."),
    S.RETURNED: gettext_lazy("Đã trả lại hồ sơ cho tỉnh."),
    S.ACCEPTED: gettext_lazy("Đã chấp nhận hồ sơ."),
    S.FORWARDED: gettext_lazy("Đã trình Hội đồng Thi đua - Khen thưởng Trung ương."),
    S.APPROVED: gettext_lazy("Đã ghi quyết định khen thưởng."),
    S.NOT_APPROVED: gettext_lazy("Đã ghi kết quả không khen thưởng."),
    S.REVOKED: gettext_lazy("Đã ghi thu hồi khen thưởng."),
}


COMMENT_LABELS = {
    S.SUBMITTED: gettext_lazy("Ghi chú gửi kèm (không bắt buộc)"),
    S.RESUBMITTED: gettext_lazy("Nội dung đã bổ sung, sửa đổi (không bắt buộc)"),
}


def _move_form(to_status: str, data=None):
    form = move_form_class(to_status)(data, prefix=f"move-{to_status}")
    comment = form.fields.get("comment")
    if comment is not None and not comment.required:
        comment.label = COMMENT_LABELS.get(to_status, _("Ghi chú (không bắt buộc)"))
    return form


@require_safe
def nomination_list(request):
    """The officer's "Đề nghị khen thưởng" (central roles go to the review queue)."""
    if access.can_see_queue(request.user) and not roles.is_officer(request.user):
        return redirect("awards:queue")
    if not roles.is_officer(request.user):
        raise PermissionDenied
    years = sorted({cy.year for cy in access.proposable_cluster_years(request.user)}, reverse=True)
    form = OfficerFilterForm(request.GET or None, years=years)
    data = form.cleaned_data if form.is_valid() else {}
    rows = officer_nominations(
        user=request.user, year=data.get("year"), status=data.get("status") or ""
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "awards/nomination_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def nomination_create(request):
    if not access.can_propose(request.user):
        raise PermissionDenied
    cluster_years = list(access.proposable_cluster_years(request.user))
    form = NominationForm(request.POST or None, cluster_years=cluster_years)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination = nomination_create_manual(
                actor=request.user,
                cluster_year=data["cluster_year"],
                honour=data["honour"],
                subject_kind=data["subject_kind"],
                subject_name=data["subject_name"],
                position_or_unit=data["position_or_unit"],
                achievements=data["achievements"],
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Đã lập đề nghị. Vui lòng tải lên các tài liệu của hồ sơ rồi gửi.")
            )
            return redirect("awards:nomination", nomination.pk)
    return render(request, "awards/nomination_form.html", {"form": form, "nomination": None})


def nomination_edit(request, pk: int):
    nomination = access.nomination_for_user(request.user, pk)
    if not access.can_edit(request.user, nomination):
        # Reviewers never change what a province sent; nobody changes a sent dossier.
        raise PermissionDenied
    fixed = nomination.source == Source.BALLOT
    initial = {
        "subject_kind": nomination.subject_kind,
        "subject_name": nomination.subject_name,
        "position_or_unit": nomination.position_or_unit,
        "achievements": nomination.achievements,
    }
    form = NominationForm(request.POST or None, initial=initial, fixed_subject=fixed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination_update(
                nomination=nomination,
                actor=request.user,
                subject_kind=None if fixed else data["subject_kind"],
                subject_name=None if fixed else data["subject_name"],
                position_or_unit=data["position_or_unit"],
                achievements=data["achievements"],
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu nội dung đề nghị."))
            return redirect("awards:nomination", nomination.pk)
    return render(request, "awards/nomination_form.html", {"form": form, "nomination": nomination})


def _moves_for(user, nomination) -> list[str]:
    """The moves this user may offer from the current state, in button order."""
    allowed = [s for s in MOVE_BUTTONS if nomination.can_move_to(s)]
    if access.can_send(user, nomination):
        return [s for s in allowed if s in PROVINCE_MOVES]
    if access.can_review(user):
        return [s for s in allowed if s not in PROVINCE_MOVES]
    return []


def _detail(request, nomination, *, bound_move: tuple[str, object] | None = None, status=200):
    user = request.user
    checklist = dossier_checklist(nomination=nomination)
    editable = access.can_edit(user, nomination)
    reviewing = access.can_review(user) and nomination.status in NOTE_STATUSES
    codes = [(row.code, row.title) for row in checklist if row.code != OTHER_CODE]
    moves = []
    for to_status in _moves_for(user, nomination):
        label, colour = MOVE_BUTTONS[to_status]
        if bound_move and bound_move[0] == to_status:
            form = bound_move[1]
        else:
            form = _move_form(to_status)
        moves.append({"to": to_status, "label": label, "colour": colour, "form": form})
    checks = rule_checks(nomination=nomination)
    return render(
        request,
        "awards/nomination_detail.html",
        {
            "nomination": nomination,
            "rule_set": nomination.rule_set,
            "checklist": checklist,
            "titles": {row.code: row.title for row in checklist},
            "checks": checks,
            "thread": nomination_thread(nomination=nomination),
            "editable": editable,
            "reviewing": reviewing,
            "can_review": access.can_review(user),
            "can_override": access.can_review(user) and nomination.status in NOTE_STATUSES,
            "upload_form": DocumentUploadForm(codes=codes) if editable else None,
            "note_form": ReviewNoteForm() if reviewing else None,
            "assign_form": AssignForm(initial={"reviewer": nomination.assigned_reviewer_id})
            if access.can_review(user) and nomination.status not in DECIDED_STATUSES
            else None,
            "override_form": OverrideForm(),
            "moves": moves,
            "has_move_errors": bool(bound_move),
        },
        status=status,
    )


@require_safe
def nomination_detail(request, pk: int):
    nomination = access.nomination_for_user(request.user, pk)
    return _detail(request, nomination)


@require_POST
def nomination_move(request, pk: int, to_status: str):
    """One move of the workflow; a refused move shows the page again with the reason."""
    nomination = access.nomination_for_user(request.user, pk)
    if to_status not in NominationStatus.values:
        raise Http404
    form = _move_form(to_status, request.POST)
    if not form.is_valid():
        return _detail(request, nomination, bound_move=(to_status, form), status=400)
    data = dict(form.cleaned_data)
    comment = data.pop("comment", "") or ""
    try:
        nomination_transition(
            nomination=nomination, to_status=to_status, actor=request.user, comment=comment, **data
        )
    except ValidationError as exc:
        form_add_service_error(form, exc)
        nomination.refresh_from_db()
        return _detail(request, nomination, bound_move=(to_status, form), status=400)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))
        return redirect("awards:nomination", nomination.pk)
    messages.success(request, SUCCESS[to_status])
    return redirect("awards:nomination", nomination.pk)


def _anchor(nomination, code: str = "") -> str:
    url = reverse("awards:nomination", args=[nomination.pk])
    return f"{url}#doc-{code}" if code else url


@require_POST
def document_upload(request, pk: int):
    nomination = access.nomination_for_user(request.user, pk)
    codes = list(
        RequiredDocument.objects.filter(rule_set_id=nomination.rule_set_id).values_list(
            "code", "title"
        )
    )
    form = DocumentUploadForm(request.POST, request.FILES, codes=codes)
    if not form.is_valid():
        for message in [m for errors in form.errors.values() for m in errors]:
            messages.error(request, message)
        return redirect(_anchor(nomination, request.POST.get("requirement_code", "")))
    code = form.cleaned_data["requirement_code"]
    upload = form.cleaned_data["file"]
    try:
        replace_id = form.cleaned_data.get("replace")
        if replace_id:
            old = (
                DossierDocument.objects.current()
                .filter(pk=replace_id, nomination=nomination)
                .first()
            )
            if old is None:
                raise Http404
            dossier_replace(document=old, upload=upload, actor=request.user)
        else:
            dossier_upload(
                nomination=nomination, requirement_code=code, upload=upload, actor=request.user
            )
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã tải lên “%(name)s”.") % {"name": upload.name})
    return redirect(_anchor(nomination, code))


@require_POST
def document_remove(request, pk: int, document_id: int):
    nomination = access.nomination_for_user(request.user, pk)
    document = (
        DossierDocument.objects.current().filter(pk=document_id, nomination=nomination).first()
    )
    if document is None:
        raise Http404
    try:
        dossier_remove(document=document, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Đã gỡ “%(name)s” khỏi hồ sơ (tệp vẫn được lưu trong lịch sử).")
            % {"name": document.original_name},
        )
    return redirect(_anchor(nomination, document.requirement_code))


@require_safe
def document_download(request, pk: int):
    """Streams a dossier file after the access check; MEDIA_ROOT has no public URL."""
    document = access.document_for_user(request.user, pk)
    inline = request.GET.get("inline") == "1" and document.content_type in (
        "application/pdf",
        "image/png",
        "image/jpeg",
    )
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=not inline,
        filename=document.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
def note_add(request, pk: int):
    nomination = access.nomination_for_user(request.user, pk)
    form = ReviewNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng chọn đánh giá."))
        return redirect(_anchor(nomination))
    data = form.cleaned_data
    document = None
    if data.get("document"):
        document = DossierDocument.objects.filter(
            pk=data["document"], nomination=nomination
        ).first()
        if document is None:
            raise Http404
    try:
        review_note_add(
            nomination=nomination,
            actor=request.user,
            verdict=data["verdict"],
            comment=data["comment"],
            requirement_code=data.get("requirement_code") or "",
            document=document,
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã ghi ý kiến thẩm định."))
    code = document.requirement_code if document else data.get("requirement_code") or ""
    return redirect(_anchor(nomination, code))


@require_POST
def override_add(request, pk: int):
    nomination = access.nomination_for_user(request.user, pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        for message in error_messages(ValidationError(form.errors)):
            messages.error(request, message)
        return redirect(_anchor(nomination) + "#checks")
    try:
        rule_override_add(
            nomination=nomination,
            actor=request.user,
            rule_code=form.cleaned_data["rule_code"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã ghi lý do bỏ qua cảnh báo."))
    return redirect(_anchor(nomination) + "#checks")


@require_POST
def assign(request, pk: int):
    nomination = access.nomination_for_user(request.user, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng chọn chuyên viên."))
        return redirect(_anchor(nomination))
    reviewer = form.cleaned_data["reviewer"]
    try:
        reviewer_assign(nominations=[nomination], reviewer=reviewer, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        if reviewer:
            messages.success(
                request, _("Đã giao cho %(name)s thẩm định.") % {"name": reviewer.display_name}
            )
        else:
            messages.success(request, _("Đã bỏ giao chuyên viên."))
    return redirect(_anchor(nomination))
