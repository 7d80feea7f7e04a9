"""Plain-text tables of analytics results for terminals (the CLI prints them; nothing here prints)."""

from __future__ import annotations

from dyads.analytics.filters import QUADS
from dyads.analytics.models import ActorProfile, Alignment, DyadSeries
from dyads.errors import AnalyticsError


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _grid(header: list[str], rows: list[list[str]], *, align: str) -> list[str]:
    """Columns padded to their widest cell; ``align`` has one letter per column, ``l`` or ``r``."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]

    def line(cells: list[str]) -> str:
        parts = [
            cell.ljust(width) if side == "l" else cell.rjust(width)
            for cell, width, side in zip(cells, widths, align)
        ]
        return "  ".join(parts).rstrip()

    return [line(header), line(["-" * width for width in widths]), *(line(row) for row in rows)]


def _mix(counts: dict[str, int], limit: int = 3) -> str:
    return ", ".join(f"{name} {n}" for name, n in list(counts.items())[:limit])


def format_dyad_series(series: DyadSeries) -> str:
    """One line per period: events, QuadClass 0-4, Goldstein sum and mean, the main types."""
    arrow = "->" if series.directed else "<->"
    title = f"{series.source} {arrow} {series.target} by {series.by}: {series.total} events"
    if not series.points:
        return title + " (none dated in the window)"
    header = ["period", "events", *(f"q{q}" for q in QUADS), "gold_sum", "gold_mean", "types"]
    rows = [
        [
            point.period.isoformat(),
            str(point.events),
            *(str(point.by_quad[q]) for q in QUADS),
            _number(point.goldstein_sum),
            _number(point.goldstein_mean),
            _mix(point.by_type),
        ]
        for point in series.points
    ]
    grid = _grid(header, rows, align="lrrrrrrrrl")
    return "\n".join([title, "", *grid])


def format_profile(profile: ActorProfile) -> str:
    """Totals, QuadClass mix and balance, then the top types and the partners."""
    seen = (
        f"{profile.first_seen.isoformat()} to {profile.last_seen.isoformat()}"
        if profile.first_seen and profile.last_seen
        else "no dated events"
    )
    quads = ", ".join(f"q{q} {profile.by_quad[q]}" for q in QUADS)
    lines = [
        f"{profile.actor}: {profile.events} events ({profile.as_source} as source, {profile.as_target} as target), {seen}",
        f"by QuadClass: {quads}; balance (coop - conflict) / events = {profile.balance:+.2f}",
        "",
        "top event types: " + (", ".join(f"{t.plover_type} {t.events}" for t in profile.top_types) or "none"),
    ]
    if profile.partners:
        rows = [
            [p.actor, str(p.events), str(p.cooperation), str(p.conflict), _number(p.goldstein_mean)]
            for p in profile.partners
        ]
        lines += ["", *_grid(["partner", "events", "coop", "conflict", "gold_mean"], rows, align="lrrrr")]
    return "\n".join(lines)


def format_alignment(result: Alignment) -> str:
    """The blocs, then every kept edge, most events first."""
    window = f"{result.since or 'start'} to {result.until or 'end'}"
    lines = [f"{len(result.nodes)} actors, {len(result.edges)} pairs, {len(result.blocs)} blocs ({window})", ""]
    lines += [f"bloc {bloc.id}: {', '.join(bloc.members)}" for bloc in result.blocs if len(bloc.members) > 1]
    alone = [member for bloc in result.blocs if len(bloc.members) == 1 for member in bloc.members]
    if alone:
        lines.append(f"on their own: {', '.join(alone)}")
    if result.edges:
        edges = sorted(result.edges, key=lambda e: (-e.events, e.a, e.b))
        rows = [
            [e.a, e.b, str(e.events), str(e.cooperation), str(e.conflict), str(e.place_only), f"{e.score:+d}"]
            for e in edges
        ]
        lines += ["", *_grid(["a", "b", "events", "coop", "conflict", "place", "score"], rows, align="llrrrrr")]
    return "\n".join(lines)


OUTPUT_FORMATS: tuple[str, ...] = ("table", "json")


def check_format(fmt: str) -> str:
    """``fmt`` must be table or json (E636)."""
    if fmt not in OUTPUT_FORMATS:
        raise AnalyticsError("E636", f"bad output format {fmt!r}", fix="use --format table or --format json")
    return fmt


def render(result: DyadSeries | ActorProfile | Alignment, *, fmt: str = "table") -> str:
    """``result`` as a text table or as the model's JSON (what the API returns), for the CLI.

    Raises:
        AnalyticsError: E636 unknown ``fmt``.
    """
    if check_format(fmt) == "json":
        return result.model_dump_json(indent=2)
    if isinstance(result, DyadSeries):
        return format_dyad_series(result)
    if isinstance(result, ActorProfile):
        return format_profile(result)
    return format_alignment(result)
