from __future__ import annotations

from rest_framework import serializers

from evidence.facts.schema import EvidenceFactsDict, stored_facts
from reviews.models import CycleExport, EvidenceRun, Packet, ReviewCycle
from reviews.selectors import run_phases_get


class CycleOutputSerializer(serializers.ModelSerializer[ReviewCycle]):
    class Meta:
        model = ReviewCycle
        fields = ("id", "name", "start", "end", "state", "release_date")


class CycleInputSerializer(serializers.Serializer[dict[str, object]]):
    name = serializers.CharField(max_length=120)
    start = serializers.DateField()
    end = serializers.DateField()
    release_date = serializers.DateField(required=False, allow_null=True)


class RunOutputSerializer(serializers.ModelSerializer[EvidenceRun]):
    """A run's packet counts, and its phase: while everyone's facts are built first, the facts counts."""

    cycle = serializers.CharField(source="cycle.name")
    progress = serializers.FloatField()
    phase = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceRun
        fields = ("id", "cycle", "status", "phase", "total", "done", "failed", "progress", "created_at", "finished_at")

    def get_phase(self, run: EvidenceRun) -> dict[str, object]:
        phase = run_phases_get(runs=[run])[run.pk]
        return {"name": phase.name, "done": phase.done, "failed": phase.failed, "total": phase.total}


class PacketOutputSerializer(serializers.ModelSerializer[Packet]):
    person = serializers.EmailField(source="person.email")
    name = serializers.CharField(source="person.name")
    cycle = serializers.CharField(source="cycle.name")

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
            "released_at",
        )


class PacketDetailSerializer(PacketOutputSerializer):
    """A finished packet with the facts it was printed from, documented from their types (EvidenceFactsDict)."""

    facts = serializers.SerializerMethodField()

    class Meta(PacketOutputSerializer.Meta):
        fields: tuple[str, ...] = (*PacketOutputSerializer.Meta.fields, "facts")

    def get_facts(self, packet: Packet) -> EvidenceFactsDict:
        return stored_facts(packet.facts)


class ExportOutputSerializer(serializers.ModelSerializer[CycleExport]):
    """An export's progress, read from its rows: packets from the run, then the files."""

    cycle = serializers.CharField(source="cycle.name")
    packets_total = serializers.IntegerField(source="run.total")
    packets_done = serializers.IntegerField(source="run.done")
    packets_failed = serializers.IntegerField(source="run.failed")

    class Meta:
        model = CycleExport
        fields = (
            "id",
            "cycle",
            "status",
            "packets_total",
            "packets_done",
            "packets_failed",
            "files_written",
            "zip_sha256",
            "error",
            "created_at",
            "finished_at",
        )
