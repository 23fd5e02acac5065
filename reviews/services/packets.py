"""Generating a cycle's packets: create a run, build each packet, finalize from the rows, find lost work.

reviews.tasks owns the run's order and sends its tasks; nothing here sends one. Every function here is
rerun-safe: work is claimed with a conditional UPDATE, finished work is skipped, and file names are deterministic,
so a redelivered task (late acks) changes nothing it should not.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.template.loader import render_to_string
from django.utils import timezone

from evidence.facts.build import person_facts_build
from evidence.facts.schema import EvidenceFactsDict
from evidence.selectors import evidence_facts_stored_get, facts_build_get
from evidence.services.evidence_build import facts_build_create, facts_build_finalize
from reviews.errors import ApplicationError
from reviews.models import EvidenceRun, Packet, Person, ReviewCycle
from reviews.printing.context import packet_context_build
from reviews.printing.pdf import RenderBudget, html_to_pdf_isolated
from reviews.selectors import annotations_snapshot, cycle_population
from reviews.services.cycles import cycle_run_check

logger = logging.getLogger("tokenproof.packets")
ACTIVE = (Packet.Status.PENDING, Packet.Status.RENDERING)


def evidence_run_create(
    *, cycle: ReviewCycle, requested_by: User | None = None, people: Sequence[Person] | None = None
) -> EvidenceRun:
    """The run's rows: the run, one pending packet per person, and the facts build the packets wait for.

    Everyone's facts are built (or refreshed) and the team bands settled before any packet renders, so packets
    show bands that agree across the team even when nobody ran `evidence --cycle` first. `people` narrows the run
    to them (an employee making a new version of their own packet); by default it is everyone employed during the
    cycle. The run's tasks are sent by reviews.tasks after commit. Raises ApplicationError for a draft or closed
    cycle, one that has not started yet (reviews.services.cycles.cycle_run_check), or when there is nobody.
    """
    cycle_run_check(cycle=cycle)
    with transaction.atomic():
        people = list(cycle_population(cycle=cycle)) if people is None else list(people)
        if not people:
            raise ApplicationError(f"Cycle {cycle.name!r} has nobody in it: import people first.")
        facts_build = facts_build_create(cycle=cycle, person_ids=[person.pk for person in people])
        run = EvidenceRun.objects.create(
            cycle=cycle, requested_by=requested_by, total=len(people), facts_build_id=facts_build.pk
        )
        versions = dict(
            Packet.objects.filter(cycle=cycle)
            .values("person_id")
            .annotate(latest=Max("version"))
            .values_list("person_id", "latest")
        )
        Packet.objects.bulk_create(
            Packet(run=run, cycle=cycle, person=person, version=versions.get(person.pk, 0) + 1) for person in people
        )
    return run


def evidence_run_settle(*, run_id: int) -> None:
    """Close the run's facts build once every person's facts are stored, which settles the team bands.

    The first step of the run's second phase, before any packet is sent. Settling twice changes nothing.
    """
    run = EvidenceRun.objects.get(pk=run_id)
    if run.facts_build_id is not None:
        facts_build_finalize(build_id=run.facts_build_id)


def evidence_run_person_ids(*, run_id: int) -> list[int]:
    """The people the run makes packets for, in id order: its facts build builds exactly them."""
    return list(Packet.objects.filter(run_id=run_id).order_by("person_id").values_list("person_id", flat=True))


def evidence_run_packet_ids(*, run_id: int) -> list[int]:
    """The run's packet ids in the order they are sent: by person name (never by any usage figure)."""
    return list(Packet.objects.filter(run_id=run_id).order_by("person__name").values_list("pk", flat=True))


