"""Serializers of the clusters API: read shapes, and the bulk results write."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.api.serializers import StrictSerializer

from ..models import (
    Cluster,
    ClusterYear,
    CriteriaTable,
    Criterion,
    CriterionGroup,
    Leadership,
    Membership,
    PhaseWindow,
    Result,
    Target,
)


class ClusterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cluster
        fields = ["id", "code", "name", "short_name", "established_year", "dissolved_year"]


class ClusterDetailSerializer(ClusterSerializer):
    years = serializers.SerializerMethodField()

    class Meta(ClusterSerializer.Meta):
        fields = [*ClusterSerializer.Meta.fields, "description", "years"]

    def get_years(self, cluster) -> list[dict]:
        return [{"id": y.pk, "year": y.year, "phase": y.phase} for y in cluster.years.all()]


class PhaseWindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = PhaseWindow
        fields = ["phase", "opens_on", "due_on"]


class MemberSerializer(serializers.ModelSerializer):
    province_id = serializers.IntegerField()
    name = serializers.CharField(source="province.name")
    code = serializers.CharField(source="province.code")

    class Meta:
        model = Membership
        fields = ["province_id", "code", "name"]


class LeadershipSerializer(serializers.ModelSerializer):
    province_id = serializers.IntegerField()
    name = serializers.CharField(source="province.name")
    role_label = serializers.CharField(source="get_role_display")

    class Meta:
        model = Leadership
        fields = ["province_id", "name", "role", "role_label", "decided_by"]


class ClusterYearSerializer(serializers.ModelSerializer):
    cluster = serializers.SlugRelatedField(slug_field="code", read_only=True)
    phase_label = serializers.CharField(source="get_phase_display", read_only=True)

    class Meta:
        model = ClusterYear
        fields = ["id", "cluster", "year", "phase", "phase_label"]


class ClusterYearDetailSerializer(ClusterYearSerializer):
    calendar = PhaseWindowSerializer(many=True)
    members = MemberSerializer(source="memberships", many=True)
    leadership = LeadershipSerializer(source="leaderships", many=True)

    class Meta(ClusterYearSerializer.Meta):
        fields = [*ClusterYearSerializer.Meta.fields, "calendar", "members", "leadership"]


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = [
            "id",
            "code",
            "title",
            "guidance",
            "kind",
            "unit",
            "direction",
            "max_points",
            "target_applies",
            "evidence_required",
            "formula",
            "position",
        ]


class CriterionGroupSerializer(serializers.ModelSerializer):
    criteria = serializers.SerializerMethodField()

    class Meta:
        model = CriterionGroup
        fields = ["code", "title", "position", "criteria"]

    def get_criteria(self, group) -> list[dict]:
        return CriterionSerializer(
            [c for c in group.criteria.all() if not c.retired], many=True
        ).data


class CriteriaTableSerializer(serializers.ModelSerializer):
    groups = CriterionGroupSerializer(many=True)

    class Meta:
        model = CriteriaTable
        fields = ["version", "content_points", "bonus_cap", "penalty_cap", "note", "groups"]


class TargetSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code")
    province_id = serializers.IntegerField()
    province = serializers.CharField(source="province.name")

    class Meta:
        model = Target
        fields = ["criterion", "province_id", "province", "value", "note", "revision"]


class ResultSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code")
    province_id = serializers.IntegerField()

    class Meta:
        model = Result
        fields = [
            "criterion",
            "province_id",
            "achieved_value",
            "self_score",
            "suggested_score",
            "override_reason",
            "explanation",
            "revision",
            "updated_at",
        ]


class ResultRowSerializer(StrictSerializer):
    """One criterion's row of a bulk write; ``revision`` is the one the client read."""

    criterion = serializers.CharField(max_length=10)
    achieved_value = serializers.DecimalField(
        max_digits=16, decimal_places=4, allow_null=True, required=False, default=None
    )
    self_score = serializers.DecimalField(
        max_digits=7, decimal_places=2, allow_null=True, required=False, default=None
    )
    explanation = serializers.CharField(allow_blank=True, required=False, default="")
    override_reason = serializers.CharField(allow_blank=True, required=False, default="")
    revision = serializers.IntegerField(min_value=0)


class ResultsBulkSerializer(StrictSerializer):
    results = serializers.ListField(child=ResultRowSerializer(), allow_empty=False, max_length=500)

    def validate_results(self, rows):
        codes = [row["criterion"] for row in rows]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise serializers.ValidationError(
                _("Mỗi tiêu chí chỉ được gửi một lần: %(codes)s.")
                % {"codes": ", ".join(duplicates)}
            )
        return rows


class EmptySerializer(StrictSerializer):
    """Actions that take no body (submit, verify)."""
