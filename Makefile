# unspun: `make demo` and `make test` are all a new user needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= ../shared/data/dev
SIZE ?= 10000

.PHONY: demo test eval eval-real bench clean install

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11+ is needed (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@rm -f demo/demo.db*
	$(BIN)/unspun ingest demo/corpus --db demo/demo.db --link
	$(BIN)/unspun links --db demo/demo.db
	$(BIN)/unspun trace demo/corpus/fr-spun.txt --db demo/demo.db

# The browser tests drive Debian's Chromium (Playwright cannot download its own browser here);
# the Spark tests need Java (pyspark 3.5 runs on Java 17). Test files run in parallel, one worker
# per core (TEST_WORKERS=1 runs them one after another); a file's tests stay in one worker.
TEST_WORKERS ?= auto
test: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }
	@command -v java >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null; }
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

eval: $(STAMP)
	$(BIN)/unspun eval $(wildcard $(DATA)/*) --cache .eval-cache.db

# The real-world clusters of ../shared/data/real: their texts are rebuilt once per machine into
# .cache/real/texts.jsonl (see ../shared/data/real/README.md and scripts/real_texts.py).
REAL ?= ../shared/data/real
eval-real: $(STAMP)
	@test -s .cache/real/texts.jsonl || { echo "No texts in .cache/real/texts.jsonl: rebuild them first (../shared/data/real/README.md, scripts/real_texts.py build)"; exit 1; }
	$(BIN)/unspun eval-real --real $(REAL) --texts .cache/real/texts.jsonl --cache .eval-cache.db

# Speed and scale measurements (not tests): `make bench` at 10k articles, `make bench SIZE=N` at N.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	nice -n 10 $(BIN)/python benchmarks/scale.py --size $(SIZE)
	$(BIN)/python benchmarks/plot.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache demo/demo.db*
