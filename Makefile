# Two commands on a fresh machine:  make demo   |   make test
# Everything they need (Debian packages, uv, the locked Python environment) is installed from here.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
UV := $(shell command -v uv 2>/dev/null)
STAMP := $(VENV)/.installed

# Debian packages the pipeline needs at run time: OCR (Tesseract + Vietnamese), poppler (pdftotext/pdftoppm
# for the benchmark and the scan renderer), fonts with Vietnamese glyphs for the fixture builder, LibreOffice
# Writer (headless): Word 97 .doc -> .docx for the parser (antiword is its fallback) and .doc/.docx -> PDF so
# the real-corpus goldens (tests/fixtures/real) can be labelled and re-checked from the page as a reader sees
# it; Tesseract's Vietnamese script model; the Vietnamese spelling dictionary (hunspell-vi: the syllable
# inventory of the OCR word repair). PostgreSQL and Redis: the tests start private instances of them
# (initdb in a temp dir, redis-server on a free port) when none is running, so a fresh machine runs every
# test. Chromium (headless) renders a Data Docs page and the archive's pages for the screenshot tests.
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-script-viet poppler-utils fonts-dejavu-core antiword \
    libreoffice-writer-nogui hunspell-vi postgresql redis-server chromium

.PHONY: setup system-deps python-deps demo test lint bench eval simulate clean-demo

setup: system-deps python-deps

system-deps:
	@./scripts/install-system-deps.sh $(APT_PACKAGES)

python-deps: $(STAMP)

# Bytecode is compiled at install: with PYTHONDONTWRITEBYTECODE set (containers, CI) every `directives parse`
# would otherwise recompile pypdfium2's 150 kB ctypes bindings and click (~0.15 s of a 0.3 s start-up).
$(STAMP): pyproject.toml uv.lock
	@if [ -z "$(UV)" ]; then $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"; fi
	uv sync --frozen --python 3.11 --compile-bytecode
	$(VENV)/bin/python -m compileall -q parsers directives_cli scrapers pipeline quality warehouse simulator
	@touch $(STAMP)

demo: setup
	$(VENV)/bin/directives demo

test: setup
	$(VENV)/bin/pytest -q

lint: python-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: setup
	$(VENV)/bin/python benchmarks/pdf_speed.py

eval: setup
	$(VENV)/bin/directives eval

simulate: setup
	$(VENV)/bin/directives simulate

clean-demo:
	rm -rf var
