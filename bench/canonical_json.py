"""Canonical payload JSON per record: json.dumps, orjson, and canonical_json (orjson, json.dumps where they differ).

Records are those of the usage fixtures (tests/evidence/fixtures/usage), in the providers' own shapes.

.venv/bin/python bench/canonical_json.py --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "evidence" / "fixtures" / "usage"


def fixture_records(path: Path) -> list[dict[str, Any]]:
    if path.suffix in {".ndjson", ".jsonl"}:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    page = json.loads(path.read_text(encoding="utf-8"))
    records: list[dict[str, Any]] = page.get("data") or page.get("items") or []
    return records


def micros_per_record(encode: Callable[[dict[str, Any]], object], records: list[dict[str, Any]], repeat: int) -> float:
    rounds = max(1, 20_000 // len(records))
    best = min(timeit.repeat(lambda: [encode(record) for record in records], number=rounds, repeat=repeat))
    return best / (rounds * len(records)) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))  # run as a script from anywhere
    import django

    django.setup()
    from evidence.services.usage.chunk_writer import canonical_json, orjson_differs

    print(
        f"{'fixture':32s} {'records':>7s} {'slow path':>9s} {'json.dumps µs':>13s} {'orjson µs':>9s} {'canonical µs':>12s}"
    )
    for path in sorted(FIXTURES.glob("*.json*")):
        records = fixture_records(path)
        if not records:
            continue
        slow = sum(
            1
            for record in records
            if not (text := orjson.dumps(record, option=orjson.OPT_SORT_KEYS)).isascii() or orjson_differs(text)
        )
        figures = [
            micros_per_record(
                lambda record: json.dumps(record, sort_keys=True, separators=(",", ":")), records, args.repeat
            ),
            micros_per_record(lambda record: orjson.dumps(record, option=orjson.OPT_SORT_KEYS), records, args.repeat),
            micros_per_record(canonical_json, records, args.repeat),
        ]
        print(
            f"{path.name:32s} {len(records):7d} {slow:4d} of {len(records):<2d}"
            f" {figures[0]:13.2f} {figures[1]:9.2f} {figures[2]:12.2f}"
        )


if __name__ == "__main__":
    main()
