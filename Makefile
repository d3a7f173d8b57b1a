# Two commands do everything on a fresh Debian/Ubuntu machine:
#   make build   install what is missing, then regenerate every language into output/
#   make test    install what is missing, then lint, type-check and run the test suite
# Both are idempotent: when nothing is missing they go straight to work.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# System packages: WeasyPrint's libraries, GNU gettext (msgfmt/msgcat/msgmerge),
# poppler (pdftotext/pdffonts/pdftoppm for tests and previews), a Java runtime (the
# Nu HTML Checker) and Chromium (axe-core and the live-preview tests), libfaketime (the
# tests that run a build on another day), and the fonts the configured languages need
# (computed from pyproject.toml).
APT_BASE := python3-venv gettext poppler-utils fontconfig libpango-1.0-0 libpangoft2-1.0-0 \
            libharfbuzz0b libharfbuzz-subset0 default-jre-headless chromium faketime
APT_FONTS := $(shell $(PYTHON) -m pipeline.fonts pyproject.toml 2>/dev/null || echo fonts-noto-core fonts-noto-cjk fonts-dejavu-core)
APT_PACKAGES := $(APT_BASE) $(APT_FONTS)

.PHONY: build test setup system venv catalogs lint typecheck clean bench

build: setup
	$(BIN)/pipeline build

test: setup lint typecheck
	$(BIN)/pytest -q

setup: system venv

# Install only the apt packages that are missing; a stamp keyed on the list
# makes the check instant on the next run.
system: $(STAMPS)/apt-$(shell echo $(APT_PACKAGES) | md5sum | cut -c1-12)

$(STAMPS)/apt-%:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p $(STAMPS) && rm -f $(STAMPS)/apt-* && touch $@

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]' --config-settings editable_mode=compat
	@touch $@

# Refresh the catalogs after editing sources or templates (translators' files).
catalogs: setup
	$(BIN)/pipeline extract
	$(BIN)/pipeline update

lint: venv
	$(BIN)/ruff check pipeline tests $(wildcard bench)
	$(BIN)/ruff format --check pipeline tests $(wildcard bench)

typecheck: venv
	$(BIN)/mypy

bench: setup
	@command -v po4a-updatepo >/dev/null || { $(SUDO) apt-get install -y -qq --no-install-recommends po4a; }
	$(BIN)/python -m pip install -q "mdpo>=2.1" "translate-toolkit>=3.13"
	$(BIN)/python bench/update.py
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/build.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python bench/checks.py
	$(BIN)/python bench/text_layer.py

clean:
	rm -rf output $(STAMPS)
