"""Score the real dyads pipeline on a gold file (what ``dyads evaluate`` runs)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from dyads.config import Settings
from dyads.evaluate.expected import score_expected
from dyads.evaluate.formats import petrarch_actor_file
from dyads.evaluate.metrics import EvalResult
from dyads.evaluate.tasks import evaluate


def run_evaluation(fmt: str, path: str | Path, *, settings: Settings, limit: int | None = None) -> EvalResult:
    """Build the pipeline from ``settings`` and score it on ``path``.

    ``expected`` scores a hand-written file of expected events (the demo's format, with the
    articles in ``articles.jsonl`` beside it). For ``petrarch`` the fictional actors of PETRARCH's unit tests are loaded from the
    ``petrarch_dictionaries`` folder beside the gold file (converted to our actor-file format).
    """
    from dyads.pipeline import Pipeline

    path = Path(path)
    if fmt == "expected":
        return EvalResult(fmt=fmt, summary=score_expected(path, pipeline=Pipeline(settings)), source=str(path))
    with tempfile.TemporaryDirectory(prefix="dyads-eval-") as tmp:
        if fmt == "petrarch" and not settings.actors.actor_file:
            actor_file = petrarch_actor_file(path.parent / "petrarch_dictionaries", Path(tmp) / "petrarch_actors.yaml")
            settings = settings.with_overrides({"actors.actor_file": str(actor_file)})
        pipeline = Pipeline(settings)
        return evaluate(fmt, path, coder=pipeline, limit=limit, batch_size=settings.nlp.batch_size)
