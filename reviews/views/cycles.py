"""HR's cycle pages: the list, create and edit, the status board, packet runs with live progress, and exports.

Every page is HR's (`reviews.permissions.hr_page`). Starting a run or an export answers at once: the work runs on
the workers, or in a thread of this process in the embedded default (reviews.tasks `in_background`), and the page
polls the rows with htmx.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reviews.errors import ApplicationError
from reviews.hr_selectors import (
    cycle_exports_get,
    cycle_list,
    cycle_runs_get,
    run_failures_get,
    status_board_get,
)
from reviews.models import CycleExport, EvidenceRun, ReviewCycle
from reviews.permissions import hr_page, signed_in_user
from reviews.requests import client_ip, query_without_page
from reviews.selectors import run_phases_get
from reviews.services.cycles import NEXT_STATE, cycle_create, cycle_transition, cycle_update
from reviews.services.exports.downloads import ExportFile, export_file_open
from reviews.tasks import cycle_export_start, evidence_run_retry, evidence_run_start

PAGE_SIZE = 50
# The button that moves a cycle to each state (draft → open → calibration → closed).
TRANSITION_BUTTONS = {
    ReviewCycle.State.OPEN: "Open the cycle",
    ReviewCycle.State.CALIBRATION: "Move to calibration",
    ReviewCycle.State.CLOSED: "Close the cycle (it becomes read-only)",
}
# How often a progress fragment asks again while its run or export is going (htmx `every`).
POLL_EVERY = "2s"


class CycleFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Name contains")
    state = forms.ChoiceField(required=False, choices=[("", "Any state"), *ReviewCycle.State.choices])


class CycleForm(forms.Form):
    name = forms.CharField(max_length=120)
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    release_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="After this date managers see every report's packet, released or not.",
    )


@hr_page
def cycle_list_view(request: HttpRequest) -> HttpResponse:
    filters = CycleFilterForm(request.GET)
    given = filters.cleaned_data if filters.is_valid() else {}
    cycles = cycle_list(search=given.get("q", ""), state=given.get("state", ""))
    page = Paginator(cycles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "reviews/cycles/list.html", {"filters": filters, "page": page, "query": query_without_page(request)}
    )


@hr_page
def cycle_create_view(request: HttpRequest) -> HttpResponse:
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = cycle_create(**form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Cycle {cycle.name} created as a draft.")
            return redirect("reviews:cycle-detail", cycle_id=cycle.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/cycles/form.html", {"form": form, "cycle": None}, status=status)


@hr_page
def cycle_edit_view(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(ReviewCycle, pk=cycle_id)
    initial = {"name": cycle.name, "start": cycle.start, "end": cycle.end, "release_date": cycle.release_date}
    form = CycleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cycle_update(cycle=cycle, actor=signed_in_user(request), ip_address=client_ip(request), **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Cycle saved.")
            return redirect("reviews:cycle-detail", cycle_id=cycle.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/cycles/form.html", {"form": form, "cycle": cycle}, status=status)


@hr_page
def cycle_detail_view(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(ReviewCycle, pk=cycle_id)
    runs = list(cycle_runs_get(cycle=cycle)[:5])
    phases = run_phases_get(runs=runs)
    next_state = NEXT_STATE.get(ReviewCycle.State(cycle.state))
    return render(
        request,
        "reviews/cycles/detail.html",
        {
            "cycle": cycle,
            "next_state": next_state,
            "transition_button": TRANSITION_BUTTONS.get(next_state) if next_state else "",
            "run_rows": [(run, phases[run.pk]) for run in runs],
            "exports": list(cycle_exports_get(cycle=cycle)[:5]),
        },
    )


@hr_page
@require_POST
def cycle_transition_view(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(ReviewCycle, pk=cycle_id)
    to = request.POST.get("to", "")
    if to not in ReviewCycle.State.values:
        messages.error(request, f"{to!r} is not a cycle state.")
        return redirect("reviews:cycle-detail", cycle_id=cycle.pk)
    try:
        cycle_transition(
            cycle=cycle, to=ReviewCycle.State(to), actor=signed_in_user(request), ip_address=client_ip(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("reviews:cycle-detail", cycle_id=cycle.pk)


@hr_page
def cycle_board_view(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(ReviewCycle, pk=cycle_id)
    search = request.GET.get("team", "").strip()
    board = status_board_get(cycle=cycle, search=search, page=request.GET.get("page"), per_page=PAGE_SIZE)
    context = {
        "cycle": cycle,
        "board": board,
        "page": board.page,
        "search": search,
        "query": query_without_page(request),
    }
    return render(request, "reviews/cycles/board.html", context)


@hr_page
@require_POST
def cycle_run_start_view(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(ReviewCycle, pk=cycle_id)
    try:
        run = evidence_run_start(cycle=cycle, requested_by=signed_in_user(request), in_background=True)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("reviews:cycle-detail", cycle_id=cycle.pk)
    return redirect("reviews:run-detail", run_id=run.pk)


@hr_page
def run_detail_view(request: HttpRequest, run_id: int) -> HttpResponse:
    return render(request, "reviews/cycles/run.html", _run_context(run_id=run_id))


@hr_page
def run_progress_view(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run's progress fragment, which htmx swaps in place every POLL_EVERY until the run has ended."""
    return render(request, "reviews/cycles/run_progress.html", _run_context(run_id=run_id))


