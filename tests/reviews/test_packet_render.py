"""The printed packet: every section from the facts JSON, PDF/A-3b with the facts as its one attachment, locked down."""

from __future__ import annotations

import ast
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import weasyprint
from pypdf import PdfReader

from evidence.facts.schema import EvidenceFactsDict
from reviews.printing.pdf import (
    FACTS_ATTACHMENT_NAME,
    LockedURLFetcher,
    RenderBudget,
    RenderBudgetExceededError,
    html_to_pdf,
    html_to_pdf_isolated,
)
from reviews.services.packets import facts_json_bytes, packet_html, packet_render_pdf
from tests.reviews.facts_samples import HOSTILE_STRINGS, hostile_facts, non_user_facts, ten_x_facts, typical_facts

ROOT = Path(__file__).resolve().parents[2]
NARRATIVE = [{"kind": "narrative", "item_key": "", "text": "I led the refunds work.", "highlighted": False}]


def render(facts: EvidenceFactsDict, annotations: list[dict[str, Any]] | None = None) -> PdfReader:
    pdf = packet_render_pdf(facts=facts, annotations=annotations or [], version=3)
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_weasyprint_is_a_release_with_the_fetcher_fixes() -> None:
    # 70.0 closed the stylesheet/xmp default-fetcher bypass (CVE-2026-55073).
    assert tuple(int(part) for part in weasyprint.__version__.split(".")[:1]) >= (70,)


def test_typical_packet_prints_every_section_with_figures_and_pages() -> None:
    reader = render(typical_facts(), NARRATIVE)
    text = text_of(reader)

    assert 3 <= len(reader.pages) <= 8
    for heading in (
        "Summary",
        "Highlights",
        "Outcomes: AI-assisted against the person's own other work",
        "How AI was used",
        "Context flags and the employee's explanations",
        "The employee's narrative and corrections",
        "Methodology, coverage, sources and caveats",
    ):
        assert heading in text
    assert "Ada Castro" in text
    assert "6 of 8 AI-assisted pull requests were merged (75%)" in text
    assert "I led the refunds work." in text
    assert "No one is ranked by token volume or cost" in text
    assert re.search(r"Provenance: survival measured on [\d,]+ commits, last on 2026-12-31", " ".join(text.split()))
    # each figure group prints its confidence beside it
    for confidence in (
        "confidence high (96% of usage from per-user identities)",
        "Confidence medium (12% of the cost computed at list prices)",
        "Confidence: high (daily token totals)",
        "(confidence high)",
        "confidence medium (1 source identity unresolved across the company)",
        "confidence high (commits, pull requests and reviews from GitHub)",
        "Refactoring: lines moved",
    ):
        assert confidence in " ".join(text.split()), confidence
    assert "Acceptance rate is a weak signal" in text
    assert f"Page 2 of {len(reader.pages)}" in text
    assert "Ada Castro · 2026-H2 · version 3" in reader.pages[1].extract_text()


def test_packet_is_pdf_a_3b_tagged_with_metadata_and_embedded_fonts() -> None:
    reader = render(typical_facts())
    metadata = reader.metadata
    assert metadata is not None
    assert metadata.title == "AI-driven impact evidence: Ada Castro, 2026-H2"
    assert metadata.author == "tokenproof"
    assert metadata.subject == "Ada Castro (ada.castro@example.com), review cycle 2026-H2, packet version 3"
    root: Any = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[^0-9]*3", xmp)
    assert re.search(r"pdfaid:conformance[^A-Z]*B", xmp)
    assert "/StructTreeRoot" in root
    assert "/OutputIntents" in root
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_the_only_attachment_is_the_facts_json_it_was_printed_from() -> None:
    facts = typical_facts()
    reader = render(facts)
    assert list(reader.attachments) == [FACTS_ATTACHMENT_NAME]
    (content,) = reader.attachments[FACTS_ATTACHMENT_NAME]
    assert content == facts_json_bytes(facts=facts)
    assert json.loads(content) == facts


