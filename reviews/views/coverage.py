"""HR's coverage page: unresolved identities (usage actors and commit e-mails) with their volume and a way to map
each to a person; each usage source's last import and the days it covers; each repository's last sync and whether
durability (line survival) has been measured. Lists are searched and paginated on the server, by name."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from evidence.selectors import (
    repository_coverage_list,
    source_coverage_list,
    unresolved_usage_actor_get,
    unresolved_usage_actors,
)
from evidence.services.identities import commit_email_map, source_actor_map, unresolved_commit_emails
from reviews.models import Person
from reviews.permissions import hr_page, signed_in_user
from reviews.requests import client_ip
from reviews.services.audit import audit_record

PAGE_SIZE = 25


class MapForm(forms.Form):
    """Whom an unresolved identity belongs to, by their work e-mail."""

    person_email = forms.EmailField(label="Person's work e-mail")

    def clean_person_email(self) -> Person:
        email = self.cleaned_data["person_email"].strip().lower()
        person = Person.objects.filter(email=email).first()
        if person is None:
            raise forms.ValidationError(f"Nobody has the work e-mail {email}: import them first.")
        return person


@hr_page
def coverage_view(request: HttpRequest) -> HttpResponse:
    return _render(request, form=MapForm(), status=200)


@hr_page
@require_POST
def actor_map_view(request: HttpRequest, actor_id: int) -> HttpResponse:
    """Map one unresolved usage actor to a person and re-link its facts; audited as identity.map."""
    actor = unresolved_usage_actor_get(actor_id=actor_id)
    if actor is None:
        raise Http404("No unresolved identity here: it may have been mapped meanwhile.")
    form = MapForm(request.POST)
    if not form.is_valid():
        return _render(request, form=form, status=400)
    person = form.cleaned_data["person_email"]
    linked = source_actor_map(actor=actor, person=person)
    _audit_map(request, person=person, identity=f"{actor.provider}:{actor.kind}:{actor.value}", linked=linked)
    messages.success(request, f"{actor.value} is now {person.name}: {linked} usage records linked.")
    return redirect("reviews:coverage")


@hr_page
@require_POST
def commit_email_map_view(request: HttpRequest) -> HttpResponse:
    """Map one unresolved commit e-mail to a person; audited as identity.map."""
    form = MapForm(request.POST)
    email = request.POST.get("email", "")
    if not form.is_valid():
        return _render(request, form=form, status=400)
    person = form.cleaned_data["person_email"]
    if not email.strip():
        form.add_error(None, "Give the commit e-mail to map.")
        return _render(request, form=form, status=400)
    linked = commit_email_map(email=email.strip(), person=person)
    _audit_map(request, person=person, identity=f"commit e-mail:{email.strip().lower()}", linked=linked)
    messages.success(request, f"{email} is now {person.name}: {linked} commits linked.")
    return redirect("reviews:coverage")


def _audit_map(request: HttpRequest, *, person: Person, identity: str, linked: int) -> None:
    audit_record(
        actor=signed_in_user(request),
        action="identity.map",
        target=person,
        ip_address=client_ip(request),
        detail={"identity": identity, "linked": linked},
    )


def _render(request: HttpRequest, *, form: MapForm, status: int) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    return render(
        request,
        "reviews/coverage/page.html",
        {
            "search": search,
            "search_query": urlencode({"q": search}) if search else "",
            "actors": Paginator(unresolved_usage_actors(search=search), PAGE_SIZE).get_page(
                request.GET.get("actors_page")
            ),
            "emails": Paginator(
                [row for row in unresolved_commit_emails() if search.lower() in row[0]], PAGE_SIZE
            ).get_page(request.GET.get("emails_page")),
            "sources": source_coverage_list(),
            "repositories": Paginator(repository_coverage_list(search=search), PAGE_SIZE).get_page(
                request.GET.get("repositories_page")
            ),
            "form": form,
        },
        status=status,
    )
