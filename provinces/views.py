"""Province pages: the reference list and one unit's page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import selectors
from .access import province_for_user, provinces_visible_to
from .forms import ProvinceFilterForm

PAGE_SIZE = 50


@require_safe
def province_list(request):
    form = ProvinceFilterForm(request.GET or None)
    provinces = form.filter(provinces_visible_to(request.user)).for_list()
    page = Paginator(provinces, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "provinces/province_list.html",
        {"form": form, "page": page, "provinces": page.object_list, "query": query.urlencode()},
    )


@require_safe
def province_detail(request, pk: int):
    province = province_for_user(request.user, pk)
    province = selectors.province_detail(province_id=province.pk)
    return render(
        request,
        "provinces/province_detail.html",
        {"province": province, "is_current": province.in_force_on(timezone.localdate())},
    )
