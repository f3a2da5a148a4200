# One command for each job; each creates and fills .venv when it is missing or stale.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# pytest-xdist: 2 workers (CI has 2 cores); whole files per worker so module-scoped fixtures (the demo
# run, a printed PDF) are built once. `make test XDIST=` runs in one process.
XDIST ?= -n 2 --dist loadfile

.PHONY: demo test lab bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/zhiben demo --out demo-out

# The Debian clients the tests drive (chromium, LibreOffice Calc, poppler): installed with apt-get when
# root on Debian/Ubuntu, otherwise one line per missing tool. PostgreSQL and bwrap come from PyPI.
test: $(STAMP)
	$(PY) -m tests.debian_tools
	$(VENV)/bin/ruff check zhiben_training tests benchmarks
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# JupyterLab refuses to run as root without --allow-root (containers, this CI machine)
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=course $(LAB_ROOT)

bench: $(STAMP)
	$(PY) -m benchmarks

lint: $(STAMP)
	$(VENV)/bin/ruff check zhiben_training tests benchmarks

clean:
	rm -rf demo-out bench-out test-artifacts .pytest_cache
