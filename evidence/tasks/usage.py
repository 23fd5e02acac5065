"""Celery tasks: usage (thin, ids only, stable names)."""

from __future__ import annotations

from celery import shared_task

from evidence.services.usage.imports import usage_batch_import


@shared_task(name="evidence.import_usage_batch", acks_late=True)
def import_usage_batch(batch_id: int) -> str:
    return str(usage_batch_import(batch_id=batch_id).status)
