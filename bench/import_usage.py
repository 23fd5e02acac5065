"""Usage import throughput (facts/s) and peak memory, per format, on SQLite or PostgreSQL.

    .venv/bin/python bench/import_usage.py --records 100000 --source claude-code-analytics
    .venv/bin/python bench/import_usage.py --records 100000 --source anthropic-console-csv --source cursor-usage-events-csv
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_usage .venv/bin/python bench/import_usage.py --records 1000000

The file is generated first (streamed, in the provider's shape); a child process migrates and empties the usage
tables (on PostgreSQL it also vacuums them, so no dead rows of an earlier run slow the inserts); then a fresh
child imports the file, so the reported peak memory (VmHWM) is the import's alone.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DAYS = 12
BASE_DAY = 1777852800  # 2026-05-04T00:00:00Z


def _day(index: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(BASE_DAY - 86400 * (index % DAYS)))


def claude_code(index: int, rng: random.Random) -> dict[str, Any]:
    accepted = rng.randint(0, 40)
    return {
        "date": f"{_day(index)}T00:00:00Z",
        "actor": {"type": "user_actor", "email_address": f"person{index // DAYS}@bench.example"},
        "organization_id": "3f1c0d2e",
        "customer_type": "api",
        "terminal_type": "vscode",
        "core_metrics": {
            "num_sessions": rng.randint(1, 6),
            "lines_of_code": {"added": accepted * 9, "removed": accepted * 2},
            "commits_by_claude_code": rng.randint(0, 4),
            "pull_requests_by_claude_code": rng.randint(0, 1),
        },
        "tool_actions": {
            "edit_tool": {"accepted": accepted, "rejected": rng.randint(1, 4)},
            "multi_edit_tool": {"accepted": accepted // 5, "rejected": 0},
            "write_tool": {"accepted": accepted // 7, "rejected": 1},
            "notebook_edit_tool": {"accepted": 0, "rejected": 0},
        },
        "model_breakdown": [
            {
                "model": "claude-sonnet-4-5",
                "tokens": {
                    "input": rng.randint(10**4, 10**5),
                    "output": rng.randint(10**3, 10**4),
                    "cache_read": rng.randint(10**5, 10**6),
                    "cache_creation": rng.randint(10**3, 10**5),
                },
                "estimated_cost": {"currency": "USD", "amount": rng.randint(10, 900)},
            }
        ],
    }


def copilot(index: int, rng: random.Random) -> dict[str, Any]:
    return {
        "day": _day(index),
        "organization_id": "999",
        "user_id": index // DAYS,
        "user_login": f"dev{index // DAYS}",
        "user_initiated_interaction_count": rng.randint(1, 60),
        "code_generation_activity_count": rng.randint(1, 80),
        "code_acceptance_activity_count": rng.randint(1, 30),
        "loc_suggested_to_add_sum": rng.randint(10, 300),
        "loc_added_sum": rng.randint(1, 100),
        "loc_deleted_sum": rng.randint(1, 20),
        "used_agent": True,
        "used_chat": True,
        "totals_by_cli": {
            "session_count": 1,
            "request_count": 3,
            "token_usage": {"prompt_tokens_sum": 9000, "output_tokens_sum": 900},
        },
    }


def cursor_daily(index: int, rng: random.Random) -> dict[str, Any]:
    counts = (
        "acceptedLinesAdded",
        "acceptedLinesDeleted",
        "totalAccepts",
        "totalRejects",
        "totalTabsShown",
        "totalTabsAccepted",
        "chatRequests",
        "agentRequests",
        "composerRequests",
    )
    return {
        "userId": index // DAYS,
        "day": _day(index),
        "email": f"person{index // DAYS}@bench.example",
        "isActive": True,
        **{name: rng.randint(1, 200) for name in counts},
        "mostUsedModel": "claude-4.5-sonnet",
    }


def cursor_commit(index: int, rng: random.Random) -> dict[str, Any]:
    return {
        "commitHash": f"{index:040x}",
        "userEmail": f"person{index // DAYS}@bench.example",
        "repoName": "corp/api",
        "tabLinesAdded": rng.randint(0, 50),
        "composerLinesAdded": rng.randint(0, 80),
        "nonAiLinesAdded": rng.randint(0, 30),
        "commitTs": f"{_day(index)}T14:12:03.000Z",
        "message": "x",
    }


def litellm(index: int, rng: random.Random) -> dict[str, Any]:
    return {
        "request_id": f"req-{index}",
        "user": f"person{index // 200}@bench.example",
        "model": "claude-sonnet-4-5",
        "custom_llm_provider": "anthropic",
        "spend": round(rng.random() / 10, 5),
        "prompt_tokens": rng.randint(100, 9000),
        "completion_tokens": rng.randint(10, 900),
        "startTime": f"{_day(index)}T10:00:01Z",
        "endTime": f"{_day(index)}T10:00:09Z",
        "session_id": f"s-{index // 40}",
        "messages": [{"role": "user", "content": "dropped"}],
    }


def bucket_results(kind: str) -> Callable[[int, random.Random], dict[str, Any]]:
    def anthropic(index: int, rng: random.Random) -> dict[str, Any]:
        return {
            "starting_at": f"{_day(index)}T00:00:00Z",
            "ending_at": None,
            "results": [
                {
                    "account_id": f"user_{index // DAYS}",
                    "model": "claude-sonnet-4-5",
                    "uncached_input_tokens": rng.randint(1, 10**5),
                    "cache_creation": {"ephemeral_5m_input_tokens": 10, "ephemeral_1h_input_tokens": 0},
                    "cache_read_input_tokens": rng.randint(1, 10**6),
                    "output_tokens": rng.randint(1, 10**4),
                }
            ],
        }

    def openai(index: int, rng: random.Random) -> dict[str, Any]:
        return {
            "object": "bucket",
            "start_time": BASE_DAY - 86400 * (index % DAYS),
            "results": [
                {
                    "object": "organization.usage.completions.result",
                    "input_tokens": 50000,
                    "input_cached_tokens": 30000,
                    "output_tokens": rng.randint(1, 10**4),
                    "num_model_requests": 4,
                    "user_id": f"user-{index // DAYS}",
                    "model": "gpt-5",
                }
            ],
        }

    return anthropic if kind == "anthropic" else openai


def otel_line(index: int, rng: random.Random) -> dict[str, Any]:
    """One file-exporter line: ten api_request events of one session (a record here is one event)."""

    def attribute(key: str, value: object) -> dict[str, Any]:
        kind = "intValue" if isinstance(value, int) else "stringValue"
        return {"key": key, "value": {kind: str(value)}}

    events = []
    for number in range(10):
        fields = {
            "event.name": "api_request",
            "event.sequence": number,
            "session.id": f"s-{index // 5}",
            "prompt.id": f"p-{index}",
            "user.email": f"person{index // 60}@bench.example",
            "model": "claude-sonnet-4-5",
            "cost_usd": "0.0123",
            "input_tokens": rng.randint(100, 3000),
            "output_tokens": rng.randint(100, 900),
            "cache_read_tokens": rng.randint(1000, 40000),
            "cache_creation_tokens": 100,
        }
        nanos = (BASE_DAY - 86400 * (index % DAYS) + 36000 + number) * 10**9
        events.append(
            {"timeUnixNano": str(nanos), "attributes": [attribute(key, value) for key, value in fields.items()]}
        )
    return {"resourceLogs": [{"resource": {"attributes": []}, "scopeLogs": [{"logRecords": events}]}]}


def generic_csv_rows(records: int, handle: TextIO) -> None:
    handle.write(
        "day,identity_kind,identity,provider,tool,model,input_uncached,cache_read,output,requests,cost_usd,sessions,lines_added\n"
    )
    for index in range(records):
        handle.write(
            f"{_day(index)},email,person{index // DAYS}@bench.example,gemini,gemini-cli,gemini-2.5-pro,{index % 9000},300,{index % 700},3,0.01,1,{index % 50}\n"
        )


def anthropic_console_rows(records: int, handle: TextIO, rng: random.Random) -> None:
    handle.write(
        "usage_date_utc,model_version,api_key,workspace,usage_type,context_window,usage_input_tokens_no_cache,"
        "usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,usage_input_tokens_cache_read,"
        "usage_output_tokens,web_search_count,inference_geo,speed\n"
    )
    for index in range(records):
        handle.write(
            f"{_day(index)},claude-sonnet-4-5-20250929,key-person{index // DAYS},Claude Code,standard,≤ 200k,"
            f"{rng.randint(1, 10**5)},{rng.randint(0, 10**4)},0,{rng.randint(1, 10**6)},{rng.randint(1, 10**4)},0,"
            "not_available,\n"
        )


def cursor_usage_events_rows(records: int, handle: TextIO, rng: random.Random) -> None:
    handle.write(
        "Date,User,Cloud Agent ID,Automation ID,Kind,Model,Max Mode,Input (w/ Cache Write),"
        "Input (w/o Cache Write),Cache Read,Output Tokens,Total Tokens,Cost\n"
    )
    for index in range(records):
        moment = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(BASE_DAY - 86400 * (index % DAYS) + index % 80000))
        without, write, read, output = rng.randint(1, 5000), rng.randint(0, 2000), rng.randint(0, 50000), 300
        cost = "Included" if index % 3 else f"${rng.randint(1, 90) / 100:.2f}"
        handle.write(
            f'"{moment}.{index % 1000:03d}Z","person{index // 200}@bench.example","","","Usage-based",'
            f'"claude-4.5-sonnet","No","{without + write}","{without}","{read}","{output}",'
            f'"{without + write + read + output}","{cost}"\n'
        )


def openai_dashboard_rows(records: int, handle: TextIO, rng: random.Random) -> None:
    """One row per user and day, as decimals; every tenth bucket is idle (a row with empty figures)."""
    handle.write(
        "start_time,end_time,start_time_iso,end_time_iso,input_tokens,output_tokens,input_cached_tokens,"
        "input_audio_tokens,output_audio_tokens,num_model_requests,project_id,user_id,api_key_id,model,batch,"
        "service_tier\n"
    )
    for index in range(records):
        start = BASE_DAY - 86400 * (index % DAYS)
        iso = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(start))
        if index % 10 == 9:
            handle.write(f"{start},{start + 86400},{iso},,,,,,,,,,,,,\n")
            continue
        handle.write(
            f"{start},{start + 86400},{iso},,{rng.randint(30000, 90000)}.0,{rng.randint(1, 10**4)}.0,30000.0,0.0,0.0,"
            f"4.0,proj_bench,user-{index // DAYS},,gpt-5,FALSE,default\n"
        )


def cursor_commits_rows(records: int, handle: TextIO, rng: random.Random) -> None:
    handle.write(
        "commit_hash,user_id,user_email,repo_name,branch_name,is_primary_branch,commit_source,total_lines_added,"
        "total_lines_deleted,tab_lines_added,tab_lines_deleted,composer_lines_added,composer_lines_deleted,"
        "non_ai_lines_added,non_ai_lines_deleted,message,commit_ts,created_at\n"
    )
    for index in range(records):
        tab, composer, human = rng.randint(0, 50), rng.randint(0, 80), rng.randint(0, 30)
        handle.write(
            f"{index:040x},user_{index // DAYS},person{index // DAYS}@bench.example,corp/api,main,true,ide,"
            f"{tab + composer + human},0,{tab},0,{composer},0,{human},0,x,{_day(index)}T14:12:03.000Z,\n"
        )


# a dashboard CSV export → (the source that reads it, its row writer)
CSV_EXPORTS: dict[str, tuple[str, Callable[[int, TextIO, random.Random], None]]] = {
    "anthropic-console-csv": ("anthropic-usage", anthropic_console_rows),
    "cursor-usage-events-csv": ("cursor-usage-events", cursor_usage_events_rows),
    "openai-dashboard-csv": ("openai-usage", openai_dashboard_rows),
    "cursor-commits-csv": ("cursor-commits", cursor_commits_rows),
}

# source → (record maker, layout); layouts are the shapes clients save: JSON Lines or a list of API pages
FORMATS: dict[str, tuple[Callable[[int, random.Random], dict[str, Any]], str]] = {
    "claude-code-analytics": (claude_code, "lines"),
    "copilot-metrics": (copilot, "lines"),
    "cursor-daily": (cursor_daily, "pages"),
    "cursor-commits": (cursor_commit, "pages"),
    "litellm-spend": (litellm, "lines"),
    "claude-code-otel": (otel_line, "lines"),
    "csv": (claude_code, "csv"),
    "anthropic-usage": (bucket_results("anthropic"), "pages"),
    "openai-usage": (bucket_results("openai"), "pages"),
}


def generate(source: str, records: int, path: Path) -> None:
    rng = random.Random(7)  # noqa: S311  # seeded benchmark data, not secrets
    if source in CSV_EXPORTS:
        with path.open("w", encoding="utf-8") as handle:
            CSV_EXPORTS[source][1](records, handle, rng)
        return
    make, layout = FORMATS[source]
    list_key = "items" if source == "cursor-commits" else "data"
    with path.open("w", encoding="utf-8") as handle:
        if layout == "csv":
            generic_csv_rows(records, handle)
            return
        if layout == "lines":
            # an OTLP line holds ten events, so fewer lines make the same number of records
            lines = records // 10 if source == "claude-code-otel" else records
            for index in range(lines):
                handle.write(json.dumps(make(index, rng)) + "\n")
            return
        _pages(handle, (make(index, rng) for index in range(records)), list_key)


def _pages(handle: TextIO, items: Iterator[dict[str, Any]], list_key: str) -> None:
    handle.write("[")
    first_page, page = True, []
    for item in items:
        page.append(item)
        if len(page) == 1000:
            handle.write(("" if first_page else ",") + json.dumps({list_key: page, "has_more": True}))
            first_page, page = False, []
    if page:
        handle.write(("" if first_page else ",") + json.dumps({list_key: page, "has_more": False}))
    handle.write("]")


def peak_rss_reset() -> None:
    """Start the peak-memory count now (Linux: writing 5 to clear_refs resets VmHWM), so set-up is not counted."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> int:
    """This process's peak resident memory (VmHWM). Unlike ru_maxrss it starts afresh at exec, so it is the import's."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def django_ready() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def prepare_database() -> None:
    """Migrate and empty the usage tables. Runs in a child of its own: what it allocates must not count as the
    import's memory (deleting millions of rows of a previous run leaves a process far larger than an import)."""
    django_ready()
    from django.core.management import call_command
    from django.db import connection

    from evidence.models import (
        ImportBatch,
        RawRecord,
        SourceActor,
        ToolOutcomeFact,
        ToolReportedCommit,
        UsageFact,
        UsageSession,
    )

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:  # plain DELETEs: the ORM's delete() would load every row into memory
        for model in (
            UsageFact,
            ToolOutcomeFact,
            UsageSession,
            ToolReportedCommit,
            RawRecord,
            ImportBatch,
            SourceActor,
        ):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608  # table names from the models
        if connection.vendor == "postgresql":  # leave no dead rows of the previous run in the tables and indexes
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")  # and write its deletions out now, not during the import being measured


