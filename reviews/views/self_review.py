"""The employee's self-review workspace: one page per person per cycle, and the small forms it posts.

Every form works as a plain POST that redirects back to the page (Post/Redirect/Get); htmx, where the page loads it,
swaps the answering fragment in place instead. Each POST is one call of a service in reviews.services.self_review;
the form checks shape and length, naming the field; a service's ApplicationError comes back as a 400 with its
message, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews.errors import ApplicationError
from reviews.models import Annotation, Correction, Packet, Person, ReviewCycle
from reviews.permissions import self_review_access, signed_in_user
from reviews.self_review import (
    SelfReview,
    WorkItem,
    manager_chain_get,
    packet_access_log_get,
    packet_versions_diff_get,
    self_review_get,
)
from reviews.services.self_review import (
    HighlightInput,
    correction_delete,
    correction_set,
    flag_explanation_set,
    highlights_set,
    narrative_set,
    packet_release,
    packet_release_withdraw,
    packet_version_start,
)
from reviews.views.requests import client_ip

MAX_HIGHLIGHTS = 5
# A version is in progress while its row is in one of these states; the page polls it until it leaves them.
IN_PROGRESS = frozenset({Packet.Status.PENDING, Packet.Status.RENDERING})


class CorrectionForm(forms.Form):
    item = forms.CharField(max_length=300, widget=forms.HiddenInput)
    ai_assisted = forms.TypedChoiceField(
        label="Your verdict",
        choices=[("yes", "AI-assisted"), ("no", "Not AI-assisted")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    tool = forms.CharField(label="Tool (when AI-assisted)", max_length=60, required=False)
    reason = forms.CharField(
        label="Reason", max_length=Correction.REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("ai_assisted") is False:
            cleaned["tool"] = ""
        return cleaned


class ItemForm(forms.Form):
    item = forms.CharField(max_length=300)


class HighlightPickForm(ItemForm):
    pick = forms.BooleanField(required=False)


class HighlightTextForm(forms.Form):
    item = forms.CharField(max_length=300, widget=forms.HiddenInput)
    context = forms.CharField(
        label="Context",
        max_length=Annotation.HIGHLIGHT_PART_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    what_ai_did = forms.CharField(
        label="What AI did",
        max_length=Annotation.HIGHLIGHT_PART_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome = forms.CharField(
        label="Outcome",
        max_length=Annotation.HIGHLIGHT_PART_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


HighlightFormSet = forms.formset_factory(
    HighlightTextForm, extra=0, max_num=MAX_HIGHLIGHTS, validate_max=True, absolute_max=MAX_HIGHLIGHTS
)


class FlagExplanationForm(forms.Form):
    explanation = forms.CharField(
        label="Your explanation",
        max_length=Annotation.FLAG_EXPLANATION_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label="Your narrative",
        max_length=Annotation.NARRATIVE_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Plain paragraphs, separated by a blank line; printed in section 6 of your packet.",
    )


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def page_url(cycle: ReviewCycle, anchor: str = "") -> str:
    return reverse("reviews:self-review", kwargs={"cycle_id": cycle.pk}) + (f"#{anchor}" if anchor else "")


def form_errors(form: forms.Form | forms.BaseFormSet[Any]) -> list[str]:
    """Every error of a form or formset as one sentence naming its field."""
    if isinstance(form, forms.BaseFormSet):
        nested = [error for entry in form.forms for error in form_errors(entry)]
        return [*nested, *(str(error) for error in form.non_form_errors())]
    found = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        found.extend(f"{label or name.replace('_', ' ').capitalize()}: {error}" for error in errors)
    return found


def workspace_context(
    *, review: SelfReview, errors: list[str] | None = None, bound: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What the page's template reads: the workspace, its forms (bound ones kept for a 400), history and log."""
    repositories: dict[str, list[WorkItem]] = {}
    for item in review.items:
        repositories.setdefault(item.repository, []).append(item)
    highlighted = [item for item in review.items if item.highlighted]
    bound = bound or {}
    highlight_forms = bound.get("highlights") or HighlightFormSet(
        initial=[
            {
                "item": item.key,
                "context": item.highlight.context if item.highlight else "",
                "what_ai_did": item.highlight.what_ai_did if item.highlight else "",
                "outcome": item.highlight.outcome if item.highlight else "",
            }
            for item in highlighted
        ],
        prefix="highlight",
    )
    flag_forms = [
        (flag, bound.get(f"flag:{flag.kind}") or FlagExplanationForm(initial={"explanation": flag.explanation}))
        for flag in review.flags
    ]
    return {
        "review": review,
        "cycle": review.cycle,
        "repositories": sorted(repositories.items()),
        "highlights": list(zip(highlighted, highlight_forms.forms, strict=True)),
        "highlight_formset": highlight_forms,
        "highlights_full": len(highlighted) >= MAX_HIGHLIGHTS,
        "max_highlights": MAX_HIGHLIGHTS,
        "flag_forms": flag_forms,
        "narrative_form": bound.get("narrative") or NarrativeForm(initial={"text": review.narrative}),
        "in_progress": review.latest is not None and review.latest.status in IN_PROGRESS,
        "diff": packet_versions_diff_get(person=review.person, cycle=review.cycle) if review.newer_draft else None,
        "access_log": packet_access_log_get(person=review.person, cycle=review.cycle),
        "chain": manager_chain_get(person=review.person),
        "release_date_passed": review.cycle.release_date is not None
        and review.cycle.release_date <= timezone.localdate(),
        "errors": errors or [],
    }


