"""The pledge: text, targets, signatures, and the signed pledge as DOCX."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles

from .. import access
from ..forms.pledge import PledgeForm, TargetForm
from ..models import Criterion, Phase, Pledge, PledgeSignature
from ..selectors.results import targets_matrix
from ..selectors.year import year_status
from ..services.errors import ConcurrentEditError
from ..services.pledge import missing_targets, pledge_save, pledge_sign, target_set
from ._util import flash_errors, form_add_service_error


def _base(request, code, year):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    return cluster_year, {
        "cluster_year": cluster_year,
        "cluster": cluster_year.cluster,
        "status": year_status(cluster_year=cluster_year),
    }


def pledge_detail(request, code: str, year: int):
    cluster_year, context = _base(request, code, year)
    pledge = Pledge.objects.filter(cluster_year=cluster_year).first()
    signatures = list(
        PledgeSignature.objects.filter(cluster_year=cluster_year).select_related(
            "province", "signed_by"
        )
    )
    criteria, members, values = targets_matrix(cluster_year=cluster_year)
    is_member = access.is_member(request.user, cluster_year)
    own_id = request.user.province_id if is_member else None
    own_signed = any(s.province_id == own_id for s in signatures)
    own_targets = [(c, values.get(own_id, {}).get(c.pk)) for c in criteria] if is_member else []
    context.update(
        pledge=pledge,
        signatures=signatures,
        signed_ids={s.province_id for s in signatures},
        criteria=criteria,
        members=members,
        values=values,
        is_member=is_member,
        own_signed=own_signed,
        own_targets=own_targets,
        targets_editable=is_member and not own_signed and cluster_year.phase == Phase.PLEDGE,
        can_sign=is_member
        and not own_signed
        and cluster_year.phase == Phase.PLEDGE
        and pledge is not None,
        missing=missing_targets(cluster_year=cluster_year, province_id=own_id) if is_member else [],
        can_manage=access.can_manage_cluster_year(request.user, cluster_year),
    )
    return render(request, "clusters/pledge_detail.html", context)


def pledge_edit(request, code: str, year: int):
    cluster_year, context = _base(request, code, year)
    if not access.can_manage_cluster_year(request.user, cluster_year):
        raise PermissionDenied
    pledge = Pledge.objects.filter(cluster_year=cluster_year).first()
    initial = {}
    if pledge is not None:
        initial = {
            "title": pledge.title,
            "articles": pledge.articles,
            "signing_place": pledge.signing_place,
            "signing_date": pledge.signing_date,
            "revision": pledge.revision,
        }
    else:
        initial = {
            "title": _("Giao ước thi đua năm %(year)s") % {"year": cluster_year.year},
            "articles": _(
                "Điều 1. Các tỉnh trong Cụm thống nhất thực hiện các nội dung thi đua theo bảng tiêu chí kèm theo.\nĐiều 2. Các tỉnh tự chấm điểm, có minh chứng và chịu trách nhiệm về số liệu báo cáo.\nĐiều 3. Giao ước có hiệu lực kể từ ngày ký."
            ),
            "revision": 0,
        }
    form = PledgeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pledge_save(
                cluster_year=cluster_year,
                actor=request.user,
                title=data["title"],
                articles=data["articles"],
                signing_place=data["signing_place"],
                signing_date=data["signing_date"],
                expected_revision=data.get("revision"),
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu nội dung giao ước."))
            return redirect("clusters:pledge", code, year)
    context.update(form=form)
    return render(request, "clusters/pledge_form.html", context)


@require_POST
def target_save(request, code: str, year: int, criterion_id: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not roles.is_officer(request.user):
        raise PermissionDenied
    criterion = (
        Criterion.objects.filter(table__cluster_year=cluster_year, pk=criterion_id)
        .select_related("table")
        .first()
    )
    if criterion is None:
        raise Http404
    form = TargetForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{criterion.code}: {error}")
        return redirect("clusters:pledge", code, year)
    try:
        target_set(
            cluster_year=cluster_year,
            criterion=criterion,
            actor=request.user,
            value=form.cleaned_data["value"],
            note=form.cleaned_data["note"],
            expected_revision=form.cleaned_data.get("revision"),
        )
    except ConcurrentEditError as exc:
        flash_errors(request, exc)
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))
    else:
        messages.success(request, _("Đã lưu chỉ tiêu %(code)s.") % {"code": criterion.code})
    return redirect(reverse("clusters:pledge", args=[code, year]) + "#targets")


def pledge_sign_view(request, code: str, year: int):
    cluster_year, context = _base(request, code, year)
    if not access.is_member(request.user, cluster_year):
        raise PermissionDenied
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Vui lòng đánh dấu xác nhận trước khi ký."))
            return redirect("clusters:pledge_sign", code, year)
        try:
            pledge_sign(cluster_year=cluster_year, actor=request.user)
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect("clusters:pledge", code, year)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("clusters:pledge", code, year)
        messages.success(request, _("Tỉnh của bạn đã ký kết giao ước thi đua."))
        return redirect("clusters:pledge", code, year)
    context.update(
        pledge=Pledge.objects.filter(cluster_year=cluster_year).first(),
        missing=missing_targets(cluster_year=cluster_year, province_id=request.user.province_id),
    )
    return render(request, "clusters/pledge_sign.html", context)


def pledge_download(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not PledgeSignature.objects.filter(cluster_year=cluster_year).exists():
        messages.error(request, _("Chưa có tỉnh nào ký giao ước."))
        return redirect("clusters:pledge", code, year)
    from ..documents.pledge import pledge_docx

    content = pledge_docx(cluster_year=cluster_year)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="giao-uoc-thi-dua-{cluster_year.year}.docx"'
    )
    return response
