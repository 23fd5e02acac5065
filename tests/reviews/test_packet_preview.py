"""The HTML preview: the print stylesheet reaches the browser as written, while every person's text stays escaped."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import tinycss2
from django.core.exceptions import ImproperlyConfigured

from reviews.models import Packet, Person
from reviews.printing.pdf import PRINT_CSS_PATH
from reviews.tasks import evidence_run_start
from reviews.views import packets
from tests.factories import make_cycle, make_person, signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)


class StyleSheets(HTMLParser):
    """The text of every <style> element, as a browser's tokenizer hands it to the CSS parser."""

    def __init__(self) -> None:
        super().__init__()
        self.sheets: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self._inside = True
            self.sheets.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.sheets[-1] += data


def css_rules(text: str) -> list[str]:
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    return [rule.serialize() for rule in rules]


def preview_of(person: Person) -> str:
    evidence_run_start(cycle=make_cycle(name="C1", start=date(2026, 1, 1), end=date(2026, 6, 30)))
    response = signed_in_client(person).get(f"/packets/{Packet.objects.get(person=person).pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_preview_css_parses_like_the_print_css() -> None:
    page = StyleSheets()
    page.feed(preview_of(make_person(name="Alice", email="alice@example.com")))

    print_rules = css_rules(PRINT_CSS_PATH.read_text())
    assert any(css_rules(sheet) == print_rules for sheet in page.sheets)


def test_preview_escapes_the_person_name_beside_the_unescaped_css() -> None:
    page = preview_of(make_person(name="</style><script>alert(1)</script>", email="mallory@example.com"))

    assert "<script>alert(1)</script>" not in page
    assert "&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_print_css_that_could_close_the_style_element_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stylesheet = tmp_path / "packet_print.css"
    stylesheet.write_text("h1 { color: red; } </style><script>alert(1)</script>")
    monkeypatch.setattr(packets, "PRINT_CSS_PATH", stylesheet)

    with pytest.raises(ImproperlyConfigured, match=r"packet_print\.css"):
        packets.print_css_for_style_element()
