# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORES ?= 2

.PHONY: demo test test-cluster lint setup clean fuzz chromium

# Re-install only when the project's dependencies change.
$(BIN)/rarevar: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

setup: $(BIN)/rarevar

demo: setup
	$(BIN)/rarevar run --config config/config.yaml --cores $(CORES)

test: setup chromium
	$(BIN)/python -m pytest -q tests --ignore=tests/cluster

# The demo batch through a real one-node SLURM cluster (Debian's slurm-wlm and munge, installed when missing),
# compared with a local run. Needs root; without it (or without apt) the test fails and says why.
test-cluster: setup
	$(BIN)/python -m pytest -q -s tests/cluster

# The browser tests drive Debian's Chromium (nothing is downloaded by the tests). Installing it needs root, as CI
# has; without it those tests fail and say why.
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "make: could not install Debian's chromium; the browser tests will fail"

# A long property-based run (many more random inputs than `make test` tries).
fuzz: setup
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest -q tests/test_fuzz.py --hypothesis-show-statistics

lint: setup
	$(BIN)/ruff check rarevar tests
	$(BIN)/snakemake --lint --configfile config/config.yaml --cores 1

clean:
	rm -rf results .snakemake
