"""Pages: translate a request into one selector or service call, check access, audit every packet access."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reviews.errors import ApplicationError
from reviews.models import EvidenceRun, Packet, Person, ReviewCycle
from reviews.rendering import PRINT_CSS_PATH
from reviews.selectors import (
    is_hr,
    packet_context_get,
    packets_visible_to,
    person_for_user,
    run_phases_get,
    viewer_get,
)
from reviews.services.audit import audit_record
from reviews.services.release import packet_release


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


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


def _visible_packet_or_404(request: HttpRequest, packet_id: int) -> Packet:
    packet = get_object_or_404(
        Packet.objects.select_related("person", "cycle"), pk=packet_id, status=Packet.Status.DONE
    )
    if not viewer_get(user=request.user).may_see(packet):
        # Not 403: whether a packet exists is itself not for this user to learn.
        raise Http404("No packet here.")
    return packet


@login_required
def packet_preview(request: HttpRequest, packet_id: int) -> HttpResponse:
    packet = _visible_packet_or_404(request, packet_id)
    audit_record(actor=request.user, action="packet.view", target=packet, ip_address=client_ip(request))
    context = packet_context_get(packet=packet)
    viewer = person_for_user(user=request.user)
    return render(
        request,
        "reviews/packet_preview.html",
        {
            "packet": context,
            "packet_row": packet,
            "print_css": PRINT_CSS_PATH.read_text(),
            "is_owner": viewer is not None and viewer.pk == packet.person_id,
        },
    )


@login_required
def packet_download(request: HttpRequest, packet_id: int) -> FileResponse:
    packet = _visible_packet_or_404(request, packet_id)
    audit_record(actor=request.user, action="packet.download", target=packet, ip_address=client_ip(request))
    name = f"{packet.person.email}-{packet.cycle.name}-v{packet.version}.pdf"
    return FileResponse(packet.pdf.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")


@login_required
@require_POST
def packet_release_view(request: HttpRequest, packet_id: int) -> HttpResponse:
    packet = _visible_packet_or_404(request, packet_id)
    try:
        packet_release(packet=packet, user=request.user, ip_address=client_ip(request))  # type: ignore[arg-type]
        messages.success(request, "Released: your manager can now see this packet.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("packet-preview", packet_id=packet.pk)


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
        return redirect("home")
    people = Person.objects.filter(user__isnull=False).select_related("manager")
    hr = [person for person in people if person.role in {Person.Role.HR, Person.Role.ADMIN}]
    managers = [person for person in people.filter(reports__isnull=False).distinct() if person not in hr]
    employees = [person for person in people.filter(reports__isnull=True) if person not in hr][:12]
    cycles = ReviewCycle.objects.all()[:3]
    return render(
        request,
        "reviews/demo_login.html",
        {"hr": hr, "managers": managers, "employees": employees, "cycles": cycles, "user_model": get_user_model()},
    )
