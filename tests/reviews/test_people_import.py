from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reviews.errors import ApplicationError
from reviews.models import Identity, Person
from reviews.services.people import people_import

pytestmark = pytest.mark.django_db

GOOD = (
    "email,name,manager_email,team,github_login\n"
    "head@example.com,Head One,,Leadership,\n"
    "mgr@example.com,Manager Two,head@example.com,Payments,mgr-two\n"
    "ann@example.com,Ann Three,mgr@example.com,Payments,ann3\n"
)


def write(tmp_path: Path, text: str | bytes, name: str = "people.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def stored_state() -> list[tuple[str, str, str, str | None]]:
    return sorted(Person.objects.values_list("email", "name", "team", "manager__email"))


def test_import_builds_people_org_chart_and_github_identities(tmp_path: Path) -> None:
    result = people_import(path=write(tmp_path, GOOD))

    assert (result.read, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
    ann = Person.objects.get(email="ann@example.com")
    assert ann.manager is not None
    assert ann.manager.email == "mgr@example.com"
    assert ann.manager.manager is not None
    assert ann.manager.manager.email == "head@example.com"
    assert Identity.objects.get(kind=Identity.Kind.GITHUB_LOGIN, value="ann3").person == ann
    assert ann.user is not None
    assert not ann.user.has_usable_password()


def test_reimport_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    people_import(path=path)
    before = (stored_state(), Identity.objects.count())

    result = people_import(path=path)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert (stored_state(), Identity.objects.count()) == before


def test_reimport_updates_changed_rows_without_duplicates(tmp_path: Path) -> None:
    people_import(path=write(tmp_path, GOOD))
    moved = GOOD.replace(
        "ann@example.com,Ann Three,mgr@example.com,Payments", "ann@example.com,Ann Three,head@example.com,Platform"
    )

    result = people_import(path=write(tmp_path, moved))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Person.objects.count() == 3
    ann = Person.objects.get(email="ann@example.com")
    assert (ann.team, ann.manager.email if ann.manager else None) == ("Platform", "head@example.com")


def test_extra_columns_are_ignored_with_a_note(tmp_path: Path) -> None:
    text = "email,name,manager_email,team,github_login,cost_centre\nsolo@example.com,Solo,,Ops,,CC-1\n"
    result = people_import(path=write(tmp_path, text))
    assert result.notes == ["people.csv: ignored column(s) cost_centre."]


def test_utf8_byte_order_mark_and_crlf_are_accepted(tmp_path: Path) -> None:
    people_import(path=write(tmp_path, b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode()))
    assert Person.objects.count() == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("email,name,team\nx@example.com,X,Ops\n", "people.csv, row 1: missing column(s) manager_email"),
        (
            "email,name,manager_email,team\na@example.com,A,b@example.com,T\nb@example.com,B,a@example.com,T\n",
            "people.csv, row 2: the manager chain loops",
        ),
        (
            "email,name,manager_email,team\na@example.com,A,ghost@example.com,T\n",
            "people.csv, row 2: manager ghost@example.com",
        ),
        (
            "email,name,manager_email,team\na@example.com,A,,T\nA@example.com,A again,,T\n",
            "people.csv, row 3: duplicate email a@example.com (first on row 2)",
        ),
        (
            "email,name,manager_email,team\nnot-an-email,A,,T\n",
            "people.csv, row 2: 'not-an-email' is not a valid email",
        ),
        (b"email,name,manager_email,team\nj@example.com,J\xf6rg,,T\n", "people.csv, row 2: not valid UTF-8"),
        ("email,name,manager_email,team\n".encode("utf-16"), "people.csv, row 1: the file is UTF-16"),
        ("", "people.csv: the file is empty"),
        ("email,name,manager_email,team\n", "people.csv: the file has a header but no people"),
        ("email,name,manager_email,team\na@example.com,A,,T,extra\n", "people.csv, row 2: more fields than the header"),
        (
            "email,name,manager_email,team\na@example.com,A,a@example.com,T\n",
            "people.csv, row 2: a@example.com is listed as their own manager",
        ),
    ],
    ids=[
        "missing-columns",
        "manager-cycle",
        "unknown-manager",
        "duplicate-email",
        "invalid-email",
        "wrong-encoding",
        "utf16-bom",
        "empty-file",
        "header-only",
        "ragged-row",
        "own-manager",
    ],
)
def test_bad_file_is_rejected_whole_and_names_file_and_row(tmp_path: Path, content: str | bytes, expected: str) -> None:
    people_import(path=write(tmp_path, GOOD, "existing.csv"))
    before = (stored_state(), Identity.objects.count())

    with pytest.raises(ApplicationError) as raised:
        people_import(path=write(tmp_path, content))

    assert raised.value.message.startswith(expected), raised.value.message
    assert "\n" not in raised.value.message
    assert (stored_state(), Identity.objects.count()) == before


def test_bad_row_late_in_file_stores_none_of_the_good_rows(tmp_path: Path) -> None:
    text = (
        "email,name,manager_email,team\n" + "".join(f"p{i}@example.com,P{i},,T\n" for i in range(50)) + "broken,B,,T\n"
    )
    with pytest.raises(ApplicationError, match="row 52"):
        people_import(path=write(tmp_path, text))
    assert Person.objects.count() == 0


def test_command_prints_one_line_error_and_fails(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"^people.csv, row 2: manager ghost@example.com"):
        call_command(
            "import_people",
            str(write(tmp_path, "email,name,manager_email,team\na@example.com,A,ghost@example.com,T\n")),
        )
