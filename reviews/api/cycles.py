"""Review cycles: list them, create one (HR), and start a cycle's packet run or export (HR)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.api.exports import ExportDetailApi
from reviews.api.runs import RunDetailApi
from reviews.models import ReviewCycle
from reviews.permissions import IsHROrAdmin, IsHROrAdminToWrite, signed_in_user
from reviews.services.cycles import cycle_create
from reviews.tasks import cycle_export_start, evidence_run_start


class CycleListApi(APIView):
    """GET lists the cycles, newest first; POST creates one (HR and admins). One URL, as the API has always had."""

    permission_classes = [IsAuthenticated, IsHROrAdminToWrite]

    class InputSerializer(serializers.Serializer[dict[str, Any]]):
        name = serializers.CharField(max_length=120)
        start = serializers.DateField()
        end = serializers.DateField()
        release_date = serializers.DateField(required=False, allow_null=True)

    class OutputSerializer(serializers.ModelSerializer[ReviewCycle]):
        class Meta:
            model = ReviewCycle
            fields = ("id", "name", "start", "end", "state", "release_date")

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(ReviewCycle.objects.all(), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        cycle = cycle_create(**given.validated_data)
        return Response(self.OutputSerializer(cycle).data, status=201)


class CycleRunStartApi(APIView):
    """HR generates every packet of a cycle; progress is read from GET /api/runs/<id>/."""

    permission_classes = [IsHROrAdmin]

    @extend_schema(request=None, responses={202: RunDetailApi.OutputSerializer})
    def post(self, request: Request, cycle_id: int) -> Response:
        run = evidence_run_start(
            cycle=get_object_or_404(ReviewCycle, pk=cycle_id), requested_by=signed_in_user(request)
        )
        run.refresh_from_db()
        return Response(RunDetailApi.OutputSerializer(run).data, status=202)


class CycleExportStartApi(APIView):
    """HR exports the packets that exist (each person's latest version), as `manage.py export_cycle` does; it
    generates none (that is POST /api/cycles/<id>/runs/). Progress is read from GET /api/exports/<id>/."""

    permission_classes = [IsHROrAdmin]

    @extend_schema(request=None, responses={202: ExportDetailApi.OutputSerializer})
    def post(self, request: Request, cycle_id: int) -> Response:
        export = cycle_export_start(
            cycle=get_object_or_404(ReviewCycle, pk=cycle_id), requested_by=signed_in_user(request)
        )
        return Response(ExportDetailApi.OutputSerializer(export).data, status=202)
