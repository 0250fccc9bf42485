"""Provinces as JSON: the reference list (filters: in force on a day, kind, search) and one unit."""

import django_filters
from rest_framework import viewsets

from .. import selectors
from ..access import province_for_user, provinces_visible_to
from ..models import ProvinceKind
from .serializers import ProvinceDetailSerializer, ProvinceSerializer


class ProvinceFilter(django_filters.FilterSet):
    in_force_on = django_filters.DateFilter(method="filter_in_force_on")
    kind = django_filters.ChoiceFilter(choices=ProvinceKind.choices)
    search = django_filters.CharFilter(method="filter_search")

    def filter_in_force_on(self, queryset, name, value):
        return queryset.in_force_on(value)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """Tỉnh, thành phố: every signed-in portal user reads all units."""

    serializer_class = ProvinceSerializer
    filterset_class = ProvinceFilter
    ordering_fields = ["code", "name", "valid_from"]
    ordering = ["code", "valid_from"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return provinces_visible_to(self.request.user).for_list()

    def get_object(self):
        province = province_for_user(self.request.user, self.kwargs["pk"])
        return selectors.province_detail(province_id=province.pk)

    def get_serializer_class(self):
        return ProvinceDetailSerializer if self.action == "retrieve" else ProvinceSerializer