def render_workspace(
    request: HttpRequest,
    *,
    person: Person,
    cycle: ReviewCycle,
    errors: list[str] | None = None,
    bound: Mapping[str, Any] | None = None,
) -> HttpResponse:
    review = self_review_get(person=person, cycle=cycle)
    context = workspace_context(review=review, errors=errors, bound=bound)
    return render(request, "reviews/self_review/page.html", context, status=400 if errors else 200)


def refused(
    request: HttpRequest,
    *,
    person: Person,
    cycle: ReviewCycle,
    errors: list[str],
    fragment: str = "",
    fragment_context: Mapping[str, Any] | None = None,
    bound: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """A 400 naming the field: the fragment in place for htmx, else the whole page with the messages on top."""
    if is_htmx(request) and fragment:
        return render(request, fragment, {"cycle": cycle, "errors": errors, **(fragment_context or {})}, status=400)
    return render_workspace(request, person=person, cycle=cycle, errors=errors, bound=bound)


def saved(request: HttpRequest, *, cycle: ReviewCycle, anchor: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(page_url(cycle, anchor))


@login_required
@require_GET
def self_review_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    person, cycle = self_review_access(request=request, cycle_id=cycle_id)
    return render_workspace(request, person=person, cycle=cycle)


@login_required
@require_GET
def correction_form_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The correction form of one work item (?item=<key>): a page of its own, or the row's fragment for htmx."""
    person, cycle = self_review_access(request=request, cycle_id=cycle_id)
    key = request.GET.get("item", "")
    item = next((entry for entry in self_review_get(person=person, cycle=cycle).items if entry.key == key), None)
    if item is None:
        raise Http404("No such work item in this cycle.")
    form = CorrectionForm(
        initial={
            "item": item.key,
            "ai_assisted": ("yes" if item.correction.ai_assisted else "no") if item.correction else None,
            "tool": item.correction.tool if item.correction else "",
            "reason": item.correction.reason if item.correction else "",
        }
    )
    template = "reviews/self_review/_correction_form.html" if is_htmx(request) else "reviews/self_review/correct.html"
    return render(request, template, {"cycle": cycle, "item": item, "form": form})


def _item_after(person: Person, cycle: ReviewCycle, key: str) -> WorkItem | None:
    return next((entry for entry in self_review_get(person=person, cycle=cycle).items if entry.key == key), None)


@login_required
@require_POST
def correction_save(request: HttpRequest, cycle_id: int) -> HttpResponse:
    person, cycle = self_review_access(request=request, cycle_id=cycle_id)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return refused(
            request,
            person=person,
            cycle=cycle,
            errors=form_errors(form),
            fragment="reviews/self_review/_correction_form.html",
            fragment_context={"form": form, "item": _item_after(person, cycle, request.POST.get("item", ""))},
        )
    return _call(
        request,
        person=person,
        cycle=cycle,
        action=lambda: correction_set(
            person=person,
            cycle=cycle,
            item=form.cleaned_data["item"],
            ai_assisted=form.cleaned_data["ai_assisted"],
            tool=form.cleaned_data["tool"],
            reason=form.cleaned_data["reason"],
            user=signed_in_user(request),
        ),
        item=form.cleaned_data["item"],
        message="Correction saved: your next version prints it beside the machine's verdict.",
    )


@login_required
@require_POST
def correction_remove(request: HttpRequest, cycle_id: int) -> HttpResponse:
    person, cycle = self_review_access(request=request, cycle_id=cycle_id)
    form = ItemForm(request.POST)
    if not form.is_valid():
        return refused(request, person=person, cycle=cycle, errors=form_errors(form))
    return _call(
        request,
        person=person,
        cycle=cycle,
        action=lambda: correction_delete(
            person=person, cycle=cycle, item=form.cleaned_data["item"], user=signed_in_user(request)
        ),
        item=form.cleaned_data["item"],
        message="Correction removed: the machine's verdict stands.",
    )


def _call(
    request: HttpRequest, *, person: Person, cycle: ReviewCycle, action: Callable[[], object], item: str, message: str
) -> HttpResponse:
    """Run one item's service call; answer htmx with the item's row, else redirect to it."""
    try:
        action()
    except ApplicationError as error:
        return refused(request, person=person, cycle=cycle, errors=[error.message])
    if is_htmx(request):
        row = _item_after(person, cycle, item)
        return render(request, "reviews/self_review/_item.html", {"cycle": cycle, "item": row, "saved": message})
    return saved(request, cycle=cycle, anchor="items", message=message)


def _current_highlights(review: SelfReview) -> list[HighlightInput]:
    return [
        HighlightInput(
            item=item.key,
            context=item.highlight.context if item.highlight else "",
            what_ai_did=item.highlight.what_ai_did if item.highlight else "",
            outcome=item.highlight.outcome if item.highlight else "",
        )
        for item in review.items
        if item.highlighted
    ]


@login_required
@require_POST
def highlight_pick(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Add an item to the highlights (pick=on) or take it out, keeping the other picks and their words."""
    person, cycle = self_review_access(request=request, cycle_id=cycle_id)
    form = HighlightPickForm(request.POST)
    if not form.is_valid():
        return refused(request, person=person, cycle=cycle, errors=form_errors(form))
    key = form.cleaned_data["item"]
    picks = [pick for pick in _current_highlights(self_review_get(person=person, cycle=cycle)) if pick.item != key]
    if form.cleaned_data["pick"]:
        picks.append(HighlightInput(item=key, context="", what_ai_did="", outcome=""))
    try:
        highlights_set(person=person, cycle=cycle, items=picks, user=signed_in_user(request))
    except ApplicationError as error:
        return refused(request, person=person, cycle=cycle, errors=[error.message])
    verb = "added to" if form.cleaned_data["pick"] else "removed from"
    return saved(request, cycle=cycle, anchor="highlights", message=f"{key} {verb} your highlights.")


@login_required
@require_POST
def highlights_save(request: HttpRequest, cycle_id: int) -> HttpResponse:
    person, cycle = self_review_access(request=request, cycle_id=cycle_id)
    formset = HighlightFormSet(request.POST, prefix="highlight")
    if not formset.is_valid():
        return refused(request, person=person, cycle=cycle, errors=form_errors(formset), bound={"highlights": formset})
    picks = [
        HighlightInput(
            item=entry["item"], context=entry["context"], what_ai_did=entry["what_ai_did"], outcome=entry["outcome"]
        )
        for entry in formset.cleaned_data
        if entry
    ]
    try:
        highlights_set(person=person, cycle=cycle, items=picks, user=signed_in_user(request))
    except ApplicationError as error:
        return refused(request, person=person, cycle=cycle, errors=[error.message], bound={"highlights": formset})
    return _section_saved(request, cycle=cycle, anchor="highlights", message="Highlights saved.")


def _section_saved(request: HttpRequest, *, cycle: ReviewCycle, anchor: str, message: str) -> HttpResponse:
    """htmx gets a one-line status for the form's live region; a plain POST is redirected back to the section."""
    if is_htmx(request):
        return render(request, "reviews/self_review/_saved.html", {"message": message})
    return saved(request, cycle=cycle, anchor=anchor, message=message)


@login_required
@require_POST
def flag_explanation_save(request: HttpRequest, cycle_id: int, kind: str) -> HttpResponse:
    person, cycle = self_review_access(request=request, cycle_id=cycle_id)
    form = FlagExplanationForm(request.POST)
    if not form.is_valid():
        return refused(
            request,
            person=person,
            cycle=cycle,
            errors=form_errors(form),
            fragment="reviews/self_review/_saved.html",
            bound={f"flag:{kind}": form},
        )
    try:
        flag_explanation_set(
            person=person,
            cycle=cycle,
            kind=kind,
            explanation=form.cleaned_data["explanation"],
            user=signed_in_user(request),
        )
    except ApplicationError as error:
        return refused(
            request,
            person=person,
            cycle=cycle,
            errors=[error.message],
            fragment="reviews/self_review/_saved.html",
            bound={f"flag:{kind}": form},
        )
    return _section_saved(request, cycle=cycle, anchor=f"flag-{kind}", message="Explanation saved.")


@login_required
@require_POST
def narrative_save(request: HttpRequest, cycle_id: int) -> HttpResponse:
    person, cycle = self_review_access(request=request, cycle_id=cycle_id)
    form = NarrativeForm(request.POST)
    if not form.is_valid():
        return refused(
            request,
            person=person,
            cycle=cycle,
            errors=form_errors(form),
            fragment="reviews/self_review/_saved.html",
            bound={"narrative": form},
        )
    try:
        narrative_set(person=person, cycle=cycle, text=form.cleaned_data["text"], user=signed_in_user(request))
    except ApplicationError as error:
        return refused(
            request,
            person=person,
            cycle=cycle,
            errors=[error.message],
            fragment="reviews/self_review/_saved.html",
            bound={"narrative": form},
        )
    return _section_saved(request, cycle=cycle, anchor="narrative", message="Narrative saved.")


@login_required
@require_POST
def version_start(request: HttpRequest, cycle_id: int) -> HttpResponse:
    person, cycle = self_review_access(request=request, cycle_id=cycle_id)
    try:
        packet = packet_version_start(person=person, cycle=cycle, user=signed_in_user(request))
    except ApplicationError as error:
        return refused(request, person=person, cycle=cycle, errors=[error.message])
    return saved(request, cycle=cycle, anchor="version", message=f"Making version {packet.version}.")


@login_required
@require_GET
def version_status(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The latest version's progress, polled by the page while it renders; when it is ready, htmx reloads the page."""
    person, cycle = self_review_access(request=request, cycle_id=cycle_id)
    latest = self_review_get(person=person, cycle=cycle).latest
    in_progress = latest is not None and latest.status in IN_PROGRESS
    response = render(
        request,
        "reviews/self_review/_version_status.html",
        {"cycle": cycle, "latest": latest, "in_progress": in_progress},
    )
    if is_htmx(request) and not in_progress:
        response["HX-Refresh"] = "true"  # the new version brings new items, figures and a diff: show the whole page
    return response


@login_required
@require_http_methods(["GET", "POST"])
def release_confirm(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """GET: who will see the packet, by name, and which version; POST: release it."""
    person, cycle = self_review_access(request=request, cycle_id=cycle_id)
    if request.method == "POST":
        try:
            release = packet_release(
                person=person, cycle=cycle, user=signed_in_user(request), ip_address=client_ip(request)
            )
        except ApplicationError as error:
            return refused(request, person=person, cycle=cycle, errors=[error.message])
        return saved(
            request, cycle=cycle, anchor="release", message=f"Released version {release.version} to your manager."
        )
    review = self_review_get(person=person, cycle=cycle)
    return render(
        request,
        "reviews/self_review/release.html",
        {"review": review, "cycle": cycle, "chain": manager_chain_get(person=person)},
    )


@login_required
@require_POST
def release_withdraw(request: HttpRequest, cycle_id: int) -> HttpResponse:
    person, cycle = self_review_access(request=request, cycle_id=cycle_id)
    try:
        packet_release_withdraw(person=person, cycle=cycle, user=signed_in_user(request), ip_address=client_ip(request))
    except ApplicationError as error:
        return refused(request, person=person, cycle=cycle, errors=[error.message])
    return saved(request, cycle=cycle, anchor="release", message="Release withdrawn: your manager no longer sees it.")