def import_in_this_process(source: str, path: Path) -> dict[str, Any]:
    django_ready()
    from django.db import connection

    from evidence.models import ToolOutcomeFact, ToolReportedCommit, UsageFact, UsageSession
    from evidence.services.usage.imports import usage_import

    peak_rss_reset()
    started = time.perf_counter()
    summary = usage_import(source=CSV_EXPORTS[source][0] if source in CSV_EXPORTS else source, paths=[path])
    seconds = time.perf_counter() - started
    batch = summary.batches[0]
    assert batch.status == "done", batch.error
    facts = sum(model.objects.count() for model in (UsageFact, ToolOutcomeFact, UsageSession, ToolReportedCommit))
    return {
        "database": connection.vendor,
        "source": source,
        "records": batch.read,
        "facts": facts,
        "seconds": round(seconds, 2),
        "records_per_s": round(batch.read / seconds),
        "facts_per_s": round(facts / seconds),
        "peak_rss_mb": peak_rss_mb(),
        "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument(
        "--source",
        action="append",
        choices=sorted([*FORMATS, *CSV_EXPORTS]),
        help="a source, or a dashboard CSV export (…-csv); repeatable; default: all",
    )
    parser.add_argument("--import-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.prepare:
        prepare_database()
        return
    if options.import_file:
        print(json.dumps(import_in_this_process(options.source[0], options.import_file)))
        return
    for source in options.source or sorted([*FORMATS, *CSV_EXPORTS]):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{source}.json"
            generate(source, options.records, path)
            subprocess.run([sys.executable, __file__, "--prepare"], check=True, cwd=ROOT)
            child = subprocess.run(
                [sys.executable, __file__, "--source", source, "--import-file", str(path)],
                capture_output=True,
                text=True,
                check=False,
                cwd=ROOT,
            )
            if child.returncode:
                sys.exit(child.stderr)
            print(child.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
