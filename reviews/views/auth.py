"""Signing in: the demo's one-click login per role (production signs in through the login page)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from reviews.models import Person, ReviewCycle
from reviews.requests import client_ip
from reviews.services.audit import audit_record


def demo_login(request: HttpRequest) -> HttpResponse:
    """One click per role, for the demo only (TOKENPROOF_DEMO_LOGIN=1, set by `make serve`)."""
    if not settings.DEMO_LOGIN:
        raise Http404("The demo login is off.")
    if request.method == "POST":
        person = get_object_or_404(Person, pk=request.POST.get("person"), user__isnull=False)
        user = person.user
        if user is None:
            raise Http404("This person has no login.")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        audit_record(actor=user, action="login.demo", target=person, ip_address=client_ip(request))
        return redirect("reviews:home")
    people = Person.objects.filter(user__isnull=False).select_related("manager")
    hr = [person for person in people if person.is_hr_or_admin]
    managers = [person for person in people.filter(reports__isnull=False).distinct() if person not in hr]
    employees = [person for person in people.filter(reports__isnull=True) if person not in hr][:12]
    cycles = ReviewCycle.objects.all()[:3]
    return render(
        request,
        "reviews/auth/demo_login.html",
        {"hr": hr, "managers": managers, "employees": employees, "cycles": cycles, "user_model": get_user_model()},
    )
