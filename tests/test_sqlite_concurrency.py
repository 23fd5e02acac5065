"""Embedded mode must not lock up: concurrent writers on SQLite wait their turn instead of failing."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from reviews.models import Identity
from tests.factories import make_person

WRITERS = 4
UPSERTS_EACH = 200


@pytest.mark.django_db(transaction=True)
def test_four_writer_threads_upsert_without_database_is_locked() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("this pins the embedded SQLite settings (WAL, busy timeout, IMMEDIATE transactions)")
    person = make_person()
    errors: list[Exception] = []

    def write(writer: int) -> None:
        try:
            for index in range(UPSERTS_EACH):
                with transaction.atomic():
                    Identity.objects.update_or_create(
                        kind=Identity.Kind.API_KEY,
                        value=f"key-{writer}-{index % 50}",
                        valid_from=None,
                        defaults={"person": person},
                    )
        except OperationalError as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Identity.objects.filter(kind=Identity.Kind.API_KEY).count() == WRITERS * 50
