"""Score the real dyads pipeline on a gold file (what ``dyads evaluate`` runs)."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Sequence
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
    the classifier of the fold that held it out (cross-validation).
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
            result.summary["cross_validation"] = {"folds": len(coder.models), "models": str(folds)}
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
    """Codes each text with the pipeline whose classifier is the one of the text's held-out fold."""

    def __init__(self, pipeline, folder: Path) -> None:
        from dyads.classifier.model import META_FILE

        self.pipeline = pipeline
        self.models: dict[int, Path] = {}
        for meta_path in sorted(folder.glob(f"fold-*/{META_FILE}")):
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            self.models[int(meta["fold"])] = meta_path.parent
            count = int(meta["folds"])
        if not self.models or sorted(self.models) != list(range(count)):
            raise ModelError(
                "E914",
                f"{folder} does not hold one model per fold (found folds {sorted(self.models)})",
                fix="Build it with `dyads train DATA... --out DIR --folds 5`.",
            )
        self.loaded: dict[int, SentenceClassifier] = {}

    def __call__(self, texts: Sequence[str], *, published: dt.date | None = None) -> list[list]:
        from dyads.classifier import SentenceClassifier, fold_of

        component = self.pipeline.nlp.get_pipe("dyads_classify")
        out: dict[int, list] = {}
        by_fold: dict[int, list[int]] = {}
        for i, text in enumerate(texts):
            by_fold.setdefault(fold_of(text, len(self.models)), []).append(i)
        for fold, indices in sorted(by_fold.items()):
            if fold not in self.loaded:
                self.loaded[fold] = SentenceClassifier(self.models[fold])
            component.classifier = self.loaded[fold]
            for i, events in zip(indices, self.pipeline.code_texts([texts[i] for i in indices], published=published)):
                out[i] = events
        return [out[i] for i in range(len(texts))]
