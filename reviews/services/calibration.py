"""Calibration writes: a manager's note on a person, and the calibration sheet printed to a verifiable PDF."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from django.contrib.auth.models import User
from django.template.loader import render_to_string

from reviews.calibration import CalibrationSheet
from reviews.errors import ApplicationError
from reviews.models import CalibrationGroup, CalibrationNote, CalibrationPrint, Person, ReviewCycle
from reviews.printing.pdf import RenderBudget, html_to_pdf_isolated
from reviews.services.audit import audit_record
from reviews.services.cycles import cycle_change_check

NOTE_MAX_CHARS = 4000
SHEET_ATTACHMENT_DESCRIPTION = "tokenproof calibration sheet (JSON) this PDF was printed from"


def calibration_note_set(
    *, cycle: ReviewCycle, person: Person, text: str, author: User, ip_address: str | None = None
) -> CalibrationNote:
    """Create or replace the calibration note on `person` for `cycle`; audited as calibration.note.write.

    The caller has checked that the author may write it (reviews.permissions.calibration_note_access). The audit
    event records the note and its length, never its text. Raises ApplicationError when the cycle is closed (its
    notes are read-only) or the text is over NOTE_MAX_CHARS characters.
    """
    cycle_change_check(cycle=cycle, change="calibration notes")
    text = text.strip()
    if len(text) > NOTE_MAX_CHARS:
        raise ApplicationError(f"The note is {len(text):,} characters; the limit is {NOTE_MAX_CHARS:,}.")
    note, _ = CalibrationNote.objects.update_or_create(
        person=person, cycle=cycle, defaults={"text": text, "author": author}
    )
    audit_record(
        actor=author, action="calibration.note.write", target=note, ip_address=ip_address, detail={"chars": len(text)}
    )
    return note


def calibration_sheet_json(*, sheet: CalibrationSheet) -> bytes:
    """The sheet as the JSON embedded in its PDF: every row and caveat exactly as printed, in a stable byte form."""
    return json.dumps(dataclasses.asdict(sheet), sort_keys=True, ensure_ascii=False, indent=1, default=str).encode()


def calibration_sheet_print(
    *, sheet: CalibrationSheet, requested_by: User, budget: RenderBudget | None = None
) -> tuple[CalibrationPrint, bytes]:
    """The sheet as a landscape PDF/A-3b through the packet's locked renderer, its JSON attached; SHA-256 recorded.

    The bytes are not stored (they may hold notes); the CalibrationPrint row lets `verify_packet` recognise an
    unaltered copy later. Raises RenderBudgetExceededError when the render overruns its budget.
    """
    html = render_to_string("reviews/print/calibration.html", {"sheet": sheet})
    pdf = html_to_pdf_isolated(
        html,
        attachment=calibration_sheet_json(sheet=sheet),
        attachment_description=SHEET_ATTACHMENT_DESCRIPTION,
        budget=budget or RenderBudget.from_settings(),
    )
    group = CalibrationGroup.objects.filter(pk=sheet.group_id).first() if sheet.group_id is not None else None
    record = CalibrationPrint.objects.create(
        cycle_id=sheet.cycle_id,
        group=group,
        title=sheet.title[:300],
        people=len(sheet.rows),
        sha256=hashlib.sha256(pdf).hexdigest(),
        generated_by=requested_by,
    )
    return record, pdf
