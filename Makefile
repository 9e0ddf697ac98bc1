# Wirepress: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
PYTEST_ARGS ?= -n auto

.PHONY: run run-oidc-demo test test-postgres bench soak lint format superuser chromium clean demo-cluster demo-cluster-stop nginx bench-cluster bench-pages wrk bench-lighthouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## run: install, migrate, load the demo article on an empty database, serve on $(HOST):$(PORT)
# Every step sees the same SITE_URL: `migrate` writes its host into the Site row (feeds,
# sitemap), gunicorn and the worker build links from it.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py load_demo --if-empty
	$(BIN)/python manage.py spam_filter --seed --if-new
	@echo
	@echo "  Wirepress is running on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo "  Notification email is printed here unless EMAIL_URL says otherwise (README)."
	@echo
	@# Beside the web server: the tasks worker (sends email) and the minute check that
	@# announces newly published articles, started again whenever one stops (a database
	@# outage, a crash: blog/supervise.py); they stop with it.
	@$(BIN)/python manage.py run_workers & workers=$$!; \
	trap 'kill $$workers 2>/dev/null; wait' EXIT INT TERM; \
	$(BIN)/gunicorn blog.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - --log-level warning

## run-oidc-demo: `make run` plus a local demo OpenID Connect provider (oidc-provider-mock on
## 127.0.0.1:$(OIDC_DEMO_PORT)), offered above the comment form as "Demo OIDC"; it stops with the site
OIDC_DEMO_PORT ?= 9400
OIDC_DEMO_USER = {"sub": "dana", "name": "Dana Demo", "email": "dana@example.org", "email_verified": true, "picture": "http://$(HOST):$(PORT)/comments/avatar/0123456789abcdef0123456789abcdef.svg"}
run-oidc-demo: $(VENV)/.dev
	$(BIN)/python -m oidc_provider_mock --host 127.0.0.1 --port $(OIDC_DEMO_PORT) --user-claims '$(OIDC_DEMO_USER)' & \
	trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	OIDC_SERVER_URL=http://127.0.0.1:$(OIDC_DEMO_PORT) OIDC_CLIENT_ID=wirepress-demo \
	OIDC_CLIENT_SECRET=demo-secret OIDC_NAME="Demo OIDC" $(MAKE) run

## superuser: create an editor account for /admin/
superuser: $(VENV)/.runtime
	$(BIN)/python manage.py createsuperuser

## chromium: Debian's Chromium for the browser tests (Playwright cannot download one here)
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's chromium at /usr/bin/chromium:"; \
	    echo "    sudo apt-get install chromium"; \
	    exit 1; \
	  fi; \
	fi

## test: the whole suite (SQLite unless DATABASE_URL says otherwise), browser tests included
test: $(VENV)/.dev chromium nginx
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-postgres: the whole suite against the local PostgreSQL server
test-postgres: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
test-postgres: $(VENV)/.dev chromium nginx
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## bench: benchmarks, printed as tables
bench: $(VENV)/.dev
	$(BIN)/python -m bench

## soak: gunicorn under 32 posting readers, likes and kill -9 of workers, then a database and
## a mail server outage with the supervised mail worker; prints a table (SQLite, or PostgreSQL
## with DATABASE_URL=postgres://...); outside CI, 10 to 20 minutes
soak: $(VENV)/.dev
	$(BIN)/python -m bench.soak

## bench-lighthouse: Lighthouse mobile performance and the DOM size of the article with 300
## comments, served by gunicorn on a fresh SQLite database (needs Chromium and npx)
bench-lighthouse: $(VENV)/.dev chromium
	$(BIN)/python -m bench.lighthouse

## demo-cluster: README "Running several nodes" on this machine: two nodes (8001, 8002) with a
## worker each, nginx on 8080, the machine's PostgreSQL and Redis, a local S3; Ctrl-C stops it
demo-cluster: $(VENV)/.dev nginx
	deploy/demo-cluster.sh

## bench-cluster: mixed load on a running demo cluster (start it with the form timing and
## rate limits opened: README "Running several nodes"), through nginx and on node 1 alone
bench-cluster: $(VENV)/.dev
	$(BIN)/python -m bench.cluster

## bench-pages: one run of a few minutes, outside CI: nginx, the Django ceiling and the article
## page under wrk, then the mixed load on this code and on the code before issue #16
## (README "Benchmarks"); ports 8650-8653 (BENCH_PORT), nothing else may run on them
bench-pages: $(VENV)/.dev nginx wrk
	$(BIN)/python -m bench.pages

## demo-cluster-stop: stop what `make demo-cluster` started (from another terminal)
demo-cluster-stop:
	deploy/demo-cluster.sh stop

# $(call debian_package,command,what needs it): Debian's package of that name, installed when
# missing (as root; otherwise the line to run)
define debian_package
	@if ! command -v $(1) >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's $(1) for $(2)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	  else \
	    echo "Debian's $(1) is needed for $(2):"; \
	    echo "    sudo apt-get install $(1)"; \
	    exit 1; \
	  fi; \
	fi
endef

## nginx: Debian's nginx for `make demo-cluster`, `make bench-pages` and the proxy-cache tests
nginx:
	$(call debian_package,nginx,the demo cluster and the proxy-cache tests)

## wrk: Debian's wrk (HTTP load generator) for `make bench-pages`
wrk:
	$(call debian_package,wrk,the page benchmark)

## backup: one archive of the database and media files in BACKUP_DIR (./backups), taken
## while the site runs; KEEP=48 then deletes older archives beyond the newest 48 (README "Backups")
.PHONY: backup restore
backup: $(VENV)/.runtime
	$(BIN)/python manage.py backup $(if $(KEEP),--keep $(KEEP))

## restore: FILE=backups/wirepress-….tar.gz into an empty database and MEDIA_ROOT (FORCE=1 overwrites)
restore: $(VENV)/.runtime
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/wirepress-YYYYMMDD-HHMMSS-ffffff.tar.gz [FORCE=1]" >&2; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)" $(if $(FORCE),--force)

## lint: ruff, as CI runs it
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles
