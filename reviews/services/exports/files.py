"""The export's files: PDFs named by e-mail (unique, reversible), a formula-safe summary.csv by name, a manifest, a ZIP.

Every file is written to a temporary name and renamed into place, so a rerun after a crash never leaves half a file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import string
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from evidence.facts.schema import EvidenceFactsDict, stored_facts
from reviews.models import Packet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
SUMMARY_COLUMNS = (
    "name",
    "email",
    "team",
    "manager",
    "cycle",
    "version",
    "status",
    "release_state",
    "released_version",
    "ai_prs_merged",
    "ai_merge_rate",
    "ai_survival_share",
    "ai_reverted",
    "other_prs_merged",
    "other_merge_rate",
    "other_survival_share",
    "other_reverted",
    "flags",
    "usage_linked_share",
    "unresolved_identities",
    "sha256",
    "pdf",
)
MANIFEST_NAME = "manifest.json"
PDF_SUFFIX = ".pdf"
FILE_NAME_CHARACTERS = frozenset(string.ascii_lowercase + string.digits + "@._+-")
LEADING_ENCODED = frozenset(".+-@")
WINDOWS_DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))]
)


@dataclass(frozen=True)
class ReleaseState:
    """Whether an exported version is the one its person released ("released") or not ("draft"), and which is."""

    state: Literal["released", "draft"]
    released_version: int | None


def csv_safe(value: object) -> str:
    """Spreadsheets run cells that start with = + - @ (or a tab, CR, NUL) as formulas; a leading quote keeps them text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def pdf_file_name(email: str) -> str:
    """<email>.pdf, unique and reversible for every e-mail: urllib.parse.unquote of the stem gives the e-mail back.

    Lower-case letters, digits and @ . _ + - stay as they are, so an ordinary address is its own file name; every
    other character, '%' itself included, is percent-encoded (its UTF-8 bytes as %XX, RFC 3986 section 2.1).
    Upper-case letters are encoded too, so two names never differ only in case (macOS and Windows file systems
    ignore case). A first character that would hide the file (.) or make a spreadsheet run the CSV cell that
    names it (+ - @) is encoded, and so is the first letter of a name Windows reserves for a device (CON, NUL, ...).
    """
    encoded = "".join(
        character if character in FILE_NAME_CHARACTERS else "".join(f"%{byte:02X}" for byte in character.encode())
        for character in email
    )
    stem = encoded.split(".", 1)[0]
    if encoded[:1] in LEADING_ENCODED or stem in WINDOWS_DEVICE_NAMES:
        encoded = f"%{ord(encoded[0]):02X}{encoded[1:]}"
    return f"{encoded}{PDF_SUFFIX}"


def write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def packet_pdf_copy(*, packet: Packet, out_dir: Path) -> str:
    """Copy a finished packet to out_dir/<email>.pdf unless an identical file is there already."""
    name = pdf_file_name(packet.person.email)
    target = out_dir / name
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == packet.sha256:
        return name
    with packet.pdf.open("rb") as source:
        write_atomically(target, source.read())
    return name


def _figures(facts: EvidenceFactsDict | None) -> tuple[object, ...]:
    """The summary's outcome, flag and coverage cells: blank for a packet that has no facts (it failed)."""
    if facts is None:
        return ("",) * 11
    ai, other, coverage = facts["outcomes"]["ai_assisted"], facts["outcomes"]["other"], facts["coverage"]
    return (
        ai["prs_merged"],
        ai["merge_rate"],
        ai["survival_share"],
        ai["reverted"],
        other["prs_merged"],
        other["merge_rate"],
        other["survival_share"],
        other["reverted"],
        len(facts["flags"]),
        coverage["usage_linked_share"],
        coverage["unresolved_identities"],
    )


def summary_csv_write(
    *, packets: Sequence[Packet], pdf_names: dict[int, str], releases: Mapping[int, ReleaseState], path: Path
) -> None:
    """One row per person (their latest version), sorted by name (never by any usage figure), every cell
    formula-safe. `release_state` says whether that version is the released one; `released_version` is the version
    the manager chain sees (blank when none is released)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(SUMMARY_COLUMNS)
    for packet in sorted(packets, key=lambda packet: (packet.person.name.casefold(), packet.person.email)):
        manager = packet.person.manager
        writer.writerow(
            csv_safe(cell)
            for cell in (
                packet.person.name,
                packet.person.email,
                packet.person.team,
                manager.email if manager else "",
                packet.cycle.name,
                packet.version,
                packet.status,
                releases[packet.pk].state,
                releases[packet.pk].released_version or "",
                *_figures(stored_facts(packet.facts) if packet.facts else None),
                packet.sha256,
                pdf_names.get(packet.pk, ""),
            )
        )
    write_atomically(path, buffer.getvalue().encode("utf-8"))


def manifest_and_zip_write(*, out_dir: Path, names: Iterable[str], zip_path: Path, header: dict[str, Any]) -> str:
    """Write manifest.json (SHA-256 and size of every file) and a ZIP of the files plus the manifest.

    Returns the ZIP's SHA-256.
    """
    entries: list[dict[str, Any]] = []
    for name in sorted(set(names)):
        data = (out_dir / name).read_bytes()
        entries.append({"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    manifest = json.dumps({**header, "files": entries}, indent=1, sort_keys=True).encode("utf-8")
    write_atomically(out_dir / MANIFEST_NAME, manifest)
    partial = zip_path.with_name(f".{zip_path.name}.partial")
    # PDFs are already compressed streams: storing them is as small as deflating them, and much faster.
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
        for entry in entries:
            archive.write(out_dir / entry["name"], arcname=entry["name"])
        archive.writestr(MANIFEST_NAME, manifest)
    os.replace(partial, zip_path)
    return hashlib.sha256(zip_path.read_bytes()).hexdigest()
