"""DuckDB store: idempotent batches, filters, JSON round trip, crash safety, errors."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dyads.analytics import event_filters, filter_sql
from dyads.errors import StoreError
from dyads.io.store import Store, label_prefixes, label_prefixes_sql, prefix_needle
from dyads.records import Actor, Article, Attribution, Event, EventDate, Location, Span

SRC = Path(__file__).resolve().parents[1] / "src"


def make_article(n: int, *, outlet: str = "Wire") -> Article:
    text = f"Story {n}. Forces of country {n} shelled a border post near the river."
    return Article.create(text=text, title=f"Story {n}", outlet=outlet, published=dt.date(2024, 1, 1 + n % 28))


def make_event(
    article: Article,
    *,
    source: tuple[str, list[str]] = ("RUS", ["MIL"]),
    target: tuple[str, list[str]] = ("UKR", []),
    cameo: str = "190",
    plover: str | None = "ASSAULT",
    quad: int = 4,
    when: dt.date | None = dt.date(2024, 2, 1),
    country: str | None = "UKR",
    status: str = "asserted",
    trigger_at: int = 0,
) -> Event:
    text = article.text
    start = text.index("shelled") + trigger_at
    sentence = Span(start=0, end=len(text), text=text)
    trigger = Span(start=start, end=start + 7, text=text[start : start + 7])
    return Event(
        article_id=article.id,
        sentence_index=1,
        sentence=sentence,
        trigger=trigger,
        plover_type=plover,
        plover_mode="artillery" if plover else None,
        plover_context=["military"],
        cameo_code=cameo,
        quad_class=quad,
        goldstein=-10.0 if quad == 4 else 3.0,
        sources=[Actor(code=source[0], sectors=source[1], span=Span(start=0, end=5, text=text[:5]))],
        targets=[Actor(code=target[0], sectors=target[1], name="Border guard")],
        date=EventDate(date=when, precision="day", derived_from="explicit") if when else None,
        location=Location(name="Kharkiv", lat=49.99, lon=36.23, country=country, admin1="Kharkiv Oblast")
        if country
        else None,
        attribution=Attribution(
            status=status,
            speaker=Actor(code="UKR", sectors=["GOV"], name="Ministry"),
            reporting_source="Wire",
        ),
    ).assign_id()


@pytest.fixture()
def store(tmp_path: Path):
    with Store.open(tmp_path / "events.duckdb") as opened:
        yield opened


def test_write_batch_is_idempotent(store: Store) -> None:
    articles = [make_article(i) for i in range(3)]
    events = [make_event(a) for a in articles]
    assert store.write_batch(articles, events) == (3, 3)
    assert store.write_batch(articles, events) == (0, 0)
    assert store.write_batch(articles + articles, events + events) == (0, 0)
    summary = store.summary()
    assert summary["articles"] == 3 and summary["events"] == 3
    extra = make_article(10)
    assert store.write_batch([articles[0], extra], [events[0], make_event(extra)]) == (1, 1)
    assert store.count_events() == 4


def test_events_without_id_get_content_ids_and_input_is_not_changed(store: Store) -> None:
    article = make_article(1)
    event = make_event(article)
    expected = event.id
    event.id = ""
    assert store.write_batch([article], [event]) == (1, 1)
    assert event.id == ""
    assert [e.id for e in store.events()] == [expected]
    assert store.write_batch([article], [event]) == (0, 0)


def test_event_json_round_trips(store: Store) -> None:
    article = make_article(2)
    event = make_event(article, status="claimed")
    store.write_batch([article], [event])
    (back,) = store.events()
    assert back == event
    assert back.model_dump_json() == event.model_dump_json()
    assert store.article(article.id) == article
    assert store.article("missing") is None


def test_n_events_counts_events_of_each_article(store: Store) -> None:
    one, two = make_article(1), make_article(2)
    store.write_batch([one, two], [make_event(one), make_event(one, cameo="173", quad=4, trigger_at=1)])
    store.write_batch([], [make_event(two)])
    rows = dict(store._connection().execute("SELECT id, n_events FROM articles").fetchall())
    assert rows == {one.id: 2, two.id: 1}
    assert store.summary()["articles_with_events"] == 2


def test_query_filters(store: Store) -> None:
    a = [make_article(i) for i in range(5)]
    events = [
        make_event(a[0], source=("RUS", ["MIL"]), target=("UKR", []), when=dt.date(2024, 1, 10)),
        make_event(a[1], source=("RUS", ["GOV"]), target=("USA", ["GOV"]), cameo="112", plover="ACCUSE",
                   quad=3, when=dt.date(2024, 2, 10), country="RUS", status="claimed"),
        make_event(a[2], source=("USA", ["GOV"]), target=("RUS", ["MIL", "NAV"]), cameo="036", plover=None,
                   quad=1, when=dt.date(2024, 3, 10), country=None),
        make_event(a[3], source=("RUSX", []), target=("IRN", []), cameo="057", plover="AGREE", quad=1,
                   when=None, country="IRN", status="denied"),
        make_event(a[4], source=("IRN", ["GOV"]), target=("ISR", []), cameo="195", when=dt.date(2024, 1, 20)),
    ]
    store.write_batch(a, events)
    ids = {e.article_id: i for i, e in enumerate(events)}

    def which(**filters) -> list[int]:
        found = [ids[e.article_id] for e in store.events(**filters)]
        assert store.count_events(**filters) == len(found)
        return found

    assert which() == [0, 4, 1, 2, 3]  # date order, undated last
    assert which(actor="RUS") == [0, 1, 2]  # source or target; RUSX is not RUS
    assert which(actor="rus  mil") == [0, 2]
    assert which(actor="RUS MIL NAV") == [2]
    assert which(country="irn") == [3]
    assert which(plover_type="accuse") == [1]
    assert which(cameo_root="19") == [0, 4]
    assert which(cameo_root=5) == [3]
    assert which(status="claimed") == [1]
    assert which(since=dt.date(2024, 1, 20), until=dt.date(2024, 2, 10)) == [4, 1]
    assert which(actor="RUS", since=dt.date(2024, 2, 1)) == [1, 2]
    assert [ids[e.article_id] for e in store.events(limit=2, offset=1)] == [4, 1]
    assert [ids[e.article_id] for e in store.iter_events(batch_size=2, actor="IRN")] == [4, 3]


def test_filter_values_are_parameters_not_sql(store: Store) -> None:
    article = make_article(1)
    store.write_batch([article], [make_event(article)])
    assert store.count_events(country="X' OR '1'='1") == 0
    assert store.count_events(plover_type="ASSAULT'; DROP TABLE events; --") == 0
    assert store.count_events() == 1
    for bad in ({"actor": "RUS' OR 1=1 --"}, {"cameo_root": "1; DROP"}, {"status": "maybe"}, {"cameo_root": 21}):
        with pytest.raises(StoreError) as err:
            store.events(**bad)
        assert err.value.code == "E605" and err.value.fix
    with pytest.raises(StoreError):
        store.events(limit=-1)
    with pytest.raises(StoreError):
        list(store.iter_events(colour="red"))


def test_summary(store: Store) -> None:
    a = [make_article(i) for i in range(4)]
    events = [
        make_event(a[0]),
        make_event(a[1]),
        make_event(a[2], source=("USA", ["GOV"]), target=("CHN", ["GOV"]), cameo="036", plover=None, quad=1),
        make_event(a[3], cameo="112", plover="ACCUSE", quad=3, when=dt.date(2023, 12, 31)),
    ]
    store.write_batch(a, events)
    summary = store.summary(top=2)
    assert summary["articles"] == 4 and summary["events"] == 4
    assert summary["by_plover_type"] == {"ASSAULT": 2, "ACCUSE": 1, "none": 1}
    assert summary["by_quad_class"] == {1: 1, 3: 1, 4: 2}
    assert summary["first_date"] == dt.date(2023, 12, 31) and summary["last_date"] == dt.date(2024, 2, 1)
    assert summary["top_dyads"] == [
        {"source": "RUS MIL", "target": "UKR", "events": 3},
        {"source": "USA GOV", "target": "CHN GOV", "events": 1},
    ]


def test_known_article_ids(store: Store) -> None:
    a = [make_article(i) for i in range(3)]
    store.write_batch(a[:2], [])
    assert store.known_article_ids([a[0].id, a[2].id, "nope", a[0].id]) == {a[0].id}
    assert store.known_article_ids(iter([])) == set()


def test_event_actors_table_rows(store: Store) -> None:
    article = make_article(1)
    event = make_event(article, source=("RUS", ["MIL", "NAV"]))
    store.write_batch([article], [event])
    rows = store._connection().execute(
        "SELECT role, position, code, sectors, label, name, span_text FROM event_actors ORDER BY role"
    ).fetchall()
    assert rows == [
        ("source", 0, "RUS", ["MIL", "NAV"], "RUS MIL NAV", None, article.text[:5]),
        ("speaker", 0, "UKR", ["GOV"], "UKR GOV", "Ministry", None),
        ("target", 0, "UKR", [], "UKR", "Border guard", None),
    ]


def test_reopen_keeps_data_and_read_only_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    article = make_article(1)
    with Store.open(path) as store:
        store.write_batch([article], [make_event(article)])
    with Store.open(path, read_only=True) as store:
        assert store.count_events() == 1
        with pytest.raises(StoreError) as err:
            store.write_batch([make_article(2)], [])
        assert err.value.code == "E606"
    closed = Store.open(path)
    closed.close()
    closed.close()
    with pytest.raises(StoreError) as err:
        closed.count_events()
    assert err.value.code == "E606"


def test_open_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database " * 400)
    cases = [junk, tmp_path / "missing-folder" / "x.duckdb", tmp_path]
    for path in cases:
        with pytest.raises(StoreError) as err:
            Store.open(path)
        assert err.value.code == "E601" and err.value.fix
    with pytest.raises(StoreError) as err:
        Store.open(tmp_path / "absent.duckdb", read_only=True)
    assert err.value.code == "E601"
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE unrelated (x INTEGER)")
    con.close()
    with pytest.raises(StoreError) as err:
        Store.open(other, read_only=True)
    assert err.value.code == "E603"


def test_locked_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom dyads.io.store import Store\ns = Store.open(sys.argv[1])\n"
         "print('open', flush=True)\ntime.sleep(60)\n", str(path)],
        stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"open"
        with pytest.raises(StoreError) as err:
            Store.open(path)
        assert err.value.code == "E602" and "close the other" in (err.value.fix or "")
    finally:
        holder.kill()
        holder.wait()


WRITER = """
import sys
sys.path.insert(0, sys.argv[3])
from test_store import make_article, make_event
from dyads.io.store import Store
path, batches = sys.argv[1], int(sys.argv[2])
SIZE = 300
with Store.open(path) as store:
    for b in range(batches):
        arts = [make_article(b * SIZE + i, outlet=f"batch-{b}") for i in range(SIZE)]
        evs = [make_event(a) for a in arts]
        print("begin", b, flush=True)
        added = store.write_batch(arts, evs)
        print("done", b, *added, flush=True)
