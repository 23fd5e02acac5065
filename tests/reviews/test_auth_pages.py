"""Signing in and out of the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_person, signed_in_client

pytestmark = pytest.mark.django_db


def test_signing_out_lands_on_the_login_page() -> None:
    client = signed_in_client(make_person())

    answer = client.post(reverse("reviews:logout"))

    assert (answer.status_code, answer["Location"]) == (302, reverse("reviews:login"))
    assert client.get(reverse("reviews:home")).status_code == 302  # signed out: home asks for a login again
