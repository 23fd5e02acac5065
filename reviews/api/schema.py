"""The API's OpenAPI schema class: components named after the view that nests the serializer."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction
from rest_framework import serializers


class NestedSerializerSchema(AutoSchema):
    """Every view nests serializers named InputSerializer and OutputSerializer (HackSoft's styleguide), so a
    component is named by its whole path: `RunDetailApi.OutputSerializer.PhaseSerializer` is `RunDetailOutputPhase`."""

    def get_serializer_name(self, serializer: serializers.Serializer[object], direction: Direction) -> str:
        parts = type(serializer).__qualname__.split(".")
        return "".join(part.removesuffix("Api").removesuffix("Serializer") for part in parts)
