"""The audit log for HR: filtered on the server, newest first, a page at a time. Read-only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.hr_selectors import AuditFilter, audit_events_list
from reviews.models import AuditEvent
from reviews.permissions import IsHROrAdmin


class AuditEventPagination(PageNumberPagination):
    page_size = 50


class AuditEventListApi(APIView):
    """GET /api/audit-events/?person=&actor=&action=&since=&until=&page= (HR and admins). Newest first, always."""

    permission_classes = [IsHROrAdmin]

    class FilterSerializer(serializers.Serializer[dict[str, Any]]):
        person = serializers.CharField(required=False, allow_blank=True, help_text="a name or e-mail, or part of one")
        actor = serializers.CharField(required=False, allow_blank=True, help_text="the actor's username, or part")
        action = serializers.CharField(required=False, allow_blank=True, help_text="an action, or its start")
        since = serializers.DateField(required=False, help_text="first day included (UTC)")
        until = serializers.DateField(required=False, help_text="last day included (UTC)")

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            since, until = attrs.get("since"), attrs.get("until")
            if since and until and until < since:
                raise serializers.ValidationError({"until": f"{until} is before since ({since})."})
            return attrs

    class OutputSerializer(serializers.ModelSerializer[AuditEvent]):
        actor = serializers.CharField(source="actor_label")

        class Meta:
            model = AuditEvent
            fields = ("id", "at", "actor", "action", "object_type", "object_id", "ip_address", "detail")

    class PageSerializer(serializers.Serializer[dict[str, Any]]):
        count = serializers.IntegerField()
        next = serializers.URLField(allow_null=True)
        previous = serializers.URLField(allow_null=True)
        results = serializers.ListField(child=serializers.DictField())

    @extend_schema(parameters=[FilterSerializer], responses={200: PageSerializer})
    def get(self, request: Request) -> Response:
        given = self.FilterSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        events = audit_events_list(filters=AuditFilter(**given.validated_data))
        paginator = AuditEventPagination()
        page = paginator.paginate_queryset(events, request, view=self) or []
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)
