"""Writing a finished run to a folder: one PDF per person and a summary.csv, sorted by name."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from reviews.models import EvidenceRun, Packet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SUMMARY_COLUMNS = ("name", "email", "team", "manager", "cycle", "version", "status", "sha256", "pdf")


def csv_safe(value: object) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; a leading quote keeps them text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def run_output_write(*, run: EvidenceRun, out_dir: Path) -> Path:
    """Copy the run's PDFs to out_dir/<email>.pdf and write out_dir/summary.csv. Rerunning overwrites."""
    out_dir.mkdir(parents=True, exist_ok=True)
    packets = run.packets.select_related("person__manager", "cycle").order_by("person__name", "person__email")
    summary_path = out_dir / "summary.csv"
    with summary_path.open("w", newline="", encoding="utf-8") as summary:
        writer = csv.writer(summary)
        writer.writerow(SUMMARY_COLUMNS)
        for packet in packets:
            pdf_name = ""
            if packet.status == Packet.Status.DONE and packet.pdf:
                pdf_name = f"{packet.person.email}.pdf"
                with packet.pdf.open("rb") as source, (out_dir / pdf_name).open("wb") as target:
                    shutil.copyfileobj(source, target)
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
                    packet.sha256,
                    pdf_name,
                )
            )
    return summary_path
