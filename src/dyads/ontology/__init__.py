"""PLOVER and CAMEO ontology tables and the event lexicon (package data, read once).

See ``docs/ontology.md`` for the tables, the file formats and how to supply your own lexicon.
"""

from __future__ import annotations

from dyads.ontology.codes import (
    LEGACY_PLOVER_NAMES,
    QUAD_CLASS_NAMES,
    CameoCode,
    PloverType,
    cameo,
    cameo_codes,
    normalise_plover_mode,
    normalise_plover_name,
    plover_to_cameo_root,
    plover_types,
)
from dyads.ontology.lexicon import LexEntry, Lexicon, ModeCue, load_lexicon, mode_cues, mode_for, parse_lexicon

__all__ = [
    "LEGACY_PLOVER_NAMES",
    "QUAD_CLASS_NAMES",
    "CameoCode",
    "LexEntry",
    "Lexicon",
    "ModeCue",
    "PloverType",
    "cameo",
    "cameo_codes",
    "load_lexicon",
    "mode_cues",
    "mode_for",
    "normalise_plover_mode",
    "normalise_plover_name",
    "parse_lexicon",
    "plover_to_cameo_root",
    "plover_types",
]
