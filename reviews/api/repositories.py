"""Repositories (admins and HR): every repository with its sync status, and a GitHub sync on demand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.selectors import github_repository_get, repository_list
from evidence.services.activity.github import github_repo_sync_request
from reviews.permissions import IsHROrAdmin

if TYPE_CHECKING:
    from evidence.models import Repository


class RepositoryListApi(APIView):
    permission_classes = [IsHROrAdmin]

    # Serializer[Any]: the rows come through evidence.selectors; evidence.models is imported for annotations only.
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        host = serializers.CharField(help_text="github or git (a local repository)")
        full_name = serializers.CharField()
        base_url = serializers.CharField()
        default_branch = serializers.CharField()
        last_synced_at = serializers.DateTimeField(allow_null=True)
        status = serializers.SerializerMethodField(help_text="synced, pending, gone, or 'error: <reason>'")
        commits = serializers.IntegerField(source="commits.count")
        pull_requests = serializers.IntegerField(source="pull_requests.count")

        @extend_schema_field(OpenApiTypes.STR)  # the hint names Repository, which is imported for mypy only
        def get_status(self, repository: Repository) -> str:
            state = repository.sync_state
            if state.get("gone"):
                return "gone"
            if state.get("error"):
                return f"error: {state['error']}"
            return "synced" if repository.last_synced_at else "pending"

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(repository_list(), many=True).data)


class RepositorySyncApi(APIView):
    permission_classes = [IsHROrAdmin]

    class OutputSerializer(serializers.Serializer[dict[str, object]]):
        id = serializers.IntegerField()
        status = serializers.CharField(help_text="queued")

    @extend_schema(request=None, responses={202: OutputSerializer})
    def post(self, request: Request, repository_id: int) -> Response:
        repository = github_repository_get(repository_id=repository_id)
        if repository is None:
            raise NotFound("No GitHub repository with this id.")
        github_repo_sync_request(repository_id=repository.pk)
        return Response(self.OutputSerializer({"id": repository.pk, "status": "queued"}).data, status=202)
