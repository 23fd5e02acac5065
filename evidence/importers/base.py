"""What every usage importer shares: the facts it yields, and field checking that doubles as the privacy allowlist.

An importer declares, per source, the fields it keeps (a `Spec`). `pick` copies exactly those fields out of a
provider record, checking each one, so prompt and response text never reaches the database: whatever a spec does
not name is dropped before anything is stored. Facts are then derived from that kept payload alone; what they
added is stored with the record (evidence.services.usage.contributions), so a revision undoes exactly that.

A natural key names every dimension the provider can group the record by; purpose labels (`purpose_label`) are
short checked tags, never prose.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # the dashboard CSV shapes build on this module's errors and checks
    from evidence.importers.dashboard_csv import CsvShape

MAX_COUNT = 10**15  # no provider reports a quadrillion of anything for one person and day
MAX_TEXT = 1000  # identifiers, model names and repository names are short; longer text is not ours to keep
EARLIEST_DAY = dt.date(2020, 1, 1)  # before any of these sources existed
LATEST_DAY_AHEAD = dt.timedelta(days=2)  # a day boundary or timezone may put a record slightly ahead of us


class RecordError(ValueError):
    """A record that cannot be imported; the reader adds the file and line or record number."""


# Field kinds of a spec. A leaf is one of these names; a dict is a nested object; a one-element list is a list
# of objects shaped like its element. `Required` marks keys a record of this source always has.
COUNT = "count"  # a non-negative whole number (JSON number or a string of digits, as CSV gives it)
AMOUNT = "amount"  # a non-negative decimal number, or a string holding one (Anthropic sends cents as strings)
TEXT = "text"  # a short identifier-like string
FLAG = "flag"  # a boolean, or "true"/"false"
ANY_ID = "any_id"  # a short string or a whole number (user ids are numbers in some sources)
TAGS = "tags"  # a list of purpose values (see `purpose_value`), or the JSON text of one, as a CSV export gives it

MAX_PURPOSE_VALUE = 64  # a purpose value is a tag, a team or a project id: metadata, never prose
MAX_PURPOSE_PARTS = 8
# printable, no line breaks, no '|' (it separates a label's parts); letters of any script are fine
PURPOSE_VALUE = re.compile(r"^[^\x00-\x1f\x7f|]{1,64}$")


@dataclass(frozen=True)
class Required:
    kind: Any


Spec = Mapping[str, Any]


def pick(record: object, spec: Spec) -> dict[str, Any]:
    """Copy the fields `spec` names out of `record`, checked and converted; drop everything else.

    The common case (plain counts and short strings) runs through the spec compiled into one function
    (evidence.importers.spec_compile); a record with any value that function does not take as it is goes to
    `pick_checked`, which converts it or says what is wrong with it.
    """
    compiled = _COMPILED.get(id(spec))
    if compiled is None or compiled[0] is not spec:
        from evidence.importers.spec_compile import spec_compile  # it builds on this module's field kinds

        compiled = _COMPILED[id(spec)] = (spec, spec_compile(spec))
    kept = compiled[1](record)
    return kept if kept is not None else pick_checked(record, spec)


def pick_checked(record: object, spec: Spec, *, path: str = "") -> dict[str, Any]:
    """`pick`, field by field, with the conversions and the error message naming the field."""
    if not isinstance(record, dict):
        raise RecordError(f"expected a JSON object{_at(path)}, got {_type_name(record)}")
    kept: dict[str, Any] = {}
    for key, kind in spec.items():
        required = isinstance(kind, Required)
        if required:
            kind = kind.kind
        where = f"{path}.{key}" if path else key
        value = record.get(key)
        if value is None or value == "":
            if required:
                raise RecordError(f"missing field '{where}'")
            continue
        kept[key] = _check(value, kind, where)
    return kept


_COMPILED: dict[int, tuple[Spec, Callable[[object], dict[str, Any] | None]]] = {}


def _check(value: object, kind: Any, where: str) -> Any:
    if isinstance(kind, dict):
        return pick_checked(value, kind, path=where)
    if isinstance(kind, list):
        if not isinstance(value, list):
            raise RecordError(f"field '{where}': expected a list, got {_type_name(value)}")
        return [pick_checked(item, kind[0], path=f"{where}[{index}]") for index, item in enumerate(value)]
    if kind == COUNT:
        return _count(value, where)
    if kind == AMOUNT:
        return str(amount_checked(value, where))
    if kind == FLAG:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false"}:
            return value.lower() == "true"
        raise RecordError(f"field '{where}': expected true or false, got {_shown(value)}")
    if kind == TAGS:
        return tags_checked(value, where)
    if kind == ANY_ID and isinstance(value, int) and not isinstance(value, bool):
        return _count(value, where)
    if kind in {TEXT, ANY_ID}:
        if not isinstance(value, str):
            raise RecordError(f"field '{where}': expected text, got {_type_name(value)}")
        if len(value) > MAX_TEXT:
            raise RecordError(f"field '{where}' is {len(value):,} characters long (the limit is {MAX_TEXT:,})")
        return value
    raise AssertionError(f"unknown spec kind {kind!r}")  # a programming error in an importer's spec


def _count(value: object, where: str) -> int:
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif (
        (isinstance(value, float) and value.is_integer())
        or (isinstance(value, Decimal) and value == value.to_integral_value())
        # ASCII digits only: str.isdigit() is also true of '²', which int() refuses
        or (isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value) <= 20)
    ):
        number = int(value)
    if number is None:
        raise RecordError(f"field '{where}': expected a whole number, got {_shown(value)}")
    if number < 0:
        raise RecordError(f"field '{where}': a count cannot be negative ({number})")
    if number >= MAX_COUNT:
        raise RecordError(f"field '{where}': {_shown(value)} is too large to be a real count")
    return number


def tags_checked(value: object, where: str) -> list[str]:
    """A list of purpose values; a CSV cell holding a JSON list (LiteLLM's `request_tags` export) is read as one."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.lstrip().startswith("[") else [value]
        except ValueError:
            raise RecordError(f"field '{where}': expected a list of tags, got {_shown(value)}") from None
    if not isinstance(value, list):
        raise RecordError(f"field '{where}': expected a list of tags, got {_type_name(value)}")
    return [purpose_value(tag, where=f"{where}[{index}]") for index, tag in enumerate(value)]


def purpose_value(value: object, *, where: str) -> str:
    """A purpose value (a tag, team, project, workspace or key name) as it is kept: at most 64 printable characters.

    Raises RecordError naming the field otherwise: purpose is metadata, and a longer value is prose.
    """
    if not isinstance(value, str):
        raise RecordError(f"field '{where}': expected text, got {_type_name(value)}")
    value = value.strip()
    if len(value) > MAX_PURPOSE_VALUE:
        raise RecordError(
            f"field '{where}' is {len(value):,} characters long: a purpose value is a tag of at most "
            f"{MAX_PURPOSE_VALUE} characters, not prose"
        )
    if not PURPOSE_VALUE.match(value):
        raise RecordError(f"field '{where}': {_shown(value)} is not a tag (line breaks, control characters, '|')")
    return value


def purpose_label(parts: Iterable[tuple[str, object]]) -> str:
    """A usage fact's purpose: the source's `attribute=value` pairs, in the source's order, joined by '|'.

    `parts` gives (field name, value) pairs; empty values are skipped, each value is checked by `purpose_value`,
    and a repeated pair counts once. An admin maps single pairs to purposes (evidence.models.PurposeLabel).
    Raises RecordError naming the field for a value that is not a tag, or for more than 8 pairs.
    """
    kept: list[str] = []
    for name, value in parts:
        if value is None or value == "":
            continue
        pair = f"{name}={purpose_value(value, where=name)}"
        if pair not in kept:
            kept.append(pair)
    if len(kept) > MAX_PURPOSE_PARTS:
        raise RecordError(f"{len(kept)} purpose tags (the limit is {MAX_PURPOSE_PARTS}): {', '.join(kept[:3])}, ...")
    return "|".join(kept)


def differing_fields(first: object, second: object, path: str = "") -> list[str]:
    """The paths (`a.b[0].c`) where two records differ, to name what tells them apart."""
    if isinstance(first, dict) and isinstance(second, dict):
        return [
            found
            for key in sorted(set(first) | set(second), key=str)
            for found in differing_fields(first.get(key), second.get(key), f"{path}.{key}" if path else str(key))
        ]
    if isinstance(first, list) and isinstance(second, list) and len(first) == len(second):
        return [
            found
            for index, (left, right) in enumerate(zip(first, second, strict=True))
            for found in differing_fields(left, right, f"{path}[{index}]")
        ]
    return [] if first == second else [path or "(the record)"]


def amount_checked(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise RecordError(f"field '{where}': expected a number, got {_type_name(value)}")
    if isinstance(value, str) and len(value) > 40:
        raise RecordError(f"field '{where}': {_shown(value)} is not a plausible amount")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise RecordError(f"field '{where}': expected a number, got {_shown(value)}") from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_COUNT:
        raise RecordError(f"field '{where}': {_shown(value)} is not a plausible amount")
    return amount


def _at(path: str) -> str:
    return f" at '{path}'" if path else ""


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def day_from_text(value: str, *, where: str) -> dt.date:
    """A calendar day from an ISO date or RFC 3339 timestamp (taken in UTC), within the plausible range."""
    day = _day_parsed(value)
    if day is None:
        raise RecordError(f"field '{where}': {_shown(value)} is not a date")
    return day_check(day, where=where)


@functools.lru_cache(maxsize=4096)  # a file names few distinct days, each in many records
def _day_parsed(value: str) -> dt.date | None:
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment.astimezone(dt.UTC) if moment.tzinfo else moment).date()


def moment_from_text(value: str, *, where: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"field '{where}': {_shown(value)} is not a timestamp") from None
    moment = moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    day_check(moment.date(), where=where)
    return moment


def moment_from_epoch(value: int, *, where: str, unit: int = 1) -> dt.datetime:
    """A UTC moment from epoch seconds (unit 1), milliseconds (1000) or nanoseconds (10**9)."""
    try:
        moment = dt.datetime.fromtimestamp(value / unit, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise RecordError(f"field '{where}': {value} is not a plausible time") from None
    day_check(moment.date(), where=where)
    return moment


def day_check(day: dt.date, *, where: str) -> dt.date:
    latest = _latest_day(int(time.time()) // 60)
    if not EARLIEST_DAY <= day <= latest:
        raise RecordError(
            f"field '{where}': {day.isoformat()} is outside {EARLIEST_DAY.isoformat()}..{latest.isoformat()}"
        )
    return day


@functools.lru_cache(maxsize=1)
def _latest_day(minute: int) -> dt.date:
    """The latest plausible day, worked out once a minute rather than once a record."""
    return dt.datetime.fromtimestamp(minute * 60, tz=dt.UTC).date() + LATEST_DAY_AHEAD


# --- what an importer yields -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActorRef:
    """Who a record says acted. `automation` marks service accounts, API-key traffic and bots."""

    kind: str  # a reviews.models.Identity.Kind value
    value: str
    provider: str
    display: str = ""
    automation: bool = False


# The token counts a usage row, a session and a usage fact carry, by field name: input neither read from nor written to
# the prompt cache, cache reads, cache writes, output (the split of Anthropic's usage report; tokens, not thousands).
TOKEN_KINDS = ("input_uncached", "cache_read", "cache_write", "output")


@dataclass(slots=True)
class UsageRow:
    actor: ActorRef
    day: dt.date
    provider: str
    tool: str
    model: str = ""
    dimension: str = ""
    purpose: str = ""  # what the tokens were for, as the source labels it (`purpose_label`)
    input_uncached: int = 0
    cache_read: int = 0
    cache_write: int = 0
    output: int = 0
    requests: int = 0
    cost_usd: Decimal | None = None  # None: the source reports none; the price table may supply it
    cost_basis: str = ""  # a UsageFact.CostBasis value, set once the import has priced the row
    # a session whose per-request usage this row's totals stand in for (evidence.services.usage.metric_fallback)
    stands_in_for_session: str = ""

    def tokens(self) -> int:
        return self.input_uncached + self.cache_read + self.cache_write + self.output


@dataclass(slots=True)
class ToolOutcomeRow:
    actor: ActorRef
    day: dt.date
    tool: str
    metric: str  # a ToolOutcomeFact.Metric value
    value: int


@dataclass(slots=True)
class SessionRow:
    actor: ActorRef
    session_id: str
    tool: str
    started_at: dt.datetime
    ended_at: dt.datetime
    requests: int = 0
    prompts: int = 0
    input_uncached: int = 0
    cache_read: int = 0
    cache_write: int = 0
    output: int = 0
    cost_usd: Decimal | None = None
    edits_accepted: int = 0
    edits_rejected: int = 0
    tool_calls: dict[str, int] = field(default_factory=dict)
    commit_shas: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CommitRow:
    actor: ActorRef
    sha: str
    tool: str
    repository_name: str = ""
    ai_lines_added: int | None = None
    human_lines_added: int | None = None
    session_id: str = ""
    committed_at: dt.datetime | None = None


@dataclass(slots=True)
class AliasRow:
    """A provider's users list says this provider id belongs to this email."""

    actor: ActorRef
    email: str


@dataclass(slots=True)
class LabelRow:
    """A provider's list gives a purpose value its name (an OpenAI project id its project's name)."""

    attribute: str
    value: str
    name: str


@dataclass
class Facts:
    usage: list[UsageRow] = field(default_factory=list)
    outcomes: list[ToolOutcomeRow] = field(default_factory=list)
    sessions: list[SessionRow] = field(default_factory=list)
    commits: list[CommitRow] = field(default_factory=list)
    aliases: list[AliasRow] = field(default_factory=list)
    labels: list[LabelRow] = field(default_factory=list)


@dataclass(frozen=True)
class Kept:
    """One source record after `pick`: its natural key and the payload that is stored."""

    natural_key: str
    payload: dict[str, Any]


class Importer:
    """One source. Subclasses set the class attributes and implement `keep` and `facts`."""

    source: ClassVar[str]
    provider: ClassVar[str]
    description: ClassVar[str]
    list_keys: ClassVar[tuple[str, ...]] = ("data",)  # where a saved API page holds its records
    reads_csv: ClassVar[bool] = False  # takes CSV rows as they are (LiteLLM's table export, the generic CSV)
    csv_shapes: ClassVar[tuple[CsvShape, ...]] = ()  # the provider's dashboard CSV exports, read as API records
    has_stand_in_usage: ClassVar[bool] = False  # yields usage rows with stands_in_for_session

    def expand(self, record: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Records inside one file record (buckets hold results, OTLP lines hold events); default: itself."""
        yield record

    def keep(self, record: dict[str, Any]) -> Kept:
        raise NotImplementedError

    def facts(self, payload: dict[str, Any]) -> Facts:
        raise NotImplementedError


class BucketedUsage(Importer):
    """Usage reports whose pages hold time buckets of grouped results: each result is one record."""

    bucket_fields: ClassVar[tuple[str, ...]]

    def expand(self, record: dict[str, Any]) -> Iterator[dict[str, Any]]:
        results = record.get("results")
        if not isinstance(results, list):
            yield record  # not a bucket: keep() names what is missing
            return
        for index, result in enumerate(results):
            if not isinstance(result, dict):
                raise RecordError(f"field 'results[{index}]': expected a JSON object")
            yield {**result, **{name: record.get(name) for name in self.bucket_fields}}


class UsersList(Importer):
    """An organisation's users list: each provider user id belongs to the person with the listed email."""

    spec: ClassVar[Spec]

    def keep(self, record: dict[str, Any]) -> Kept:
        payload = pick(record, self.spec)
        return Kept(payload["id"], payload)

    def facts(self, payload: dict[str, Any]) -> Facts:
        automation = payload.get("is_service_account", False)
        actor = ActorRef("provider_user", payload["id"], self.provider, display=payload["email"], automation=automation)
        return Facts(aliases=[AliasRow(actor, payload["email"].lower())])


def stand_in_dimension(session_id: str) -> str:
    """The usage fact dimension that keeps a session's stand-in usage apart from its per-request usage."""
    return f"otel-metrics {session_id}"[:255]


def outcome_rows(actor: ActorRef, day: dt.date, tool: str, values: Iterable[tuple[str, int]]) -> list[ToolOutcomeRow]:
    """Outcome facts for the non-zero values: a zero says nothing a missing row does not."""
    return [ToolOutcomeRow(actor, day, tool, metric, value) for metric, value in values if value]


def cents_to_usd(amount: str | None) -> Decimal | None:
    return None if amount is None else Decimal(amount) / 100


def usd(amount: str | None) -> Decimal | None:
    return None if amount is None else Decimal(amount)
