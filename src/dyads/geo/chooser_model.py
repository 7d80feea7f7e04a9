"""The learned event-location chooser: a conditional logit over an event's place candidates.

Each candidate (:mod:`dyads.geo.candidates`: "no place", the toponyms of the sentence, a target's
country) gets the score ``sum(weight[name] * value)`` over its features; the candidate with the
highest score wins. The weights live in a small JSON file (``geo/data/location_chooser.json``,
written by ``python -m dyads.geo.train_locations``); inference is plain Python, no new dependency.

A damaged weights file fails when the places stage starts: E340 unreadable or not JSON, E341 not
a dyads location-chooser file (format or version), E342 its features or weights malformed.
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from dyads.errors import DataError
from dyads.geo.candidates import PlaceCandidate
from dyads.records import content_hash, normalise_text

FORMAT = "dyads-location-chooser"
VERSION = 1
DEFAULT_FILE = "location_chooser.json"
_RETRAIN = "retrain it with `python -m dyads.geo.train_locations DATA --out FILE`, or set places.chooser = \"rules\""


#: bits of the training-text fingerprint: 2**16 bits, 8 KiB before base64
_FINGERPRINT_BITS = 16


def _text_bit(text: str) -> int:
    return int(content_hash(normalise_text(text).lower(), length=_FINGERPRINT_BITS // 4), 16)


def text_fingerprint(texts: Iterable[str]) -> str:
    """A bitmap (base64) of the training sentences' hashes: enough to tell later whether a file
    being scored is mostly training data, without keeping the sentences."""
    bits = bytearray(2**_FINGERPRINT_BITS // 8)
    for text in texts:
        index = _text_bit(text)
        bits[index // 8] |= 1 << (index % 8)
    return base64.b64encode(zlib.compress(bytes(bits), 9)).decode("ascii")


def share_trained_on(meta: Mapping[str, Any], texts: Sequence[str]) -> float | None:
    """The share of ``texts`` whose hash bit is set in the weights' training fingerprint (about
    0.14 by chance for an unrelated file when trained on ~9,700 sentences); None without one."""
    fingerprint = meta.get("texts_fingerprint")
    if not isinstance(fingerprint, str) or not texts:
        return None
    try:
        bits = zlib.decompress(base64.b64decode(fingerprint))
    except (ValueError, zlib.error):
        return None
    if len(bits) * 8 != 2**_FINGERPRINT_BITS:
        return None
    hits = sum(1 for text in texts if bits[_text_bit(text) // 8] >> (_text_bit(text) % 8) & 1)
    return hits / len(texts)


def default_model_path() -> Path:
    """The weights shipped with the package."""
    return Path(str(resources.files("dyads.geo") / "data" / DEFAULT_FILE))


class LocationModel:
    """Feature weights of the chooser; ``choose`` picks one candidate of an event."""

    def __init__(self, weights: Mapping[str, float], *, meta: Mapping[str, Any] | None = None) -> None:
        self.weights = MappingProxyType(dict(weights))
        self.meta = MappingProxyType(dict(meta or {}))

    def score(self, features: Mapping[str, float]) -> float:
        """The candidate's score; features the model never saw weigh nothing."""
        weights = self.weights
        return sum(weights.get(name, 0.0) * value for name, value in features.items())

    def choose(self, candidates: Sequence[PlaceCandidate]) -> PlaceCandidate:
        """The best-scoring candidate (the first one on a tie: "no place" comes first)."""
        best = candidates[0]
        best_score = self.score(best.features)
        for candidate in candidates[1:]:
            value = self.score(candidate.features)
            if value > best_score:
                best, best_score = candidate, value
        return best

    def to_json(self) -> dict[str, Any]:
        names = sorted(self.weights)
        return {
            "format": FORMAT,
            "version": VERSION,
            "features": names,
            "weights": [round(self.weights[name], 6) for name in names],
            "meta": dict(self.meta),
        }

    def write(self, path: Path | str) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.to_json(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path | str | None = None) -> LocationModel:
        """Read a weights file (default: the packaged one); a damaged one raises E340-E342."""
        path = Path(path) if path else default_model_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataError("E340", f"location chooser weights {path} cannot be read as JSON: {exc}", fix=_RETRAIN) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
            raise DataError(
                "E341",
                f"{path} is not a version-{VERSION} {FORMAT} file",
                fix=f"point places.chooser_model at a file written by this version of dyads, or {_RETRAIN}",
            )
        names, values, meta = data.get("features"), data.get("weights"), data.get("meta", {})
        if (
            not isinstance(names, list)
            or not isinstance(values, list)
            or len(names) != len(values)
            or not all(isinstance(n, str) and n for n in names)
            or len(set(names)) != len(names)
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values)
            or not isinstance(meta, dict)
        ):
            raise DataError(
                "E342",
                f"{path}: 'features' and 'weights' must be lists of the same length (distinct names, finite numbers)",
                fix=_RETRAIN,
            )
        return cls(dict(zip(names, (float(v) for v in values))), meta=meta)
