"""The Celery app. Settings come from Django's settings under the CELERY_ prefix; beat's schedule is set here."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tokenproof")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

RECONCILE_EVERY_SECONDS = 5 * 60
GITHUB_SYNC_EVERY_SECONDS = 24 * 3600


def periodic_tasks_schedule(sender: Celery, **kwargs: Any) -> None:
    """Beat's schedule, naming each task through its object: the reconciler every five minutes, GitHub nightly."""
    # Imported when beat or a worker loads its task modules: the tasks need Django's apps, which Celery's Django
    # fixup sets up on this same signal, before this receiver (connected after it) runs.
    from evidence.tasks.github import sync_github_all
    from reviews.tasks import reconcile_runs

    sender.add_periodic_task(RECONCILE_EVERY_SECONDS, reconcile_runs.s(), name="reconcile-evidence-runs")
    sender.add_periodic_task(GITHUB_SYNC_EVERY_SECONDS, sync_github_all.s(), name="sync-github-nightly")


signals.import_modules.connect(periodic_tasks_schedule, sender=app)
