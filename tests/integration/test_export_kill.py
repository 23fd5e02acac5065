"""Faults: a real worker is SIGKILLed while generating a cycle's packets (a pool child, then the main process); a
restart finishes the run, and the HR export then writes exactly those packets.

After recovery every person has exactly one finished packet in the run and one PDF in the folder, the run and the
export were each finalized once, and nothing is left pending or rendering.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytest_django import Settings as SettingsWrapper

from reviews.models import CycleExport, EvidenceRun, Packet
from reviews.tasks import cycle_export_start, evidence_run_start, reconcile_runs
from tests.factories import make_cycle, make_person
from tests.integration.conftest import WorkerProcess

pytestmark = pytest.mark.integration

PEOPLE = 24
FAULT_ENV = {"TOKENPROOF_VISIBILITY_TIMEOUT": "5", "TOKENPROOF_STALE_RENDER_SECONDS": "4"}


def wait_until(condition: Callable[[], bool], *, timeout: float, reconcile: bool = False, what: str) -> None:
    """Poll the rows; with reconcile, also do what beat's reconciler would do, every couple of seconds."""
    deadline = time.monotonic() + timeout
    next_reconcile = time.monotonic() + 2
    while time.monotonic() < deadline:
        if condition():
            return
        if reconcile and time.monotonic() >= next_reconcile:
            reconcile_runs()
            next_reconcile = time.monotonic() + 2
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def finished(run_id: int) -> bool:
    return EvidenceRun.objects.get(pk=run_id).status in EvidenceRun.TERMINAL


def export_after(run_id: int, tmp_path: Path) -> int:
    """Export the cycle once its run has ended, and wait for the worker to write the folder."""
    run = EvidenceRun.objects.select_related("cycle").get(pk=run_id)
    export_id = cycle_export_start(cycle=run.cycle, out_dir=tmp_path / "export").pk
    wait_until(
        lambda: CycleExport.objects.get(pk=export_id).status in CycleExport.TERMINAL, timeout=60, what="the export"
    )
    return export_id


def assert_completed_exactly_once(run_id: int, export_id: int, worker_logs: str) -> None:
    export = CycleExport.objects.get(pk=export_id)
    run = EvidenceRun.objects.get(pk=run_id)
    assert (export.status, export.finalize_count) == ("done", 1), worker_logs[-4000:]
    assert (run.status, run.finalize_count, run.done, run.failed) == ("done", 1, PEOPLE, 0)
    packets = Packet.objects.filter(run=run)
    assert packets.count() == PEOPLE
    assert set(packets.values_list("status", flat=True)) == {"done"}
    assert not Packet.objects.filter(status__in=["pending", "rendering"]).exists()
    assert not EvidenceRun.objects.exclude(status__in=EvidenceRun.TERMINAL).exists()
    folder = Path(export.out_dir)
    pdfs = sorted(path.name for path in folder.glob("*@example.com.pdf"))
    assert pdfs == sorted(f"kill{index}@example.com.pdf" for index in range(PEOPLE))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(manifest["files"]) == PEOPLE + 2
    for entry in manifest["files"]:
        assert hashlib.sha256((folder / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    for packet in packets.select_related("person"):
        assert hashlib.sha256((folder / f"{packet.person.email}.pdf").read_bytes()).hexdigest() == packet.sha256
    assert not list(folder.glob(".*.partial"))


def start_run() -> int:
    for index in range(PEOPLE):
        make_person(name=f"Kill Person {index:02d}", email=f"kill{index}@example.com")
    cycle = make_cycle(name="Faults", start=date(2026, 1, 1), end=date(2026, 6, 30))
    return evidence_run_start(cycle=cycle).pk


def some_packets_done(run_id: int) -> Callable[[], bool]:
    def check() -> bool:
        run = EvidenceRun.objects.get(pk=run_id)
        return run.done >= 3 and run.done < PEOPLE

    return check


def busy_pool_child(worker: WorkerProcess) -> int:
    """A pool child that is rendering right now: it has a render child of its own."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for child in worker.child_pids():
            rendering = subprocess.run(["pgrep", "-P", str(child)], capture_output=True, check=False).stdout.strip()
            if rendering:
                return child
        time.sleep(0.02)
    pytest.fail(f"no pool child was rendering:\n{worker.log()[-3000:]}")


@pytest.fixture
def fault_settings(settings: SettingsWrapper) -> None:
    settings.TOKENPROOF_STALE_RENDER_SECONDS = int(FAULT_ENV["TOKENPROOF_STALE_RENDER_SECONDS"])


def worker_mid_run(start_worker: Any) -> tuple[WorkerProcess, int]:
    """A worker process with two pool children, part-way through a run of PEOPLE packets."""
    worker: WorkerProcess = start_worker(concurrency=2, extra_env=FAULT_ENV)
    run_id = start_run()
    wait_until(some_packets_done(run_id), timeout=60, what="the first packets")
    return worker, run_id


def test_a_run_survives_a_pool_child_killed_mid_run_and_exports_once(
    start_worker: Any, tmp_path: Path, fault_settings: None
) -> None:
    worker, run_id = worker_mid_run(start_worker)

    os.kill(busy_pool_child(worker), signal.SIGKILL)

    wait_until(lambda: finished(run_id), timeout=90, reconcile=True, what="the run after a child was killed")
    export_id = export_after(run_id, tmp_path)
    assert_completed_exactly_once(run_id, export_id, worker.log())
    assert "exited with 'signal 9 (SIGKILL)'" in worker.log()
    # The packet it was drawing was taken over and drawn again: a second attempt, still one packet.
    assert Packet.objects.filter(run_id=run_id, attempts__gte=2).exists()


def test_a_run_survives_the_main_worker_process_killed_mid_run_and_exports_once(
    start_worker: Any, tmp_path: Path, fault_settings: None
) -> None:
    first, run_id = worker_mid_run(start_worker)

    children = first.child_pids()
    os.kill(first.process.pid, signal.SIGKILL)
    first.process.wait(timeout=10)
    for child in children:  # the machine went down with it: orphaned pool children die too
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
    assert not finished(run_id)

    second: WorkerProcess = start_worker(concurrency=2, extra_env=FAULT_ENV)
    wait_until(lambda: finished(run_id), timeout=90, reconcile=True, what="the run after a restart")
    export_id = export_after(run_id, tmp_path)
    assert_completed_exactly_once(run_id, export_id, first.log() + second.log())
