"""The typed facts (evidence.facts.schema) and the published JSON Schema (docs/evidence-schema.json) say the same.

The walk compares, object by object, the keys, which keys are required, the scalar types, nullability and the
enumerations. Any difference fails with its path, so neither can drift from the other.
"""

from __future__ import annotations

import types
from typing import Any, Literal, NotRequired, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest

from evidence.facts.schema import EVIDENCE_SCHEMA, EvidenceFactsDict, OutcomeDict, stored_facts
from reviews.errors import ApplicationError
from tests.evidence.scenarios.checks import facts_schema

SCALARS = {int: "integer", float: "number", str: "string", bool: "boolean"}


def _resolved(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = facts_schema()["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def _json_alternatives(node: dict[str, Any]) -> tuple[bool, list[dict[str, Any]]]:
    """Whether the node allows null, and the non-null shapes it allows."""
    node = _resolved(node)
    if "oneOf" in node or "anyOf" in node:
        shapes = [_resolved(shape) for shape in node.get("oneOf") or node["anyOf"]]
        return any(shape.get("type") == "null" for shape in shapes), [s for s in shapes if s.get("type") != "null"]
    if "enum" in node and None in node["enum"]:
        return True, [{**node, "enum": [value for value in node["enum"] if value is not None]}]
    if isinstance(node.get("type"), list):
        kinds = [kind for kind in node["type"] if kind != "null"]
        return "null" in node["type"], [{**node, "type": kind} for kind in kinds]
    return False, [node]


def _hint_alternatives(hint: Any) -> tuple[bool, list[Any]]:
    if get_origin(hint) in (Union, types.UnionType):
        members = get_args(hint)
        return type(None) in members, [member for member in members if member is not type(None)]
    return False, [hint]


def _differences(hint: Any, node: dict[str, Any], path: str) -> list[str]:
    hint_nullable, hints = _hint_alternatives(hint)
    node_nullable, nodes = _json_alternatives(node)
    if hint_nullable != node_nullable:
        return [f"{path}: null allowed by {'the type' if hint_nullable else 'the JSON Schema'} only"]
    if len(hints) != len(nodes):
        return [f"{path}: {len(hints)} shapes in the type, {len(nodes)} in the JSON Schema"]
    found: list[str] = []
    for one_hint, one_node in zip(hints, nodes, strict=True):
        found += _shape_differences(one_hint, one_node, path)
    return found


def _shape_differences(hint: Any, node: dict[str, Any], path: str) -> list[str]:
    if is_typeddict(hint):
        return _object_differences(hint, node, path)
    if get_origin(hint) is list:
        if node.get("type") != "array":
            return [f"{path}: a list in the type, {node.get('type')} in the JSON Schema"]
        return _differences(get_args(hint)[0], node["items"], f"{path}[]")
    if get_origin(hint) is dict:
        if node.get("type") != "object" or "properties" in node or "additionalProperties" not in node:
            return [f"{path}: a free mapping in the type, not in the JSON Schema"]
        return _differences(get_args(hint)[1], node["additionalProperties"], f"{path}{{}}")
    if get_origin(hint) is Literal:
        allowed = node.get("enum", [node["const"]] if "const" in node else None)
        return [] if allowed is not None and set(allowed) == set(get_args(hint)) else [f"{path}: values differ"]
    if node.get("type") != SCALARS[hint]:
        return [f"{path}: {hint.__name__} in the type, {node.get('type')} in the JSON Schema"]
    return []


def _object_differences(hint: Any, node: dict[str, Any], path: str) -> list[str]:
    if node.get("type") != "object" or "properties" not in node:
        return [f"{path}: {hint.__name__} is an object with keys, the JSON Schema's is not"]
    hints = get_type_hints(hint, include_extras=True)
    properties = node["properties"]
    found = [
        f"{path}.{key}: in {hint.__name__}, not in the JSON Schema" for key in sorted(set(hints) - set(properties))
    ]
    found += [
        f"{path}.{key}: in the JSON Schema, not in {hint.__name__}" for key in sorted(set(properties) - set(hints))
    ]
    required = {key for key, value in hints.items() if get_origin(value) is not NotRequired}
    for key in sorted(required ^ set(node.get("required", []))):
        found.append(f"{path}.{key}: required in {'the type' if key in required else 'the JSON Schema'} only")
    for key in sorted(set(hints) & set(properties)):
        value = hints[key]
        found += _differences(
            get_args(value)[0] if get_origin(value) is NotRequired else value, properties[key], f"{path}.{key}"
        )
    return found


def test_the_typed_facts_and_the_json_schema_have_the_same_keys_and_required_keys() -> None:
    assert _differences(EvidenceFactsDict, facts_schema(), "facts") == []


def test_the_walk_finds_a_renamed_key_and_a_key_no_longer_required() -> None:
    outcome = facts_schema()["$defs"]["outcome"]
    properties = dict(outcome["properties"])
    properties["prs_landed"] = properties.pop("prs_merged")
    renamed = {**outcome, "properties": properties}
    relaxed = {**outcome, "required": [key for key in outcome["required"] if key != "commits"]}

    assert _differences(OutcomeDict, renamed, "outcome") == [
        "outcome.prs_merged: in OutcomeDict, not in the JSON Schema",
        "outcome.prs_landed: in the JSON Schema, not in OutcomeDict",
    ]
    assert _differences(OutcomeDict, relaxed, "outcome") == ["outcome.commits: required in the type only"]


def test_stored_facts_of_another_version_are_refused_naming_the_schema_field() -> None:
    with pytest.raises(ApplicationError, match=r"Stored facts have schema 'tokenproof.evidence/2', not"):
        stored_facts({"schema": "tokenproof.evidence/2"})
    with pytest.raises(ApplicationError, match=r"Stored facts have schema 'list'"):
        stored_facts([])
    facts: object = {"schema": EVIDENCE_SCHEMA}
    assert stored_facts(facts) is facts
