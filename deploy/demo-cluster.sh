#!/usr/bin/env bash
# `make demo-cluster`: the cluster of README "Running several nodes" on one machine, all on
# 127.0.0.1: two app nodes (gunicorn on 8001 and 8002, each in a working directory of its
# own under .cluster/, sharing nothing on disk), a tasks worker and the minute check per
# node, nginx (Debian's) on 8080 balancing them with the one-second micro-cache, the
# machine's PostgreSQL (a database of its own, made fresh on each start: the local S3
# server keeps its files in memory), Redis, and moto's S3 server on 8399 (the tests use
# 8390 and up).
# Ctrl-C, or `make demo-cluster-stop` from another terminal, stops what it started.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN=$ROOT/.cluster
BIN=$ROOT/.venv/bin
PIDS=$RUN/pids
ADMIN_DATABASE_URL=${DEMO_ADMIN_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DATABASE=${DEMO_DATABASE:-wirepress_cluster}
REDIS=${DEMO_REDIS_URL:-redis://127.0.0.1:6379/6}
S3_PORT=8399
S3=http://127.0.0.1:$S3_PORT
BUCKET=wirepress-demo
LB_PORT=8080
NODES=(8001 8002)

stop() {
    [ -f "$PIDS" ] || return 0
    local pids
    pids=$(tac "$PIDS")  # newest first: nginx and the nodes before the services they use
    rm -f "$PIDS"
    for pid in $pids; do kill "$pid" 2>/dev/null || true; done
    # gunicorn finishes its requests and the worker its task: wait for them (30 s at most).
    for _ in $(seq 1 150); do
        alive=0
        for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.2
    done
    echo "Demo cluster stopped."
}

if [ "${1:-}" = "stop" ]; then
    stop
    exit 0
fi
if [ -f "$PIDS" ]; then
    echo "A demo cluster is running (or was not stopped): make demo-cluster-stop" >&2
    exit 1
fi

mkdir -p "$RUN"
: > "$PIDS"
trap 'stop; exit' INT TERM
trap stop EXIT

background() {  # run "$@" in the background, remembered for stop
    "$@" &
    echo $! >> "$PIDS"
}

export DATABASE_URL=${ADMIN_DATABASE_URL%/*}/$DATABASE
export REDIS_URL=$REDIS
export SITE_URL=http://127.0.0.1:$LB_PORT
export ALLOWED_HOSTS=127.0.0.1,localhost
export BEHIND_PROXY=true
export EMAIL_URL=${EMAIL_URL:-console://}
export AWS_STORAGE_BUCKET_NAME=$BUCKET AWS_S3_ENDPOINT_URL=$S3 AWS_S3_REGION_NAME=us-east-1
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo-secret
[ -f "$RUN/secret_key" ] || "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$RUN/secret_key"
SECRET_KEY=$(cat "$RUN/secret_key")
export SECRET_KEY

echo "Redis: $REDIS_URL"
"$BIN/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()" "$REDIS_URL" \
    || { echo "Redis is not answering at $REDIS_URL (set DEMO_REDIS_URL)" >&2; exit 1; }

echo "PostgreSQL: a fresh database $DATABASE"
"$BIN/python" - "$ADMIN_DATABASE_URL" "$DATABASE" <<'PY'
import sys

import psycopg

with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    connection.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
    connection.execute(f'CREATE DATABASE "{sys.argv[2]}"')
PY

echo "S3: moto's server on $S3, bucket $BUCKET (readable by anyone, as README says)"
background "$BIN/moto_server" -H 127.0.0.1 -p "$S3_PORT" > "$RUN/s3.log" 2>&1
"$BIN/python" - "$S3" "$BUCKET" <<'PY'
import json
import sys
import time

import boto3

endpoint, bucket = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
for _ in range(100):
    try:
        s3.create_bucket(Bucket=bucket)
        break
    except Exception:
        time.sleep(0.1)
public = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
          "Resource": f"arn:aws:s3:::{bucket}/*"}
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [public]}))
PY

echo "Database: migrate, cache table and the demo article (once, from node 1)"
cd "$ROOT"
"$BIN/python" manage.py migrate --noinput -v0
"$BIN/python" manage.py createcachetable
TASKS_BACKEND=immediate "$BIN/python" manage.py load_demo --if-empty

for n in 1 2; do
    port=${NODES[$((n - 1))]}
    dir=$RUN/node-$n
    mkdir -p "$dir"
    echo "Node $n: gunicorn on 127.0.0.1:$port, a tasks worker and the minute check ($dir)"
    (
        cd "$dir"
        export NODE_NAME=node-$n STATIC_ROOT=$dir/static MEDIA_ROOT=$dir/media
        "$BIN/python" "$ROOT/manage.py" collectstatic --noinput -v0
        background "$BIN/gunicorn" blog.wsgi --pythonpath "$ROOT" --bind 127.0.0.1:"$port" \
            --workers 2 --access-logfile "$dir/access.log" --error-logfile "$dir/error.log"
        background "$BIN/python" "$ROOT/manage.py" db_worker > "$dir/worker.log" 2>&1
        background "$BIN/python" "$ROOT/manage.py" send_notifications --every 60 > "$dir/check.log" 2>&1
    )
done

echo "nginx on 127.0.0.1:$LB_PORT"
mkdir -p "$RUN/nginx/cache" "$RUN/nginx/temp"
sed -e "s|@RUN@|$RUN/nginx|g" -e "s|@USER@|$(id -un)|g" -e "s|@PORT@|$LB_PORT|g" \
    "$ROOT/deploy/nginx/demo-cluster.conf" > "$RUN/nginx/nginx.conf"
background nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$RUN/nginx/error.log" \
    -g "daemon off;"

for port in "${NODES[@]}"; do
    for _ in $(seq 1 150); do
        "$BIN/python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
            "http://127.0.0.1:$port/healthz" 2>/dev/null && break
        sleep 0.2
    done
done
echo
echo "  The cluster is up: http://127.0.0.1:$LB_PORT/  (nodes: http://127.0.0.1:8001/healthz,"
echo "  http://127.0.0.1:8002/healthz; logs in .cluster/). Ctrl-C or make demo-cluster-stop."
echo
wait
