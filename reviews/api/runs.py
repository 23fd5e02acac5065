"""Packet runs: a run's progress, read from its rows; its failed packets with their reasons; retry them (HR)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.hr_selectors import run_failures_get
from reviews.models import EvidenceRun, Packet
from reviews.permissions import IsHROrAdmin, signed_in_user
from reviews.selectors import RunPhase, run_phases_get
from reviews.tasks import evidence_run_retry


class RunDetailApi(APIView):
    permission_classes = [IsHROrAdmin]

    class OutputSerializer(serializers.ModelSerializer[EvidenceRun]):
        """A run's packet counts, its share finished (0 to 1), and its phase."""

        class PhaseSerializer(serializers.Serializer[RunPhase]):
            """While everyone's facts are built first, the facts counts (people); then the packet counts."""

            name = serializers.ChoiceField(choices=["facts", "packets", "finished"])
            done = serializers.IntegerField()
            failed = serializers.IntegerField()
            total = serializers.IntegerField()

        cycle = serializers.CharField(source="cycle.name")
        progress = serializers.FloatField()
        phase = serializers.SerializerMethodField()

        class Meta:
            model = EvidenceRun
            fields = (
                "id",
                "cycle",
                "status",
                "phase",
                "total",
                "done",
                "failed",
                "progress",
                "created_at",
                "finished_at",
            )

        @extend_schema_field(PhaseSerializer)
        def get_phase(self, run: EvidenceRun) -> dict[str, object]:
            return dict(self.PhaseSerializer(run_phases_get(runs=[run])[run.pk]).data)

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request, run_id: int) -> Response:
        return Response(self.OutputSerializer(get_object_or_404(EvidenceRun, pk=run_id)).data)


class RunFailureListApi(APIView):
    """The run's failed packets with their reasons, by person name, a page at a time (HR)."""

    permission_classes = [IsHROrAdmin]

    class OutputSerializer(serializers.ModelSerializer[Packet]):
        person = serializers.EmailField(source="person.email")
        name = serializers.CharField(source="person.name")

        class Meta:
            model = Packet
            fields = ("id", "person", "name", "version", "error")

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request, run_id: int) -> Response:
        paginator = PageNumberPagination()
        paginator.page_size = 50
        failures = run_failures_get(run=get_object_or_404(EvidenceRun, pk=run_id))
        page = paginator.paginate_queryset(failures, request, view=self) or []
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class RunRetryApi(APIView):
    """Send a finished run's failed packets again, in the same run; answers at once, progress at GET /api/runs/<id>/."""

    permission_classes = [IsHROrAdmin]

    @extend_schema(request=None, responses={202: RunDetailApi.OutputSerializer})
    def post(self, request: Request, run_id: int) -> Response:
        run = get_object_or_404(EvidenceRun, pk=run_id)
        evidence_run_retry(run=run, requested_by=signed_in_user(request), in_background=True)
        run.refresh_from_db()
        return Response(RunDetailApi.OutputSerializer(run).data, status=202)
