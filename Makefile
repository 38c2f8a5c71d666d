# Two commands on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test quick serve lint bench browser clean

# Set-up: a virtual environment with the project and its test tools, redone when
# pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Build into a folder of its own under .site-builds/ and publish it by renaming a link over
# site/ (generator/sitedir.py): a failed, killed or concurrent build never leaves a broken or
# missing site. MkDocs runs with --strict and without --quiet, which would cancel it (mkdocs#4126);
# sitedir shows its warnings and errors, not its INFO lines.
site: $(STAMP)
	$(BIN)/python -m generator.sitedir site
	@echo "site/ is ready: open site/index.html, or run 'make serve'"

serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty --no-strict --dev-addr $(SERVE_ADDR)

# The browser tests drive Debian's chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium (Debian package) for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(TEST_STAMP) browser
	$(BIN)/python -m pytest

# Everything but the slow tests (marked `slow`), for a quick check while working.
quick: $(TEST_STAMP) browser
	$(BIN)/python -m pytest -m "not slow"

lint: $(TEST_STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_site.py

clean:
	rm -rf $(VENV) site .site-builds .site-build .site-previous
