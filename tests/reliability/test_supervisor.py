"""`make run`'s workers are supervised (blog/supervise.py): a worker killed with `kill -9` or
exiting at start (as `db_worker` does while the database is unreachable) is started again,
and SIGTERM to the supervisor stops every worker with it. Real processes, no Django needed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A worker: writes its pid to a file, then runs until stopped; with a "down" flag file
# present it exits at once with code 1, as a worker whose database is unreachable.
WORKER = """
import os, sys, time
folder = sys.argv[1]
with open(os.path.join(folder, sys.argv[2] + ".pids"), "a") as pids:
    pids.write(f"{os.getpid()}\\n")
if os.path.exists(os.path.join(folder, "down")):
    sys.exit(1)
with open(os.path.join(folder, sys.argv[2] + ".up"), "a") as up:
    up.write(f"{os.getpid()}\\n")
time.sleep(600)
"""

SUPERVISOR = """
import sys
from blog.supervise import supervise
folder = sys.argv[1]
worker = [sys.executable, "-c", {worker!r}, folder]
supervise({{"mailer": [*worker, "mailer"], "ticker": [*worker, "ticker"]}})
"""


def start_supervisor(folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR.format(worker=WORKER), str(folder)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )


def pids(folder: Path, name: str, suffix: str = "pids") -> list[int]:
    """The pids of every start of worker `name` ("up": of those that got past the check)."""
    path = folder / f"{name}.{suffix}"
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def wait_for(condition, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.05)


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that died but was not reaped yet is a zombie: not running.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def stop(supervisor: subprocess.Popen) -> str:
    supervisor.send_signal(signal.SIGTERM)
    _, log = supervisor.communicate(timeout=60)
    return log


def test_a_worker_killed_with_sigkill_is_started_again(tmp_path):
    supervisor = start_supervisor(tmp_path)
    try:
        wait_for(lambda: pids(tmp_path, "mailer") and pids(tmp_path, "ticker"), "both workers")
        (first,) = pids(tmp_path, "mailer")
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: len(pids(tmp_path, "mailer")) == 2, "the mailer to start again")
    finally:
        log = stop(supervisor)

    assert "mailer stopped (killed by signal 9); starting it again in 1 s" in log
    assert len(pids(tmp_path, "ticker")) == 1  # left alone


def test_sigterm_stops_every_worker_and_the_supervisor(tmp_path):
    supervisor = start_supervisor(tmp_path)
    wait_for(lambda: pids(tmp_path, "mailer") and pids(tmp_path, "ticker"), "both workers")
    workers = pids(tmp_path, "mailer") + pids(tmp_path, "ticker")
    assert all(running(pid) for pid in workers)

    stop(supervisor)

    assert supervisor.returncode == 0
    assert not any(running(pid) for pid in workers)


def test_a_worker_that_exits_at_start_is_started_again_with_longer_waits_until_it_runs(
    tmp_path,
):
    (tmp_path / "down").touch()
    supervisor = start_supervisor(tmp_path)
    try:
        wait_for(lambda: len(pids(tmp_path, "mailer")) >= 3, "three starts of the mailer")
        assert pids(tmp_path, "mailer", "up") == []
        (tmp_path / "down").unlink()  # the database is back
        wait_for(lambda: pids(tmp_path, "mailer", "up"), "the start that works")
        (latest,) = pids(tmp_path, "mailer", "up")
        assert running(latest)
    finally:
        log = stop(supervisor)

    assert "mailer stopped (exit code 1); starting it again in 1 s" in log
    assert "mailer stopped (exit code 1); starting it again in 2 s" in log
    assert not running(latest)
