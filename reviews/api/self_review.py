"""The signed-in employee's self-review workspace for one cycle: read it, correct, pick, explain, narrate, make a
new version, release or withdraw, and see who opened the packet.

Each view reaches the workspace through reviews.permissions.self_review_access: another person's workspace is 404;
HR and admins may read one with `?person=<id>`, never write it. Domain errors are 400 with a message naming the
field (reviews.api.exception_handler).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.models import Annotation, Correction
from reviews.permissions import SelfReviewAccess, self_review_access, signed_in_user
from reviews.requests import client_ip
from reviews.self_review import MAX_HIGHLIGHTS, packet_access_log_get, self_review_get
from reviews.services.self_review import (
    TOOL_LIMIT,
    HighlightInput,
    correction_delete,
    correction_set,
    flag_explanation_set,
    highlights_set,
    narrative_set,
    packet_release,
    packet_release_withdraw,
)
from reviews.tasks import packet_version_start

PERSON_PARAMETER = OpenApiParameter(
    "person", OpenApiTypes.INT, description="HR and admins only: whose workspace to read (default: your own)."
)


def _read(request: Request, cycle_id: int) -> SelfReviewAccess:
    person = request.query_params.get("person")
    if person is not None and not person.isdigit():
        raise serializers.ValidationError({"person": "A person id is a whole number."})
    return self_review_access(request=request, cycle_id=cycle_id, person_id=int(person) if person else None)


def _write(request: Request, cycle_id: int) -> SelfReviewAccess:
    return self_review_access(request=request, cycle_id=cycle_id, write=True)


class SelfReviewApi(APIView):
    class OutputSerializer(serializers.Serializer[Any]):
        """The workspace. `items` are every pull request and commit of the cycle, by repository then ref, each with
        the machine's verdict and the employee's correction side by side; `newer_draft` says a finished version
        newer than the released one is waiting to be reviewed and released."""

        class PacketSerializer(serializers.Serializer[Any]):
            id = serializers.IntegerField(source="pk")
            version = serializers.IntegerField()
            status = serializers.CharField()

        class ReleasedSerializer(serializers.Serializer[Any]):
            version = serializers.IntegerField()
            at = serializers.DateTimeField()
            withdrawable = serializers.BooleanField(help_text="No one in the manager chain has opened it yet.")

        class ItemSerializer(serializers.Serializer[Any]):
            class AiSerializer(serializers.Serializer[Any]):
                verdict = serializers.ChoiceField(choices=["attributed", "temporal", "none"])
                tool = serializers.CharField()
                rule = serializers.CharField()
                confidence = serializers.FloatField(allow_null=True, help_text="0..1")

            class CorrectionSerializer(serializers.Serializer[Any]):
                ai_assisted = serializers.BooleanField()
                tool = serializers.CharField()
                reason = serializers.CharField()
                at = serializers.DateTimeField()

            class HighlightSerializer(serializers.Serializer[Any]):
                context = serializers.CharField()  # type: ignore[assignment]  # the API's field name; DRF's metaclass takes declared fields off the class
                what_ai_did = serializers.CharField()
                outcome = serializers.CharField()

            class OutcomeSerializer(serializers.Serializer[Any]):
                merged = serializers.BooleanField(allow_null=True, help_text="null for a commit")
                survival_share = serializers.FloatField(allow_null=True, help_text="0..1")
                reverted = serializers.BooleanField(help_text="within 30 days")
                follow_up_fix_lines = serializers.IntegerField()

            key = serializers.CharField(help_text="'<repository> <ref>'")
            kind = serializers.ChoiceField(choices=["pull_request", "commit"])
            repository = serializers.CharField()
            ref = serializers.CharField()
            title = serializers.CharField()
            url = serializers.CharField()
            ai = AiSerializer()
            correction = CorrectionSerializer(allow_null=True)
            ai_assisted = serializers.BooleanField(help_text="The group the next version counts it in.")
            highlighted = serializers.BooleanField()
            highlight = HighlightSerializer(allow_null=True)
            outcome = OutcomeSerializer()

        class FlagSerializer(serializers.Serializer[Any]):
            kind = serializers.CharField()
            label = serializers.CharField()  # type: ignore[assignment]  # the API's field name; DRF's metaclass takes declared fields off the class
            summary = serializers.CharField()
            explanation = serializers.CharField()

        packet = PacketSerializer(source="latest", allow_null=True, help_text="The latest version, any status.")
        released = ReleasedSerializer(allow_null=True)
        newer_draft = serializers.BooleanField()
        managers_see_latest = serializers.BooleanField(
            help_text="The cycle's release date has passed: managers see the latest version, released or not."
        )
        read_only = serializers.BooleanField()  # type: ignore[assignment]  # the API's field name; DRF's metaclass takes declared fields off the class
        items = ItemSerializer(many=True)
        flags = FlagSerializer(many=True)
        narrative = serializers.CharField()

    @extend_schema(parameters=[PERSON_PARAMETER], responses={200: OutputSerializer})
    def get(self, request: Request, cycle_id: int) -> Response:
        access = _read(request, cycle_id)
        review = self_review_get(person=access.person, cycle=access.cycle, read_only=not access.owner)
        return Response(self.OutputSerializer(review).data)


class CorrectionCreateApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        item = serializers.CharField(max_length=300, help_text="The work item's key, '<repository> <ref>'.")
        ai_assisted = serializers.BooleanField()
        tool = serializers.CharField(max_length=TOOL_LIMIT, required=False, allow_blank=True, default="")
        reason = serializers.CharField(max_length=Correction.REASON_LIMIT)

    @extend_schema(request=InputSerializer, responses={201: None})
    def post(self, request: Request, cycle_id: int) -> Response:
        access = _write(request, cycle_id)
        data = _valid(self.InputSerializer, request)
        correction_set(person=access.person, cycle=access.cycle, user=signed_in_user(request), **data)
        return Response(status=201)


class CorrectionDeleteApi(APIView):
    """Take a correction back. `item` is the work item's key, URL-encoded: `acme%2Fpayments%20%23107`."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, cycle_id: int, item: str) -> Response:
        access = _write(request, cycle_id)
        correction_delete(person=access.person, cycle=access.cycle, item=item, user=signed_in_user(request))
        return Response(status=204)


class HighlightsApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        class PickSerializer(serializers.Serializer[Any]):
            item = serializers.CharField(max_length=300)
            context = serializers.CharField(  # type: ignore[assignment]  # the API's field name; see above
                max_length=Annotation.HIGHLIGHT_PART_LIMIT, allow_blank=True, default=""
            )
            what_ai_did = serializers.CharField(
                max_length=Annotation.HIGHLIGHT_PART_LIMIT, allow_blank=True, default=""
            )
            outcome = serializers.CharField(max_length=Annotation.HIGHLIGHT_PART_LIMIT, allow_blank=True, default="")

        items = serializers.ListField(
            child=PickSerializer(), max_length=MAX_HIGHLIGHTS, help_text="In order; an empty list unpicks all."
        )

    @extend_schema(request=InputSerializer, responses={204: None})
    def put(self, request: Request, cycle_id: int) -> Response:
        access = _write(request, cycle_id)
        picks = [HighlightInput(**pick) for pick in _valid(self.InputSerializer, request)["items"]]
        highlights_set(person=access.person, cycle=access.cycle, items=picks, user=signed_in_user(request))
        return Response(status=204)


class FlagExplanationApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        explanation = serializers.CharField(max_length=Annotation.FLAG_EXPLANATION_LIMIT, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={204: None})
    def put(self, request: Request, cycle_id: int, kind: str) -> Response:
        access = _write(request, cycle_id)
        explanation = _valid(self.InputSerializer, request)["explanation"]
        flag_explanation_set(
            person=access.person, cycle=access.cycle, kind=kind, explanation=explanation, user=signed_in_user(request)
        )
        return Response(status=204)


class NarrativeApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        text = serializers.CharField(max_length=Annotation.NARRATIVE_LIMIT, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={204: None})
    def put(self, request: Request, cycle_id: int) -> Response:
        access = _write(request, cycle_id)
        text = _valid(self.InputSerializer, request)["text"]
        narrative_set(person=access.person, cycle=access.cycle, text=text, user=signed_in_user(request))
        return Response(status=204)


class VersionStartApi(APIView):
    class OutputSerializer(serializers.Serializer[Any]):
        """The new version's packet id and status; poll GET /api/packets/<id>/ (or this workspace) until done."""

        packet = serializers.IntegerField(source="pk")
        version = serializers.IntegerField()
        status = serializers.CharField()

    @extend_schema(request=None, responses={202: OutputSerializer})
    def post(self, request: Request, cycle_id: int) -> Response:
        access = _write(request, cycle_id)
        packet = packet_version_start(person=access.person, cycle=access.cycle, user=signed_in_user(request))
        packet.refresh_from_db(fields=["status"])
        return Response(self.OutputSerializer(packet).data, status=202)


class ReleaseApi(APIView):
    class OutputSerializer(serializers.Serializer[Any]):
        version = serializers.IntegerField()
        at = serializers.DateTimeField(source="released_at")

    @extend_schema(request=None, responses={200: OutputSerializer})
    def post(self, request: Request, cycle_id: int) -> Response:
        access = _write(request, cycle_id)
        release = packet_release(
            person=access.person, cycle=access.cycle, user=signed_in_user(request), ip_address=client_ip(request)
        )
        return Response(self.OutputSerializer(release).data)


class WithdrawApi(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, cycle_id: int) -> Response:
        access = _write(request, cycle_id)
        packet_release_withdraw(
            person=access.person, cycle=access.cycle, user=signed_in_user(request), ip_address=client_ip(request)
        )
        return Response(status=204)


class AccessLogApi(APIView):
    class OutputSerializer(serializers.Serializer[Any]):
        at = serializers.DateTimeField()
        actor = serializers.CharField()
        role = serializers.CharField(help_text="manager, hr, admin or other, as recorded when they looked")
        action = serializers.ChoiceField(choices=["view", "download", "export"])
        version = serializers.IntegerField()

    @extend_schema(parameters=[PERSON_PARAMETER], responses={200: OutputSerializer(many=True)})
    def get(self, request: Request, cycle_id: int) -> Response:
        access = _read(request, cycle_id)
        entries = packet_access_log_get(person=access.person, cycle=access.cycle)
        return Response(self.OutputSerializer(entries, many=True).data)


def _valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
