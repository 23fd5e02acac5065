"""The HR cycle export: a packet run, then one folder with every PDF, summary.csv, the org report and a ZIP."""

from __future__ import annotations

from reviews.services.exports.files import csv_safe
from reviews.services.exports.jobs import (
    cycle_export_create,
    cycle_export_finalize,
    cycle_exports_stalled,
    cycle_exports_waiting,
)

__all__ = ["csv_safe", "cycle_export_create", "cycle_export_finalize", "cycle_exports_stalled", "cycle_exports_waiting"]