"""
BATCHES, SIZE = 8, 300


def _batch_counts(path: Path) -> tuple[dict[str, int], dict[str, int], int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        arts = dict(con.execute("SELECT outlet, count(*) FROM articles GROUP BY 1").fetchall())
        evs = dict(
            con.execute(
                "SELECT a.outlet, count(*) FROM events e JOIN articles a ON a.id = e.article_id GROUP BY 1"
            ).fetchall()
        )
        orphans = con.execute(
            "SELECT count(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()[0]
    finally:
        con.close()
    return arts, evs, orphans


@pytest.mark.parametrize("moment", ["between", "during"])
def test_kill_9_leaves_only_whole_batches_and_rerun_completes(tmp_path: Path, moment: str) -> None:
    path = tmp_path / "crash.duckdb"
    tests_dir = str(Path(__file__).resolve().parent)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    command = [sys.executable, "-c", WRITER, str(path), str(BATCHES), tests_dir]
    writer = subprocess.Popen(command, stdout=subprocess.PIPE, env=env)
    assert writer.stdout is not None
    wanted = b"done 1" if moment == "between" else b"begin 2"
    while not writer.stdout.readline().startswith(wanted):
        pass
    if moment == "during":
        time.sleep(0.05)  # write_batch of 300 articles + events takes ~0.1-0.2 s
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert writer.returncode == -signal.SIGKILL
    arts, evs, orphans = _batch_counts(path)
    assert orphans == 0
    assert len(arts) >= 2 and set(arts.values()) == {SIZE} and evs == arts  # whole batches only
    assert len(arts) < BATCHES  # the kill really interrupted the run
    rerun = subprocess.run(command, capture_output=True, env=env, check=True)
    added = [tuple(map(int, line.split()[2:])) for line in rerun.stdout.decode().splitlines() if line.startswith("done")]
    assert len(added) == BATCHES
    assert sum(a for a, _ in added) == sum(e for _, e in added) == SIZE * (BATCHES - len(arts))
    arts, evs, _ = _batch_counts(path)
    assert len(arts) == BATCHES and set(arts.values()) == {SIZE} and evs == arts
    with Store.open(path, read_only=True) as store:
        assert store.summary()["articles"] == store.count_events() == SIZE * BATCHES


# --------------------------------------------------------------------------- schema version 2 columns


def test_label_prefixes_are_whole_word_prefixes_a_filter_can_name() -> None:
    assert label_prefixes(["RUS MIL NAV"]) == "|RUS|RUS MIL|RUS MIL NAV|"
    assert label_prefixes(["RUS GOV", "RUS MIL", "IRN"]) == "|IRN|RUS|RUS GOV|RUS MIL|"  # distinct, sorted
    assert label_prefixes([]) == ""
    assert label_prefixes(["---"]) == "|---|"  # an uncoded actor, as the filter "---" finds it
    assert label_prefixes(["RUS  MIL"]) == "|RUS|"  # as before: "RUS MIL" never matched a double space
    assert label_prefixes(["rus", "X", "A|B MIL"]) == ""  # nothing an actor filter can name
    assert prefix_needle("RUS MIL") == "|RUS MIL|"


def test_label_prefixes_sql_gives_the_same_text() -> None:
    cases = [["RUS MIL NAV"], ["RUS GOV", "RUS MIL", "IRN"], [], ["---"], ["RUS  MIL"], ["rus", "X", "A|B MIL"],
             ["USA GOV", "USA"], ["ÜBER GOV", "NATO"], ["--- REB", "RUS", "0AB", "---"]]
    con = duckdb.connect()
    try:
        for labels in cases:
            (got,) = con.execute(f"SELECT {label_prefixes_sql('?::VARCHAR[]')}", [labels]).fetchone()
            assert got == label_prefixes(labels), labels
        assert con.execute(f"SELECT {label_prefixes_sql('NULL::VARCHAR[]')}").fetchone() == ("",)
    finally:
        con.close()


def test_events_rows_hold_prefixes_of_every_source_and_target(store: Store) -> None:
    article = make_article(1)
    event = make_event(article, source=("RUS", ["MIL", "NAV"]), target=("UKR", ["GOV"]))
    event.sources.append(Actor(code="IRN", sectors=["GOV"]))
    event.targets.append(Actor(code="USA"))
    event.targets.append(Actor(sectors=["REB"]))
    event = event.assign_id()
    lone = make_event(make_article(2), source=("SYR", ["REB"]))
    lone.targets.clear()
    lone = lone.assign_id()
    store.write_batch([article, make_article(2)], [event, lone])
    rows = {
        row["id"]: row
        for row in store.query("SELECT id, source_prefixes, target_prefixes, sentence_text FROM events")
    }
    assert rows[event.id]["source_prefixes"] == "|IRN|IRN GOV|RUS|RUS MIL|RUS MIL NAV|"
    assert rows[event.id]["target_prefixes"] == "|---|--- REB|UKR|UKR GOV|USA|"
    assert rows[event.id]["sentence_text"] == event.sentence.text
    assert rows[lone.id]["target_prefixes"] == "" and rows[lone.id]["source_prefixes"] == "|SYR|SYR REB|"
    # the actor filter reads them: any source or target, whole words
    for actor, expected in (("IRN", [event.id]), ("USA", [event.id]), ("RUS MIL", [event.id]), ("SYR", [lone.id]),
                            ("UKR GOV", [event.id]), ("--- REB", [event.id]), ("RUS GOV", []), ("US", [])):
        assert [e.id for e in store.events(actor=actor)] == expected, actor
        assert store.count_events(actor=actor) == len(expected)
    # several matching actors still give the event once; the speaker (UKR GOV on both) is not searched
    assert [e.id for e in store.events(actor="UKR")] == [event.id] and store.count_events(actor="UKR") == 1


def test_q_searches_the_sentence_and_trigger_text(store: Store) -> None:
    articles = [make_article(i) for i in range(3)]
    events = [make_event(a) for a in articles]
    short = articles[2].text.index(".") + 1  # the third event's sentence is only "Story 2."
    events[2] = events[2].model_copy(update={"sentence": Span(start=0, end=short, text=articles[2].text[:short])})
    store.write_batch(articles, events)
    assert [row["sentence_text"] for row in store.query("SELECT sentence_text FROM events ORDER BY article_id")] == [
        e.sentence.text for e in sorted(events, key=lambda e: e.article_id)
    ]
    for q in ("country 1 SHELLED", "RIVER", "story 2.", "Shelled", "nowhere"):
        clauses, params = filter_sql(event_filters(q=q))
        found = {row["id"] for row in store.query("SELECT e.id FROM events e WHERE " + " AND ".join(clauses), params)}
        needle = q.lower()
        expected = {e.id for e in events if needle in e.sentence.text.lower() or needle in e.trigger.text.lower()}
        assert found == expected, q
    assert len(expected) == 0 and len(found) == 0  # "nowhere"