def packet_build(*, packet_id: int) -> Packet.Status:
    """Build one packet. Failures are recorded on the row and returned, never raised, so finalize always runs."""
    packet = _packet_claim(packet_id=packet_id)
    if packet is None:
        return Packet.Status(Packet.objects.get(pk=packet_id).status)
    try:
        facts = packet_facts_get(packet=packet)
        annotations = annotations_snapshot(person=packet.person, cycle=packet.cycle)
        pdf = packet_render_pdf(facts=facts, annotations=annotations, version=packet.version)
    except Exception as error:  # a packet's failure must not stop the run: it is recorded and counted
        logger.exception("packet %s failed", packet_id)
        _packet_fail(packet_id=packet_id, reason=f"{type(error).__name__}: {error}"[:2000])
        return Packet.Status.FAILED
    _packet_store(packet=packet, facts=facts, annotations=annotations, pdf=pdf)
    return Packet.Status.DONE


def packet_facts_get(*, packet: Packet) -> EvidenceFactsDict:
    """The facts the run's build stored (bands settled across the team); computed afresh only where it stored none."""
    build_id = packet.run.facts_build_id if packet.run_id else None
    if build_id is not None:
        stored = evidence_facts_stored_get(person=packet.person, cycle=packet.cycle, build_id=build_id)
        if stored is not None:
            return stored
    return person_facts_build(person=packet.person, cycle=packet.cycle).facts


def facts_json_bytes(*, facts: EvidenceFactsDict) -> bytes:
    """The attachment: the facts exactly as stored on the packet row, in a stable byte form."""
    return json.dumps(facts, sort_keys=True, ensure_ascii=False, indent=1).encode("utf-8")


def packet_html(*, facts: EvidenceFactsDict, annotations: list[dict[str, Any]], version: int) -> str:
    context = packet_context_build(
        facts=facts, annotations=annotations, version=version, generated_on=timezone.localdate()
    )
    return render_to_string("reviews/print/packet.html", {"packet": context})


def packet_render_pdf(
    *, facts: EvidenceFactsDict, annotations: list[dict[str, Any]], version: int, budget: RenderBudget | None = None
) -> bytes:
    """PDF/A-3b with the facts JSON as its one attachment, rendered in a child held to the render budget."""
    html = packet_html(facts=facts, annotations=annotations, version=version)
    return html_to_pdf_isolated(
        html, attachment=facts_json_bytes(facts=facts), budget=budget or RenderBudget.from_settings()
    )


