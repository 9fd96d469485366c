# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORES ?= 2

.PHONY: demo test test-cluster bench-cluster lint setup clean fuzz chromium cjk-fonts pdf-libs bench catalogues

# Re-install only when the project's dependencies change.
$(BIN)/rarevar: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

setup: $(BIN)/rarevar

demo: setup pdf-libs
	$(BIN)/rarevar run --config config/config.yaml --cores $(CORES)

test: setup pdf-libs chromium cjk-fonts
	$(BIN)/python -m pytest -q tests --ignore=tests/cluster

# The demo through a real one-node SLURM cluster (Debian's slurm-wlm and munge, installed when missing), compared
# with a local run, and a re-run after deleting an output. Needs root; without it (or without apt) the test fails
# and says why. CI runs it after `make test`.
test-cluster: setup
	$(BIN)/python -m pytest -q -s tests/cluster/test_slurm.py

# A 50-family simulated batch through the same cluster and locally (about half an hour; not in CI).
bench-cluster: setup
	$(BIN)/python -m pytest -q -s tests/cluster/test_batch.py

# report.pdf is laid out by WeasyPrint, which needs the system's Pango (present on most Debian installs).
pdf-libs:
	@ldconfig -p | grep -q libpangoft2-1.0 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null) \
		|| echo "make: could not install Debian's libpango-1.0-0; report.pdf will fail (set report: {pdf: false})"

# The browser tests drive Debian's Chromium (nothing is downloaded by the tests). Installing it needs root, as CI
# has; without it those tests fail and say why.
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "make: could not install Debian's chromium; the browser tests will fail"

# The Chinese report's PDF needs a CJK font for WeasyPrint (Debian's Noto CJK); the PDF test says so without one.
cjk-fonts:
	@fc-list :lang=zh | grep -q . || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null) \
		|| echo "make: could not install Debian's fonts-noto-cjk; the Chinese PDF test will fail"

# A long property-based run (many more random inputs than `make test` tries).
fuzz: setup
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest -q tests/test_fuzz.py --hypothesis-show-statistics

# Benchmarks (not part of `make test`): full size by default; `make bench RECORDS=20000 SITES=80000` for a quick run.
bench: setup
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python benchmarks/inheritance_vs_genmod.py $(if $(RECORDS),--records $(RECORDS))
	$(BIN)/python benchmarks/annotation.py $(if $(RECORDS),--records $(RECORDS)) $(if $(SITES),--sites $(SITES))

lint: setup
	$(BIN)/ruff check rarevar tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/snakemake --lint --configfile config/config.yaml --cores 1

# The report's translations: extract every text rarevar shows (babel.cfg) into the template, merge new texts into
# each language's catalogue (a translator fills the empty msgstr), and compile them (also done when the package is
# built). The tests fail while a catalogue misses a text or holds one no code writes.
LOCALE := rarevar/report/locale
catalogues: setup
	$(BIN)/pybabel extract -F babel.cfg --project rarevar --version $$($(BIN)/python -c 'import rarevar; print(rarevar.__version__)') \
		--no-location --sort-output -w 120 -o $(LOCALE)/rarevar.pot .
	$(BIN)/pybabel update -i $(LOCALE)/rarevar.pot -d $(LOCALE) -D rarevar --no-fuzzy-matching --ignore-obsolete -w 120
	$(BIN)/pybabel compile -d $(LOCALE) -D rarevar --statistics

clean:
	rm -rf results .snakemake
