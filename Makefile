# Two commands on a fresh machine:
#   make reproduce   create .venv if missing, install, run every analysis -> results/
#   make test        create/use the same .venv and run the test suite
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
OUT    ?= results
STAMP   = $(VENV)/.installed

.PHONY: install browser reproduce reproduce-quick test lint bench sbc lock clean

install: $(STAMP)

# Exact versions from the lock file first, then cbstats itself (no dependency resolution).
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e . || \
	  $(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

reproduce: install
	$(VENV)/bin/cbstats reproduce --out $(OUT)

reproduce-quick: install
	$(VENV)/bin/cbstats reproduce --quick --out $(OUT)-quick

# Headless Chromium and its driver (Debian packages) for the browser tests of report.html and
# explorer.html; installed only when missing. Without them the browser tests are skipped
# locally and fail under CI.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver) || \
	  echo "warning: could not install chromium chromium-driver; the browser tests will not run"; \
	fi

test: install browser
	CI=1 $(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check cbstats tests bench analyses

bench: install
	$(PY) bench/bench_models.py
	$(PY) bench/bench_geometry.py --nodes 15,40
	$(PY) bench/bench_blas.py
	$(PY) bench/bench_ess_target.py

# Simulation-based calibration of every family on the refit executor (long; not part of CI).
sbc: install
	$(PY) bench/bench_sbc.py --out bench/sbc

# Regenerate the lock file from the current environment (after changing pyproject.toml).
lock:
	$(PY) -m pip freeze --exclude-editable | grep -v '^cbstats' > requirements.lock

clean:
	rm -rf $(OUT) $(OUT)-quick .pytest_cache
