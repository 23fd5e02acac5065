"""The data side's API, mounted at /api/evidence/; each area adds its own module's urlpatterns."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from evidence.api import activity, usage

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += usage.urlpatterns
urlpatterns += activity.urlpatterns
