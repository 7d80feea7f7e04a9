"""Measure dyads against third-party gold data.

``evaluate(fmt, path, coder=...)`` reads a gold file (formats: ``plover-gsr``,
``conflibert-class``, ``conflibert-ner``, ``petrarch``, ``geoparse``, ``event-location``), runs the coder over its texts
in batches and returns an :class:`EvalResult` (summary dict, ``render_table()``,
``write_json()``). See docs/evaluation.md.
"""

from dyads.evaluate.formats import FORMATS, GoldSet, petrarch_actor_file, read_gold
from dyads.evaluate.metrics import EvalResult
from dyads.evaluate.run import run_evaluation
from dyads.evaluate.tasks import Coder, evaluate, run_coder

__all__ = [
    "FORMATS",
    "Coder",
    "EvalResult",
    "GoldSet",
    "evaluate",
    "petrarch_actor_file",
    "read_gold",
    "run_coder",
    "run_evaluation",
]
