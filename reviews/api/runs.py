"""Packet runs: a run's progress, read from its rows (HR)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.models import EvidenceRun
from reviews.permissions import IsHROrAdmin
from reviews.selectors import RunPhase, run_phases_get


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
