"""The workspace page, `/cycles/<cycle_id>/self-review/`, and the forms it posts, each one service call.

Every form works as a plain POST answered by a redirect back to its section (Post/Redirect/Get); where htmx runs,
it swaps the answering fragment in place instead: the item's row after a correction, a one-line status after a
save. A form's error, or a service's ApplicationError, is a 400 whose message names the field, never a 500.
Every view reaches the workspace through reviews.permissions.self_review_access: the signed-in person's own, or
404; writes ask for it with write=True.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews.errors import ApplicationError
from reviews.models import Packet, ReviewCycle
from reviews.permissions import SelfReviewAccess, self_review_access, signed_in_user
from reviews.requests import client_ip
from reviews.self_review import (
    MAX_HIGHLIGHTS,
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
)
from reviews.tasks import packet_version_start
from reviews.views.self_review.forms import (
    CorrectionForm,
    FlagExplanationForm,
    HighlightFormSet,
    HighlightPickForm,
    ItemForm,
    NarrativeForm,
    form_errors,
)

# A version is being made while its row is in one of these states; the page polls it until it leaves them.
IN_PROGRESS = frozenset({Packet.Status.PENDING, Packet.Status.RENDERING})
HIGHLIGHT_PREFIX = "highlight"
ITEM_ROW = "reviews/self_review/_item.html"
CORRECTION_FORM = "reviews/self_review/_correction_form.html"
SAVED_LINE = "reviews/self_review/_saved.html"


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def workspace_of(request: HttpRequest, *, access: SelfReviewAccess) -> SelfReview:
    return self_review_get(person=access.person, cycle=access.cycle, read_only=not access.owner)


def item_of(review: SelfReview, key: str) -> WorkItem | None:
    return next((item for item in review.items if item.key == key), None)


def highlight_inputs(review: SelfReview) -> list[HighlightInput]:
    """The current picks with their words, in the workspace's order: what a pick or an unpick starts from."""
    return [
        HighlightInput(
            item=item.key,
            context=item.highlight.context,
            what_ai_did=item.highlight.what_ai_did,
            outcome=item.highlight.outcome,
        )
        for item in review.items
        if item.highlight is not None
    ]


def row_urls(cycle: ReviewCycle) -> dict[str, str]:
    """The URLs every item row's actions post to, reversed once per page rather than once per row."""
    return {
        name: reverse(f"reviews:{route}", kwargs={"cycle_id": cycle.pk})
        for name, route in (
            ("correct", "self-review-correct"),
            ("pick", "self-review-highlight-pick"),
            ("remove", "self-review-correction-remove"),
        )
    }


def workspace_context(*, review: SelfReview, bound: Mapping[str, Any]) -> dict[str, Any]:
    """What the page's template reads: the workspace, its forms (the bound one kept after a 400), and the log."""
    repositories: dict[str, list[WorkItem]] = {}
    for item in review.items:
        repositories.setdefault(item.repository, []).append(item)
    highlighted = [item for item in review.items if item.highlighted]
    highlight_forms = bound.get("highlights") or HighlightFormSet(
        initial=[asdict(pick) for pick in highlight_inputs(review)], prefix=HIGHLIGHT_PREFIX
    )
    return {
        "review": review,
        "cycle": review.cycle,
        "repositories": sorted(repositories.items()),
        "highlights": list(zip(highlighted, highlight_forms.forms, strict=False)),
        "highlight_formset": highlight_forms,
        "max_highlights": MAX_HIGHLIGHTS,
        "flag_forms": [
            (flag, bound.get(f"flag:{flag.kind}") or FlagExplanationForm(initial={"explanation": flag.explanation}))
            for flag in review.flags
        ],
        "narrative_form": bound.get("narrative") or NarrativeForm(initial={"text": review.narrative}),
        "in_progress": review.latest is not None and review.latest.status in IN_PROGRESS,
        "diff": packet_versions_diff_get(person=review.person, cycle=review.cycle) if review.newer_draft else None,
        "access_log": packet_access_log_get(person=review.person, cycle=review.cycle),
        "chain": manager_chain_get(person=review.person),
        "urls": row_urls(review.cycle),
    }


