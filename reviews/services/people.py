"""people_import: read an HRIS-style people CSV into Person and Identity rows, all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from reviews.errors import ApplicationError
from reviews.models import Identity, Person

REQUIRED_COLUMNS = ("email", "name", "manager_email", "team")
OPTIONAL_COLUMNS = ("github_login", "role", "employed_from", "employed_to")
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FIELD_CHARS = 500


@dataclass(frozen=True)
class PersonRow:
    line: int
    email: str
    name: str
    manager_email: str
    team: str
    github_login: str
    role: str
    employed_from: date | None
    employed_to: date | None


@dataclass
class PeopleImportResult:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)


def people_import(*, path: Path) -> PeopleImportResult:
    """Validate the whole file first; only a clean file touches the database, in one transaction."""
    rows, notes = _read_people_csv(path)
    _check_org_chart(path, rows)
    result = PeopleImportResult(read=len(rows), notes=notes)
    with transaction.atomic():
        _upsert_people(rows, result)
    return result


def _read_people_csv(path: Path) -> tuple[list[PersonRow], list[str]]:
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ApplicationError(f"{name}: cannot be read ({error.strerror}).") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ApplicationError(f"{name}: {len(raw):,} bytes is over the {MAX_FILE_BYTES:,}-byte limit.")
    text = _decode(name, raw)
    if not text.strip():
        raise ApplicationError(f"{name}: the file is empty; expected a header row {','.join(REQUIRED_COLUMNS)}.")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [column.strip().lower() for column in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ApplicationError(
            f"{name}, row 1: missing column(s) {', '.join(missing)}; the header is {','.join(header)}."
        )
    notes = []
    extra = [column for column in header if column not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if extra:
        notes.append(f"{name}: ignored column(s) {', '.join(extra)}.")
    rows: list[PersonRow] = []
    seen: dict[str, int] = {}
    try:
        for record in reader:
            rows.append(_parse_row(name, reader.line_num, record, seen))
    except csv.Error as error:
        raise ApplicationError(f"{name}, row {reader.line_num}: malformed CSV ({error}).") from None
    if not rows:
        raise ApplicationError(f"{name}: the file has a header but no people.")
    return rows, notes


def _decode(name: str, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ApplicationError(
            f"{name}, row 1: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8."
        )
    try:
        # A UTF-8 byte-order mark (Excel's "CSV UTF-8") is accepted and removed.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = raw[: error.start].count(b"\n") + 1
        raise ApplicationError(
            f"{name}, row {row}: not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); save the file as UTF-8."
        ) from None


def _parse_row(
    name: str, line: int, record: dict[str | None, str | list[str] | None], seen: dict[str, int]
) -> PersonRow:
    if None in record:
        raise ApplicationError(f"{name}, row {line}: more fields than the header has columns.")

    def cell(column: str) -> str:
        value = record.get(column)
        text = value.strip() if isinstance(value, str) else ""
        if len(text) > MAX_FIELD_CHARS:
            raise ApplicationError(
                f"{name}, row {line}: {column} is {len(text):,} characters, over the {MAX_FIELD_CHARS} limit."
            )
        return text

    email = cell("email").lower()
    if not email:
        raise ApplicationError(f"{name}, row {line}: email is empty.")
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(f"{name}, row {line}: {email!r} is not a valid email address.") from None
    if email in seen:
        raise ApplicationError(f"{name}, row {line}: duplicate email {email} (first on row {seen[email]}).")
    seen[email] = line
    person_name = cell("name")
    if not person_name:
        raise ApplicationError(f"{name}, row {line}: name is empty.")
    manager_email = cell("manager_email").lower()
    if manager_email == email:
        raise ApplicationError(f"{name}, row {line}: {email} is listed as their own manager.")
    role = cell("role").lower() or Person.Role.EMPLOYEE
    if role not in Person.Role.values:
        raise ApplicationError(f"{name}, row {line}: role {role!r} is not one of {', '.join(Person.Role.values)}.")
    employed_from = _parse_date(name, line, "employed_from", cell("employed_from"))
    employed_to = _parse_date(name, line, "employed_to", cell("employed_to"))
    if employed_from and employed_to and employed_to < employed_from:
        raise ApplicationError(f"{name}, row {line}: employed_to is before employed_from.")
    return PersonRow(
        line=line,
        email=email,
        name=person_name,
        manager_email=manager_email,
        team=cell("team"),
        github_login=cell("github_login").lower(),
        role=role,
        employed_from=employed_from,
        employed_to=employed_to,
    )


def _parse_date(name: str, line: int, column: str, text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApplicationError(f"{name}, row {line}: {column} {text!r} is not a date (YYYY-MM-DD).") from None


def _check_org_chart(path: Path, rows: list[PersonRow]) -> None:
    """Managers must exist (in the file or already stored) and the chain must never loop."""
    managers = {row.email: row.manager_email for row in rows}
    stored = dict(Person.objects.values_list("email", "manager__email"))
    for email, manager in stored.items():
        managers.setdefault(email, manager or "")
    for row in rows:
        if row.manager_email and row.manager_email not in managers:
            raise ApplicationError(
                f"{path.name}, row {row.line}: manager {row.manager_email} is neither in the file nor already in tokenproof."
            )
    for row in rows:
        chain = [row.email]
        current = row.manager_email
        while current:
            if current in chain:
                loop = " → ".join([*chain[chain.index(current) :], current])
                raise ApplicationError(f"{path.name}, row {row.line}: the manager chain loops ({loop}).")
            chain.append(current)
            current = managers.get(current, "")


def _upsert_people(rows: list[PersonRow], result: PeopleImportResult) -> None:
    existing = {person.email: person for person in Person.objects.select_related("manager", "user")}
    before = {email: _person_state(person) for email, person in existing.items()}
    by_email = dict(existing)
    for row in rows:
        person = by_email.get(row.email) or Person(email=row.email)
        person.name, person.team, person.role = row.name, row.team, row.role
        person.employed_from, person.employed_to = row.employed_from, row.employed_to
        person.save()
        by_email[row.email] = person
    for row in rows:
        person = by_email[row.email]
        manager = by_email.get(row.manager_email) if row.manager_email else None
        if person.manager_id != (manager.pk if manager else None):
            person.manager = manager
            person.save(update_fields=["manager"])
        _link_user(person)
        _upsert_identity(person, Identity.Kind.EMAIL, row.email)
        if row.github_login:
            _upsert_identity(person, Identity.Kind.GITHUB_LOGIN, row.github_login)
        if row.email not in before:
            result.created += 1
        elif before[row.email] != _person_state(person):
            result.updated += 1
        else:
            result.unchanged += 1


def _person_state(person: Person) -> tuple[object, ...]:
    manager_email = person.manager.email if person.manager else ""
    return (person.name, person.team, person.role, person.employed_from, person.employed_to, manager_email)


def _link_user(person: Person) -> None:
    """Every person gets a login account (no password: sign-in comes from SSO or the demo login)."""
    user_model = get_user_model()
    if person.user is None:
        user, created = user_model.objects.get_or_create(username=person.email, defaults={"email": person.email})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        person.user = user
        person.save(update_fields=["user"])
    _sync_user(person)


def _sync_user(person: Person) -> None:
    user = person.user
    if user is None:
        return
    staff = person.is_hr_or_admin
    superuser = person.role == Person.Role.ADMIN
    if (user.email, user.is_staff, user.is_superuser) != (person.email, staff, superuser):
        user.email, user.is_staff, user.is_superuser = person.email, staff, superuser
        user.save(update_fields=["email", "is_staff", "is_superuser"])


def _upsert_identity(person: Person, kind: str, value: str) -> None:
    Identity.objects.update_or_create(kind=kind, value=value, valid_from=None, defaults={"person": person})
