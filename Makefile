# Two entry points: `make app` and `make test`. Both set up .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8866

.PHONY: app test lint bench clean browser java

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Voila reads notebooks/voila.json (upload limit, timeouts, culling) from its working folder.
app: $(STAMP)
	@echo "Starting the segwidgets app on http://127.0.0.1:$(PORT)/ (Ctrl+C to stop)"
	cd notebooks && ../$(BIN)/voila app.ipynb --port=$(PORT) --no-browser

lint: $(STAMP)
	$(BIN)/ruff check segwidgets tests bench
	$(BIN)/ruff format --check segwidgets tests bench

# Browser tests use Debian's chromium (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The Spark test needs a Java runtime; Debian's openjdk when none is there.
java:
	@command -v java >/dev/null 2>&1 || { \
		echo "installing Debian's openjdk-17-jre-headless for the Spark test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

# pytest exits 5 when it collects no test: that must fail, not pass silently.
test: $(STAMP) lint browser java
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

bench: $(STAMP)
	$(BIN)/python bench/bench_speed.py
	$(BIN)/python bench/bench_scale.py
	$(BIN)/python bench/bench_bigdata.py
	$(BIN)/python bench/bench_app.py

clean:
	rm -rf $(VENV) build .pytest_cache
