"""Errors carry a stable code and say how to fix the problem.

Codes by area: E0xx config, E1xx input, E2xx model/NLP, E3xx actors, E4xx dates,
E5xx places, E6xx store, E7xx evaluation, E8xx ontology/lexicon.
"""

from __future__ import annotations


class DyadsError(Exception):
    """Base error: ``code`` (e.g. ``'E101'``), a message, and a hint on how to fix it."""

    def __init__(self, code: str, message: str, *, fix: str | None = None) -> None:
        self.code = code
        self.message = message
        self.fix = fix
        text = f"[{code}] {message}"
        if fix:
            text += f" Fix: {fix}"
        super().__init__(text)

    def __reduce__(self) -> tuple[object, ...]:
        # keyword-only ``fix``: rebuild through a helper so errors cross process boundaries
        # (multiprocessing workers, Dask tasks) with their code, message and fix intact
        return (_rebuild, (type(self), self.code, self.message, self.fix))


def _rebuild(cls: type[DyadsError], code: str, message: str, fix: str | None) -> DyadsError:
    return cls(code, message, fix=fix)


class ConfigError(DyadsError):
    """The configuration file or an override is invalid."""


class InputError(DyadsError):
    """An input file or record cannot be read."""


class ModelError(DyadsError):
    """The spaCy pipeline or a model directory is missing or broken.

    A damaged classifier folder (docs/training.md): E203 ``dyads-model.json`` unreadable or not a
    JSON object, E204 a field of it of the wrong type, E205 ``tokenizer.json`` unparseable, E206
    ``model.onnx`` cannot be loaded, E207 it lacks a dyads classifier's inputs/outputs, E208 it gives
    unusable output, E209 its SHA-256 is not the recorded one (also E910-E913).
    """


class DataError(DyadsError):
    """Package data or a user data file (actors, gazetteer, lexicon) is malformed.

    A user actor file (docs/actors.md): E301 unreadable or unparseable, E302 a bad entry, E304 a
    key given twice in one entry, E305 not a regular file or too large, E306 binary or not UTF-8.
    The learned place chooser's weights (docs/places.md): E340 unreadable or not JSON, E341 not a
    dyads location-chooser file (format, version), E342 its features or weights malformed; an
    unknown ``places.chooser`` is ConfigError E343.
    """


class StoreError(DyadsError):
    """The store cannot be opened or written: DuckDB (E601-E606) or PostgreSQL (E650-E659, docs/postgres.md)."""


class AnalyticsError(DyadsError):
    """An analytics query (dyad series, actor profile, blocs, claims, timeline) got a bad argument (E630-E639)."""


class ServerError(DyadsError):
    """The REST API refuses a request or cannot start (E620-E629, see docs/api.md).

    E627 a posted URL's host is not on the fetch allow-list (or fetching is off), E628 it resolves
    to a non-public address (loopback, private, link-local), E629 fetching an allowed URL failed.
    """


class WatchError(DyadsError):
    """`dyads watch` cannot start: a bad interval or cycle count, or a source it cannot watch (E130-E139, docs/watch.md)."""
