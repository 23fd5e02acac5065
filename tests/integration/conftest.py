"""Real services for integration tests: a Celery worker process on the machine's broker, sharing the test database."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from pytest_django import Settings as SettingsWrapper

from config.celery import app as celery_app
from reviews.models import Person

ROOT = Path(__file__).resolve().parents[2]
LOCAL_REDIS = "redis://127.0.0.1:6379/15"
QUEUES = "default,render"


def broker_url() -> str:
    return os.environ.get("CELERY_BROKER_URL") or LOCAL_REDIS


def broker_reachable(url: str) -> bool:
    try:
        with celery_app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # any failure to connect means no broker here
        return False
    return True


def test_database_url() -> str:
    """The URL of the database pytest-django made, so the worker process writes where the test reads."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(config['NAME']).resolve()}"
    user = config.get("USER") or ""
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    host = config.get("HOST") or "127.0.0.1"
    port = config.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{config['NAME']}"


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def child_pids(self) -> list[int]:
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False)
        return [int(pid) for pid in found.stdout.split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def worker_env(settings: SettingsWrapper, tmp_path: Path, transactional_db: Any) -> Iterator[dict[str, str]]:
    """Point this test process and any worker at the real broker; tasks stop running in-process."""
    url = broker_url()
    if not broker_reachable(url):
        pytest.skip(f"no Celery broker reachable at {url}: start Redis or set CELERY_BROKER_URL")
    data_dir = tmp_path / "worker-data"
    data_dir.mkdir()
    settings.MEDIA_ROOT = data_dir / "media"
    previous = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    celery_app.conf.update(
        task_always_eager=False, broker_url=url, result_backend=os.environ.get("CELERY_RESULT_BACKEND") or url
    )
    forget_cached_backend()
    celery_app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": url,
        "TOKENPROOF_DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
    }
    yield env
    celery_app.conf.update(**previous)
    forget_cached_backend()


def forget_cached_backend() -> None:
    """Celery caches its result backend and broker pools on first use; a test that changes their URLs drops them."""
    app: Any = celery_app  # private attributes, absent from celery-types
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
    app._pool = None  # kombu keeps one pool per broker URL; the next use picks the one for the new URL
    if "amqp" in app.__dict__:
        app.__dict__["amqp"]._producer_pool = None


@pytest.fixture
def start_worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Any]:
    """Start `celery worker` processes on demand; every one started is stopped at the end."""
    started: list[WorkerProcess] = []

    def start(*, concurrency: int = 2, extra_env: dict[str, str] | None = None) -> WorkerProcess:
        log_path = tmp_path / f"worker-{len(started)}.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "-Q",
                QUEUES,
                "--without-gossip",
                "--without-mingle",
                f"--hostname=test{len(started)}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env={**worker_env, **(extra_env or {})},
            stdout=log_path.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker = WorkerProcess(process, log_path)
        started.append(worker)
        deadline = time.monotonic() + 60
        while "ready." not in worker.log():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"celery worker did not start:\n{worker.log()[-3000:]}")
            time.sleep(0.2)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_until_terminal(model: type[Any], pk: int, *, timeout: float = 120) -> Any:
    """Poll a job row (a run, build or export with TERMINAL states) until a worker finishes it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = model.objects.get(pk=pk)
        if row.status in model.TERMINAL:
            return row
        time.sleep(0.25)
    pytest.fail(f"{model.__name__} {pk} did not finish in {timeout}s: {model.objects.get(pk=pk).__dict__}")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (make browser installs it)")
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page()
        yield page
        browser.close()
        # ORM calls made while Playwright's loop runs get their own connection (asgiref sees an event loop).
        connections.close_all()


def sign_in_as(page: Any, base_url: str, person: Person) -> None:
    page.goto(f"{base_url}/demo-login/")
    page.get_by_role("button", name=f"Sign in as {person.name}").click()
    page.wait_for_url(f"{base_url}/")
