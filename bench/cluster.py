"""The cluster under a mixed load (`make bench-cluster`, outside CI, beside a running
`make demo-cluster` started with the form timing and rate limits opened, see README):
95% anonymous reads across the articles, 4% likes by signed-in readers, 1% guest comments,
from N concurrent clients, against nginx in front of both nodes and against node 1 alone.
Prints, per target, the highest rate whose p95 stayed under 200 ms with no failed request,
and checks every posted comment is shown by both nodes within 1 s."""

import json
import os
import subprocess
import sys
from pathlib import Path

from bench._load import SETUP, load

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / ".cluster"
BALANCER, NODE_1, NODE_2 = "http://127.0.0.1:8080", "http://127.0.0.1:8001", "http://127.0.0.1:8002"
CLIENTS = [2, 4, 8, 16]
SECONDS = 15
READERS = 16


def demo_environment() -> dict:
    """The variables `make demo-cluster` gives its nodes (deploy/demo-cluster.sh)."""
    return {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/wirepress_cluster",
        "REDIS_URL": os.environ.get("DEMO_REDIS_URL", "redis://127.0.0.1:6379/6"),
        "SECRET_KEY": (RUN / "secret_key").read_text().strip(),
        "AWS_STORAGE_BUCKET_NAME": "wirepress-demo",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:8399",
    }


def setup() -> dict:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP.format(at_least=0, readers=READERS)],
        cwd=ROOT,
        env=demo_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    data = setup()
    print(
        f"{len(data['articles'])} article(s), {len(data['sessions'])} signed-in readers, "
        f"{SECONDS} s per step"
    )
    print("| target | clients | requests/s | p95 ms | failed | comments | shown late |")
    print("|---|---|---|---|---|---|---|")
    best = {}
    for name, target in (("nginx → 2 nodes", BALANCER), ("node 1 alone", NODE_1)):
        for clients in CLIENTS:
            row = load(target, data, clients, SECONDS, shown_by=(NODE_1, NODE_2))
            print(
                f"| {name} | {clients} | {row['rate']:.1f} | {row['p95']:.0f} | {row['failed']} "
                f"| {row['comments']} | {row['late']} |",
                flush=True,
            )
            if row["p95"] < 200 and not row["failed"]:
                best[name] = max(best.get(name, 0), row["rate"])
    for name, rate in best.items():
        print(f"{name}: highest rate with p95 < 200 ms and no failure: {rate:.1f} requests/s")


if __name__ == "__main__":
    main()