@hr_page
@require_POST
def run_retry_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(EvidenceRun, pk=run_id)
    try:
        evidence_run_retry(run=run, requested_by=signed_in_user(request), in_background=True)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("reviews:run-detail", run_id=run.pk)


@hr_page
@require_POST
def cycle_export_start_view(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(ReviewCycle, pk=cycle_id)
    try:
        export = cycle_export_start(cycle=cycle, requested_by=signed_in_user(request), in_background=True)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("reviews:cycle-detail", cycle_id=cycle.pk)
    return redirect("reviews:export-detail", export_id=export.pk)


@hr_page
def export_detail_view(request: HttpRequest, export_id: int) -> HttpResponse:
    return render(request, "reviews/cycles/export.html", _export_context(export_id=export_id))


@hr_page
def export_progress_view(request: HttpRequest, export_id: int) -> HttpResponse:
    """The export's progress fragment, polled like a run's until the files are written (or it failed)."""
    return render(request, "reviews/cycles/export_progress.html", _export_context(export_id=export_id))


@hr_page
def export_file_view(request: HttpRequest, export_id: int, file: str) -> HttpResponseBase:
    """One file of a finished export (the ZIP, org-report.pdf or summary.csv), audited as cycle.export.download."""
    export = get_object_or_404(CycleExport.objects.select_related("cycle"), pk=export_id)
    if file not in set(ExportFile):
        raise Http404("No such export file.")
    try:
        handle, name = export_file_open(
            export=export, file=ExportFile(file), actor=signed_in_user(request), ip_address=client_ip(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("reviews:export-detail", export_id=export.pk)
    return FileResponse(handle, as_attachment=True, filename=name)


def _run_context(*, run_id: int) -> dict[str, object]:
    run = get_object_or_404(EvidenceRun.objects.select_related("cycle"), pk=run_id)
    return {
        "run": run,
        "phase": run_phases_get(runs=[run])[run.pk],
        "failures": list(run_failures_get(run=run)[:PAGE_SIZE]),
        "ended": run.status in EvidenceRun.TERMINAL,
        "poll_every": POLL_EVERY,
    }


def _export_context(*, export_id: int) -> dict[str, object]:
    export = get_object_or_404(CycleExport.objects.select_related("cycle"), pk=export_id)
    return {
        "export": export,
        "ended": export.status in CycleExport.TERMINAL,
        "poll_every": POLL_EVERY,
    }
