"""Article de-duplication: exact and near (MinHash LSH) copies, the store's copy tables, and the ingest.

The wire story and its rewrites are ours. The last test codes with spaCy (slow); the others are unit tests.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from dyads.config import load_config
from dyads.io.dedup import ArticleCopy, Deduplicator, Fingerprint, near_pairs, shingles
from dyads.io.store import SCHEMA_VERSION, Store
from dyads.records import Article

WIRE = (
    "Negotiators from Armenia and Azerbaijan met in Geneva on Tuesday to resume talks on a ceasefire along "
    "their disputed border, a week after soldiers exchanged fire near a mountain pass. The Armenian foreign "
    "ministry said both delegations agreed to set up a monitoring group and would meet again next month. "
    "Officials described the first session as frank but constructive, and said prisoners could be exchanged "
    "before the end of the year. Residents of border villages who fled the shelling said they hoped to return "
    "home before winter."
)
# three outlets run the wire story with small edits of their own
EDITS = {
    "Harbour Gazette": WIRE,
    "Valley Times": WIRE.replace("on Tuesday", "on Tuesday morning").replace("frank but constructive", "frank and useful"),
    "Coast Herald": WIRE.replace("Negotiators from", "Senior negotiators from").replace("next month", "early next month"),
}
OTHER = (
    "Dock workers in the northern port ended a two-week strike on Friday after the transport ministry agreed "
    "to raise wages and hire more inspectors, union leaders said at a news conference in the city hall."
)


def jaccard(a: str, b: str, size: int = 3) -> float:
    one, two = shingles(a, size=size), shingles(b, size=size)
    return len(one & two) / len(one | two)


def test_new_exact_and_near_copies_point_at_the_first_article() -> None:
    finder = Deduplicator(threshold=0.8)
    first = finder.check("gazette", EDITS["Harbour Gazette"])
    near = finder.check("valley", EDITS["Valley Times"])
    exact = finder.check("reprint", "  " + WIRE.replace(". ", ".\n\n") + "\n")
    other = finder.check("port", OTHER)
    assert first.kind == "new" and other.kind == "new"
    assert exact.kind == "exact" and exact.of == "gazette" and exact.similarity == 1.0
    assert near.kind == "near" and near.of == "gazette"
    assert abs(near.similarity - jaccard(EDITS["Harbour Gazette"], EDITS["Valley Times"])) < 0.1
    assert 0.8 <= near.similarity < 1.0
    assert finder.counts == {"new": 2, "near": 1, "exact": 1}
    assert len(finder) == 2  # copies do not enter the index


def test_a_copy_points_at_its_most_similar_earlier_article() -> None:
    finder = Deduplicator(threshold=0.6)
    far = EDITS["Coast Herald"].replace("Residents of border villages", "Many villagers")
    finder.add("far", finder.fingerprint(far))  # both in the index, as stored articles can be
    finder.add("close", finder.fingerprint(WIRE))
    assert jaccard(far, EDITS["Valley Times"]) > 0.6
    verdict = finder.check("copy", EDITS["Valley Times"])
    assert verdict.kind == "near" and verdict.of == "close"


def test_threshold_and_modes_are_settings() -> None:
    strict = Deduplicator(threshold=0.99)
    strict.check("a", WIRE)
    assert strict.check("b", EDITS["Valley Times"]).kind == "new"

    exact_only = Deduplicator(mode="exact")
    exact_only.check("a", WIRE)
    assert exact_only.check("b", EDITS["Valley Times"]).kind == "new"
    assert exact_only.check("c", WIRE + " ").kind == "exact"
    assert exact_only.scheme is None and exact_only.fingerprint(WIRE).minhash is None

    off = Deduplicator(mode="off")
    assert [off.check(i, WIRE).kind for i in "ab"] == ["new", "new"]

    assert Deduplicator(shingle_words=4).scheme != Deduplicator().scheme
    with pytest.raises(ValueError):
        Deduplicator(mode="fuzzy")  # type: ignore[arg-type]


def test_index_seeded_with_stored_fingerprints_finds_copies_of_them() -> None:
    earlier = Deduplicator()
    stored = earlier.fingerprint(WIRE)
    later = Deduplicator()
    later.add("stored-1", Fingerprint(text_hash=stored.text_hash, minhash=np.array(list(stored.minhash), dtype=np.uint32)))
    assert later.check("copy", EDITS["Coast Herald"]).of == "stored-1"
    assert later.check("same", WIRE).kind == "exact"


def test_near_pairs_counts_every_pair_over_the_threshold() -> None:
    texts = [("a", EDITS["Harbour Gazette"]), ("b", EDITS["Valley Times"]), ("c", EDITS["Coast Herald"]), ("d", OTHER)]
    pairs = near_pairs(texts, threshold=0.7)
    assert {(x, y) for x, y, _ in pairs} == {("a", "b"), ("a", "c"), ("b", "c")}
    assert all(0.7 <= s <= 1.0 for _, _, s in pairs)


def test_store_keeps_copies_and_fingerprints(tmp_path: Path) -> None:
    finder = Deduplicator()
    original = Article.create(text=WIRE, outlet="Harbour Gazette", url="https://gazette.example/talks")
    copy_article = Article.create(
        text=EDITS["Valley Times"], outlet="Valley Times", url="https://valley.example/t", published=dt.date(2024, 3, 5), origin="v.html:1"
    )
    finder.see(original)
    copy = ArticleCopy.of(copy_article, finder.see(copy_article))
    db = tmp_path / "s.duckdb"
    with Store.open(db) as store:
        store.write_batch([original], [])
        assert store.articles_without_fingerprint(scheme=finder.scheme) == [(original.id, WIRE)]
        prints = [(original.id, finder.fingerprint_of(original.id))]
        assert store.write_dedup(copies=[copy], fingerprints=prints, scheme=finder.scheme) == 1
        assert store.write_dedup(copies=[copy], fingerprints=prints, scheme=finder.scheme) == 0
        assert store.known_copy_ids([copy.id, original.id, "nope"]) == {copy.id}
        (kept,) = store.copies(original.id)
        assert kept == copy and kept.outlet == "Valley Times" and kept.kind == "near"
        assert store.articles_without_fingerprint(scheme=finder.scheme) == []
        assert store.articles_without_fingerprint(scheme="another-scheme") == [(original.id, WIRE)]
        ((article_id, digest, minhash),) = list(store.fingerprints(scheme=finder.scheme))
        assert article_id == original.id and digest == finder.fingerprint_of(original.id).text_hash
        assert list(minhash) == [int(v) for v in finder.fingerprint_of(original.id).minhash]
        assert [row[2] for row in store.fingerprints(scheme="another-scheme")] == [None]


def test_older_store_without_the_copy_tables(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with Store.open(db) as store:
        store.write_batch([Article.create(text=OTHER)], [])
    with duckdb.connect(str(db)) as con:
        con.execute("DROP TABLE article_copies")
        con.execute("DROP TABLE article_fingerprints")
    with Store.open(db, read_only=True) as store:
        assert store.known_copy_ids(["x"]) == set() and store.copies("x") == []
        assert list(store.fingerprints(scheme=None)) == [] and store.articles_without_fingerprint(scheme=None) == []
    with Store.open(db) as store:  # a read-write open adds the tables, keeping the schema version
        assert store.known_copy_ids(["x"]) == set()
        assert store.query("SELECT value FROM meta WHERE key = 'schema_version'") == [{"value": SCHEMA_VERSION}]
        assert len(store.articles_without_fingerprint(scheme=None)) == 1


def test_load_fingerprints_backfills_stored_articles(tmp_path: Path) -> None:
    from dyads.ingest import load_fingerprints

    with Store.open(tmp_path / "s.duckdb") as store:
        store.write_batch([Article.create(text=WIRE), Article.create(text=OTHER)], [])
        finder = Deduplicator()
        assert load_fingerprints(store, finder) == 2
        assert load_fingerprints(store, Deduplicator()) == 0  # made once, then read back
        assert len(finder) == 2 and finder.check("copy", EDITS["Coast Herald"]).kind == "near"


def _page(outlet: str, text: str, slug: str) -> str:
    return (
        "<!DOCTYPE html><html><head><title>Ceasefire talks resume</title>"
        f'<meta property="og:site_name" content="{outlet}">'
        f'<link rel="canonical" href="https://{slug}.example/talks">'
        '<meta property="article:published_time" content="2024-03-05">'
        f"</head><body><article><h1>Ceasefire talks resume</h1><p>{text}</p></article></body></html>"
    )


@pytest.mark.slow
def test_ingest_keeps_one_coded_story_with_three_sources(tmp_path: Path) -> None:
    from dyads.cli import app
    from dyads.ingest import ingest_sources

    pages = tmp_path / "pages"
    pages.mkdir()
    for n, (outlet, text) in enumerate(EDITS.items()):
        (pages / f"{n}_{outlet.split()[0].lower()}.html").write_text(_page(outlet, text, outlet.split()[0].lower()), encoding="utf-8")
    french = tmp_path / "more"
    french.mkdir()
    (french / "fr.jsonl").write_text(
        json.dumps({"text": "Les négociateurs arméniens et azerbaïdjanais se sont réunis mardi à Genève pour reprendre "
                    "les pourparlers sur un cessez-le-feu le long de leur frontière contestée."}) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "news.duckdb"
    first = CliRunner().invoke(
        app, ["ingest", str(pages), str(french), "--db", str(db), "--set", "classifier.model=none"], catch_exceptions=False
    )
    assert first.exit_code == 0
    assert "4 articles read, 1 coded" in first.output
    assert "2 copies not coded (0 exact, 2 near)" in first.output and "1 in other languages skipped (fr 1)" in first.output
    assert "E115" in first.output

    with Store.open(db, read_only=True) as store:
        (story,) = store.query("SELECT id, outlet, n_events FROM articles")
        sources = [story["outlet"], *(c.outlet for c in store.copies(story["id"]))]
        assert sorted(sources) == sorted(EDITS)
        assert story["outlet"] == "Harbour Gazette" and story["n_events"] > 0

    settings = load_config(overrides={"classifier.model": "none"})
    again = ingest_sources([pages], db=db, settings=settings)
    assert (again.articles_coded, again.new_articles, again.new_events, again.copies_recorded) == (0, 0, 0, 0)
    assert again.already_stored == 3

    later = tmp_path / "later"
    later.mkdir()
    rewrite = WIRE.replace("a week after", "seven days after").replace("before winter", "before the winter")
    (later / "island.html").write_text(_page("Island Post", rewrite, "island"), encoding="utf-8")
    third = ingest_sources([later], db=db, settings=settings)
    assert (third.articles_coded, third.near_copies, third.copies_recorded) == (0, 1, 1)
    with Store.open(db, read_only=True) as store:
        assert [c.outlet for c in store.copies(story["id"])][-1] == "Island Post"
        assert store.query("SELECT count(*) AS n FROM articles") == [{"n": 1}]
