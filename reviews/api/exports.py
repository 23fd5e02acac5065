"""Cycle exports: an export's progress (HR) and its ZIP of every packet PDF with the summary CSV (HR, audited)."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.models import CycleExport
from reviews.permissions import IsHROrAdmin
from reviews.services.audit import audit_record
from reviews.services.exports.jobs import zip_file_name
from reviews.views.requests import client_ip


class ExportDetailApi(APIView):
    permission_classes = [IsHROrAdmin]

    class OutputSerializer(serializers.ModelSerializer[CycleExport]):
        """An export's progress, read from its row: `people` with a packet version, `packets` (PDFs) written."""

        cycle = serializers.CharField(source="cycle.name")

        class Meta:
            model = CycleExport
            fields = (
                "id",
                "cycle",
                "status",
                "people",
                "packets",
                "files_written",
                "zip_sha256",
                "error",
                "created_at",
                "finished_at",
            )

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request, export_id: int) -> Response:
        return Response(self.OutputSerializer(get_object_or_404(CycleExport, pk=export_id)).data)


class ExportZipApi(APIView):
    permission_classes = [IsHROrAdmin]

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request: Request, export_id: int) -> FileResponse:
        export = get_object_or_404(CycleExport, pk=export_id, status=CycleExport.Status.DONE)
        audit_record(actor=request.user, action="cycle.export.download", target=export, ip_address=client_ip(request))
        name = zip_file_name(export.cycle.name, export.pk)
        return FileResponse((Path(export.out_dir) / name).open("rb"), as_attachment=True, filename=name)
