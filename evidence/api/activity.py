"""Repository activity API for admins and HR: repositories with their sync status, a sync on demand, the ladder."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import path
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.models import AttributionRule, Repository
from reviews.models import Person


def require_admin_or_hr(request: Request) -> None:
    user: Any = request.user
    allowed = (
        user.is_superuser or Person.objects.filter(user=user, role__in=[Person.Role.HR, Person.Role.ADMIN]).exists()
    )
    if not allowed:
        raise PermissionDenied("Only admins and HR may see repository sync status.")


class RepositoryOutputSerializer(serializers.ModelSerializer[Repository]):
    status = serializers.SerializerMethodField()
    commits = serializers.IntegerField(source="commits.count", read_only=True)
    pull_requests = serializers.IntegerField(source="pull_requests.count", read_only=True)

    class Meta:
        model = Repository
        fields = (
            "id",
            "host",
            "full_name",
            "base_url",
            "default_branch",
            "last_synced_at",
            "status",
            "commits",
            "pull_requests",
        )

    def get_status(self, repository: Repository) -> str:
        state = repository.sync_state
        if state.get("gone"):
            return "gone"
        if state.get("error"):
            return f"error: {state['error']}"
        return "synced" if repository.last_synced_at else "pending"


class AttributionRuleSerializer(serializers.ModelSerializer[AttributionRule]):
    class Meta:
        model = AttributionRule
        fields = ("id", "name", "kind", "pattern", "tool", "confidence", "enabled")


class RepositoryListApi(APIView):
    def get(self, request: Request) -> Response:
        require_admin_or_hr(request)
        return Response(RepositoryOutputSerializer(Repository.objects.order_by("full_name"), many=True).data)


class RepositorySyncApi(APIView):
    def post(self, request: Request, repository_id: int) -> Response:
        from evidence.tasks.github import sync_github_repo

        require_admin_or_hr(request)
        repository = get_object_or_404(Repository, pk=repository_id, host=Repository.Host.GITHUB)
        transaction.on_commit(lambda: sync_github_repo.delay(repository.pk))
        return Response({"id": repository.pk, "status": "queued"}, status=202)


class AttributionRuleListApi(APIView):
    def get(self, request: Request) -> Response:
        require_admin_or_hr(request)
        return Response(AttributionRuleSerializer(AttributionRule.objects.order_by("pk"), many=True).data)


urlpatterns = [
    path("repositories/", RepositoryListApi.as_view(), name="api-evidence-repositories"),
    path("repositories/<int:repository_id>/sync/", RepositorySyncApi.as_view(), name="api-evidence-repository-sync"),
    path("attribution-rules/", AttributionRuleListApi.as_view(), name="api-evidence-attribution-rules"),
]
