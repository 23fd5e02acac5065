"""Packet pages: the HTML preview, the PDF download and the employee's release, each through the access gate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from reviews.errors import ApplicationError
from reviews.permissions import packet_access, packet_owned_get, request_viewer, signed_in_user
from reviews.printing.pdf import PRINT_CSS_PATH
from reviews.requests import client_ip
from reviews.selectors import current_release_get, packet_context_get
from reviews.services.audit import PacketAction
from reviews.services.self_review import packet_release


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


@login_required
def packet_preview(request: HttpRequest, packet_id: int) -> HttpResponse:
    packet = packet_access(request=request, packet_id=packet_id, action=PacketAction.VIEW)
    return render(
        request,
        "reviews/packets/preview.html",
        {
            "packet": packet_context_get(packet=packet),
            "packet_row": packet,
            "print_css": print_css_for_style_element(),
            "is_owner": request_viewer(request).person_id == packet.person_id,
            "release": current_release_get(person=packet.person, cycle=packet.cycle),
        },
    )


@login_required
def packet_download(request: HttpRequest, packet_id: int) -> FileResponse:
    packet = packet_access(request=request, packet_id=packet_id, action=PacketAction.DOWNLOAD)
    name = f"{packet.person.email}-{packet.cycle.name}-v{packet.version}.pdf"
    return FileResponse(packet.pdf.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")


@login_required
@require_POST
def packet_release_view(request: HttpRequest, packet_id: int) -> HttpResponse:
    """Release the owner's latest finished version of this packet's cycle (the service writes the audit event)."""
    packet = packet_owned_get(request=request, packet_id=packet_id)
    try:
        packet_release(
            person=packet.person, cycle=packet.cycle, user=signed_in_user(request), ip_address=client_ip(request)
        )
        messages.success(request, "Released: your manager can now see this packet.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("reviews:packet-preview", packet_id=packet.pk)
