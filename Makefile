# Familienatlas: `make demo` starts the atlas with demo data, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
VAR := var
DEMO_DB := $(VAR)/demo.sqlite
WEB := sync_server/web

.PHONY: demo demo-data test venv test-venv plugin web lint bench clean

$(VENV)/bin/activate:
	/usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --upgrade pip

venv: $(VENV)/bin/activate
	bash scripts/system-deps.sh demo
	$(PY) -m pip install -q -e .

test-venv: $(VENV)/bin/activate
	$(PY) -m pip install -q -e ".[test,bench]"

# The web map's libraries (Leaflet, markercluster, proj4) from the npm registry, as the lock file pins them.
$(WEB)/node_modules/.package-lock.json: $(WEB)/package-lock.json
	npm ci --prefix $(WEB) --no-audit --no-fund --loglevel=error

web: $(WEB)/node_modules/.package-lock.json

plugin: venv
	$(PY) scripts/build_plugin.py --out dist

# The demo's secret and database are readable by their owner only (umask 077; chmod for files an
# earlier version wrote world-readable).
$(VAR)/jwt-secret:
	mkdir -p -m 700 $(VAR)
	umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

demo-data: $(VAR)/jwt-secret
	chmod 700 $(VAR) && chmod 600 $(VAR)/jwt-secret
	umask 077 && FAMILIENATLAS_MODE=demo $(PY) -m sync_server.cli --database sqlite:///$(abspath $(DEMO_DB)) load-demo
	chmod 600 $(DEMO_DB) $$(ls $(DEMO_DB)-wal $(DEMO_DB)-shm 2>/dev/null)

demo: venv plugin web demo-data
	@echo
	@echo "Familienatlas runs on http://$(HOST):$(PORT)/ (web map)"
	@echo "  API:         http://$(HOST):$(PORT)/api/v1/  (OpenAPI: /api/v1/openapi.json)"
	@echo "  Public data: http://$(HOST):$(PORT)/api/v1/public/institutions"
	@echo "  OGC API:     http://$(HOST):$(PORT)/ogcapi  (QGIS: Add WFS / OGC API - Features Layer)"
	@echo "  QGIS plugin: $$(ls dist/*.zip)"
	@echo "Stop with Ctrl+C."
	umask 077 && FAMILIENATLAS_MODE=demo FAMILIENATLAS_JWT_SECRET=$$(cat $(VAR)/jwt-secret) \
	  $(PY) -m sync_server.cli --database sqlite:///$(abspath $(DEMO_DB)) serve --host $(HOST) --port $(PORT)

lint: test-venv
	$(VENV)/bin/ruff check .

test:
	bash scripts/system-deps.sh test
	$(MAKE) --no-print-directory test-venv web
	$(VENV)/bin/ruff check .
	$(PY) scripts/build_plugin.py --out dist
	FAMILIENATLAS_TEST_POSTGRES_URL=$$(bash scripts/test-postgres.sh) QT_QPA_PLATFORM=offscreen \
	  QGIS_AUTH_DB_DIR_PATH=$$(mktemp -d) \
	  $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

# wrk and SpatiaLite (bench set), pygeoapi (its own extra) for bench_ogcapi.py's comparison server.
bench: test-venv
	bash scripts/system-deps.sh bench
	$(PY) -m pip install -q -e ".[pygeoapi]"
	FAMILIENATLAS_TEST_POSTGRES_URL=$$(bash scripts/test-postgres.sh) $(PY) bench/run_all.py

clean:
	rm -rf $(VENV) $(VAR) dist .qgis-settings $(WEB)/node_modules
