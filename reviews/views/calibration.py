"""Calibration pages: the sheet of a manager's reports or of a calibration group, its PDF, the notes, and the
calibration version of a packet; each through the access gate."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from reviews.calibration import calibration_note_get, calibration_sheet_get
from reviews.errors import ApplicationError
from reviews.permissions import (
    CalibrationAction,
    CalibrationScope,
    calibration_note_access,
    calibration_sheet_access,
    packet_access,
    request_viewer,
    signed_in_user,
)
from reviews.requests import client_ip
from reviews.selectors import packet_context_get
from reviews.services.audit import PacketAction
from reviews.services.calibration import NOTE_MAX_CHARS, calibration_note_set, calibration_sheet_print
from reviews.views.packets import print_css_for_style_element


class CalibrationNoteForm(forms.Form):
    text = forms.CharField(required=False, max_length=NOTE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3}))
    next = forms.CharField(required=False, max_length=500)


def _sheet_page(request: HttpRequest, scope: CalibrationScope, pdf_url: str) -> HttpResponse:
    sheet = calibration_sheet_get(viewer=request_viewer(request), scope=scope)
    return render(request, "reviews/calibration/sheet.html", {"sheet": sheet, "pdf_url": pdf_url})


def _sheet_pdf(request: HttpRequest, scope: CalibrationScope) -> HttpResponse:
    sheet = calibration_sheet_get(viewer=request_viewer(request), scope=scope)
    record, pdf = calibration_sheet_print(sheet=sheet, requested_by=signed_in_user(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"calibration-{scope.cycle.name}-{record.pk}.pdf".replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def calibration_sheet_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    scope = calibration_sheet_access(request=request, action=CalibrationAction.SHEET_VIEW, cycle_id=cycle_id)
    return _sheet_page(request, scope, reverse("reviews:calibration-sheet-pdf", args=[cycle_id]))


@login_required
def calibration_sheet_download(request: HttpRequest, cycle_id: int) -> HttpResponse:
    scope = calibration_sheet_access(request=request, action=CalibrationAction.SHEET_DOWNLOAD, cycle_id=cycle_id)
    return _sheet_pdf(request, scope)


@login_required
def calibration_group_page(request: HttpRequest, group_id: int) -> HttpResponse:
    scope = calibration_sheet_access(request=request, action=CalibrationAction.SHEET_VIEW, group_id=group_id)
    return _sheet_page(request, scope, reverse("reviews:calibration-group-pdf", args=[group_id]))


@login_required
def calibration_group_download(request: HttpRequest, group_id: int) -> HttpResponse:
    scope = calibration_sheet_access(request=request, action=CalibrationAction.SHEET_DOWNLOAD, group_id=group_id)
    return _sheet_pdf(request, scope)


@login_required
@require_POST
def calibration_note_save(request: HttpRequest, cycle_id: int, person_id: int) -> HttpResponse:
    """Saves the note and returns to the sheet it was written on; a bad note returns there with the reason."""
    cycle, person = calibration_note_access(request=request, cycle_id=cycle_id, person_id=person_id)
    form = CalibrationNoteForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("reviews:calibration-sheet", args=[cycle.pk])
    if not form.is_valid():
        messages.error(
            request,
            f"Note on {person.name}: " + " ".join(str(error) for error in form.errors.get("text", ["not saved."])),
        )
        return redirect(back)
    try:
        calibration_note_set(
            cycle=cycle,
            person=person,
            text=form.cleaned_data["text"],
            author=signed_in_user(request),
            ip_address=client_ip(request),
        )
        messages.success(request, f"Calibration note on {person.name} saved.")
    except ApplicationError as error:
        messages.error(request, f"Note on {person.name}: {error.message}")
    return redirect(f"{back}#person-{person.pk}")


@login_required
def packet_calibration_preview(request: HttpRequest, packet_id: int) -> HttpResponse:
    """The packet's calibration version (DESIGN.md §6): the packet, plus the manager's notes for those allowed."""
    packet = packet_access(request=request, packet_id=packet_id, action=PacketAction.VIEW_CALIBRATION)
    viewer = request_viewer(request)
    return render(
        request,
        "reviews/calibration/packet.html",
        {
            "packet": packet_context_get(packet=packet),
            "packet_row": packet,
            "release": packet.releases.filter(withdrawn_at__isnull=True).order_by("released_at").first(),
            "print_css": print_css_for_style_element(),
            "may_read_notes": viewer.may_read_notes(packet.person_id),
            "note": calibration_note_get(viewer=viewer, person_id=packet.person_id, cycle_id=packet.cycle_id),
        },
    )
