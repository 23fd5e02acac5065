"""Packet pages: the HTML preview, the PDF download and the employee's release; every access is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from reviews.errors import ApplicationError
from reviews.models import Packet
from reviews.printing.pdf import PRINT_CSS_PATH
from reviews.selectors import packet_context_get, person_for_user, viewer_get
from reviews.services.audit import audit_record
from reviews.services.release import packet_release
from reviews.views.requests import client_ip


def print_css_for_style_element() -> SafeString:
    """The print stylesheet as the text of the preview's <style> element, exactly as the PDF reads it.

    Not autoescaped: inside <style> the browser reads `&quot;` and `&gt;` literally and drops the rules holding them.
    It is our own file and no user text is added to it; since only "</" could end the element early (HTML's
    raw-text rule), a stylesheet containing it raises ImproperlyConfigured instead of being served.
    """
    css = PRINT_CSS_PATH.read_text()
    if "</" in css:
        raise ImproperlyConfigured(f"{PRINT_CSS_PATH.name} contains '</', which would end the preview's <style>")
    return mark_safe(css)  # noqa: S308 - a file of ours with nothing added, checked above for "</"


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
        "reviews/packets/preview.html",
        {
            "packet": context,
            "packet_row": packet,
            "print_css": print_css_for_style_element(),
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
    return redirect("reviews:packet-preview", packet_id=packet.pk)
