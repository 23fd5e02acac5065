"""Cycle exports: an export's progress (HR) and its ZIP of every packet PDF with the summary CSV (HR, audited)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.models import CycleExport
from reviews.permissions import IsHROrAdmin, signed_in_user
from reviews.requests import client_ip
from reviews.services.exports.downloads import ExportFile, export_file_open


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
    """The ZIP of a finished export: every packet PDF, summary.csv, the org report and a manifest (audited)."""

    permission_classes = [IsHROrAdmin]

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request: Request, export_id: int) -> FileResponse:
        return _export_file_response(request, export_id=export_id, file=ExportFile.ZIP)


class ExportFileApi(APIView):
    """One file of a finished export: `zip`, `org-report` (PDF) or `summary` (summary.csv); audited."""

    permission_classes = [IsHROrAdmin]

    @extend_schema(
        parameters=[OpenApiParameter("file", str, OpenApiParameter.PATH, enum=[str(file) for file in ExportFile])],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, export_id: int, file: str) -> FileResponse:
        if file not in set(ExportFile):
            raise Http404("No such export file.")
        return _export_file_response(request, export_id=export_id, file=ExportFile(file))


def _export_file_response(request: Request, *, export_id: int, file: ExportFile) -> FileResponse:
    export = get_object_or_404(
        CycleExport.objects.select_related("cycle"), pk=export_id, status=CycleExport.Status.DONE
    )
    handle, name = export_file_open(
        export=export, file=file, actor=signed_in_user(request), ip_address=client_ip(request)
    )
    return FileResponse(handle, as_attachment=True, filename=name)
