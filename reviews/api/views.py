"""The REST API: each endpoint translates a request into one selector or service call."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.api.serializers import (
    CycleInputSerializer,
    CycleOutputSerializer,
    ExportOutputSerializer,
    PacketDetailSerializer,
    PacketOutputSerializer,
    RunOutputSerializer,
)
from reviews.models import CycleExport, EvidenceRun, Packet, ReviewCycle
from reviews.selectors import is_hr, packets_visible_to, viewer_get
from reviews.services.audit import audit_record
from reviews.services.cycles import cycle_create
from reviews.services.exports.jobs import zip_file_name
from reviews.tasks import cycle_export_start, evidence_run_start


def require_hr(request: Request) -> None:
    if not is_hr(user=request.user):
        raise PermissionDenied("Only HR and admins may do this.")


class CycleListApi(APIView):
    def get(self, request: Request) -> Response:
        return Response(CycleOutputSerializer(ReviewCycle.objects.all(), many=True).data)

    def post(self, request: Request) -> Response:
        require_hr(request)
        given = CycleInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        cycle = cycle_create(**given.validated_data)
        return Response(CycleOutputSerializer(cycle).data, status=201)


class CycleRunStartApi(APIView):
    def post(self, request: Request, cycle_id: int) -> Response:
        require_hr(request)
        run = evidence_run_start(cycle=get_object_or_404(ReviewCycle, pk=cycle_id), requested_by=request.user)  # type: ignore[arg-type]
        run.refresh_from_db()
        return Response(RunOutputSerializer(run).data, status=202)


class CycleExportStartApi(APIView):
    """HR starts the same export job as `manage.py export_cycle`; progress is read from GET /api/exports/<id>/."""

    @extend_schema(request=None, responses={202: ExportOutputSerializer})
    def post(self, request: Request, cycle_id: int) -> Response:
        require_hr(request)
        export = cycle_export_start(cycle=get_object_or_404(ReviewCycle, pk=cycle_id), requested_by=request.user)  # type: ignore[arg-type]
        return Response(ExportOutputSerializer(export).data, status=202)


class ExportDetailApi(APIView):
    @extend_schema(responses={200: ExportOutputSerializer})
    def get(self, request: Request, export_id: int) -> Response:
        require_hr(request)
        return Response(ExportOutputSerializer(get_object_or_404(CycleExport, pk=export_id)).data)


class ExportZipApi(APIView):
    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request: Request, export_id: int) -> FileResponse:
        require_hr(request)
        export = get_object_or_404(CycleExport, pk=export_id, status=CycleExport.Status.DONE)
        audit_record(
            actor=request.user,
            action="cycle.export.download",
            target=export,
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        name = zip_file_name(export.cycle.name, export.pk)
        return FileResponse((Path(export.out_dir) / name).open("rb"), as_attachment=True, filename=name)


class RunDetailApi(APIView):
    def get(self, request: Request, run_id: int) -> Response:
        require_hr(request)
        return Response(RunOutputSerializer(get_object_or_404(EvidenceRun, pk=run_id)).data)


class PacketListApi(APIView):
    """Packets this user may open, by name. There is no ordering by any usage figure."""

    def get(self, request: Request) -> Response:
        return Response(PacketOutputSerializer(packets_visible_to(user=request.user), many=True).data)


def visible_packet(request: Request, packet_id: int) -> Packet:
    packet = get_object_or_404(
        Packet.objects.select_related("person", "cycle"), pk=packet_id, status=Packet.Status.DONE
    )
    if not viewer_get(user=request.user).may_see(packet):
        raise Http404
    return packet


class PacketDetailApi(APIView):
    def get(self, request: Request, packet_id: int) -> Response:
        packet = visible_packet(request, packet_id)
        audit_record(
            actor=request.user, action="packet.view", target=packet, ip_address=request.META.get("REMOTE_ADDR")
        )
        return Response(PacketDetailSerializer(packet).data)


class PacketPdfApi(APIView):
    def get(self, request: Request, packet_id: int) -> FileResponse:
        packet = visible_packet(request, packet_id)
        audit_record(
            actor=request.user, action="packet.download", target=packet, ip_address=request.META.get("REMOTE_ADDR")
        )
        return FileResponse(
            packet.pdf.open("rb"), content_type="application/pdf", filename=f"{packet.person.email}.pdf"
        )
