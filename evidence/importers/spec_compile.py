"""A source's field spec compiled into one plain Python function: the fast path of `pick`.

Walking a spec field by field costs more than parsing the JSON of a record, and a large import checks millions
of records against the same spec. So each spec is turned once into the source of a function with one `if` per
field, and that source is compiled. The compiled function keeps only values that `pick_checked` would keep
unchanged (whole numbers as ints, short strings, booleans, plain amounts) and returns None as soon as it meets
anything else, leaving that record to `pick_checked`, which converts it or names the field that is wrong. The
two therefore agree on every record (tests/evidence/test_import_properties.py checks it).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

from evidence.importers.base import (
    AMOUNT,
    ANY_ID,
    COUNT,
    FLAG,
    MAX_COUNT,
    MAX_TEXT,
    PURPOSE_VALUE,
    TAGS,
    TEXT,
    RecordError,
    Required,
    Spec,
    amount_checked,
)

# the test each leaf kind's value must pass to be kept as it is
PLAIN_VALUE = {
    COUNT: "type({v}) is int and 0 <= {v} < MAX_COUNT",
    TEXT: "type({v}) is str and len({v}) <= MAX_TEXT",
    ANY_ID: "(type({v}) is str and len({v}) <= MAX_TEXT) or (type({v}) is int and 0 <= {v} < MAX_COUNT)",
    FLAG: "type({v}) is bool",
}


class _Unusual(Exception):  # noqa: N818  # not an error: the signal to leave the record to pick_checked
    pass


def _amount_text(value: object) -> str:
    if type(value) is int and 0 <= value < MAX_COUNT:
        return str(value)
    try:
        return str(amount_checked(value, ""))
    except RecordError:
        raise _Unusual from None


def _tags_plain(value: object) -> list[str]:
    """A list of tags `tags_checked` keeps as it is (no JSON text to decode, nothing to strip)."""
    if type(value) is not list:
        raise _Unusual
    for tag in value:
        if type(tag) is not str or tag != tag.strip() or not PURPOSE_VALUE.match(tag):
            raise _Unusual
    return value


def spec_compile(spec: Spec) -> Callable[[object], dict[str, Any] | None]:
    """A function returning what `pick_checked(record, spec)` returns, or None when it cannot tell."""
    names = (f"_{number}" for number in itertools.count())
    body = list(_object_lines(spec, source="record", target="kept", indent="        ", names=names))
    source = "\n".join(
        [
            "def pick_fast(record):",
            "    try:",
            *body,
            "    except Unusual:",
            "        return None",
            "    return kept",
        ]
    )
    namespace: dict[str, Any] = {
        "Unusual": _Unusual,
        "amount_text": _amount_text,
        "tags_plain": _tags_plain,
        "MAX_COUNT": MAX_COUNT,
        "MAX_TEXT": MAX_TEXT,
    }
    exec(compile(source, f"<compiled spec {sorted(spec)}>", "exec"), namespace)  # noqa: S102  # our own source
    function: Callable[[object], dict[str, Any] | None] = namespace["pick_fast"]
    return function


def _object_lines(spec: Spec, *, source: str, target: str, indent: str, names: Iterator[str]) -> Iterator[str]:
    yield f"{indent}if type({source}) is not dict: raise Unusual"
    yield f"{indent}{target} = {{}}"
    for key, declared in spec.items():
        required = isinstance(declared, Required)
        kind = declared.kind if required else declared
        value = next(names)
        yield f"{indent}{value} = {source}.get({key!r})"
        yield f'{indent}if {value} is None or {value} == "":'
        yield f"{indent}    {'raise Unusual' if required else 'pass'}"
        yield f"{indent}else:"
        yield from _value_lines(kind, value=value, store=f"{target}[{key!r}]", indent=indent + "    ", names=names)


def _value_lines(kind: Any, *, value: str, store: str, indent: str, names: Iterator[str]) -> Iterator[str]:
    if isinstance(kind, dict):
        nested = next(names)
        yield from _object_lines(kind, source=value, target=nested, indent=indent, names=names)
        yield f"{indent}{store} = {nested}"
    elif isinstance(kind, list):
        items, item, kept_item = next(names), next(names), next(names)
        yield f"{indent}if type({value}) is not list: raise Unusual"
        yield f"{indent}{items} = []"
        yield f"{indent}for {item} in {value}:"
        yield from _object_lines(kind[0], source=item, target=kept_item, indent=indent + "    ", names=names)
        yield f"{indent}    {items}.append({kept_item})"
        yield f"{indent}{store} = {items}"
    elif kind == AMOUNT:
        yield f"{indent}{store} = amount_text({value})"
    elif kind == TAGS:
        yield f"{indent}{store} = tags_plain({value})"
    elif kind in PLAIN_VALUE:
        yield f"{indent}if not ({PLAIN_VALUE[kind].format(v=value)}): raise Unusual"
        yield f"{indent}{store} = {value}"
    else:
        raise AssertionError(f"unknown spec kind {kind!r}")  # a programming error in an importer's spec
