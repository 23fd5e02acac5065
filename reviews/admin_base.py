"""The admin's read-only base, shared by evidence/admin and reviews/admin.

A foundation module beside reviews.models, reviews.errors and reviews.management.base: it imports Django only, so
evidence/ may import it under the layer rule (evidence never imports reviews' upper layers).
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

_M = TypeVar("_M", bound=models.Model)


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    """Rows that change only through their own process (an import, a packet run, the append-only audit log):
    the admin lists and shows them, and never adds, changes or deletes one by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False
