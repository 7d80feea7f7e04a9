"""Actors: find and code who is mentioned in a parsed article.

- :class:`ActorDictionary` / :class:`ActorEntry`: package tables and a user actor file.
- :func:`load_actor_file`: read a YAML or TOML user actor file.
- :func:`find_mentions`: code every actor mention of a spaCy Doc (the ``dyads_actors`` stage).
- :func:`mentions_for`: the mention(s) a syntactic argument denotes.
"""

from __future__ import annotations

from .dictionary import ActorDictionary, ActorEntry, DictMatch
from .query import mentions_for
from .resolve import find_mentions
from .userfile import load_actor_file

__all__ = [
    "ActorDictionary",
    "ActorEntry",
    "DictMatch",
    "find_mentions",
    "load_actor_file",
    "mentions_for",
]
