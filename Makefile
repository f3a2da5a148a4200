# One command for each job; each creates and fills .venv when it is missing or stale.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# pytest-xdist: 2 workers (CI has 2 cores); whole files per worker so module-scoped fixtures (the demo
# run, a printed PDF) are built once. `make test XDIST=` runs in one process.
XDIST ?= -n 2 --dist loadfile

.PHONY: demo test test-fast lab bench lint clean labext

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# The project's JupyterLab set-up in the venv (course lab, hub trainee servers): widget state saved in
# papers (overrides.json), Validate tells the trainee's check (server extension) in Chinese (lab extension)
LABSTAMP := $(VENV)/.lab-stamp
SHARE    := $(VENV)/share/jupyter
$(LABSTAMP): $(STAMP) assessments/lab/overrides.json assessments/lab/jupyter_server_config.json $(wildcard assessments/lab/zhiben-paper/prebuilt/*.json assessments/lab/zhiben-paper/prebuilt/static/*)
	mkdir -p $(SHARE)/lab/settings $(SHARE)/labextensions $(VENV)/etc/jupyter/jupyter_server_config.d
	cp assessments/lab/overrides.json $(SHARE)/lab/settings/overrides.json
	cp assessments/lab/jupyter_server_config.json $(VENV)/etc/jupyter/jupyter_server_config.d/zhiben.json
	rm -rf $(SHARE)/labextensions/zhiben-paper
	cp -r assessments/lab/zhiben-paper/prebuilt $(SHARE)/labextensions/zhiben-paper
	touch $(LABSTAMP)

demo: $(STAMP) $(LABSTAMP)
	$(VENV)/bin/zhiben demo --out demo-out

# The Debian clients the tests drive (chromium, LibreOffice Calc, poppler): installed with apt-get when
# root on Debian/Ubuntu, otherwise one line per missing tool. PostgreSQL and bwrap come from PyPI.
test: $(STAMP) $(LABSTAMP)
	$(PY) -m tests.debian_tools
	$(VENV)/bin/ruff check zhiben_training tests benchmarks
	$(PY) -m mypy
	$(PY) -m pytest $(XDIST) -m "not alone" $(PYTEST_ARGS)
	$(PY) -m pytest -m alone $(PYTEST_ARGS)

# The development loop: the tests that need no root, browser, LibreOffice, PostgreSQL or hub and no slow
# end-to-end run (the markers in pyproject.toml; tests/test_dev_loop.py keeps this list complete).
# CI runs `make test`.
FAST_MARKERS := not slow and not browser and not postgres and not libreoffice and not hub and not alone
test-fast: $(STAMP) $(LABSTAMP)
	$(VENV)/bin/ruff check zhiben_training tests benchmarks
	$(PY) -m mypy
	$(PY) -m pytest $(XDIST) -m "$(FAST_MARKERS)" $(PYTEST_ARGS)

# JupyterLab refuses to run as root without --allow-root (containers, this CI machine)
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP) $(LABSTAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=course $(LAB_ROOT)

bench: $(STAMP) $(LABSTAMP)
	$(PY) -m benchmarks

lint: $(STAMP)
	$(VENV)/bin/ruff check zhiben_training tests benchmarks
	$(PY) -m mypy

clean:
	rm -rf demo-out bench-out test-artifacts .pytest_cache .mypy_cache

# Rebuild the lab extension after editing assessments/lab/zhiben-paper/lib (needs Node.js and npm)
labext: $(STAMP)
	cd assessments/lab/zhiben-paper && npm install --no-audit --no-fund && \
	  node node_modules/@jupyterlab/builder/lib/build-labextension.js \
	    --core-path $(abspath $(VENV))/lib/python3*/site-packages/jupyterlab/staging .
