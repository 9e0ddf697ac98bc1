"""Keep the background workers running (`manage.py run_workers`, which `make run` starts).

Each worker is a process of its own. One that exits, for whatever reason (the database went
away under django-tasks-db's `db_worker`, which then exits; a crash; `kill -9`), is started
again after 1 s, then 2, 4… up to 30 s while it keeps exiting; once it has run for a minute
the wait starts over at 1 s. SIGINT or SIGTERM stops them all: each gets SIGTERM (a worker
finishes its current task), and SIGKILL if it is still there after STOP_TIMEOUT seconds.

In production systemd does the same job (README, "Operations"): one unit per worker with
`Restart=always`.
"""

import logging
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from blog.reconnect import waits

logger = logging.getLogger(__name__)

# A worker that ran this long is considered healthy: its next restart waits 1 s again.
SETTLED_AFTER = 60.0
STOP_TIMEOUT = 20.0


@dataclass
class Worker:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    start_at: float = 0.0  # when to start it (again)
    delays: Iterator[float] = field(default_factory=waits)
    restarts: int = 0

    def start(self) -> None:
        # The commands are the ones run_workers builds from sys.executable, never input.
        self.process = subprocess.Popen(self.argv)  # noqa: S603
        self.started_at = time.monotonic()
        logger.info("Started %s (pid %s)", self.name, self.process.pid)

    def exited(self) -> int | None:
        """The exit code if it has exited since it was started (None while it runs)."""
        if self.process is None:
            return None
        return self.process.poll()

    def schedule_restart(self, code: int) -> None:
        now = time.monotonic()
        if now - self.started_at >= SETTLED_AFTER:
            self.delays = waits()
        delay = next(self.delays)
        self.process = None
        self.start_at = now + delay
        self.restarts += 1
        how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        logger.warning("%s stopped (%s); starting it again in %g s", self.name, how, delay)


def supervise(commands: dict[str, list[str]], *, stop: threading.Event | None = None) -> None:
    """Run `commands` (name -> argv), restarting any that exits, until SIGINT/SIGTERM (or
    `stop` is set); then stop them all."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda signum, frame: stop.set())
    workers = [Worker(name, argv) for name, argv in commands.items()]
    try:
        while not stop.is_set():
            now = time.monotonic()
            for worker in workers:
                code = worker.exited()
                if code is not None:
                    worker.schedule_restart(code)
                elif worker.process is None and now >= worker.start_at:
                    worker.start()
            stop.wait(0.2)
    finally:
        _stop_all(workers)


def _stop_all(workers: list[Worker]) -> None:
    running = [w for w in workers if w.process is not None and w.process.poll() is None]
    for worker in running:
        worker.process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    for worker in running:
        try:
            worker.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            logger.warning("%s did not stop within %g s; killing it", worker.name, STOP_TIMEOUT)
            worker.process.kill()
            worker.process.wait()
