"""The home page: a person's own packets first, then their reports', and HR's recent runs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reviews.models import EvidenceRun
from reviews.selectors import is_hr, packets_visible_to, person_for_user, run_phases_get


@login_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = person_for_user(user=request.user)
    packets = packets_visible_to(user=request.user)
    own = [packet for packet in packets if viewer and packet.person_id == viewer.pk]
    reports = [packet for packet in packets if not viewer or packet.person_id != viewer.pk]
    runs: list[EvidenceRun] = []
    if is_hr(user=request.user):
        runs = list(EvidenceRun.objects.select_related("cycle").order_by("-created_at")[:10])
    phases = run_phases_get(runs=runs)
    return render(
        request,
        "reviews/home.html",
        {
            "viewer": viewer,
            "own_packets": own,
            "report_packets": reports,
            "runs": runs,
            "run_rows": [(run, phases[run.pk]) for run in runs],
            "hr": bool(runs) or is_hr(user=request.user),
        },
    )
