# One command for each job; each creates and fills .venv when it is missing or stale.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: demo test lab bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp assessments/lab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json  # widget state saved in papers
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/zhiben demo --out demo-out

test: $(STAMP)
	$(VENV)/bin/ruff check zhiben_training tests benchmarks
	$(PY) -m pytest $(PYTEST_ARGS)

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
