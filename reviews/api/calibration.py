"""The manager's side of a cycle: the team list, calibration sheets (JSON or `?format=pdf`) and calibration notes.

Each goes through the access gate (reviews.permissions), like the pages. People are listed by name; a request
asking for an order (`ordering`, `sort`, ...) is refused with 400, so no response orders people by a figure.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.calibration import PacketState, calibration_sheet_get, ordering_refuse, team_page_get
from reviews.permissions import (
    CalibrationAction,
    CalibrationScope,
    calibration_note_access,
    calibration_sheet_access,
    request_viewer,
    signed_in_user,
    team_access,
)
from reviews.requests import client_ip
from reviews.services.calibration import NOTE_MAX_CHARS, calibration_note_set, calibration_sheet_print


class PdfRenderer(BaseRenderer):
    """Lets `?format=pdf` reach the view, which answers with the PDF's bytes; errors still carry their JSON body."""

    media_type = "application/pdf"
    format = "pdf"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class TeamApi(APIView):
    """GET: one page of the viewer's reports for a cycle, by direct manager then name; filter by team and state."""

    class FilterSerializer(serializers.Serializer[dict[str, Any]]):
        team = serializers.CharField(required=False, allow_blank=True, max_length=120)
        state = serializers.ChoiceField(required=False, allow_blank=True, choices=PacketState.choices)
        page = serializers.IntegerField(required=False, min_value=1)

    class OutputSerializer(serializers.Serializer[Any]):
        class RowSerializer(serializers.Serializer[Any]):
            person_id = serializers.IntegerField(source="person.pk")
            name = serializers.CharField(source="person.name")
            email = serializers.EmailField(source="person.email")
            team = serializers.CharField(source="person.team")
            manager = serializers.CharField(source="person.manager.name", default=None)
            state = serializers.ChoiceField(choices=PacketState.choices)
            packet_id = serializers.IntegerField(
                source="packet.pk", default=None, help_text="When the viewer may open it."
            )
            corrections = serializers.IntegerField(allow_null=True)
            highlights = serializers.IntegerField(allow_null=True, help_text="Items the employee picked.")
            flags = serializers.IntegerField(allow_null=True)
            flags_explained = serializers.IntegerField(allow_null=True)

        count = serializers.IntegerField(source="page.paginator.count")
        page = serializers.IntegerField(source="page.number")
        pages = serializers.IntegerField(source="page.paginator.num_pages")
        results = serializers.SerializerMethodField()

        def get_results(self, team: Any) -> list[dict[str, Any]]:
            rows = [row for _, group in team.groups for row in group]
            return list(TeamApi.OutputSerializer.RowSerializer(rows, many=True).data)

    @extend_schema(parameters=[FilterSerializer], responses={200: OutputSerializer})
    def get(self, request: Request, cycle_id: int) -> Response:
        cycle = team_access(request=request, cycle_id=cycle_id)
        ordering_refuse(params=request.query_params)
        given = self.FilterSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        team = team_page_get(
            viewer=request_viewer(request),
            cycle=cycle,
            team=given.validated_data.get("team", ""),
            state=given.validated_data.get("state", ""),
            page_number=given.validated_data.get("page", 1),
        )
        return Response(self.OutputSerializer(team).data)


