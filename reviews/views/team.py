"""The manager's team page for a cycle: every report's packet state, grouped by direct manager, by name."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reviews.calibration import PacketState, ordering_refuse, team_page_get
from reviews.errors import ApplicationError
from reviews.permissions import request_viewer, team_access


class TeamFilterForm(forms.Form):
    """Filters by team and packet state only: nothing on this page orders people by a figure."""

    team = forms.CharField(required=False, max_length=120)
    state = forms.ChoiceField(required=False, choices=[("", "Any state"), *PacketState.choices])
    page = forms.IntegerField(required=False, min_value=1)


@login_required
def team_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = team_access(request=request, cycle_id=cycle_id)
    form = TeamFilterForm(request.GET)
    try:
        ordering_refuse(params=request.GET)
    except ApplicationError as error:
        return render(
            request, "reviews/team/page.html", {"cycle": cycle, "form": form, "error": error.message}, status=400
        )
    if not form.is_valid():
        return render(request, "reviews/team/page.html", {"cycle": cycle, "form": form}, status=400)
    team = team_page_get(
        viewer=request_viewer(request),
        cycle=cycle,
        team=form.cleaned_data["team"],
        state=form.cleaned_data["state"],
        page_number=form.cleaned_data["page"] or 1,
    )
    return render(request, "reviews/team/page.html", {"cycle": cycle, "form": form, "team": team})
