"""The one place that calls WeasyPrint: HTML and CSS in as strings, PDF bytes out, nothing fetched.

The templates never emit URLs, so any fetch other than a data: URI is a bug or an injection: it stops the render.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

PRINT_CSS_PATH = Path(settings.BASE_DIR) / "templates" / "reviews" / "packet_print.css"


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


@cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


@cache
def _print_stylesheet() -> CSS:
    # Parsed once per process and reused by every render: parsing is a measurable share of a small packet.
    return CSS(string=PRINT_CSS_PATH.read_text(), font_config=_font_config(), url_fetcher=LockedURLFetcher())


def html_to_pdf(html: str) -> bytes:
    fetcher = LockedURLFetcher()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[_print_stylesheet()], font_config=_font_config())
    return pdf
