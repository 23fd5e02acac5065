"""The one place that calls WeasyPrint: HTML and CSS in as strings, PDF/A-3b bytes out, nothing fetched.

The templates never emit URLs, so any fetch other than a data: URI is a bug or an injection: it stops the render.
A render runs in a forked child under CPU and memory limits, so a runaway document fails alone while the worker
process (and its parsed stylesheet and fonts, inherited by every child) lives on.
"""

from __future__ import annotations

import contextlib
import gc
import os
import resource
import select
import signal
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from reviews.errors import ApplicationError

PRINT_CSS_PATH = Path(settings.BASE_DIR) / "templates" / "reviews" / "print" / "packet_print.css"
PDF_VARIANT = "pdf/a-3b"
FACTS_ATTACHMENT_NAME = "facts.json"
FACTS_ATTACHMENT_DESCRIPTION = "tokenproof evidence facts (JSON) this packet was printed from"
_OK, _ERROR = b"K", b"E"


class RenderBudgetExceededError(ApplicationError):
    """The render ran past its time or memory budget, or its process died: the packet fails with this reason."""


class LockedURLFetcher(URLFetcher):
    """Deny by default: data: URIs only, no redirects, no file://, no network."""

    def __init__(self) -> None:
        super().__init__(timeout=5, allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=True)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.lower().startswith("data:"):
            self.refused.append(url[:200])
            raise FatalURLFetchingError(f"tokenproof renders offline; refused to fetch {url[:200]!r}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class RenderBudget:
    seconds: float
    memory_mb: int

    @classmethod
    def from_settings(cls) -> RenderBudget:
        return cls(seconds=settings.TOKENPROOF_RENDER_SECONDS, memory_mb=settings.TOKENPROOF_RENDER_MEMORY_MB)


@cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


@cache
def _print_stylesheet() -> CSS:
    # Parsed once per process and reused by every render: parsing is a measurable share of a small packet.
    return CSS(string=PRINT_CSS_PATH.read_text(), font_config=_font_config(), url_fetcher=LockedURLFetcher())


@cache
def _warm_up() -> None:
    """Load Pango's fonts and the stylesheet in the long-lived process, so forked renders inherit them ready."""
    html_to_pdf('<html lang="en"><body><p>tokenproof</p></body></html>', attachment=None)


def html_to_pdf(
    html: str,
    *,
    attachment: bytes | None,
    fetcher: LockedURLFetcher | None = None,
    attachment_description: str = FACTS_ATTACHMENT_DESCRIPTION,
) -> bytes:
    """Render in this process. Metadata (title, author, subject) comes from the HTML's <title> and <meta> tags.

    The attachment, when given, is embedded as facts.json with `attachment_description`.
    """
    fetcher = fetcher or LockedURLFetcher()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    attachments = []
    if attachment is not None:
        attachments.append(
            Attachment(
                string=attachment,
                base_url=None,
                url_fetcher=fetcher,
                name=FACTS_ATTACHMENT_NAME,
                description=attachment_description,
                relationship="Source",
            )
        )
    pdf: bytes = document.write_pdf(
        stylesheets=[_print_stylesheet()],
        font_config=_font_config(),
        attachments=attachments,
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
    )
    return pdf


def html_to_pdf_isolated(
    html: str,
    *,
    attachment: bytes | None,
    budget: RenderBudget,
    attachment_description: str = FACTS_ATTACHMENT_DESCRIPTION,
) -> bytes:
    """Render in a forked child limited to the budget; raise RenderBudgetExceededError when it is overrun."""
    _warm_up()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, write the result, exit without running the parent's cleanup
        os.close(read_end)
        _render_child(write_end, html, attachment, attachment_description, budget)
    os.close(write_end)
    try:
        payload = _read_within(read_end, pid, deadline=time.monotonic() + budget.seconds + 1)
    finally:
        os.close(read_end)
        _reap(pid)
    if payload[:1] == _OK:
        return payload[1:]
    raise RenderBudgetExceededError(payload[1:].decode("utf-8", "replace") or "the render process died")


def _render_child(
    write_end: int, html: str, attachment: bytes | None, attachment_description: str, budget: RenderBudget
) -> None:
    code = 1
    # Made before the limits: at the limit, even building this message could fail. Whatever happens below, the
    # child exits in the outer `finally`; were an exception to escape, the parent's code (a test runner, a worker)
    # would go on running in the child.
    out_of_memory = _ERROR + f"the render ran out of its {budget.memory_mb} MB memory budget".encode()
    payload = out_of_memory
    try:
        try:
            # The child renders once and exits, so the collector would only re-walk the box tree (performance.md §4).
            gc.disable()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            used = _address_space_bytes()
            limit = used + budget.memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            cpu = int(budget.seconds) + 1
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            payload = _OK + html_to_pdf(html, attachment=attachment, attachment_description=attachment_description)
            code = 0
        except MemoryError:
            payload = out_of_memory
        except BaseException as error:  # the parent reports whatever stopped the render; the child must exit
            payload = _ERROR + f"{type(error).__name__}: {error}"[:2000].encode()
        view = memoryview(payload)
        while view:
            view = view[os.write(write_end, view) :]
    finally:
        os._exit(code)


def _address_space_bytes() -> int:
    with open("/proc/self/statm") as statm:  # pages of virtual memory in use: the budget is on top of that
        return int(statm.read().split()[0]) * resource.getpagesize()


def _read_within(read_end: int, pid: int, *, deadline: float) -> bytes:
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            os.kill(pid, signal.SIGKILL)
            raise RenderBudgetExceededError("the render ran past its time budget and was stopped")
        ready, _, _ = select.select([read_end], [], [], min(remaining, 1.0))
        if not ready:
            continue
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    payload = b"".join(chunks)
    if not payload:
        raise RenderBudgetExceededError("the render ran past its CPU time budget or its process died")
    return payload


def _reap(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
