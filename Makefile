# Two entry points: `make run` (console chat over the bundled sample, or the Discord bot when
# DISCORD_TOKEN is set) and `make test` (the whole test suite). Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= indexes/sample
SAMPLE ?= data/articles
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test index lint clean

run: $(VENV)/.installed index
	NEWSDESK_INDEX_DIR=$${NEWSDESK_INDEX_DIR:-$(INDEX)} NEWSDESK_SOURCES=$${NEWSDESK_SOURCES:-$(SAMPLE)} $(BIN)/python -m bot

index: $(VENV)/.installed
	$(BIN)/python -m index build $(SAMPLE) --index "$${NEWSDESK_INDEX_DIR:-$(INDEX)}" --prune -q

test: $(VENV)/.installed
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check index bot tests benchmarks

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch is pinned to 2.13.0 (CPU) in pyproject.toml; see README.
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) $(INDEX)
