"""Progress for long commands: a bar on a terminal, a line every tenth of the way otherwise (logs, CI)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol

from celery import current_app as celery_app
from celery.signals import task_postrun

from evidence.selectors import facts_build_get
from evidence.tasks.facts import build_facts_chunk
from reviews.models import CycleExport, EvidenceRun, ReviewCycle
from reviews.tasks import build_packet, cycle_export_start, evidence_run_start


class Stream(Protocol):
    """What progress is drawn on: a text file or a management command's OutputWrapper."""

    def write(self, text: str) -> object: ...
    def flush(self) -> None: ...
    def isatty(self) -> bool: ...


class ProgressBar:
    def __init__(self, *, total: int, label: str, stream: Stream, width: int = 30) -> None:
        self.total, self.label, self.stream, self.width = total, label, stream, width
        self.started = time.monotonic()
        self.last_tenth = -1
        self.interactive = stream.isatty()

    def show(self, done: int, failed: int = 0) -> None:
        finished = done + failed
        share = finished / self.total if self.total else 1.0
        elapsed = time.monotonic() - self.started
        text = (
            f"{self.label}: {finished}/{self.total}" + (f" ({failed} failed)" if failed else "") + f" · {elapsed:.1f}s"
        )
        if self.interactive:
            filled = int(share * self.width)
            self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {text}")
            if finished >= self.total:
                self.stream.write("\n")
            self.stream.flush()
            return
        tenth = int(share * 10)
        if tenth != self.last_tenth:
            self.last_tenth = tenth
            self.stream.write(f"  {int(share * 100):3d}% {text}\n")
            self.stream.flush()


def run_wait(*, run_id: int, stream: Stream, poll_seconds: float = 0.5, timeout_seconds: float = 3600) -> EvidenceRun:
    """Follow a run's rows until it reaches a terminal state, drawing its progress: facts first, then packets."""
    run = EvidenceRun.objects.get(pk=run_id)
    deadline = time.monotonic() + timeout_seconds
    if run.facts_build_id is not None:
        facts_bar = ProgressBar(total=run.total, label=f"facts for {run.cycle.name}", stream=stream)
        while time.monotonic() <= deadline:
            build = facts_build_get(build_id=run.facts_build_id)
            facts_bar.show(build.done, build.failed)
            if build.status in build.TERMINAL:
                break
            time.sleep(poll_seconds)
    bar = ProgressBar(total=run.total, label=f"packets for {run.cycle.name}", stream=stream)
    while True:
        run.refresh_from_db()
        bar.show(run.done, run.failed)
        if run.status in EvidenceRun.TERMINAL or time.monotonic() > deadline:
            return run
        time.sleep(poll_seconds)


class EagerProgress:
    """With no broker, packets are built inside the starting call; draw progress as each build task ends."""

    def __init__(self, *, stream: Stream) -> None:
        self.stream = stream
        self.bar: ProgressBar | None = None
        self.facts_bar: ProgressBar | None = None

    def __enter__(self) -> EagerProgress:
        task_postrun.connect(self._on_task_end, weak=False)
        return self

    def __exit__(self, *exc: object) -> None:
        task_postrun.disconnect(self._on_task_end)

    def _on_task_end(self, sender: object = None, args: tuple[object, ...] = (), **kwargs: object) -> None:
        name = getattr(sender, "name", "")
        if not args or not isinstance(args[0], int):
            return
        if name == build_facts_chunk.name:
            self._show_facts(build_id=args[0])
            return
        if name != build_packet.name:
            return
        run = EvidenceRun.objects.filter(packets__pk=args[0]).first()
        if run is None:
            return
        if self.bar is None:
            self.bar = ProgressBar(total=run.total, label=f"packets for {run.cycle.name}", stream=self.stream)
        self.bar.show(run.done, run.failed)

    def _show_facts(self, *, build_id: int) -> None:
        build = facts_build_get(build_id=build_id)
        if self.facts_bar is None:
            self.facts_bar = ProgressBar(total=build.total, label=f"facts for {build.cycle.name}", stream=self.stream)
        self.facts_bar.show(build.done, build.failed)


def run_start_and_follow(*, cycle: ReviewCycle, stream: Stream) -> EvidenceRun:
    """Start a cycle's packet run and draw its progress until it ends, with or without a broker."""
    with EagerProgress(stream=stream):
        run = evidence_run_start(cycle=cycle)
    if celery_app.conf.task_always_eager:
        run.refresh_from_db()
        return run
    return run_wait(run_id=run.pk, stream=stream)


def export_start_and_follow(
    *, cycle: ReviewCycle, out_dir: Path, stream: Stream, poll_seconds: float = 0.5, timeout_seconds: float = 6 * 3600
) -> CycleExport:
    """Start a cycle export of the packets that exist and wait while its files are written."""
    stream.write("  writing PDFs, summary.csv, the org report and the ZIP…\n")
    export = cycle_export_start(cycle=cycle, out_dir=out_dir)
    if not celery_app.conf.task_always_eager:
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            export.refresh_from_db()
            if export.status in CycleExport.TERMINAL:
                break
            time.sleep(poll_seconds)
    export.refresh_from_db()
    return export
