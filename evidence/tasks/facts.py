"""Celery tasks: facts (thin, ids only, stable names)."""

from __future__ import annotations
