"""Serializer building blocks shared by every app's API."""

from django.utils.translation import gettext as _
from rest_framework import serializers


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not declare (a typo must not be silently ignored)."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Dữ liệu phải là một đối tượng JSON.")]}
            )
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Trường không được hỗ trợ.")] for name in unknown}
            )
        return super().to_internal_value(data)