def page(
    request: HttpRequest,
    *,
    access: SelfReviewAccess,
    errors: Sequence[str] = (),
    bound: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The whole workspace: 200, or 400 with the errors on top and the refused form still filled in."""
    context = workspace_context(review=workspace_of(request, access=access), bound=bound or {})
    return render(
        request, "reviews/self_review/page.html", {**context, "errors": list(errors)}, status=400 if errors else 200
    )


def refused(
    request: HttpRequest,
    *,
    access: SelfReviewAccess,
    errors: list[str],
    fragment: str = SAVED_LINE,
    fragment_context: Mapping[str, Any] | None = None,
    bound: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """A 400 naming the field: the fragment in place for htmx, else the whole page."""
    if is_htmx(request):
        context = {"cycle": access.cycle, "errors": errors, **(fragment_context or {})}
        return render(request, fragment, context, status=400)
    return page(request, access=access, errors=errors, bound=bound)


# A POST's service call: the workspace it acts on, the form's cleaned data, and the signed-in user.
ServiceCall = Callable[[SelfReviewAccess, Any, User], object]


def posted(
    request: HttpRequest,
    cycle_id: int,
    *,
    form: forms.Form | forms.BaseFormSet[Any],
    call: ServiceCall,
    anchor: str,
    message: str,
    bound_as: str | None = None,
    row: str | None = None,
) -> HttpResponse:
    """One POST of the workspace: check the form, make its one service call, and answer.

    A refused form or an ApplicationError is a 400 naming the field (the form kept under `bound_as` on the page).
    Success redirects back to `anchor`; for htmx it answers with the item's row (the item named by the form's field
    `row`) or with a one-line status.
    """
    access = self_review_access(request=request, cycle_id=cycle_id, write=True)
    bound = {bound_as: form} if bound_as else None
    if not form.is_valid():
        if row is not None and isinstance(form, forms.Form):
            item = item_of(workspace_of(request, access=access), request.POST.get(row, ""))
            fragment_context = {"form": form, "item": item}
            return refused(
                request,
                access=access,
                errors=form_errors(form),
                fragment=CORRECTION_FORM,
                fragment_context=fragment_context,
            )
        return refused(request, access=access, errors=form_errors(form), bound=bound)
    try:
        call(access, form.cleaned_data, signed_in_user(request))
    except ApplicationError as error:
        return refused(request, access=access, errors=[error.message], bound=bound)
    if not is_htmx(request):
        messages.success(request, message)
        return redirect(reverse("reviews:self-review", kwargs={"cycle_id": access.cycle.pk}) + f"#{anchor}")
    if row is None or not isinstance(form, forms.Form):
        return render(request, SAVED_LINE, {"message": message})
    item = item_of(workspace_of(request, access=access), form.cleaned_data[row])
    context = {"cycle": access.cycle, "item": item, "saved": message, "urls": row_urls(access.cycle)}
    return render(request, ITEM_ROW, context)


@login_required
@require_GET
def self_review_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The viewer's own workspace; HR and admins may read anyone's with ?person=<id>, read-only."""
    person = request.GET.get("person", "")
    person_id = int(person) if person.isdecimal() else None
    return page(request, access=self_review_access(request=request, cycle_id=cycle_id, person_id=person_id))


@login_required
@require_GET
def correction_form_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The correction form of one work item (?item=<key>): a page of its own, or the row's fragment for htmx."""
    access = self_review_access(request=request, cycle_id=cycle_id, write=True)
    item = item_of(workspace_of(request, access=access), request.GET.get("item", ""))
    if item is None:
        raise Http404("No such work item in this cycle.")
    correction = item.correction
    form = CorrectionForm(
        initial={
            "item": item.key,
            "ai_assisted": None if correction is None else "yes" if correction.ai_assisted else "no",
            "tool": correction.tool if correction else "",
            "reason": correction.reason if correction else "",
        }
    )
    template = CORRECTION_FORM if is_htmx(request) else "reviews/self_review/correct.html"
    return render(request, template, {"cycle": access.cycle, "item": item, "form": form})