def test_a_non_user_gets_a_fair_complete_packet() -> None:
    reader = render(non_user_facts())
    text = text_of(reader)
    assert len(reader.pages) >= 2
    assert "No AI coding-tool usage was recorded for this cycle" in text
    assert "not using AI is not a finding" in text
    assert "there are no highlights" in text
    assert "No context flags for this cycle." in text
    assert "No one is ranked by token volume or cost" in text


def test_ten_times_the_data_stays_bounded() -> None:
    reader = render(ten_x_facts())
    text = text_of(reader)
    assert len(reader.pages) <= 14
    assert "60 more are in the attached facts.json." in text
    assert "Volume spike without outcome change" in text


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.urls += [value or "" for name, value in attrs if name in {"href", "src"}]


class SpyFetcher(LockedURLFetcher):
    def __init__(self) -> None:
        super().__init__()
        self.requested: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        self.requested.append(url)
        return super().fetch(url, headers)


def test_hostile_strings_print_as_text_and_nothing_is_fetched() -> None:
    facts = hostile_facts()
    html = packet_html(
        facts=facts, annotations=[{"kind": "narrative", "item_key": "", "text": HOSTILE_STRINGS[1]}], version=1
    )
    collector = TagCollector()
    collector.feed(html)
    assert not collector.tags & {"img", "link", "style", "script", "image", "a", "iframe", "object"}
    assert collector.urls == []

    spy = SpyFetcher()
    pdf = html_to_pdf(html, attachment=facts_json_bytes(facts=facts), fetcher=spy)
    assert [url for url in spy.requested if not url.startswith("data:")] == []
    assert spy.refused == []

    reader = PdfReader(io.BytesIO(pdf))
    assert list(reader.attachments) == [FACTS_ATTACHMENT_NAME]
    assert b"/URI" not in pdf
    text = text_of(reader)
    assert "<img src=file:///etc/passwd> Mallory" in text
    assert len(reader.pages) <= 14  # megabyte strings are clipped before layout


def test_the_fetcher_refuses_files_and_network() -> None:
    fetcher = LockedURLFetcher()
    for url in ("file:///etc/passwd", "http://169.254.169.254/", "https://example.com/x.css", "ftp://host/x"):
        with pytest.raises(weasyprint.urls.FatalURLFetchingError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


def test_a_hostile_link_in_raw_html_stops_the_render() -> None:
    html = '<html><head><link rel="attachment" href="file:///etc/passwd"></head><body><img src="file:///etc/passwd"></body></html>'
    spy = SpyFetcher()
    with pytest.raises(weasyprint.urls.FatalURLFetchingError):
        html_to_pdf(html, attachment=None, fetcher=spy)
    assert spy.refused


def test_a_render_past_its_time_budget_fails_with_a_reason_and_this_process_lives_on() -> None:
    rows = "".join(f"<tr><td>{index}</td><td>{'word ' * 40}</td></tr>" for index in range(30_000))
    with pytest.raises(RenderBudgetExceededError, match="time budget"):
        html_to_pdf_isolated(f"<table>{rows}</table>", attachment=None, budget=RenderBudget(seconds=1, memory_mb=2048))
    assert render(typical_facts()).pages


def test_a_render_past_its_memory_budget_fails_with_a_reason() -> None:
    rows = "".join(f"<p>{'word ' * 200}</p>" for _ in range(20_000))
    # Python raises MemoryError when it hits the limit; a C library (Pango, cairo) that hits it first ends the child.
    with pytest.raises(RenderBudgetExceededError, match=r"memory budget|MemoryError|process died"):
        html_to_pdf_isolated(rows, attachment=None, budget=RenderBudget(seconds=60, memory_mb=64))


def test_only_the_rendering_module_calls_weasyprint() -> None:
    # One place hands WeasyPrint strings only, never URLs or paths, with the locked-down URL fetcher.
    importers = []
    for path in [*ROOT.glob("reviews/**/*.py"), *ROOT.glob("evidence/**/*.py"), *ROOT.glob("config/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if any(name.split(".")[0] == "weasyprint" for name in names):
                importers.append(path.relative_to(ROOT).as_posix())
    assert sorted(set(importers)) == ["reviews/printing/pdf.py"]
