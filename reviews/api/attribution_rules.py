"""The attribution ladder's rules (admins and HR): how a commit is found AI-assisted, strongest first."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.selectors import attribution_rule_list
from reviews.permissions import IsHROrAdmin


class AttributionRuleListApi(APIView):
    permission_classes = [IsHROrAdmin]

    # Serializer[Any]: the rows come through evidence.selectors, and this layer does not import evidence.models.
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        name = serializers.CharField()
        kind = serializers.CharField()
        pattern = serializers.CharField(help_text="a case-insensitive regular expression")
        tool = serializers.CharField()
        confidence = serializers.FloatField(help_text="0 to 1")
        enabled = serializers.BooleanField()

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(attribution_rule_list(), many=True).data)