@login_required
@require_POST
def correction_save(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return posted(
        request,
        cycle_id,
        form=CorrectionForm(request.POST),
        call=lambda access, data, user: correction_set(
            person=access.person,
            cycle=access.cycle,
            item=data["item"],
            ai_assisted=data["ai_assisted"],
            tool=data["tool"],
            reason=data["reason"],
            user=user,
        ),
        anchor="items",
        message="Correction saved: your next version prints it beside the machine's verdict.",
        row="item",
    )


@login_required
@require_POST
def correction_remove(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return posted(
        request,
        cycle_id,
        form=ItemForm(request.POST),
        call=lambda access, data, user: correction_delete(
            person=access.person, cycle=access.cycle, item=data["item"], user=user
        ),
        anchor="items",
        message="Correction removed: the machine's verdict stands.",
        row="item",
    )


def _picks_after(access: SelfReviewAccess, key: str, *, pick: bool) -> list[HighlightInput]:
    """The current picks with their words, less `key`, then `key` again at the end when it is picked."""
    review = self_review_get(person=access.person, cycle=access.cycle, read_only=not access.owner)
    kept = [entry for entry in highlight_inputs(review) if entry.item != key]
    return [*kept, HighlightInput(item=key)] if pick else kept


@login_required
@require_POST
def highlight_pick(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Add one item to the highlights (pick=on) or take it out, keeping the other picks and their words."""
    picking = request.POST.get("pick") == "on"
    return posted(
        request,
        cycle_id,
        form=HighlightPickForm(request.POST),
        call=lambda access, data, user: highlights_set(
            person=access.person,
            cycle=access.cycle,
            items=_picks_after(access, data["item"], pick=data["pick"]),
            user=user,
        ),
        anchor="highlights",
        message="Added to your highlights." if picking else "Taken out of your highlights.",
    )


@login_required
@require_POST
def highlights_save(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return posted(
        request,
        cycle_id,
        form=HighlightFormSet(request.POST, prefix=HIGHLIGHT_PREFIX),
        call=lambda access, data, user: highlights_set(
            person=access.person,
            cycle=access.cycle,
            items=[HighlightInput(**entry) for entry in data if entry],
            user=user,
        ),
        anchor="highlights",
        message="Highlights saved.",
        bound_as="highlights",
    )


@login_required
@require_POST
def flag_explanation_save(request: HttpRequest, cycle_id: int, kind: str) -> HttpResponse:
    return posted(
        request,
        cycle_id,
        form=FlagExplanationForm(request.POST),
        call=lambda access, data, user: flag_explanation_set(
            person=access.person, cycle=access.cycle, kind=kind, explanation=data["explanation"], user=user
        ),
        anchor=f"flag-{kind}",
        message="Explanation saved.",
        bound_as=f"flag:{kind}",
    )


@login_required
@require_POST
def narrative_save(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return posted(
        request,
        cycle_id,
        form=NarrativeForm(request.POST),
        call=lambda access, data, user: narrative_set(
            person=access.person, cycle=access.cycle, text=data["text"], user=user
        ),
        anchor="narrative",
        message="Narrative saved.",
        bound_as="narrative",
    )


@login_required
@require_POST
def version_start(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return posted(
        request,
        cycle_id,
        form=forms.Form(request.POST),
        call=lambda access, _data, user: packet_version_start(person=access.person, cycle=access.cycle, user=user),
        anchor="version",
        message="Making a new version: this page shows its progress.",
    )


@login_required
@require_GET
def version_status(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The latest version's progress, polled while it is made; once it is ready, htmx reloads the whole page."""
    access = self_review_access(request=request, cycle_id=cycle_id)
    review = workspace_of(request, access=access)
    in_progress = review.latest is not None and review.latest.status in IN_PROGRESS
    response = render(
        request,
        "reviews/self_review/_version_status.html",
        {"cycle": access.cycle, "review": review, "in_progress": in_progress},
    )
    if is_htmx(request) and not in_progress:
        response["HX-Refresh"] = "true"  # a new version brings new items, figures and a diff: show the whole page
    return response


@login_required
@require_http_methods(["GET", "POST"])
def release_confirm(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """GET: which version, and who will see it, by name; POST: release it."""
    if request.method == "POST":
        return posted(
            request,
            cycle_id,
            form=forms.Form(request.POST),
            call=lambda access, _data, user: packet_release(
                person=access.person, cycle=access.cycle, user=user, ip_address=client_ip(request)
            ),
            anchor="release",
            message="Released: your manager can now see this version.",
        )
    access = self_review_access(request=request, cycle_id=cycle_id, write=True)
    review = workspace_of(request, access=access)
    chain = manager_chain_get(person=access.person)
    return render(
        request, "reviews/self_review/release.html", {"review": review, "cycle": access.cycle, "chain": chain}
    )


@login_required
@require_POST
def release_withdraw(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return posted(
        request,
        cycle_id,
        form=forms.Form(request.POST),
        call=lambda access, _data, user: packet_release_withdraw(
            person=access.person, cycle=access.cycle, user=user, ip_address=client_ip(request)
        ),
        anchor="release",
        message="Release withdrawn: your manager no longer sees it.",
    )
