"""The merge rule's options, checked once: a typed record every merge function takes.

Errors: :class:`MergeError` E640 (an option out of range or not one of its values).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dyads.errors import DyadsError

Mode = Literal["merge", "one-a-day"]
PlaceLevel = Literal["country", "place", "none"]
TypeLevel = Literal["plover", "cameo_root", "cameo"]
ActorLevel = Literal["code", "sector"]
StatusLevel = Literal["class", "exact", "any"]

MAX_WINDOW_DAYS = 366


class MergeError(DyadsError):
    """A merge option is bad (E640); see docs/merging.md."""


class MergeOptions(BaseModel):
    """How events from different articles are matched (docs/merging.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Mode = Field(default="merge", description="merge (the rule below) or one-a-day (PETRARCH's filter)")
    window_days: int = Field(default=1, ge=0, le=MAX_WINDOW_DAYS, strict=True, description="days a mention's date may lie from the anchor's")
    place_level: PlaceLevel = Field(default="place", description="where locations must agree: country, place or none")
    type_level: TypeLevel = Field(default="plover", description="PLOVER type, CAMEO root (2 digits) or full CAMEO code")
    actor_level: ActorLevel = Field(default="code", description="actor key: the code, or the code and first sector")
    status_level: StatusLevel = Field(
        default="class", description="class: affirmed / denied / hypothetical; exact: the status itself; any: ignored"
    )

    def rule(self) -> str:
        """A short text naming the rule, e.g. ``merge window=1 place=country type=plover actor=code status=class``."""
        if self.mode == "one-a-day":
            return "one-a-day"
        return (
            f"merge window={self.window_days} place={self.place_level} type={self.type_level}"
            f" actor={self.actor_level} status={self.status_level}"
        )


def merge_options(**values: Any) -> MergeOptions:
    """Build :class:`MergeOptions` from keyword values; E640 names the first bad one."""
    try:
        return MergeOptions(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "options"
        allowed = {
            "mode": "merge or one-a-day",
            "window_days": f"an integer from 0 to {MAX_WINDOW_DAYS}",
            "place_level": "country, place or none",
            "type_level": "plover, cameo_root or cameo",
            "actor_level": "code or sector",
            "status_level": "class, exact or any",
        }
        raise MergeError(
            "E640",
            f"bad merge option {name}={values.get(name)!r}: {first['msg']}",
            fix=f"give {name} as {allowed.get(name, 'one of the documented options (docs/merging.md)')}",
        ) from exc
