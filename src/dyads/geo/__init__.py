"""Places: an offline gazetteer and the choice of where an event happened."""

from dyads.geo.choose import Choice, Toponym, choose_location, dominant_location, find_toponyms
from dyads.geo.gazetteer import Gazetteer, fold_name

__all__ = ["Choice", "Gazetteer", "Toponym", "choose_location", "dominant_location", "find_toponyms", "fold_name"]
