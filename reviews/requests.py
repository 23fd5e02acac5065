"""What every page and API view reads off a request."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request


def client_ip(request: HttpRequest | Request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def query_without_page(request: HttpRequest) -> str:
    """A list page's filters as a query string without the page number, for its pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
