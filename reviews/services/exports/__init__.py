"""The HR cycle export: one folder with each person's latest packet PDF, summary.csv, the org report and a ZIP."""

from __future__ import annotations

from reviews.services.exports.files import csv_safe
from reviews.services.exports.jobs import cycle_export_create, cycle_export_finalize, cycle_exports_stalled

__all__ = ["csv_safe", "cycle_export_create", "cycle_export_finalize", "cycle_exports_stalled"]
