"""The export's files: one PDF name per e-mail, unique and reversible, safe on every file system and in a CSV."""

from __future__ import annotations

from urllib.parse import unquote

from hypothesis import example, given, settings
from hypothesis import strategies as st

from reviews.services.exports.files import FORMULA_PREFIXES, csv_safe, pdf_file_name

# Any e-mail a source could hold: real addresses, and any text at all (no lone surrogates: they are not text).
emails = st.one_of(st.emails(), st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40))
PORTABLE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@._+-%ABCDEF")


def test_emails_that_differ_only_in_unsafe_characters_get_different_pdf_names() -> None:
    assert pdf_file_name("=1+1@example.com") != pdf_file_name("_1+1@example.com")


def test_an_ordinary_address_is_its_own_file_name() -> None:
    assert pdf_file_name("ada.castro+reviews@example.com") == "ada.castro+reviews@example.com.pdf"


@settings(max_examples=1000, deadline=None)
@given(emails)
@example("=1+1@example.com")
@example("con@example.com")
@example("..@example.com")
def test_a_pdf_name_gives_its_email_back_and_is_safe_everywhere(email: str) -> None:
    name = pdf_file_name(email)

    assert unquote(name.removesuffix(".pdf"), errors="strict") == email
    assert set(name) <= PORTABLE
    assert not name.startswith((".", *FORMULA_PREFIXES))
    assert csv_safe(name) == name
    assert name.split(".", 1)[0].casefold() not in {"con", "prn", "aux", "nul"}


@settings(max_examples=1000, deadline=None)
@given(emails, emails)
@example("=1+1@example.com", "_1+1@example.com")
@example("Ada@example.com", "ada@example.com")
@example("%41@example.com", "A@example.com")
def test_two_emails_never_share_a_pdf_name_even_where_case_is_ignored(first: str, second: str) -> None:
    if first != second:
        assert pdf_file_name(first).casefold() != pdf_file_name(second).casefold()
