"""Actor dictionary, user file and mention coding on hand-built Docs (no model needed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from dyads.actors import ActorDictionary, find_mentions, load_actor_file, mentions_for
from dyads.actors.dictionary import ActorEntry
from dyads.errors import DataError
from dyads.records import Article
from dyads.stages.extensions import ensure_extensions

ensure_extensions()


@pytest.fixture(scope="module")
def vocab():
    return spacy.blank("en").vocab


def make_doc(vocab, rows: list[tuple[str, int, str, str]], ents: list[str] | None = None) -> Doc:
    """rows: (word, absolute head index, dep, pos); ents: IOB tags such as 'B-PERSON'."""
    return Doc(
        vocab,
        words=[r[0] for r in rows],
        heads=[r[1] for r in rows],
        deps=[r[2] for r in rows],
        pos=[r[3] for r in rows],
        ents=ents,
    )


def coded(doc: Doc, actors: ActorDictionary, **kw) -> list[tuple[str, str, str]]:
    doc._.dyads_mentions = find_mentions(doc, actors, **kw)
    return [(doc[m.start : m.end].text, m.kind, m.actor.label) for m in doc._.dyads_mentions]


# -- dictionary -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "code", "kind"),
    [
        ("Russia", "RUS", "country"),
        ("Russian Federation", "RUS", "country"),
        ("the Russian federation", "RUS", "country"),
        ("Russian", "RUS", "country"),
        ("Iranians", "IRN", "country"),
        ("U.S.", "USA", "country"),
        ("US", "USA", "country"),
        ("United States", "USA", "country"),
        ("America", "USA", "country"),
        ("Britain", "GBR", "country"),
        ("U.K.", "GBR", "country"),
        ("Türkiye", "TUR", "country"),
        ("Turkey", "TUR", "country"),
        ("Saudi", "SAU", "country"),
        ("Kosovo", "XKX", "country"),
        ("Palestinian", "PSE", "country"),
        ("Moscow", "RUS", "capital"),
        ("the Kremlin", "RUS", "capital"),
        ("Kiev", "UKR", "capital"),
        ("Kyiv", "UKR", "capital"),
        ("Downing Street", "GBR", "capital"),
    ],
)
def test_country_demonym_capital_lookup(actors: ActorDictionary, phrase: str, code: str, kind: str) -> None:
    entry = actors.lookup(phrase)
    assert entry is not None and entry.code == code and entry.kind == kind


def test_acronyms_need_capitals(actors: ActorDictionary) -> None:
    assert actors.lookup("us") is None
    assert actors.lookup("is") is None
    assert actors.lookup("us", strict_case=False).code == "USA"


def test_seats_carry_sectors(actors: ActorDictionary) -> None:
    assert actors.lookup("Pentagon").sectors == ("MIL",)
    assert actors.lookup("White House").sectors == ("GOV",)
    assert actors.lookup("Moscow").to_actor().label == "RUS GOV"


@pytest.mark.parametrize("alias", ["IS", "ISIS", "ISIL", "Daesh", "Islamic State", "Islamic State of Iraq and the Levant"])
def test_islamic_state_aliases(actors: ActorDictionary, alias: str) -> None:
    entry = actors.lookup(alias)
    assert entry is not None and entry.code == "ISIS" and "REB" in entry.sectors


def test_role_words_and_plurals(actors: ActorDictionary) -> None:
    assert actors.role("Defense Minister").sectors == ("GOV", "MIL")
    assert actors.role("soldiers").sectors == ("MIL",)
    assert actors.role("policemen").sectors == ("COP",)
    assert actors.role("Duma").code == "RUS"
    assert actors.role("MPs").sectors == ("LEG",)


@pytest.mark.parametrize(
    ("phrase", "label", "role"),
    [
        ("Russian Defense Minister", "RUS GOV MIL", "Defense Minister"),
        ("Russian warplanes", "RUS MIL", None),
        ("Syrian rebel commander", "SYR REB", "rebel commander"),
        ("Hezbollah fighters", "HEZ REB", None),
        ("Moscow", "RUS GOV", None),
        ("a Russian senator", "RUS LEG", "senator"),
        ("the Duma", "RUS LEG", None),
    ],
)
def test_sector_combination(actors: ActorDictionary, phrase: str, label: str, role: str | None) -> None:
    actor = actors.describe(phrase)
    assert actor is not None
    assert actor.label == label
    assert actor.role == role


def test_longest_match_scan(actors: ActorDictionary) -> None:
    hits = actors.scan("Islamic State of Iraq and the Levant fighters")
    assert [(text, e.code or e.kind) for text, e in hits] == [
        ("Islamic State of Iraq and the Levant", "ISIS"),
        ("fighters", "sector"),
    ]


def test_a_role_name_matches_by_its_last_words_lemma() -> None:
    """"peace criteria" is no name (the regular plural indexed is "criterions"), "peace" starts one:
    the window is tried one word past the names it may still grow into, so the lemma finds the role."""
    own = ActorDictionary([ActorEntry(names=("peace criterion",), sectors=("GOV",), kind="sector")])
    words = ["two", "peace", "criteria", "agreed"]
    hit = own.match_at(words, 1, lemmas=["two", "peace", "criterion", "agree"])
    assert hit is not None and (hit.start, hit.end, hit.is_role) == (1, 3, True)
    assert own.match_at(words, 1) is None  # without lemmas, no name


def test_person_on_date(actors: ActorDictionary) -> None:
    shoigu = actors.person("Shoigu", on=dt.date(2016, 3, 1))
    assert shoigu is not None and shoigu.name == "Sergei Shoigu" and shoigu.sectors == ("GOV", "MIL")
    later = actors.person("Shoigu", on=dt.date(2024, 8, 1))
    assert later is not None and later.sectors == ("GOV",)
    assert actors.person("Putin", on=dt.date(2010, 1, 1)).role == "Prime Minister"
    assert actors.person("Putin", on=dt.date(2015, 1, 1)).role == "President"
    assert actors.person("Carter", on=dt.date(2016, 1, 1)).name == "Ash Carter"
    assert actors.person("Carter", on=dt.date(2010, 1, 1)) is None
    assert actors.person("Kerry").role == "Secretary of State"


# -- user file ---------------------------------------------------------------------------


def test_user_file_adds_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "actors:\n"
        "  - names: [Arnor, Arnorian]\n"
        "    code: ARN\n"
        "    kind: country\n"
        "  - names: [Moscow]\n"
        "    code: MSK\n"
        "    kind: capital\n"
        "  - names: [Elessar Telcontar, Elessar]\n"
        "    code: ARN\n"
        "    sectors: [GOV]\n"
        "    kind: person\n"
        "    role: King\n"
        "    start: 2012-05-07\n",
        encoding="utf-8",
    )
    entries = load_actor_file(path)
    assert [e.code for e in entries] == ["ARN", "MSK", "ARN"]
    assert entries[2].start == dt.date(2012, 5, 7)
    merged = ActorDictionary.default(actor_file=path)
    assert merged.lookup("Arnorian").code == "ARN"
    assert merged.lookup("Moscow").code == "MSK"
    assert merged.lookup("Russia").code == "RUS"
    assert merged.person("Elessar", on=dt.date(2013, 1, 1)).role == "King"
    assert merged.person("Elessar", on=dt.date(2011, 1, 1)) is None
    assert merged.describe("Arnorian soldiers").label == "ARN MIL"


def test_user_file_toml(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[actors]]\nnames = ["Gondor", "Gondorian"]\ncode = "GON"\nkind = "country"\n\n'
        '[[actors]]\nnames = ["White Council"]\nsectors = ["LEG"]\nkind = "sector"\ndenotes = "body"\ncode = "GON"\n',
        encoding="utf-8",
    )
    merged = ActorDictionary.default(actor_file=path)
    assert merged.describe("Gondorian").label == "GON"
    assert merged.describe("the White Council").label == "GON LEG"


@pytest.mark.parametrize(
    ("name", "text", "code", "needle"),
    [
        ("bad.yaml", "actors:\n  - names: [Arnor]\n    code: ARN\n    kind: country\n  - code: GON\n", "E302", "entry 1"),
        ("bad.yaml", "actors:\n  - names: [Arnor]\n    code: ARN\n    kind: kingdom\n", "E302", "entry 0"),
        ("bad.yaml", "actors:\n  - names: [Arnor]\n    code: arn\n    kind: country\n", "E302", "'code'"),
        ("bad.yaml", "actors:\n  - names: [Arnor]\n    kind: person\n    code: ARN\n    start: soon\n", "E302", "'start'"),
        ("bad.yaml", "actors:\n  - names: [Arnor]\n    colour: blue\n", "E302", "colour"),
        ("bad.yaml", "actors: [unclosed\n", "E301", "not valid"),
        ("bad.yaml", "people: []\n", "E301", "'actors'"),
        ("bad.yaml", "actors: []\nagents:\n  - names: [Warden]\n", "E301", "agents"),
        ("bad.json", "{}", "E301", ".toml"),
    ],
)
def test_malformed_user_file(tmp_path: Path, name: str, text: str, code: str, needle: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_actor_file(path)
    assert info.value.code == code
    assert needle in info.value.message
    assert str(path) in info.value.message
    assert info.value.fix


def test_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        ActorDictionary.default(actor_file=tmp_path / "absent.yaml")
    assert info.value.code == "E301"


# -- mentions in hand-built Docs -----------------------------------------------------------


def test_titled_person(vocab, actors: ActorDictionary) -> None:
    doc = make_doc(
        vocab,
        [
            ("Russian", 2, "amod", "ADJ"),
            ("Defense", 2, "compound", "PROPN"),
            ("Minister", 4, "compound", "PROPN"),
            ("Sergei", 4, "compound", "PROPN"),
            ("Shoigu", 5, "nsubj", "PROPN"),
            ("spoke", 5, "ROOT", "VERB"),
            (".", 5, "punct", "PUNCT"),
        ],
        ents=["B-NORP", "O", "O", "B-PERSON", "I-PERSON", "O", "O"],
    )
    mentions = find_mentions(doc, actors)
    assert len(mentions) == 1
    mention = mentions[0]
    assert (mention.start, mention.end, mention.head, mention.kind) == (0, 5, 4, "person")
    assert mention.actor.label == "RUS GOV MIL"
    assert mention.actor.name == "Sergei Shoigu"
    assert mention.actor.role == "Defense Minister"
    assert mention.actor.span.text == "Russian Defense Minister Sergei Shoigu"


def _relative_clause_doc(vocab) -> Doc:
    # "Ivan Dorokhin, who serves as first deputy chairman of the Federation Council's
    #  defence committee, said the Russian army was ready. Dorokhin added that he was calm."
    rows = [
        ("Ivan", 1, "compound", "PROPN"),  # 0
        ("Dorokhin", 17, "nsubj", "PROPN"),  # 1
        (",", 1, "punct", "PUNCT"),  # 2
        ("who", 4, "nsubj", "PRON"),  # 3
        ("serves", 1, "relcl", "VERB"),  # 4
        ("as", 4, "prep", "ADP"),  # 5
        ("first", 8, "amod", "ADJ"),  # 6
        ("deputy", 8, "compound", "NOUN"),  # 7
        ("chairman", 5, "pobj", "NOUN"),  # 8
        ("of", 8, "prep", "ADP"),  # 9
        ("the", 12, "det", "DET"),  # 10
        ("Federation", 12, "compound", "PROPN"),  # 11
        ("Council", 15, "poss", "PROPN"),  # 12
        ("'s", 12, "case", "PART"),  # 13
        ("defence", 15, "compound", "NOUN"),  # 14
        ("committee", 9, "pobj", "NOUN"),  # 15
        (",", 1, "punct", "PUNCT"),  # 16
        ("said", 17, "ROOT", "VERB"),  # 17
        ("the", 20, "det", "DET"),  # 18
        ("Russian", 20, "amod", "ADJ"),  # 19
        ("army", 21, "nsubj", "NOUN"),  # 20
        ("was", 17, "ccomp", "AUX"),  # 21
        ("ready", 21, "acomp", "ADJ"),  # 22
        (".", 17, "punct", "PUNCT"),  # 23
        ("Dorokhin", 25, "nsubj", "PROPN"),  # 24
        ("added", 25, "ROOT", "VERB"),  # 25
        ("that", 28, "mark", "SCONJ"),  # 26
        ("he", 28, "nsubj", "PRON"),  # 27
        ("was", 25, "ccomp", "AUX"),  # 28
        ("calm", 28, "acomp", "ADJ"),  # 29
        (".", 25, "punct", "PUNCT"),  # 30
    ]
    ents = ["O"] * len(rows)
    ents[0], ents[1] = "B-PERSON", "I-PERSON"
    return make_doc(vocab, rows, ents=ents)


def test_relative_clause_person_surname_and_pronoun(vocab, actors: ActorDictionary) -> None:
    doc = _relative_clause_doc(vocab)
    mentions = find_mentions(doc, actors)
    by_start = {m.start: m for m in mentions}
    person = by_start[0]
    assert person.kind == "person" and person.actor.name == "Ivan Dorokhin"
    assert person.actor.label == "RUS LEG"
    assert person.actor.role == "first deputy chairman"
    assert by_start[11].actor.label == "RUS LEG"  # the Federation Council itself
    assert by_start[19].actor.label == "RUS MIL"  # the Russian army
    later = by_start[24]
    assert later.kind == "person" and later.actor.name == "Ivan Dorokhin" and later.actor.label == "RUS LEG"
    pronoun = by_start[27]
    assert pronoun.kind == "pronoun" and pronoun.actor.name == "Ivan Dorokhin" and pronoun.head == 27
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))


def test_conjoined_countries_and_mentions_for(vocab, actors: ActorDictionary) -> None:
    # "Russia, Iran, Iraq and Syria signed."
    rows = [
        ("Russia", 8, "nsubj", "PROPN"),
        (",", 0, "punct", "PUNCT"),
        ("Iran", 0, "conj", "PROPN"),
        (",", 2, "punct", "PUNCT"),
        ("Iraq", 2, "conj", "PROPN"),
        ("and", 4, "cc", "CCONJ"),
        ("Syria", 4, "conj", "PROPN"),
        ("quickly", 8, "advmod", "ADV"),
        ("signed", 8, "ROOT", "VERB"),
    ]
    doc = make_doc(vocab, rows)
    assert [c[2] for c in coded(doc, actors)] == ["RUS", "IRN", "IRQ", "SYR"]
    assert [m.actor.code for m in mentions_for(doc, doc[0])] == ["RUS", "IRN", "IRQ", "SYR"]
    assert mentions_for(doc, doc[8]) == []


def test_conjoined_demonyms_share_the_role(vocab, actors: ActorDictionary) -> None:
    # "Senior Hungarian and Romanian officials agreed."
    rows = [
        ("Senior", 4, "amod", "ADJ"),
        ("Hungarian", 4, "amod", "ADJ"),
        ("and", 1, "cc", "CCONJ"),
        ("Romanian", 1, "conj", "ADJ"),
        ("officials", 5, "nsubj", "NOUN"),
        ("agreed", 5, "ROOT", "VERB"),
    ]
    doc = make_doc(vocab, rows)
    assert [c[2] for c in coded(doc, actors)] == ["HUN GOV", "ROU GOV"]
    assert [m.actor.label for m in mentions_for(doc, doc[4])] == ["HUN GOV", "ROU GOV"]


def test_possessive_and_of_phrase(vocab, actors: ActorDictionary) -> None:
    # "Russia's army and the army of Syria advanced."
    rows = [
        ("Russia", 2, "poss", "PROPN"),
        ("'s", 0, "case", "PART"),
        ("army", 8, "nsubj", "NOUN"),
        ("and", 2, "cc", "CCONJ"),
        ("the", 5, "det", "DET"),
        ("army", 2, "conj", "NOUN"),
        ("of", 5, "prep", "ADP"),
        ("Syria", 6, "pobj", "PROPN"),
        ("advanced", 8, "ROOT", "VERB"),
    ]
    doc = make_doc(vocab, rows)
    coded(doc, actors, context_country=False)
    assert [m.actor.label for m in mentions_for(doc, doc[2])] == ["RUS MIL", "SYR MIL"]
    assert [m.actor.label for m in mentions_for(doc, doc[5])] == ["RUS MIL", "SYR MIL"]
    assert [m.actor.label for m in mentions_for(doc, doc[7])] == ["SYR"]


def test_mentions_for_combines_at_query_time(vocab, actors: ActorDictionary) -> None:
    # "Troops from Iran arrived." with a hand-set mention list lacking the country.
    rows = [
        ("Troops", 3, "nsubj", "NOUN"),
        ("from", 0, "prep", "ADP"),
        ("Iran", 1, "pobj", "PROPN"),
        ("arrived", 3, "ROOT", "VERB"),
    ]
    doc = make_doc(vocab, rows)
    coded(doc, actors, context_country=False)
    troops = [m for m in doc._.dyads_mentions if m.start == 0][0]
    assert troops.actor.label == "IRN MIL"  # linked by the stage already
    doc._.dyads_mentions = [
        m if m.start != 0 else m.model_copy(update={"actor": m.actor.model_copy(update={"code": None})})
        for m in doc._.dyads_mentions
    ]
    assert [m.actor.label for m in mentions_for(doc, doc[0])] == ["IRN MIL"]


def test_backed_rebels_take_context_country(vocab, actors: ActorDictionary) -> None:
    # "U.S.-backed rebels fought in Syria."
    rows = [
        ("U.S.-backed", 1, "amod", "ADJ"),
        ("rebels", 2, "nsubj", "NOUN"),
        ("fought", 2, "ROOT", "VERB"),
        ("in", 2, "prep", "ADP"),
        ("Syria", 3, "pobj", "PROPN"),
    ]
    doc = make_doc(vocab, rows)
    mentions = find_mentions(doc, actors)
    rebels = mentions[0]
    assert rebels.actor.label == "SYR REB" and rebels.actor.supported_by == ["USA"]
    alone = find_mentions(doc, actors, context_country=False)[0]
    assert alone.actor.code is None and alone.actor.sectors == ["REB"] and alone.actor.supported_by == ["USA"]


def test_definite_body_and_it(vocab, actors: ActorDictionary) -> None:
    # "The Russian Defense Ministry said it struck. The ministry denied ."
    rows = [
        ("The", 3, "det", "DET"),
        ("Russian", 3, "amod", "ADJ"),
        ("Defense", 3, "compound", "PROPN"),
        ("Ministry", 4, "nsubj", "PROPN"),
        ("said", 4, "ROOT", "VERB"),
        ("it", 6, "nsubj", "PRON"),
        ("struck", 4, "ccomp", "VERB"),
        (".", 4, "punct", "PUNCT"),
        ("The", 9, "det", "DET"),
        ("ministry", 10, "nsubj", "NOUN"),
        ("denied", 10, "ROOT", "VERB"),
        (".", 10, "punct", "PUNCT"),
    ]
    doc = make_doc(vocab, rows)
    got = coded(doc, actors, context_country=False)
    assert got == [
        ("Russian Defense Ministry", "country", "RUS GOV MIL"),
        ("it", "pronoun", "RUS GOV MIL"),
        ("ministry", "pronoun", "RUS GOV MIL"),
    ]


def test_group_aliases_in_text(vocab, actors: ActorDictionary) -> None:
    # "ISIL and Daesh fighters fled while it rained ." -> both ISIS; "is" is never coded.
    rows = [
        ("ISIL", 3, "nmod", "PROPN"),
        ("and", 0, "cc", "CCONJ"),
        ("Daesh", 0, "conj", "PROPN"),
        ("fighters", 4, "nsubj", "NOUN"),
        ("fled", 4, "ROOT", "VERB"),
        ("as", 6, "mark", "SCONJ"),
        ("it", 7, "nsubj", "PRON"),
        ("is", 4, "advcl", "AUX"),
        ("late", 7, "acomp", "ADJ"),
    ]
    doc = make_doc(vocab, rows)
    got = coded(doc, actors)
    assert [label for _, _, label in got] == ["ISIS REB", "ISIS REB"]
    assert all(m.actor.name == "Islamic State" for m in doc._.dyads_mentions)


def test_people_resolve_for_the_article_date(vocab, actors: ActorDictionary) -> None:
    rows = [("Carter", 1, "nsubj", "PROPN"), ("spoke", 1, "ROOT", "VERB")]
    doc = make_doc(vocab, rows, ents=["B-PERSON", "O"])
    dated = find_mentions(doc, actors, on=dt.date(2016, 2, 1))
    assert dated[0].actor.label == "USA GOV MIL" and dated[0].actor.name == "Ash Carter"
    assert find_mentions(doc, actors, on=dt.date(1990, 1, 1))[0].actor.code is None


def test_stage_reads_article_date(vocab) -> None:
    from dyads.stages.actors import ActorStage

    doc = make_doc(vocab, [("Putin", 1, "nsubj", "PROPN"), ("spoke", 1, "ROOT", "VERB")], ents=["B-PERSON", "O"])
    doc._.dyads_article = Article.create(text=doc.text, published=dt.date(2010, 6, 1))
    ActorStage()(doc)
    assert doc._.dyads_mentions[0].actor.role == "Prime Minister"


def test_domestic_body_takes_the_country_of_its_clause_subject(vocab, actors: ActorDictionary) -> None:
    # "Turkish officials spoke. Iraqi Prime Minister asked parliament. Iraqi jets killed civilians."
    rows = [
        ("Turkish", 1, "amod", "ADJ"),
        ("officials", 2, "nsubj", "NOUN"),
        ("spoke", 2, "ROOT", "VERB"),
        (".", 2, "punct", "PUNCT"),
        ("Iraqi", 6, "amod", "ADJ"),
        ("Prime", 6, "compound", "PROPN"),
        ("Minister", 7, "nsubj", "PROPN"),
        ("asked", 7, "ROOT", "VERB"),
        ("parliament", 7, "dobj", "NOUN"),
        (".", 7, "punct", "PUNCT"),
        ("Iraqi", 11, "amod", "ADJ"),
        ("jets", 12, "nsubj", "NOUN"),
        ("killed", 12, "ROOT", "VERB"),
        ("civilians", 12, "dobj", "NOUN"),
        (".", 12, "punct", "PUNCT"),
    ]
    got = {text: label for text, _, label in coded(make_doc(vocab, rows), actors, context_country=False)}
    assert got["Turkish officials"] == "TUR GOV"
    # the Iraqi leader's parliament is Iraq's, without any article context
    assert got["parliament"] == "IRQ LEG"
    # an army's victims are not its own people: the subject rule does not code them
    assert got["civilians"] == "--- CVL"
