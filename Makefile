VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: venv test lint fmt bench bench-signals bench-websites demo

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'

venv: $(PY)

test: $(PY)
	$(PY) -m pytest

lint: $(PY)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

fmt: $(PY)
	$(VENV)/bin/ruff check --fix src tests benchmarks
	$(VENV)/bin/ruff format src tests benchmarks

demo: $(PY)
	$(VENV)/bin/tierwise demo

# Side-by-side benchmark (benchmarks/README.md). Quick run: make bench SIZES=100000
SIZES ?= 100k,1M,10M
REPEAT ?= 3

bench: $(PY)
	@$(PY) -c "import polars, pandas, psutil" 2>/dev/null || \
		$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/run.py --sizes '$(SIZES)' --repeat $(REPEAT)

# Tiering with an activity log (benchmarks/README.md): 10M accounts, 100M
# events by default. Quick run: make bench-signals ACCOUNTS=1M EVENTS=10M
ACCOUNTS ?= 10M
EVENTS ?= 100M

bench-signals: $(PY)
	$(PY) benchmarks/signals_bench.py --accounts $(ACCOUNTS) --events $(EVENTS)

# Websites of a Parquet file read in place, the cell reader against SQL
# (benchmarks/README.md). Quick run: make bench-websites WEBSITES=100k
WEBSITES ?= 1M

bench-websites: $(PY)
	$(PY) benchmarks/websites_bench.py --sizes '$(WEBSITES)' --repeat $(REPEAT)
