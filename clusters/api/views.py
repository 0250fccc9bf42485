"""The clusters API. Objects come from ``clusters.access``, writes go through the services,
reads through the same selectors as the web pages: no rule exists twice."""

import dataclasses
from decimal import Decimal

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import roles
from emulation.api_errors import error_response

from .. import access
from ..models import (
    Cluster,
    ClusterYear,
    CriteriaTable,
    Criterion,
    CriterionGroup,
    Leadership,
    Membership,
    Phase,
    RankingSnapshot,
    Result,
    Target,
)
from ..selectors.scoreboard import scoreboard
from ..services.errors import ConcurrentEditError
from ..services.results import result_save, result_submit
from ..services.scoring import ranking_verify
from .serializers import (
    ClusterDetailSerializer,
    ClusterSerializer,
    ClusterYearDetailSerializer,
    ClusterYearSerializer,
    CriteriaTableSerializer,
    EmptySerializer,
    ResultsBulkSerializer,
    ResultSerializer,
    TargetSerializer,
)


def _plain(value):
    """Decimals as strings (exact, never floats), recursively."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


class ClusterViewSet(viewsets.ReadOnlyModelViewSet):
    """Cụm thi đua the user may see."""

    serializer_class = ClusterSerializer
    lookup_field = "code"
    ordering_fields = ["code", "name"]
    ordering = ["name"]
    filterset_fields = ["code"]

    def get_queryset(self):
        return access.clusters_visible_to(self.request.user)

    def get_object(self):
        cluster = access.cluster_for_user(self.request.user, self.kwargs["code"])
        return Cluster.objects.prefetch_related("years").get(pk=cluster.pk)

    def get_serializer_class(self):
        return ClusterDetailSerializer if self.action == "retrieve" else ClusterSerializer


class ClusterYearFilter(django_filters.FilterSet):
    cluster = django_filters.CharFilter(field_name="cluster__code")
    year = django_filters.NumberFilter()
    phase = django_filters.ChoiceFilter(choices=Phase.choices)

    class Meta:
        model = ClusterYear
        fields = ["cluster", "year", "phase"]


class ClusterYearViewSet(viewsets.ReadOnlyModelViewSet):
    """Năm thi đua of the clusters the user may see, with their data and actions."""

    serializer_class = ClusterYearSerializer
    filterset_class = ClusterYearFilter
    ordering_fields = ["year", "cluster__name"]
    ordering = ["cluster__name", "-year"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return access.cluster_years_visible_to(self.request.user).select_related("cluster")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ClusterYearDetailSerializer
        if self.action == "results_bulk":
            return ResultsBulkSerializer
        if self.action in ("results_submit", "ranking_verify"):
            return EmptySerializer
        return ClusterYearSerializer

    def _cluster_year(self) -> ClusterYear:
        """The year through the access layer; 404 when the user may not see it."""
        cluster_year = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if cluster_year is None:
            raise Http404
        return cluster_year

    def get_object(self):
        cluster_year = self._cluster_year()
        return (
            ClusterYear.objects.select_related("cluster")
            .prefetch_related(
                "calendar",
                Prefetch("memberships", queryset=Membership.objects.select_related("province")),
                Prefetch(
                    "leaderships",
                    queryset=Leadership.objects.select_related("province").in_rank_order(),
                ),
            )
            .get(pk=cluster_year.pk)
        )

    @extend_schema(responses=CriteriaTableSerializer)
    @action(detail=True, methods=["get"])
    def criteria(self, request, pk=None):
        """The year's criteria table (bảng tiêu chí): groups with their criteria."""
        cluster_year = self._cluster_year()
        table = (
            CriteriaTable.objects.filter(cluster_year=cluster_year)
            .prefetch_related(
                Prefetch(
                    "groups",
                    queryset=CriterionGroup.objects.order_by("position", "code").prefetch_related(
                        Prefetch(
                            "criteria", queryset=Criterion.objects.order_by("position", "code")
                        )
                    ),
                )
            )
            .first()
        )
        if table is None:
            raise Http404
        return Response(CriteriaTableSerializer(table).data)

    @extend_schema(
        responses=TargetSerializer(many=True),
        parameters=[OpenApiParameter("province", int, description="Chỉ tiêu của một tỉnh")],
    )
    @action(detail=True, methods=["get"])
    def targets(self, request, pk=None):
        """The year's targets (chỉ tiêu), visible to everyone who sees the year (as the pledge page)."""
        cluster_year = self._cluster_year()
        targets = (
            Target.objects.filter(cluster_year=cluster_year, criterion__retired=False)
            .select_related("criterion", "province")
            .order_by("province__name", "criterion__position", "criterion__code")
        )
        province = _province_param(request)
        if province is not None:
            targets = targets.filter(province_id=province)
        page = self.paginate_queryset(targets)
        return self.get_paginated_response(TargetSerializer(page, many=True).data)

    @extend_schema(
        responses=ResultSerializer(many=True),
        parameters=[OpenApiParameter("province", int, description="Kết quả của một tỉnh")],
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """A member's results: an officer their own province's; the coordinator and central
        roles any member's (``?province=``); an assigned scorer the province it scores."""
        cluster_year = self._cluster_year()
        province = _province_param(request)
        if province is None:
            if not roles.is_officer(request.user):
                raise ValidationError({"province": [_("Vui lòng chọn tỉnh (tham số province).")]})
            province = request.user.province_id
        if not access.can_read_province_results(request.user, cluster_year, province):
            raise Http404
        if not cluster_year.memberships.filter(province_id=province).exists():
            raise Http404
        results = (
            Result.objects.filter(cluster_year=cluster_year, province_id=province)
            .select_related("criterion")
            .order_by("criterion__group__position", "criterion__position", "criterion__code")
        )
        page = self.paginate_queryset(results)
        return self.get_paginated_response(ResultSerializer(page, many=True).data)

    @extend_schema(request=ResultsBulkSerializer, responses=ResultSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="results/bulk")
    def results_bulk(self, request, pk=None):
        """Saves many criteria of the officer's own province at once, all or nothing.

        Each row goes through ``result_save`` (own province, phase, deadline, bounds,
        revision); the first refused row rolls every row back.
        """
        cluster_year = self._cluster_year()
        if not access.is_member(request.user, cluster_year):
            raise PermissionDenied(_("Bạn chỉ được nhập kết quả của tỉnh mình."))
        serializer = ResultsBulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = serializer.validated_data["results"]
        criteria = {
            c.code: c
            for c in Criterion.objects.filter(
                table__cluster_year=cluster_year,
                code__in=[row["criterion"] for row in rows],
                retired=False,
            ).select_related("table")
        }
        unknown = {
            row["criterion"]: [_("Không có tiêu chí này trong bảng tiêu chí của năm.")]
            for row in rows
            if row["criterion"] not in criteria
        }
        if unknown:
            return error_response(
                "invalid", _("Một số tiêu chí không tồn tại; không lưu dòng nào."), unknown
            )
        errors: dict[str, list[str]] = {}
        conflict = False
        saved = []
        with transaction.atomic():
            for row in rows:
                try:
                    saved.append(
                        result_save(
                            cluster_year=cluster_year,
                            criterion=criteria[row["criterion"]],
                            actor=request.user,
                            expected_revision=row["revision"],
                            achieved_value=row["achieved_value"],
                            self_score=row["self_score"],
                            explanation=row["explanation"],
                            override_reason=row["override_reason"],
                        )
                    )
                except ConcurrentEditError as exc:
                    conflict = True
                    errors[row["criterion"]] = [str(m) for m in exc.messages]
                except ValidationError as exc:
                    errors[row["criterion"]] = [str(m) for m in exc.messages]
            if errors:
                transaction.set_rollback(True)
        if errors:
            return error_response(
                "conflict" if conflict else "invalid",
                _("Có dòng không lưu được; không lưu dòng nào."),
                errors,
                status_code=409 if conflict else 400,
            )
        return Response({"results": ResultSerializer(saved, many=True).data})

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"], url_path="results/submit")
    def results_submit(self, request, pk=None):
        """Nộp kết quả: submits and locks the officer's own province's results."""
        cluster_year = self._cluster_year()
        if not access.is_member(request.user, cluster_year):
            raise PermissionDenied(_("Bạn chỉ được nộp kết quả của tỉnh mình."))
        _empty_body(request)
        submission = result_submit(cluster_year=cluster_year, actor=request.user)
        return Response(
            {
                "province_id": submission.province_id,
                "status": submission.status,
                "submitted_at": submission.submitted_at,
            }
        )

    def _board_year(self) -> ClusterYear:
        """The year if the user may see its scoreboard (same rule as the web page)."""
        cluster_year = self._cluster_year()
        frozen = access.is_ranking_frozen(cluster_year)
        if not access.can_see_scoreboard(self.request.user, cluster_year, frozen=frozen):
            if not (
                roles.reads_everything(self.request.user)
                or access.is_member(self.request.user, cluster_year)
            ):
                raise Http404
            raise PermissionDenied(
                _("Bảng điểm chỉ được công bố sau khi Cụm trưởng chốt kết quả xếp hạng.")
            )
        return cluster_year

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def scoreboard(self, request, pk=None):
        """Bảng điểm, from the same selector as the web page (live before the freeze)."""
        board = scoreboard(cluster_year=self._board_year())
        return Response(scoreboard_data(board))

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        """The frozen ranking: method, version, SHA-256 and rows; 404 before the freeze."""
        snapshot = _snapshot(self._board_year())
        return Response(
            {
                "method": snapshot.method,
                "method_version": snapshot.method_version,
                "sha256": snapshot.sha256,
                "frozen_at": snapshot.frozen_at,
                "rows": snapshot.output["rows"],
            }
        )

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"], url_path="ranking/verify")
    def ranking_verify(self, request, pk=None):
        """Kiểm tra tính toàn vẹn: recomputes the frozen ranking and compares output and hash."""
        snapshot = _snapshot(self._board_year())
        return Response({"sha256": snapshot.sha256, "intact": ranking_verify(snapshot=snapshot)})


def scoreboard_data(board) -> dict:
    """The scoreboard selector's result as JSON (decimals as strings)."""
    return {
        "frozen": board.snapshot is not None,
        "sha256": board.snapshot.sha256 if board.snapshot is not None else None,
        "method": board.method,
        "group_codes": board.group_codes,
        "tie_rules": board.tie_rules,
        "rows": [_plain(dataclasses.asdict(row)) for row in board.rows],
    }


def _snapshot(cluster_year: ClusterYear) -> RankingSnapshot:
    snapshot = RankingSnapshot.objects.filter(cluster_year=cluster_year).first()
    if snapshot is None:
        raise Http404
    return snapshot


def _province_param(request) -> int | None:
    value = request.query_params.get("province")
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError({"province": [_("Mã tỉnh phải là số nguyên.")]}) from None


def _empty_body(request) -> None:
    """Actions without a body still refuse unknown fields."""
    EmptySerializer(data=request.data or {}).is_valid(raise_exception=True)