class SheetOutputSerializer(serializers.Serializer[Any]):
    """A calibration sheet: rows in alphabetical order, caveats first; there is no total."""

    class RowSerializer(serializers.Serializer[Any]):
        class FigureSerializer(serializers.Serializer[Any]):
            figure = serializers.CharField(source="label")
            key = serializers.CharField()
            unit = serializers.ChoiceField(choices=["count", "share"], help_text="share: 0..1; count: items or lines")
            ai = serializers.FloatField(allow_null=True, help_text="AI-assisted work")
            other = serializers.FloatField(allow_null=True, help_text="The person's own other work")

        class FlagSerializer(serializers.Serializer[Any]):
            flag = serializers.CharField(source="label")
            explained = serializers.BooleanField()

        person_id = serializers.IntegerField()
        name = serializers.CharField()
        email = serializers.EmailField()
        team = serializers.CharField()
        packet_id = serializers.IntegerField()
        version = serializers.IntegerField()
        released = serializers.BooleanField()
        figures = FigureSerializer(many=True)
        highlights = serializers.ListField(child=serializers.CharField())
        flags = FlagSerializer(many=True)
        corrections = serializers.IntegerField()
        coverage = serializers.CharField()
        confidence = serializers.CharField()
        note = serializers.CharField(allow_null=True, help_text="null when the viewer may not read this person's notes")

    cycle_id = serializers.IntegerField()
    cycle_name = serializers.CharField()
    title = serializers.CharField()
    group_id = serializers.IntegerField(allow_null=True)
    generated_on = serializers.DateField()
    caveats = serializers.ListField(child=serializers.CharField())
    rows = RowSerializer(many=True)
    people_without_released_evidence = serializers.IntegerField()


def _sheet_response(request: Request, scope: CalibrationScope) -> HttpResponse | Response:
    sheet = calibration_sheet_get(viewer=request_viewer(request), scope=scope)
    if request.accepted_renderer.format != "pdf":
        return Response(SheetOutputSerializer(sheet).data)
    record, pdf = calibration_sheet_print(sheet=sheet, requested_by=signed_in_user(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="calibration-{record.pk}.pdf"'
    return response


def _sheet_action(request: Request) -> CalibrationAction:
    pdf = request.accepted_renderer.format == "pdf"
    return CalibrationAction.SHEET_DOWNLOAD if pdf else CalibrationAction.SHEET_VIEW


SHEET_RESPONSES = {(200, "application/json"): SheetOutputSerializer, (200, "application/pdf"): OpenApiTypes.BINARY}
FORMAT_PARAMETER = OpenApiParameter("format", str, enum=["json", "pdf"], description="pdf: the landscape sheet PDF")


class CalibrationGroupSheetApi(APIView):
    """A calibration group's sheet: HR, and the managers who sit the group."""

    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(parameters=[FORMAT_PARAMETER], responses=SHEET_RESPONSES)
    def get(self, request: Request, group_id: int) -> HttpResponse | Response:
        scope = calibration_sheet_access(request=request, action=_sheet_action(request), group_id=group_id)
        ordering_refuse(params=request.query_params)
        return _sheet_response(request, scope)


class CycleCalibrationSheetApi(APIView):
    """The sheet of the viewer's own reports (direct and indirect) for a cycle."""

    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(parameters=[FORMAT_PARAMETER], responses=SHEET_RESPONSES)
    def get(self, request: Request, cycle_id: int) -> HttpResponse | Response:
        scope = calibration_sheet_access(request=request, action=_sheet_action(request), cycle_id=cycle_id)
        ordering_refuse(params=request.query_params)
        return _sheet_response(request, scope)


class CalibrationNoteApi(APIView):
    """PUT: write the calibration note on a person (their manager chain and HR only; read-only once closed)."""

    class InputSerializer(serializers.Serializer[dict[str, Any]]):
        text = serializers.CharField(allow_blank=True, max_length=NOTE_MAX_CHARS, trim_whitespace=True)

    class OutputSerializer(serializers.Serializer[Any]):
        person_id = serializers.IntegerField()
        cycle_id = serializers.IntegerField()
        text = serializers.CharField()
        updated_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def put(self, request: Request, cycle_id: int, person_id: int) -> Response:
        cycle, person = calibration_note_access(request=request, cycle_id=cycle_id, person_id=person_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        note = calibration_note_set(
            cycle=cycle,
            person=person,
            text=given.validated_data["text"],
            author=signed_in_user(request),
            ip_address=client_ip(request),
        )
        return Response(self.OutputSerializer(note).data)
