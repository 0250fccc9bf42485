from rest_framework import serializers

from ..models import Lineage, Province, ProvinceStatistic


class ProvinceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Province
        fields = ["id", "code", "name", "kind", "kind_label", "valid_from", "valid_until"]


class StatisticSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProvinceStatistic
        fields = ["year", "area_km2", "population", "district_units", "commune_units", "source"]


class PredecessorLinkSerializer(serializers.ModelSerializer):
    province = ProvinceSerializer(source="predecessor")

    class Meta:
        model = Lineage
        fields = ["province", "effective_date", "legal_basis", "whole"]


class SuccessorLinkSerializer(serializers.ModelSerializer):
    province = ProvinceSerializer(source="successor")

    class Meta:
        model = Lineage
        fields = ["province", "effective_date", "legal_basis", "whole"]


class ProvinceDetailSerializer(ProvinceSerializer):
    statistics = StatisticSerializer(many=True)
    predecessors = PredecessorLinkSerializer(source="predecessor_links", many=True)
    successors = SuccessorLinkSerializer(source="successor_links", many=True)

    class Meta(ProvinceSerializer.Meta):
        fields = [
            *ProvinceSerializer.Meta.fields,
            "legal_basis",
            "statistics",
            "predecessors",
            "successors",
        ]
