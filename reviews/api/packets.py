"""Packets: the ones this user may open, one version with its facts, and its PDF; each through the access gate."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.facts.schema import EvidenceFactsDict, stored_facts
from reviews.models import Packet
from reviews.permissions import packet_access, packets_visible_get, request_viewer
from reviews.selectors import released_packet_ids
from reviews.services.audit import PacketAction


class PacketListApi(APIView):
    """Packets this user may open, newest cycle first, then by name. There is no ordering by any usage figure."""

    class OutputSerializer(serializers.ModelSerializer[Packet]):
        """`released`: this version was released to the manager chain and not withdrawn."""

        person = serializers.EmailField(source="person.email")
        name = serializers.CharField(source="person.name")
        cycle = serializers.CharField(source="cycle.name")
        released = serializers.SerializerMethodField()

        class Meta:
            model = Packet
            fields: tuple[str, ...] = (
                "id",
                "person",
                "name",
                "cycle",
                "version",
                "status",
                "sha256",
                "generated_at",
                "released",
            )

        def get_released(self, packet: Packet) -> bool:
            return packet.pk in self.context["released"]

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        packets = packets_visible_get(viewer=request_viewer(request))
        context = {"released": released_packet_ids(packets=packets)}
        return Response(self.OutputSerializer(packets, many=True, context=context).data)


class PacketDetailApi(APIView):
    class OutputSerializer(PacketListApi.OutputSerializer):
        """A finished packet with the facts it was printed from, documented from their types (EvidenceFactsDict)."""

        facts = serializers.SerializerMethodField()

        class Meta(PacketListApi.OutputSerializer.Meta):
            fields = (*PacketListApi.OutputSerializer.Meta.fields, "facts")

        def get_facts(self, packet: Packet) -> EvidenceFactsDict:
            return stored_facts(packet.facts)

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request, packet_id: int) -> Response:
        packet = packet_access(request=request, packet_id=packet_id, action=PacketAction.VIEW)
        context = {"released": released_packet_ids(packets=[packet])}
        return Response(self.OutputSerializer(packet, context=context).data)


class PacketPdfApi(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, packet_id: int) -> FileResponse:
        packet = packet_access(request=request, packet_id=packet_id, action=PacketAction.DOWNLOAD)
        return FileResponse(
            packet.pdf.open("rb"), content_type="application/pdf", filename=f"{packet.person.email}.pdf"
        )
