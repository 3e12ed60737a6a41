# tieup: `make run` starts the service, `make test` runs the suite, `make bench` measures.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.tieup-installed
# Optional: path to the public article-extraction benchmark (see bench/README).
EXTRACTION_BENCH ?=

.PHONY: venv test run bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

run: $(STAMP)
	$(PY) -m pipeline.localrun

bench: $(STAMP)
	$(PY) bench/run_all.py $(if $(EXTRACTION_BENCH),--extraction-data $(EXTRACTION_BENCH))

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
