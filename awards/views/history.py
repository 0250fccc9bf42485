"""A province's honours history, across the 2025 mergers (lịch sử khen thưởng)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from provinces.access import province_for_user

from .. import access
from ..selectors import honours_history


@require_safe
def province_history(request, pk: int):
    if not access.can_read_history(request.user):
        raise PermissionDenied
    province = province_for_user(request.user, pk)
    rows = honours_history(province=province)
    return render(
        request,
        "awards/honours_history.html",
        {
            "province": province,
            "rows": rows,
            "merged": any(row.via is not None for row in rows),
        },
    )
