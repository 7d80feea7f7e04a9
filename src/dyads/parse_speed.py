"""How a dyads process makes spaCy's parse faster, with the same annotations (settings
``nlp.attribute_lookup`` and ``nlp.matmul``; :func:`speed_up_parse`).

spaCy's thinc layers multiply through BLIS by default. Their products (the token-to-vector
layers of the pipeline and of its entity recogniser, the parser's precomputed features) run
faster through numpy's OpenBLAS on the x86 machine we measured: a parse of the 2,641-article
corpus took 0.882 of the time, with the same annotations on every token (`python bench/matmul.py
--n 2641 --repeat 1`, which checks that on each run). OpenBLAS is held to one thread per process: dyads scales with
processes (``nlp.n_process``, Dask workers), and a second thread in each would compete with them.
"""

from __future__ import annotations

from typing import Literal

from spacy.language import Language
from thinc.api import NumpyOps

from dyads.stages.attribute_lookup import use_attribute_lookup


def speed_up_parse(nlp: Language, *, attribute_lookup: bool = True, matmul: Literal["numpy", "blis"] = "numpy") -> None:
    """The pipeline's attribute ruler from lookup tables (:mod:`dyads.stages.attribute_lookup`)
    and its matrix products through numpy with one BLAS thread, as the settings ask."""
    if attribute_lookup:
        use_attribute_lookup(nlp)
    if matmul == "numpy":
        one_blas_thread()
        use_matmul(nlp)


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
