"""Usage imports (admins and HR): upload a provider's file, queued as a Celery task, and read a batch's status."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.selectors import import_batch_get, usage_source_names
from evidence.services.usage.imports import batch_json, usage_upload_accept
from reviews.permissions import IsHROrAdmin, signed_in_user


class UsageImportDetailApi(APIView):
    permission_classes = [IsHROrAdmin]

    class OutputSerializer(serializers.Serializer[dict[str, Any]]):
        """A batch's counts (records, not rows of a table), its rejection reason naming file and line, its progress."""

        class ProgressSerializer(serializers.Serializer[dict[str, Any]]):
            records_read = serializers.IntegerField()
            bytes_read = serializers.IntegerField()
            size_bytes = serializers.IntegerField()
            percent = serializers.FloatField(help_text="share of the file's bytes read, 0 to 100")
            updated_at = serializers.CharField(help_text="ISO 8601, UTC; empty before the import starts")

        batch = serializers.IntegerField()
        path = serializers.CharField(help_text="the uploaded file's name")
        # the stubs type Serializer.source as the field's own attribute; as a declared field it is a CharField
        source = serializers.CharField()  # type: ignore[assignment]
        status = serializers.CharField()
        read = serializers.IntegerField()
        created = serializers.IntegerField()
        updated = serializers.IntegerField()
        unchanged = serializers.IntegerField()
        rejected = serializers.IntegerField()
        error = serializers.CharField()
        progress = ProgressSerializer()

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request, batch_id: int) -> Response:
        batch = import_batch_get(batch_id=batch_id)
        if batch is None:
            raise NotFound("No usage import with this id.")
        return Response(self.OutputSerializer(batch_json(batch)).data)


class UsageImportCreateApi(APIView):
    permission_classes = [IsHROrAdmin]
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer[dict[str, Any]]):
        # the stubs type Serializer.source as the field's own attribute; as a declared field it is a ChoiceField
        source = serializers.ChoiceField(choices=usage_source_names())  # type: ignore[assignment]
        file = serializers.FileField()

    @extend_schema(request=InputSerializer, responses={202: UsageImportDetailApi.OutputSerializer})
    def post(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        upload = given.validated_data["file"]
        batch = usage_upload_accept(
            source=given.validated_data["source"],
            chunks=upload.chunks(),
            file_name=upload.name or "upload",
            imported_by_id=signed_in_user(request).pk,
        )
        batch.refresh_from_db()
        return Response(UsageImportDetailApi.OutputSerializer(batch_json(batch)).data, status=202)
