"""The export shapes companies really download, each field case with its right values.

The files are copies of real-shaped exports (invented people): Copilot's per-user report with fractional AI credits,
the Claude Console usage CSV and Cursor's usage events CSV.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from evidence.models import RawRecord, SourceActor, UsageFact
from reviews.models import Identity
from tests.evidence.usage_files import import_ok
from tests.factories import make_person

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)
TOKENS = ("input_uncached", "cache_write", "cache_read", "output")


def token_sums(source: str) -> tuple[int, ...]:
    sums = UsageFact.objects.filter(source=source).aggregate(*(Sum(name) for name in TOKENS))
    return tuple(sums[f"{name}__sum"] or 0 for name in TOKENS)


def test_copilot_fractional_ai_credits_do_not_reject_the_file() -> None:
    ana = make_person(email="ana@example.com")
    Identity.objects.create(person=ana, kind=Identity.Kind.GITHUB_LOGIN, value="ana-gh")
    batch = import_ok("copilot-metrics", "field/case01_copilot_ai_credits_fraction.ndjson")
    assert batch.read == 2
    fact = UsageFact.objects.get(source="copilot-metrics", actor__value="ana-gh")
    assert (fact.person, fact.day) == (ana, DAY)
    assert (fact.input_uncached, fact.output) == (9000, 1200)
    assert token_sums("copilot-metrics") == (9000, 0, 0, 1200)
    credits = RawRecord.objects.get(source="copilot-metrics", natural_key__contains="7002").payload["ai_credits_used"]
    assert Decimal(credits) == Decimal("12.5")


def test_claude_console_usage_csv_gives_the_api_token_kinds_under_key_names() -> None:
    batch = import_ok("anthropic-usage", "field/case04_anthropic_console_usage.csv")
    assert batch.read == 2
    assert token_sums("anthropic-usage") == (46000, 9000, 310000, 19000)
    facts = UsageFact.objects.filter(source="anthropic-usage").select_related("actor")
    assert {(fact.actor.kind, fact.actor.value, fact.actor.owner) for fact in facts} == {
        ("api_key", "claude_code_key_ana_x1", SourceActor.Owner.AUTOMATION),
        ("api_key", "ci-review-bot", SourceActor.Owner.AUTOMATION),
    }
    sonnet = facts.get(model="claude-sonnet-4-5-20250929")
    assert (sonnet.day, sonnet.input_uncached, sonnet.cache_write) == (DAY, 41000, 9000)


def test_claude_console_key_name_mapped_to_a_person_is_theirs() -> None:
    ana = make_person(email="ana@example.com")
    Identity.objects.create(person=ana, kind=Identity.Kind.API_KEY, value="claude_code_key_ana_x1")
    import_ok("anthropic-usage", "field/case04_anthropic_console_usage.csv")
    assert UsageFact.objects.get(actor__value="claude_code_key_ana_x1").person == ana
    assert UsageFact.objects.get(actor__value="ci-review-bot").person is None


def test_cursor_usage_events_csv_splits_cache_writes_and_skips_the_errored_request() -> None:
    ana, bo = make_person(email="ana@example.com"), make_person(email="bo@example.com")
    batch = import_ok("cursor-usage-events", "field/case07_cursor_usage_events_dashboard.csv")
    assert batch.read == 3
    assert token_sums("cursor-usage-events") == (1100, 200, 5000, 310)
    included = UsageFact.objects.get(person=ana)
    assert (included.day, included.model, included.requests) == (DAY, "claude-4.5-sonnet", 1)
    assert (included.input_uncached, included.cache_write, included.cache_read, included.output) == (
        1000,
        200,
        5000,
        300,
    )
    assert included.cost_basis != UsageFact.CostBasis.REPORTED  # Included: no per-request charge reported
    charged = UsageFact.objects.get(person=bo)
    assert (charged.requests, charged.cost_usd, charged.cost_basis) == (
        1,
        Decimal("0.01"),
        UsageFact.CostBasis.REPORTED,
    )
