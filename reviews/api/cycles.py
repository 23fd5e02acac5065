"""Review cycles: list them, create and edit one (HR), its status board (HR), and start its packet run or export
(HR)."""

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
from reviews.hr_selectors import StatusBoard, TeamStatus, status_board_get
from reviews.models import ReviewCycle
from reviews.permissions import IsHROrAdmin, IsHROrAdminToWrite, signed_in_user
from reviews.requests import client_ip
from reviews.services.cycles import cycle_create, cycle_update
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


class CycleDetailApi(APIView):
    """GET one cycle; PUT changes its name, period and release date (HR and admins; a closed cycle is read-only)."""

    permission_classes = [IsAuthenticated, IsHROrAdminToWrite]

    @extend_schema(responses={200: CycleListApi.OutputSerializer})
    def get(self, request: Request, cycle_id: int) -> Response:
        return Response(CycleListApi.OutputSerializer(get_object_or_404(ReviewCycle, pk=cycle_id)).data)

    @extend_schema(request=CycleListApi.InputSerializer, responses={200: CycleListApi.OutputSerializer})
    def put(self, request: Request, cycle_id: int) -> Response:
        given = CycleListApi.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = {"release_date": None, **given.validated_data}
        cycle = cycle_update(
            cycle=get_object_or_404(ReviewCycle, pk=cycle_id),
            actor=signed_in_user(request),
            ip_address=client_ip(request),
            **fields,
        )
        return Response(CycleListApi.OutputSerializer(cycle).data)


class CycleBoardApi(APIView):
    """A cycle's status board (HR): per team, by team name, counts of people by packet state and open disputes.

    Fifty teams a page, filtered by `team` (name contains). Teams under 5 people are left out, and the whole-cycle
    row is null whenever one is, so no left-out team's counts follow by subtraction; `teams_hidden` and
    `people_hidden` say how much was left out.
    """

    permission_classes = [IsHROrAdmin]

    class TeamSerializer(serializers.Serializer[TeamStatus]):
        team = serializers.CharField()
        people = serializers.IntegerField()
        no_packet = serializers.IntegerField()
        draft = serializers.IntegerField()
        released = serializers.IntegerField()
        newer_draft = serializers.IntegerField()
        disputes = serializers.IntegerField()

    class FilterSerializer(serializers.Serializer[dict[str, Any]]):
        team = serializers.CharField(required=False, allow_blank=True, help_text="team name contains")
        page = serializers.IntegerField(required=False, min_value=1)

    class OutputSerializer(serializers.Serializer[StatusBoard]):
        count = serializers.IntegerField(help_text="shown teams matching the filter, on every page")
        page = serializers.IntegerField()
        pages = serializers.IntegerField()
        rows = serializers.ListField(child=serializers.DictField())
        total = serializers.DictField(allow_null=True)
        teams_hidden = serializers.IntegerField()
        people_hidden = serializers.IntegerField()

    @extend_schema(parameters=[FilterSerializer], responses={200: OutputSerializer})
    def get(self, request: Request, cycle_id: int) -> Response:
        given = self.FilterSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        board = status_board_get(
            cycle=get_object_or_404(ReviewCycle, pk=cycle_id),
            search=given.validated_data.get("team", ""),
            page=given.validated_data.get("page", 1),
        )
        return Response(
            {
                "count": board.page.paginator.count,
                "page": board.page.number,
                "pages": board.page.paginator.num_pages,
                "rows": [self.TeamSerializer(row).data for row in board.rows],
                "total": self.TeamSerializer(board.total).data if board.total else None,
                "teams_hidden": board.teams_hidden,
                "people_hidden": board.people_hidden,
            }
        )


class CycleRunStartApi(APIView):
    """HR generates every packet of a cycle; progress is read from GET /api/runs/<id>/."""

    permission_classes = [IsHROrAdmin]

    @extend_schema(request=None, responses={202: RunDetailApi.OutputSerializer})
    def post(self, request: Request, cycle_id: int) -> Response:
        run = evidence_run_start(
            cycle=get_object_or_404(ReviewCycle, pk=cycle_id), requested_by=signed_in_user(request), in_background=True
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
            cycle=get_object_or_404(ReviewCycle, pk=cycle_id), requested_by=signed_in_user(request), in_background=True
        )
        return Response(ExportDetailApi.OutputSerializer(export).data, status=202)
