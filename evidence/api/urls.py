"""The data side's API, mounted at /api/evidence/; each area adds its own module's urlpatterns."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from evidence.api import activity

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += activity.urlpatterns
