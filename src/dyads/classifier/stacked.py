"""A role tagger stacked on the classifier: it reads the classifier's encoder states after the
classifier's lower layers (``Prediction.states``) and runs only its own upper layers.

Its folder holds ``model.onnx`` (int8; inputs ``states``/``attention_mask``, output ``role_probs``)
and ``dyads-model.json``, whose ``stacked_on`` names the classifier it was trained on (the
SHA-256 of that classifier's ``model.onnx``) and how many of its layers it shares.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dyads.classifier.model import META_FILE, MODEL_FILE, Prediction, RoleSpan, _load_session, decode_roles, read_meta
from dyads.errors import ModelError


def stacked_layers(folder: Path) -> int | None:
    """How many classifier layers the tagger in ``folder`` reads; None for a tagger of its own."""
    path = Path(folder) / META_FILE
    if not path.is_file():
        return None
    stacked = read_meta(path).get("stacked_on")
    return int(stacked["layers"]) if isinstance(stacked, dict) and isinstance(stacked.get("layers"), int) else None


class StackedTagger:
    """``StackedTagger(folder, classifier_sha256=...).tag(text, prediction)`` -> argument phrases
    (E919 trained on another classifier; E206/E207/E209 as for a classifier's ``model.onnx``)."""

    def __init__(self, folder: Path, *, classifier_sha256: str, threads: int = 1) -> None:
        self.folder = Path(folder)
        self.meta = read_meta(self.folder / META_FILE)
        stacked = self.meta.get("stacked_on") or {}
        if stacked.get("model_sha256") != classifier_sha256:
            raise ModelError(
                "E919",
                f"{self.folder} was trained on the states of another classifier than the one in use"
                f" (its classifier's model.onnx had SHA-256 {str(stacked.get('model_sha256'))[:12]}..., this one {classifier_sha256[:12]}...)",
                fix="Use the role tagger trained with this classifier (`dyads train ... --stack-on CLASSIFIER`, docs/training.md),"
                " or set classifier.role_model = \"classifier\".",
            )
        self.shared_layers = int(stacked["layers"])
        self.session = _load_session(
            self.folder / MODEL_FILE,
            threads=threads,
            sha256=self.meta.get("model_sha256"),
            inputs_wanted=("attention_mask", "states"),
            outputs_wanted=("role_probs",),
        )

    def tag(self, text: str, prediction: Prediction) -> tuple[RoleSpan, ...]:
        """The main event's argument phrases in ``text``, from the classifier's ``prediction`` of it."""
        if prediction.states is None:
            raise ValueError("the prediction holds no encoder states: build the classifier with states=shared_layers")
        states = prediction.states[None].astype(np.float32, copy=False)
        probs = self.session.run(["role_probs"], {"states": states, "attention_mask": np.ones(states.shape[:2], dtype=np.int64)})[0]
        return decode_roles(text, prediction.offsets, probs[0])
