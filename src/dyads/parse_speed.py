"""How spaCy's models multiply matrices in a dyads process (setting ``nlp.matmul``).

spaCy's thinc layers multiply through BLIS by default. Their products (the token-to-vector
layers of the pipeline and of its entity recogniser, the parser's precomputed features) run
faster through numpy's OpenBLAS on the x86 machines we measured: a parse of the corpus took
8-14% less time, with the same annotations on every token (`python bench/matmul.py`, which
checks that on each run). OpenBLAS is held to one thread per process: dyads scales with
processes (``nlp.n_process``, Dask workers), and a second thread in each would compete with them.
"""

from __future__ import annotations

from typing import Literal

from spacy.language import Language
from thinc.api import NumpyOps


def use_matmul(nlp: Language, library: Literal["numpy", "blis"] = "numpy") -> int:
    """Give every thinc layer of the pipeline's components ops that multiply through ``library``
    (numpy's BLAS, or BLIS, spaCy's default); returns how many layers were set."""
    ops = NumpyOps(use_blis=library == "blis")
    changed = 0
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for layer in model.walk():
            layer.ops = ops
            changed += 1
    return changed


def one_blas_thread() -> None:
    """Hold the process's BLAS libraries (numpy's OpenBLAS) to one thread each."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
