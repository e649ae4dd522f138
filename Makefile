# Changan — one command to try it, one to test it. See DEVELOPERS.md.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Front-end files are generated into the `changan` package (gitignored) so that
# the app, collectstatic and a built wheel all find them in one place.
VENDOR := changan/static/vendor

.PHONY: demo serve worker test test-year-ahead lint format vendor bench install install-test clean wheel wheel-check

# The demo's SMS (codes included) go to var/outbox.jsonl: the default backend
# logs only masked numbers and no message bodies.
demo serve: export NOTIFY_SMS_BACKEND ?= notify.backends.FileBackend

demo: install vendor  ## install, migrate, load the demo city and serve it
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --no-input -v0
	@echo "Serving the demo city at http://$(HOST):$(PORT)/  (Ctrl-C to stop; the worker runs beside it)"
	$(PY) manage.py run_worker --interval 60 & WORKER=$$!; trap "kill $$WORKER" EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT) --insecure --noreload

serve: ## serve without reloading the demo
	$(PY) manage.py runserver $(HOST):$(PORT) --insecure --noreload

worker: ## the background jobs (timers, deliveries, sweeps, early warning), each in its own thread
	$(PY) manage.py run_worker

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Only the files pages load, so collectstatic stays small.
$(VENDOR)/.stamp: node_modules/.package-lock.json
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/htmx $(VENDOR)/leaflet $(VENDOR)/echarts $(VENDOR)/markercluster
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/leaflet.markercluster.js.map node_modules/leaflet.markercluster/dist/MarkerCluster.css node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/markercluster/
	cp node_modules/leaflet.markercluster/MIT-LICENCE.txt $(VENDOR)/markercluster/ 2>/dev/null || true
	for p in htmx.org leaflet echarts; do cp node_modules/$$p/LICENSE $(VENDOR)/$${p%%.*}/ 2>/dev/null || true; done
	touch $@

vendor: $(VENDOR)/.stamp

test: install-test vendor ## run the whole suite (SQLite unless DATABASE_URL is set)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-year-ahead: install-test vendor ## the suite with changan.clock a year ahead (a test that depends on today's date fails now, not next year)
	CHANGAN_CLOCK_SHIFT_DAYS=365 $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-test ## run the benchmarks and update docs/benchmarks.md (intake and dashboard need PostgreSQL)
	$(PY) bench/locate.py --write-docs
	$(PY) bench/intake.py --write-docs
	$(PY) bench/report_page.py --write-docs
	$(PY) bench/dashboard.py --write-docs
	$(PY) bench/intel.py --write-docs
	$(PY) bench/scan.py --write-docs
	$(PY) bench/early_warning.py --write-docs

wheel: vendor ## build dist/changan-*.whl from the tracked files and the vendor files
	bash .ci/build_wheel.sh dist

wheel-check: vendor ## build the wheel, install it in a clean virtualenv, migrate and serve it on PostgreSQL
	bash .ci/wheel_check.sh

clean:
	rm -rf $(VENV) node_modules build dist $(VENDOR) var/static
