"""HR's audit log: filter by person, actor, action and dates; a page at a time, or every match as CSV. Read-only."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import replace

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from reviews.hr_selectors import AuditFilter, audit_events_list
from reviews.models import AuditEvent
from reviews.permissions import hr_page, signed_in_user
from reviews.requests import client_ip, query_without_page
from reviews.services.audit import audit_record
from reviews.services.exports import csv_safe

PAGE_SIZE = 50
CSV_COLUMNS = ("at", "actor", "action", "object_type", "object_id", "ip_address", "detail")


class AuditFilterForm(forms.Form):
    person = forms.CharField(required=False, label="Person (name or e-mail)")
    actor = forms.CharField(required=False, label="Actor (username)")
    action = forms.CharField(required=False, label="Action (or its start, e.g. packet.)")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From")
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To (included)")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            raise forms.ValidationError(f"'To' ({until}) is before 'From' ({since}).")
        return cleaned

    def audit_filter(self) -> AuditFilter:
        given = self.cleaned_data
        return AuditFilter(
            person=given["person"].strip(),
            actor=given["actor"].strip(),
            action=given["action"].strip(),
            since=given["since"],
            until=given["until"],
        )


@hr_page
def audit_list_view(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return _render_list(request, form=form, page=None, status=400)
    events = audit_events_list(filters=form.audit_filter())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render_list(request, form=form, page=page, status=200)


@hr_page
def audit_csv_view(request: HttpRequest) -> HttpResponseBase:
    """Every event matching the filters, newest first, streamed; the export itself is audited as audit.export
    (and is the first event the CSV leaves out)."""
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return _render_list(request, form=form, page=None, status=400)
    viewer = signed_in_user(request)
    export_event = audit_record(
        actor=viewer,
        action="audit.export",
        target=viewer,
        ip_address=client_ip(request),
        detail={key: str(value) for key, value in form.cleaned_data.items() if value},
    )
    filters = replace(form.audit_filter(), before_id=export_event.pk)
    response = StreamingHttpResponse(_csv_rows(filters=filters), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


class _Echo:
    """csv.writer writes to it; each row comes back as the string to stream."""

    def write(self, value: str) -> str:
        return value


def _csv_rows(*, filters: AuditFilter) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in audit_events_list(filters=filters).iterator(chunk_size=2000):
        yield writer.writerow(
            [
                event.at.isoformat(),
                csv_safe(event.actor_label),
                csv_safe(event.action),
                event.object_type,
                csv_safe(event.object_id),
                event.ip_address or "",
                csv_safe(json.dumps(event.detail, sort_keys=True)),
            ]
        )


def _render_list(
    request: HttpRequest, *, form: AuditFilterForm, page: Page[AuditEvent] | None, status: int
) -> HttpResponse:
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render(request, "reviews/audit/list.html", context, status=status)
