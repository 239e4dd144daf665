# Two commands set everything up on a fresh Debian machine with Python 3.11, no root:
#   make demo   — install, migrate, seed the demo city, run web + worker + audit sequencer on http://127.0.0.1:8000
#   make test   — install dev tools, lint, type-check, run the whole suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export TONGBAN_DATA_DIR ?= $(CURDIR)/var

# (cluster, cluster-stop: deploy/cluster.py)
.PHONY: cluster cluster-stop demo run install install-dev test test-python lint typecheck bench bench-worklist bench-hall bench-forms bench-certificates bench-bundles bench-guide bench-servicemap bench-scoreboard bench-floorplans bench-audit messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[ocr]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev,ocr]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The demo city's past (tongban demo history): a quarter at a third of a working day's volume
# replays in about two minutes; `make demo DEMO_DAYS=365 DEMO_SCALE=1` replays a year.
DEMO_DAYS ?= 90
DEMO_SCALE ?= 0.3

# The demo's devices: an ID number typed on a locker or kiosk screen stands for a card on its
# reader, and the demo courier's hour lasts ten seconds (a parcel arrives in about 3 minutes).
demo: export TONGBAN_ID_READER_SIMULATOR = 1
demo: export TONGBAN_DEMO_COURIER_HOURS = 10
demo: install
	$(BIN)/tongban migrate --no-input -v0
	$(BIN)/tongban audit protect
	$(BIN)/tongban demo seed
	$(BIN)/tongban demo history --days $(DEMO_DAYS) --scale $(DEMO_SCALE)
	@$(MAKE) --no-print-directory run

# Web (gunicorn), the background worker (django-tasks database backend), the audit log's
# sequencer (seals what was written, every second) and the 5-minute sweep (deadline warnings,
# lost notification jobs) together; Ctrl-C stops all four. The worker and the sequencer wait
# out database faults themselves and are restarted if they ever exit anyway.
run: install
	@echo "通办 Tongban: http://$(HOST):$(PORT)/  (API docs: /api/docs, admin: /admin/)"
	@trap 'kill 0' INT TERM EXIT; \
	( while true; do $(BIN)/tongban worker --interval 1; \
	  echo "后台任务进程退出（$$?），2 秒后重启 / worker exited, restarting" >&2; sleep 2; done ) & \
	( while true; do $(BIN)/tongban audit sequence; \
	  echo "审计封存进程退出（$$?），2 秒后重启 / audit sequencer exited, restarting" >&2; sleep 2; done ) & \
	( while true; do $(BIN)/tongban sweep >/dev/null; sleep 300; done ) & \
	$(BIN)/gunicorn tongban.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 \
		--access-logfile - & \
	wait

# The platform as a city runs it, on this machine: PostgreSQL, Redis, nginx in front of two
# gunicorn app servers, two workers, the audit sequencer and the sweep (deploy/cluster.py;
# needs Debian's postgresql, redis-server and nginx). Data and logs in var/cluster/.
cluster: install-dev
	$(BIN)/python deploy/cluster.py start

cluster-stop:
	@test -x $(BIN)/python && $(BIN)/python deploy/cluster.py stop || python3 deploy/cluster.py stop

lint: install-dev
	$(BIN)/ruff check src tests bench deploy
	$(BIN)/ruff format --check src tests bench deploy
	$(BIN)/lint-imports --no-cache
	$(BIN)/djlint src/tongban/templates --lint
	$(BIN)/djlint src/tongban/templates --check

typecheck: install-dev
	$(BIN)/mypy src

test-python: install-dev
	$(BIN)/tongban makemigrations --check --dry-run -v0
	$(BIN)/pytest -m "slow or not slow"

test: lint typecheck test-python

# Benchmarks load the platform from one address, which its per-client rate limits would stop.
bench bench-floorplans bench-forms bench-bundles bench-certificates bench-hall bench-worklist bench-guide bench-servicemap bench-scoreboard: export TONGBAN_RATE_ANONYMOUS = off
bench bench-floorplans bench-forms bench-bundles bench-certificates bench-hall bench-worklist bench-guide bench-servicemap bench-scoreboard: export TONGBAN_RATE_DEVICE = off
bench bench-floorplans bench-forms bench-bundles bench-certificates bench-hall bench-worklist bench-guide bench-servicemap bench-scoreboard: export TONGBAN_RATE_PERSON = off

# Every benchmark, each on SQLite and on a throwaway PostgreSQL (bench/pg.py; about 45 min).
bench: install-dev
	$(BIN)/python bench/run.py
	$(BIN)/python bench/exchange.py
	$(BIN)/python bench/hall.py
	$(BIN)/python bench/forms.py
	$(BIN)/python bench/certificates.py
	$(BIN)/python bench/bundles.py
	$(BIN)/python bench/worklist.py
	$(BIN)/python bench/guide.py
	$(BIN)/python bench/servicemap.py
	$(BIN)/python bench/scoreboard.py
	$(BIN)/python bench/floorplans.py
	$(BIN)/python bench/audit.py

# Only the service hall: kiosks, call-to-board latency and the hall-day simulator (~18 min).
bench-forms: install-dev
	$(BIN)/python bench/forms.py

# Audited writes with PostgreSQL 2 ms away (a delaying proxy), and the sealing lag (~1 min).
bench-audit: install-dev
	$(BIN)/python bench/audit.py

# The floor-plan checker at 50 rooms and 300 equipment, its API, the editor's repaint (~1 min).
bench-floorplans: install-dev
	$(BIN)/python bench/floorplans.py

bench-servicemap: install-dev
	$(BIN)/python bench/servicemap.py

# A year of the demo city replayed, then the scoreboard's pages at demo and city scale.
bench-scoreboard: install-dev
	$(BIN)/python bench/scoreboard.py

bench-guide: install-dev
	$(BIN)/python bench/guide.py

bench-bundles: install-dev
	$(BIN)/python bench/bundles.py

bench-certificates: install-dev
	$(BIN)/python bench/certificates.py

bench-hall: install-dev
	$(BIN)/python bench/hall.py

# Only the work list on 1,000,000 seeded cases (BENCH_CASES to change; several minutes).
bench-worklist: install-dev
	$(BIN)/python bench/worklist.py

# Refresh the English catalogue after changing user-facing text (needs GNU gettext); the
# compiled .mo is committed so that installing never needs gettext.
messages: install-dev
	cd src/tongban && ../../$(BIN)/django-admin makemessages -l en --ignore "static/*" \
		&& ../../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
