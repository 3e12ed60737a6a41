# tieup: `make run` starts the service (`make run-celery` on Celery workers), `make test` runs the suite
# (`make test-fast` without the Airflow tests, `make test-distributed` the Celery cluster test), `make airflow ARGS=...` runs the airflow CLI against `make run`, `make bench` measures.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.tieup-installed
# Optional: path to the public article-extraction benchmark (see README.md, Benchmarks).
EXTRACTION_BENCH ?=

.PHONY: venv test test-fast test-distributed run run-celery airflow bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -q -m 'not airflow' $(PYTEST_ARGS)

# The real scheduler and two Celery workers over loopback sites, one worker killed mid-run.
test-distributed: $(STAMP)
	$(PY) -m pytest -q -m distributed tests/distributed $(PYTEST_ARGS)

run: $(STAMP)
	$(PY) -m pipeline.localrun

# `make run` on Airflow's CeleryExecutor: Redis (embedded unless REDIS_URL) and TIEUP_WORKERS workers.
run-celery: $(STAMP)
	$(PY) -m pipeline.localrun_celery

airflow: $(STAMP)
	$(PY) -m pipeline.localrun airflow $(ARGS)

bench: $(STAMP)
	$(PY) bench/run_all.py $(if $(EXTRACTION_BENCH),--extraction-data $(EXTRACTION_BENCH))

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
