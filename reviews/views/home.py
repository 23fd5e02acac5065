"""The home page: a person's own packets first, then their reports', and HR's recent runs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reviews.models import EvidenceRun, Packet, ReviewCycle
from reviews.permissions import packets_visible_get, request_viewer
from reviews.selectors import released_versions_get, run_phases_get

HOME_CYCLES = 5


@login_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    packets = packets_visible_get(viewer=viewer)
    own = [packet for packet in packets if viewer.person_id is not None and packet.person_id == viewer.person_id]
    released = released_versions_get(person_ids=frozenset({viewer.person_id} if viewer.person_id else ()))
    by_id = {packet.pk: packet for packet in Packet.objects.filter(pk__in=released.values()).only("pk", "version")}
    reports = [packet for packet in packets if packet.person_id != viewer.person_id]
    runs: list[EvidenceRun] = []
    if viewer.hr:
        runs = list(EvidenceRun.objects.select_related("cycle").order_by("-created_at")[:10])
    phases = run_phases_get(runs=runs)
    # The newest cycles: every signed-in person has a self-review workspace in each, packet or not.
    cycles = list(ReviewCycle.objects.all()[:HOME_CYCLES])
    return render(
        request,
        "reviews/home.html",
        {
            "viewer": viewer.person,
            "own_packets": [
                (packet, by_id.get(released.get((packet.cycle_id, packet.person_id), 0))) for packet in own
            ],
            "report_packets": reports,
            "runs": runs,
            "run_rows": [(run, phases[run.pk]) for run in runs],
            "hr": viewer.hr,
            "team_cycles": cycles if viewer.reports else [],
            "cycles": cycles if viewer.person is not None else [],
        },
    )
