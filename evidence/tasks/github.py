"""Celery tasks: github (thin, ids only, stable names)."""

from __future__ import annotations
