"""Score the real dyads pipeline on a gold file (what ``dyads evaluate`` runs)."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dyads.config import Settings
from dyads.errors import ModelError
from dyads.evaluate.expected import score_expected
from dyads.evaluate.formats import petrarch_actor_file
from dyads.evaluate.metrics import EvalResult
from dyads.evaluate.tasks import evaluate

if TYPE_CHECKING:
    from dyads.classifier import SentenceClassifier


def run_evaluation(
    fmt: str, path: str | Path, *, settings: Settings, limit: int | None = None, folds: str | Path | None = None
) -> EvalResult:
    """Build the pipeline from ``settings`` and score it on ``path``.

    ``expected`` scores a hand-written file of expected events (the demo's format, with the
    articles in ``articles.jsonl`` beside it). For ``petrarch`` the fictional actors of PETRARCH's unit tests and its verb
    and discard dictionaries are loaded from the ``petrarch_dictionaries`` folder beside the gold file (converted to our
    actor-file and lexicon formats) unless settings name others; each record is coded as of its date.
    ``folds`` is a folder written by ``dyads train --folds K``: each text is then coded with
    the classifier of the fold that held it out (cross-validation), and with the role tagger of
    that fold from ``folds/roles`` (``make model-cv`` writes both).
    """
    from dyads.pipeline import Pipeline

    path = Path(path)
    if fmt == "expected":
        return EvalResult(fmt=fmt, summary=score_expected(path, pipeline=Pipeline(settings)), source=str(path))
    with tempfile.TemporaryDirectory(prefix="dyads-eval-") as tmp:
        if fmt == "petrarch":
            settings = _petrarch_settings(settings, path.parent / "petrarch_dictionaries", Path(tmp))
        pipeline = Pipeline(settings)
        coder = pipeline if folds is None else FoldCoder(pipeline, Path(folds))
        result = evaluate(fmt, path, coder=coder, limit=limit, batch_size=settings.nlp.batch_size)
        if folds is not None:
            result.summary["cross_validation"] = {"folds": len(coder.models), "models": str(folds), "role_taggers": coder.role_taggers}
        return result


def _petrarch_settings(settings: Settings, dictionaries: Path, tmp: Path) -> Settings:
    """PETRARCH's own dictionaries beside its unit tests, converted, where no setting names others:
    actors and agents as the actor file, verbs (when there) as the lexicon whose codes stand
    (``classifier.codes=lexicon``), the discard list (when there). ``events.lexicon=builtin``
    keeps our lexicon."""
    from dyads.ontology.petrarch_verbs import petrarch_lexicon_file

    overrides: dict[str, str] = {}
    if not settings.actors.actor_file:
        overrides["actors.actor_file"] = str(petrarch_actor_file(dictionaries, tmp / "petrarch_actors.yaml"))
    if not settings.events.lexicon and any(dictionaries.glob("*.verbs*")):
        petrarch_lexicon_file(dictionaries, tmp / "petrarch_verbs.tsv")
        overrides["events.lexicon"] = str(tmp / "petrarch_verbs.tsv")
        overrides["classifier.codes"] = "lexicon"  # PETRARCH codes with its dictionary's codes
    discards = sorted(dictionaries.glob("*.discards*"))
    if not settings.events.discards and discards:
        overrides["events.discards"] = str(discards[0])
    return settings.with_overrides(overrides) if overrides else settings


class FoldCoder:
    """Codes each text with the pipeline whose classifier (and role tagger) is the one of the
    text's held-out fold."""

    def __init__(self, pipeline, folder: Path) -> None:
        self.pipeline = pipeline
        self.models = _fold_models(folder)
        # the shipped role tagger has seen every cameo_ner text: cross-validation takes its fold twins
        # from folder/roles; a tagger of the user's own, or the classifier's own head, stays as set
        shipped_tagger = pipeline is None or (
            pipeline.settings.classifier.role_model == "default" and pipeline.nlp.get_pipe("dyads_classify").tagger is not None
        )
        roles = folder / "roles"
        self.taggers = _fold_models(roles) if shipped_tagger and roles.is_dir() else {}
        if self.taggers and sorted(self.taggers) != sorted(self.models):
            raise ModelError(
                "E914",
                f"{roles} holds role taggers for folds {sorted(self.taggers)}, not {sorted(self.models)}",
                fix="Build them with `make model-cv`, or score the classifier's own role head: --set classifier.role_model=classifier.",
            )
        if pipeline is not None and shipped_tagger and not self.taggers:
            raise ModelError(
                "E916",
                f"{folder} holds no role taggers (roles/fold-K); the shipped one has seen the gold texts of every cameo_ner fold",
                fix="Build them with `make model-cv`, or score with --set classifier.role_model=classifier.",
            )
        self.role_taggers = str(roles) if self.taggers else None
        self.loaded: dict[tuple[str, int], SentenceClassifier] = {}

    def __call__(self, texts: Sequence[str], *, published: dt.date | None = None) -> list[list]:
        out: dict[int, list] = {}
        for indices in self.folds(texts):
            for i, events in zip(indices, self.pipeline.code_texts([texts[i] for i in indices], published=published)):
                out[i] = events
        return [out[i] for i in range(len(texts))]

    def folds(self, texts: Sequence[str]) -> Iterator[list[int]]:
        """The indices of ``texts`` fold by fold, each fold's models put in the pipeline before its
        indices are given: code those texts with ``self.pipeline`` then."""
        from dyads.classifier import fold_of

        component = self.pipeline.nlp.get_pipe("dyads_classify")
        by_fold: dict[int, list[int]] = {}
        for i, text in enumerate(texts):
            by_fold.setdefault(fold_of(text, len(self.models)), []).append(i)
        for fold, indices in sorted(by_fold.items()):
            component.classifier = self._load("classifier", fold, self.models)
            if self.taggers:
                component.tagger = self._load("roles", fold, self.taggers)
            yield indices

    def _load(self, kind: str, fold: int, folders: dict[int, Path]):  # -> SentenceClassifier | StackedTagger
        from dyads.classifier import SentenceClassifier
        from dyads.classifier.stacked import StackedTagger, stacked_layers

        if (kind, fold) not in self.loaded:
            if kind == "classifier":  # with the states its fold's stacked tagger reads
                model = SentenceClassifier(folders[fold], states=stacked_layers(self.taggers[fold]) if self.taggers else None)
            elif stacked_layers(folders[fold]) is not None:
                classifier = self._load("classifier", fold, self.models)
                model = StackedTagger(folders[fold], classifier_sha256=str(classifier.meta.get("model_sha256")))
            else:
                model = SentenceClassifier(folders[fold])
            self.loaded[kind, fold] = model
        return self.loaded[kind, fold]


def _fold_models(folder: Path) -> dict[int, Path]:
    """fold -> model folder, for a folder written by ``dyads train --folds K`` (E914 when one is missing)."""
    from dyads.classifier.model import META_FILE

    models: dict[int, Path] = {}
    count = 0
    for meta_path in sorted(folder.glob(f"fold-*/{META_FILE}")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        models[int(meta["fold"])] = meta_path.parent
        count = int(meta["folds"])
    if not models or sorted(models) != list(range(count)):
        raise ModelError(
            "E914",
            f"{folder} does not hold one model per fold (found folds {sorted(models)})",
            fix="Build it with `dyads train DATA... --out DIR --folds 5`.",
        )
    return models
