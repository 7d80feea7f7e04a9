"""Hand-built stores for the server tests (imported by the other test_server_* files): a few
articles and events covering every filter, and checks that the data itself is sound."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from dyads.io.store import Store
from dyads.records import Actor, Article, Attribution, Event, EventDate, Location, Span


@dataclass(frozen=True)
class Spec:
    """One event to build: who did what to whom, when and where, and the words behind it."""

    article: str
    sentence: str
    trigger: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    plover: str | None
    cameo: str
    quad: int
    when: dt.date | None
    place: tuple[str, str, float, float] | None  # name, country, lon, lat
    status: str = "asserted"
    speaker: str | None = None


SPECS: tuple[Spec, ...] = (
    Spec("art-a", "Russian forces shelled Kharkiv overnight.", "shelled", ("RUS MIL",), ("UKR",),
         "ASSAULT", "190", 4, dt.date(2024, 2, 10), ("Kharkiv", "UKR", 36.23, 49.99), speaker="UKR GOV"),
    Spec("art-a", "Kyiv accused Moscow of lying about Belgorod.", "accused", ("UKR",), ("RUS",),
         "ACCUSE", "112", 3, dt.date(2024, 2, 10), ("Belgorod", "RUS", 36.58, 50.6), status="claimed", speaker="UKR GOV"),
    Spec("art-b", "Washington sent air defence aid to the Ukrainian government.", "sent", ("USA GOV",), ("UKR GOV",),
         "AID", "070", 2, dt.date(2024, 1, 5), None),
    Spec("art-c", "Rebels attacked army posts near Aleppo with drones.", "attacked", ("SYR REB",), ("SYR GOV MIL",),
         "ASSAULT", "190", 4, dt.date(2023, 12, 31), ("Aleppo", "SYR", 37.16, 36.2), status="denied", speaker="SYR GOV"),
    Spec("art-c", "The Rusx delegation met American envoys.", "met", ("RUSX",), ("USA",),
         "CONSULT", "040", 1, dt.date(2024, 3, 1), None),
    Spec("art-d", "The Kremlin said relations with Beijing were good.", "said", ("RUS GOV",), ("CHN",),
         None, "010", 0, None, None),
    Spec("art-d", "China agreed to buy more Russian gas.", "agreed", ("CHN",), ("RUS",),
         "AGREE", "057", 1, None, ("Beijing", "CHN", 116.4, 39.9)),
    Spec("art-e", "Israeli jets might strike Isfahan, officials warned.", "strike", ("ISR MIL",), ("IRN",),
         "ASSAULT", "195", 4, dt.date(2024, 4, 19), ("Isfahan", "IRN", 51.67, 32.65), status="hypothetical"),
    Spec("art-e", "Iran did not fire missiles at Israel on Sunday.", "fire", ("IRN",), ("ISR",),
         "ASSAULT", "190", 4, dt.date(2024, 4, 14), None, status="negated"),
    Spec("art-f", "Fijian troops reinforced the border at Suva.", "reinforced", ("FJI MIL",), ("FJI",),
         "MOBILIZE", "150", 4, dt.date(2024, 2, 10), ("Suva", "FJI", 178.44, -18.14)),
)


def _actor(label: str, text: str) -> Actor:
    code, *sectors = label.split()
    return Actor(code=code, sectors=sectors, span=Span(start=0, end=len(text.split()[0]), text=text.split()[0]))


def build(specs: tuple[Spec, ...] = SPECS) -> tuple[list[Article], list[Event]]:
    """Articles (their text: their events' sentences) and events with spans into that text."""
    by_article: dict[str, list[Spec]] = {}
    for spec in specs:
        by_article.setdefault(spec.article, []).append(spec)
    articles: list[Article] = []
    events: list[Event] = []
    for article_id, group in by_article.items():
        text = " ".join(spec.sentence for spec in group)
        article = Article.create(
            text=text, id=article_id, title=f"Title of {article_id}", outlet="Test Wire",
            url=f"https://example.org/{article_id}", published=dt.date(2024, 5, 1),
        )
        articles.append(article)
        for index, spec in enumerate(group):
            start = text.index(spec.sentence)
            at = start + spec.sentence.index(spec.trigger)
            events.append(
                Event(
                    article_id=article_id,
                    sentence_index=index,
                    sentence=Span(start=start, end=start + len(spec.sentence), text=spec.sentence),
                    trigger=Span(start=at, end=at + len(spec.trigger), text=spec.trigger),
                    plover_type=spec.plover,
                    cameo_code=spec.cameo,
                    quad_class=spec.quad,
                    goldstein=-5.0 if spec.quad >= 3 else 3.0,
                    statement_only=spec.plover is None,
                    sources=[_actor(label, spec.sentence) for label in spec.sources],
                    targets=[Actor(code=label.split()[0], sectors=label.split()[1:]) for label in spec.targets],
                    date=EventDate(date=spec.when, precision="day", derived_from="explicit") if spec.when else None,
                    location=Location(name=spec.place[0], country=spec.place[1], lon=spec.place[2], lat=spec.place[3])
                    if spec.place else None,
                    attribution=Attribution(
                        status=spec.status,
                        speaker=Actor(code=spec.speaker.split()[0], sectors=spec.speaker.split()[1:]) if spec.speaker else None,
                    ),
                ).assign_id()
            )
    return articles, events


def write_store(path: Path, specs: tuple[Spec, ...] = SPECS) -> tuple[list[Article], list[Event]]:
    """A DuckDB store file holding ``specs``, closed again (the app opens it)."""
    articles, events = build(specs)
    with Store.open(path) as store:
        store.write_batch(articles, events)
    return articles, events


def list_order(events: list[Event]) -> list[Event]:
    """The events list's order: date descending, undated last, then id."""
    return sorted(events, key=lambda e: (e.date is None, -(e.date.date.toordinal() if e.date else 0), e.id))


def test_every_span_points_into_its_article(tmp_path: Path) -> None:
    articles, events = write_store(tmp_path / "data.duckdb")
    texts = {a.id: a.text for a in articles}
    assert len(events) == len(SPECS) and len({e.id for e in events}) == len(events)
    for event in events:
        for span in (event.sentence, event.trigger):
            assert texts[event.article_id][span.start : span.end] == span.text
    with Store.open(tmp_path / "data.duckdb", read_only=True) as store:
        assert store.count_events() == len(SPECS)


def test_list_order_puts_undated_last_and_breaks_ties_by_id() -> None:
    ordered = list_order(build()[1])
    dated = [e for e in ordered if e.date is not None]
    assert ordered[len(dated):] == [e for e in ordered if e.date is None]
    assert [e.date.date for e in dated] == sorted((e.date.date for e in dated), reverse=True)
    same_day = [e.id for e in dated if e.date.date == dt.date(2024, 2, 10)]
    assert len(same_day) == 3 and same_day == sorted(same_day)
