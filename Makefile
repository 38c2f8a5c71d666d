# Two commands on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test serve lint bench browser clean

# Set-up: a virtual environment with the project and its test tools, redone when
# pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Build into a temporary folder and swap it in only when the build succeeded, so a failed
# build never destroys the site that was already published.
site: $(STAMP)
	rm -rf .site-build
	$(BIN)/mkdocs build --strict --quiet --site-dir .site-build || { rm -rf .site-build; exit 1; }
	rm -rf .site-previous
	if [ -d site ]; then mv site .site-previous; fi
	mv .site-build site
	rm -rf .site-previous
	@echo "site/ is ready: open site/index.html, or run 'make serve'"

serve: $(STAMP)
	$(BIN)/mkdocs serve

# The browser tests drive Debian's chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium (Debian package) for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(TEST_STAMP) browser
	$(BIN)/python -m pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_site.py

clean:
	rm -rf $(VENV) site .site-build .site-previous
