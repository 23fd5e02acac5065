"""Usage import API: upload a provider file (queued as a Celery task) and read a batch's status."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import path
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.importers import IMPORTERS
from evidence.models import ImportBatch
from evidence.services.usage.imports import batch_json, usage_upload_accept
from reviews.models import Person


def require_importer(user: Any) -> None:
    """Only admins and HR import usage; this layer reads roles from reviews.models, its only dependency."""
    if getattr(user, "is_superuser", False):
        return
    person = Person.objects.filter(user_id=user.pk).first() if getattr(user, "pk", None) else None
    if person is None or person.role not in {Person.Role.ADMIN, Person.Role.HR}:
        raise PermissionDenied("Only admins and HR may import usage.")


class UsageUploadSerializer(serializers.Serializer[Any]):
    # the stubs type Serializer.source as the field's own attribute; as a declared field it is a ChoiceField
    source = serializers.ChoiceField(choices=sorted(IMPORTERS))  # type: ignore[assignment]
    file = serializers.FileField()


class UsageImportApi(APIView):
    parser_classes = [MultiPartParser]

    def post(self, request: Request) -> Response:
        require_importer(request.user)
        given = UsageUploadSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        upload = given.validated_data["file"]
        batch = usage_upload_accept(
            source=given.validated_data["source"],
            chunks=upload.chunks(),
            file_name=upload.name or "upload",
            imported_by_id=request.user.pk,
        )
        batch.refresh_from_db()
        return Response(batch_json(batch), status=202)


class UsageImportDetailApi(APIView):
    def get(self, request: Request, batch_id: int) -> Response:
        require_importer(request.user)
        return Response(batch_json(get_object_or_404(ImportBatch, pk=batch_id)))


urlpatterns = [
    path("usage/imports/", UsageImportApi.as_view(), name="api-usage-imports"),
    path("usage/imports/<int:batch_id>/", UsageImportDetailApi.as_view(), name="api-usage-import"),
]