def _packet_claim(*, packet_id: int) -> Packet | None:
    """Take the packet for this delivery; None when it is finished, held by a live render, or out of attempts.

    A RENDERING row is taken over only once its claim is stale: a duplicate delivery (the reconciler, a Redis
    redelivery) must not start a second render of a packet another worker is still drawing, nor spend its attempts.
    """
    max_attempts = settings.TOKENPROOF_MAX_TASK_ATTEMPTS
    stale_before = timezone.now() - timedelta(seconds=settings.TOKENPROOF_STALE_RENDER_SECONDS)
    claimable = Q(pk=packet_id) & (
        Q(status=Packet.Status.PENDING)
        | Q(status=Packet.Status.RENDERING) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale_before))
    )
    claimed = Packet.objects.filter(claimable, attempts__lt=max_attempts).update(
        status=Packet.Status.RENDERING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if claimed:
        EvidenceRun.objects.filter(packets__pk=packet_id, status=EvidenceRun.Status.QUEUED).update(
            status=EvidenceRun.Status.RUNNING
        )
        return Packet.objects.select_related("person__manager", "cycle", "run").get(pk=packet_id)
    if Packet.objects.filter(claimable, attempts__gte=max_attempts).exists():
        # Delivered again after its last allowed attempt died with the worker: a poison message, stop here.
        _packet_fail(packet_id=packet_id, reason=f"gave up after {max_attempts} attempts (the worker died each time)")
    return None


def _packet_fail(*, packet_id: int, reason: str) -> None:
    with transaction.atomic():
        moved = Packet.objects.filter(pk=packet_id, status__in=ACTIVE).update(status=Packet.Status.FAILED, error=reason)
        if moved:
            EvidenceRun.objects.filter(packets__pk=packet_id).update(failed=F("failed") + 1)


def _packet_store(*, packet: Packet, facts: EvidenceFactsDict, annotations: list[dict[str, Any]], pdf: bytes) -> None:
    digest = hashlib.sha256(pdf).hexdigest()
    file_name = f"{packet.cycle_id}/{packet.person.email}-v{packet.version}.pdf"
    with transaction.atomic():
        locked = Packet.objects.select_for_update().get(pk=packet.pk)
        if locked.status != Packet.Status.RENDERING:
            return  # another delivery finished or failed it meanwhile
        if locked.pdf:
            locked.pdf.delete(save=False)
        locked.pdf.save(file_name, ContentFile(pdf), save=False)
        locked.facts, locked.annotations, locked.sha256, locked.error = facts, annotations, digest, ""
        locked.status, locked.generated_at = Packet.Status.DONE, timezone.now()
        locked.save(update_fields=["pdf", "facts", "annotations", "sha256", "error", "status", "generated_at"])
        EvidenceRun.objects.filter(pk=locked.run_id).update(done=F("done") + 1)


def evidence_run_finalize(*, run_id: int) -> EvidenceRun:
    """Decide the run's outcome from its packet rows. Safe to call any number of times."""
    with transaction.atomic():
        run = EvidenceRun.objects.select_for_update().get(pk=run_id)
        if run.status in EvidenceRun.TERMINAL:
            return run
        counts = run.packets.aggregate(
            active=Count("pk", filter=Q(status__in=ACTIVE)),
            done=Count("pk", filter=Q(status=Packet.Status.DONE)),
            failed=Count("pk", filter=Q(status=Packet.Status.FAILED)),
        )
        if counts["active"]:
            return run  # the reconciler comes back for it
        run.done, run.failed = counts["done"], counts["failed"]
        if not run.failed:
            run.status = EvidenceRun.Status.DONE
        elif run.done:
            run.status = EvidenceRun.Status.PARTIAL
        else:
            run.status = EvidenceRun.Status.FAILED
        run.finished_at = timezone.now()
        run.finalize_count = F("finalize_count") + 1
        run.save(update_fields=["done", "failed", "status", "finished_at", "finalize_count"])
    run.refresh_from_db()
    return run


@dataclass(frozen=True)
class StalledRuns:
    """What lost messages and dead workers left behind in unfinished runs, for the reconciler to send again."""

    renders: list[int] = field(default_factory=list)  # runs whose facts are all counted but never rendered
    packets: dict[int, list[int]] = field(default_factory=dict)  # run id -> its packets lost or never started
    finalizes: list[int] = field(default_factory=list)  # runs whose packets have all ended, never finalized


def evidence_runs_stalled() -> StalledRuns:
    """Read every unfinished run's rows and say what to send again; sends nothing.

    A claim older than TOKENPROOF_STALE_RENDER_SECONDS counts as lost. While a run is still building facts,
    none of its packets is sent: the broker redelivers a lost chunk itself (late acks), and once every person is
    counted a run whose render step never came (a lost chord) is rendered again.
    """
    stale_before = timezone.now() - timedelta(seconds=settings.TOKENPROOF_STALE_RENDER_SECONDS)
    stalled = StalledRuns()
    for run in EvidenceRun.objects.exclude(status__in=EvidenceRun.TERMINAL):
        if run.facts_build_id is not None:
            facts_build = facts_build_get(build_id=run.facts_build_id)
            if facts_build.status not in facts_build.TERMINAL:
                if facts_build.done + facts_build.failed >= facts_build.total and run.created_at < stale_before:
                    stalled.renders.append(run.pk)
                continue
        lost = Q(status=Packet.Status.RENDERING, claimed_at__lt=stale_before)
        # Pending packets are sent again only once the run has stalled: while workers are still claiming packets,
        # the rest are queued behind them, and sending tens of thousands again would only flood the broker.
        if not run.packets.filter(claimed_at__gte=stale_before).exists():
            lost |= Q(status=Packet.Status.PENDING, run__created_at__lt=stale_before)
        if packet_ids := list(run.packets.filter(lost).order_by("person__name").values_list("pk", flat=True)):
            stalled.packets[run.pk] = packet_ids
        elif not run.packets.filter(status__in=ACTIVE).exists():
            stalled.finalizes.append(run.pk)
    return stalled
