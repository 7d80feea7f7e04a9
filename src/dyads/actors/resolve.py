"""Find and code actor mentions in a parsed spaCy Doc.

Steps (docs/actors.md explains them with examples):

1. *Hits*: longest dictionary matches per sentence (countries, demonyms, capitals,
   groups, IGOs, people, role words), "X-backed"/"pro-X" backers, PERSON entities.
2. *Phrases*: every hit is attached to the head of its noun phrase by climbing
   compound/amod/nmod links; the hits of one phrase are combined into one actor
   (:mod:`dyads.actors.combine`). Conjoined country modifiers ("Hungarian and Romanian
   officials") give one mention each.
3. *Links*: a role phrase without a country takes it from a possessive or an
   of/for/from phrase ("Russia's army", "the army of Syria"); a person takes role,
   country and sectors from an appositive or a "who serves as ..." clause.
4. *Coreference and context*: later surnames and he/she/it, and definite role phrases
   ("the ministry"), copy the most recent matching actor; role phrases that still lack a
   country take the article's most frequent country.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span as SpacySpan, Token

from dyads.coder.arguments import prep_objects
from dyads.coder.dateline import dateline_end, record_datelines
from dyads.stages.extensions import doc_text
from dyads.records import Actor, Mention, MentionKind, Span

from .combine import Part, combine, mention_kind
from .dictionary import ActorDictionary, ActorEntry, titled
from .names import demonym_plural, normalise, normalise_word, sort_sectors

MOD_DEPS = frozenset({"compound", "amod", "nmod", "flat", "nummod", "npadvmod", "quantmod"})
_REGION_DEPS = MOD_DEPS | {"cc", "conj", "punct", "advmod", "hmod", "hyph"}
_LEADING_JUNK = frozenset({"det", "predet", "punct", "cc", "case", "poss", "prep"})
_BACKED = frozenset({"backed", "supported", "sponsored", "funded", "armed", "trained", "allied", "aligned", "financed"})
#: "the Israeli-occupied West Bank", "Kurdish-held Kirkuk": who holds a place, not what it is
_CONTROLLED = frozenset({"occupied", "held", "controlled", "run", "administered", "annexed"})
_HYPHENED = re.compile(r"^(?P<pre>.+?)-(?P<suf>[a-z]+)$", re.IGNORECASE)
_PRO = re.compile(r"^pro-(?P<rest>.+)$", re.IGNORECASE)
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "gen", "col", "sen", "rep"})
_PERSONAL = frozenset({"he", "she", "him", "her", "his", "himself", "herself", "hers"})
_NEUTER = frozenset({"it", "its", "itself"})
_POSSESSIVES = frozenset({"its", "his", "her", "their"})
_EXPLETIVE_HEADS = frozenset({"be", "seem", "appear", "remain", "take", "rain", "look"})
_AGENT_ADJECTIVES = frozenset({
    "willing", "unwilling", "ready", "prepared", "determined", "eager", "keen", "reluctant",
    "committed", "able", "unable", "open", "opposed", "resolved",
})  # fmt: skip
_ROLE_VERBS = frozenset({"serve", "be", "work", "act", "become", "remain"})
_FORMS = {
    "is": "be", "was": "be", "are": "be", "were": "be", "'s": "be", "been": "be",
    "serves": "serve", "served": "serve", "serving": "serve",
    "works": "work", "worked": "work", "working": "work",
    "acts": "act", "acted": "act", "acting": "act",
    "becomes": "become", "became": "become",
    "remains": "remain", "remained": "remain",
    "seems": "seem", "seemed": "seem",
}  # fmt: skip
_LINK_PREPS = frozenset({"of", "for", "from"})
# "deputy chairman on the Federation Council Committee", "a member in the Duma": only a body
# links through these ("the UN envoy on Syria" is not Syrian)
_BODY_PREPS = frozenset({"on", "in", "at"})
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_ARTICLES = frozenset({"the", "a", "an", "this", "that", "these", "those"})
#: quantifying determiners a coder marks with the phrase: "both ministers", "several suspects"
_QUANTIFIERS = frozenset({"both", "all", "some", "several", "many", "another", "each", "every", "most", "any"})
#: adjectives that count or pick out the members of a plural actor, marked with it
_ADJ_QUANTIFIERS = frozenset({"various", "other", "several", "many", "numerous", "multiple"})
#: nouns that count the people of an "of" phrase, marked with it: "dozens of Islamic State fighters"
_COUNT_NOUNS = frozenset({"dozens", "hundreds", "thousands", "tens", "scores", "millions", "dozen", "hundred", "thousand"})
# "President Erdogan of Turkey", "a court in Bishkek", "the ambassador to the United Kingdom"
_PLACE_LINK_PREPS = frozenset({"of", "for", "from", "in", "to"})
_PLACE_ENTS = frozenset({"GPE", "NORP", "ORG", "LOC", "FAC"})
_MAX_SPAN_TOKENS = 16
_LOCATIVE = frozenset({"in", "inside", "across", "throughout", "within"})
_MOBILE_SECTORS = frozenset({"MIL", "SPY"})
_DOMESTIC_SECTORS = frozenset({"LEG", "JUD", "OPP", "PTY"})
"""Bodies that only act at home: "Iraq's prime minister asked parliament" means Iraq's parliament."""
_BODY_KINDS = frozenset({"country", "capital", "group", "igo"})
#: subject pronouns whose span shows their antecedent in the same sentence, as coders mark it
_ANTECEDENT_SHOWN = frozenset({"it", "itself", "he", "she", "they", "its", "his", "her", "their"})
_OWN_STATE_WORDS = frozenset({"country", "nation", "homeland", "state"})


@dataclass
class _Hit:
    start: int
    end: int
    entries: tuple[ActorEntry, ...]
    is_role: bool
    backer: bool = False
    controller: bool = False

    @property
    def entry(self) -> ActorEntry:
        return self.entries[0]


@dataclass
class _Phrase:
    head: int
    hits: list[_Hit] = field(default_factory=list)
    person: tuple[int, int] | None = None
    start: int = 0
    end: int = 0
    code: str | None = None
    sectors: list[str] = field(default_factory=list)
    name: str | None = None
    role: str | None = None
    supported_by: list[str] = field(default_factory=list)
    kind: MentionKind = "other"
    role_entry: ActorEntry | None = None
    mention_head: int = 0
    people: bool = False
    antecedent: "_Phrase | None" = None

    def codable(self) -> bool:
        return bool(self.code or self.sectors or self.name or self.supported_by)

    def actor(self, doc: Doc) -> Actor:
        start, end = phrase_bounds(doc, self)
        return Actor(
            code=self.code,
            sectors=list(self.sectors),
            name=self.name,
            role=self.role,
            supported_by=list(self.supported_by),
            span=char_span(doc, start, end),
        )

    def copy_from(self, other: "_Phrase") -> None:
        self.code = other.code
        self.sectors = list(other.sectors)
        self.name = other.name
        self.role = other.role
        self.supported_by = list(other.supported_by)


def phrase_bounds(doc: Doc, phrase: "_Phrase") -> tuple[int, int]:
    """Token range of the whole noun phrase an actor was coded from, as a coder marks it.

    The mention itself keeps the actor words (``Mention.start``/``end``); its ``Actor.span``
    also takes in the words that belong to the same noun phrase: a leading article ("the
    German government"), a possessor ("Russia's Supreme Court"), a bracketed acronym
    ("the Foreign Office (FO)"), the name in an appositive after a role ("the Palestinian
    president, Mahmoud Abbas") and an of/for/from/in/to phrase naming a place or body
    ("President Erdogan of Turkey", "a court in Bishkek"); a pronoun (*it, he, she, they, its,
    his, her, their*) with an antecedent earlier in its sentence shows the antecedent's span
    ("Putin said his country ...": Putin). At most :data:`_MAX_SPAN_TOKENS` tokens.
    """
    start, end = phrase.start, phrase.end
    source = phrase.antecedent
    if phrase.kind == "pronoun" and source is not None and _shows_antecedent(doc[start]) and source.end <= start:
        if _sentence_of(doc, source.start) == _sentence_of(doc, start):
            return phrase_bounds(doc, source)  # "the Syrian regime said it would ...": the name, as coders mark it
    if phrase.kind == "pronoun" or not 0 <= phrase.head < len(doc) or not start < end:
        return start, end
    head = doc[phrase.head]
    if not start <= head.i < end:
        return start, end
    for child in head.lefts:
        if child.dep_ == "poss" and child.i < start and child.lower_ not in _POSSESSIVES:
            start = min(start, child.left_edge.i)
    while start > 0 and doc[start - 1].head.i in range(start, end) and (
        (doc[start - 1].lower_ in _ARTICLES | _QUANTIFIERS and doc[start - 1].dep_ in ("det", "predet"))
        or (doc[start - 1].lower_ in _ADJ_QUANTIFIERS and doc[start - 1].dep_ == "amod")  # "various African countries"
    ):
        start -= 1
    if doc[start].dep_ == "nummod":
        # "some 163 Chinese peacekeepers", "around 3,000 fighters": the number's own modifiers
        start = min([start] + [c.left_edge.i for c in doc[start].lefts if c.dep_ in ("quantmod", "advmod")])
    of = head.head
    if head.dep_ == "pobj" and of.lower_ == "of" and of.i == start - 1 and of.head.i == start - 2:
        count = of.head
        if count.lower_ in _COUNT_NOUNS or (count.pos_ == "NUM" and count.dep_ not in ("nummod", "compound")):
            start = count.left_edge.i  # "dozens of Islamic State fighters", "at least 20 of the soldiers"
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" and _is_acronym(doc[end + 1].text):
        end += 3
    has_role = phrase.kind in ("sector", "person") or any(h.is_role for h in phrase.hits)
    if has_role and phrase.kind != "person" and end < len(doc):
        for child in head.rights:
            named = child.dep_ == "appos" and child.ent_type_ == "PERSON"
            if named and (child.left_edge.i == end or (child.left_edge.i == end + 1 and doc[end].text == ",")):
                end = child.right_edge.i + 1
                break
    for child in head.rights:
        if child.dep_ == "prep" and child.i == end and child.lower_ in _PLACE_LINK_PREPS:
            if child.lower_ == "in" and _names_a_person(phrase):
                break  # "the Chinese ambassador in Berlin": where a person is, not who; coders leave it out
            objects = [o for o in child.children if o.dep_ == "pobj"]
            named = objects and (objects[0].ent_type_ in _PLACE_ENTS or (has_role and objects[0].pos_ == "PROPN"))
            if named and (has_role or child.lower_ != "of"):
                end = child.right_edge.i + 1  # "Government of Guatemala" though the parser missed the place
            break
    while end > start + 1 and doc[end - 1].is_punct and doc[end - 1].text not in (")",):
        end -= 1
    if end - start > _MAX_SPAN_TOKENS:
        end = phrase.end  # a long appositive or place phrase: keep the actor words' end
    return start, end


def _names_a_person(phrase: _Phrase) -> bool:
    """True for a phrase about one person: a person's name or a role word that denotes a person
    (*ambassador*, *president*); not a body (*the U.S. Embassy*, *a court*)."""
    if phrase.kind == "person" or phrase.person is not None:
        return True
    return any(h.is_role and h.entry.denotes == "person" for h in phrase.hits) and not any(
        h.is_role and h.entry.denotes in ("body", "group") for h in phrase.hits
    )


def _shows_antecedent(token: Token) -> bool:
    """A pronoun coders mark by its antecedent; not the owner in "his country" / "their
    homeland", which names the country itself (the places stage reads that phrase)."""
    if token.lower_ not in _ANTECEDENT_SHOWN:
        return False
    return not (token.lower_ in _POSSESSIVES | {"her"} and token.dep_ == "poss" and token.head.lemma_.lower() in _OWN_STATE_WORDS)


def _is_acronym(text: str) -> bool:
    letters = text.replace(".", "").replace("-", "")
    return 1 < len(letters) <= 8 and letters.isalpha() and letters.isupper()


def char_span(doc: Doc, start: int, end: int) -> Span:
    """Character span of tokens ``[start, end)``."""
    first, last = doc[start], doc[end - 1]
    begin, finish = first.idx, last.idx + len(last.text)
    return Span(start=begin, end=finish, text=doc_text(doc)[begin:finish])


def find_mentions(
    doc: Doc,
    dictionary: ActorDictionary,
    *,
    on: dt.date | None = None,
    context_country: bool = True,
) -> list[Mention]:
    """All actor mentions of ``doc``: non-overlapping, sorted by position.

    ``on`` is the article date used to choose office holders; ``context_country``
    lets role phrases without a country take the article's most frequent country.
    """
    if len(doc) == 0:
        return []
    hits = [hit for hit in _find_hits(doc, dictionary, on=on) if not _opens_a_place_name(doc, hit)]
    people, hits = _person_spans(doc, hits)
    phrases = _build_phrases(doc, hits, people, dictionary, on=on)
    by_token = _index_phrases(phrases)
    for phrase in phrases:
        _link_role_phrase(doc, phrase, by_token)
        if phrase.people:
            _place_people(doc, phrase, by_token)
    for phrase in phrases:
        _ethnic_residence(doc, phrase, phrases)
    for phrase in phrases:  # again, for a link to a phrase that got its own code from a later link
        _link_role_phrase(doc, phrase, by_token)  # ("leaders of Romania's new government")
    for phrase in phrases:
        if phrase.kind == "person":
            _link_person(doc, phrase, by_token)
    context = _context_countries(doc, hits) if context_country else {}
    extra = _coreference(doc, phrases, by_token, context)
    filed = _datelines(doc, dictionary)
    chosen = [p for p in [*phrases, *extra] if p.codable() and not any(a <= p.start and p.end <= b for a, b in filed)]
    for phrase in chosen:  # "MONROE - Federal and state officials": the parse hung the dateline on the phrase
        phrase.start = next((b for a, b in filed if a <= phrase.start < b < phrase.end), phrase.start)
    chosen.sort(key=lambda p: (p.start, -(p.end - p.start)))
    mentions: list[Mention] = []
    last_end = -1
    for phrase in chosen:
        if phrase.start < last_end:
            continue
        mentions.append(
            Mention(
                start=phrase.start,
                end=phrase.end,
                head=phrase.mention_head,
                kind=phrase.kind,
                actor=phrase.actor(doc),
            )
        )
        last_end = phrase.end
    return _without_absorbed(mentions)


def _datelines(doc: Doc, dictionary: ActorDictionary) -> list[tuple[int, int]]:
    """Token ranges of the datelines that open sentences ("MOSCOW, June 3 (Reuters) -"): where
    the story was filed, so no actor of it. Recorded on the Doc for the later stages."""

    def is_country(name: str) -> bool:
        entry = dictionary.lookup(name)
        return entry is not None and entry.kind == "country"

    found = {}
    for sentence in doc.sents:
        end = dateline_end(sentence, is_country=is_country)
        if end is not None:
            found[sentence.start] = end
    record_datelines(doc, found)
    return list(found.items())


def _without_absorbed(mentions: list[Mention]) -> list[Mention]:
    """Drop a country named only as the possessor of a role phrase that took its code
    ("Nicaragua's Sandinista government" is one actor, NIC GOV, not also NIC)."""
    out: list[Mention] = []
    for mention in mentions:
        span = mention.actor.span
        absorbed = mention.kind in ("country", "capital") and span is not None and any(
            other is not mention
            and other.kind == "sector"
            and other.start > mention.start
            and other.actor.code == mention.actor.code
            and other.actor.span is not None
            and other.actor.span.start <= span.start
            and span.end <= other.actor.span.end
            for other in mentions
        )
        if not absorbed:
            out.append(mention)
    return out


# -- 1. hits ---------------------------------------------------------------------------


def _sentences(doc: Doc) -> Iterable[tuple[int, int]]:
    if doc.has_annotation("DEP") or doc.has_annotation("SENT_START"):
        return [(s.start, s.end) for s in doc.sents]
    return [(0, len(doc))]


def _actor_lookup(dictionary: ActorDictionary, text: str, on: dt.date | None) -> ActorEntry | None:
    entry = dictionary.lookup(text, on=on)
    if entry is None or entry.kind in ("sector", "person"):
        return None
    return entry


def _find_hits(doc: Doc, dictionary: ActorDictionary, *, on: dt.date | None) -> list[_Hit]:
    tokens = list(doc)  # one Token object per word, not one per doc[i]
    words = [t.text for t in tokens]
    lemmas = [t.lemma_ for t in tokens]
    keys = [normalise_word(w) for w in words]
    hits: list[_Hit] = []
    for s_start, s_end in _sentences(doc):
        i = s_start
        while i < s_end:
            compound = _hyphen_hit(tokens[i], dictionary, on) if "-" in words[i] else None  # both forms have a hyphen
            if compound is not None:
                hits.append(compound)
                i += 1
                continue
            if not keys[i] or not (keys[i][0].isalnum()):
                i += 1
                continue
            match = dictionary.match_at(words, i, lemmas=lemmas, stop=s_end, on=on, keys=keys)
            if match is None:
                i += 1
                continue
            if match.is_role and all(doc[j].pos_ == "VERB" for j in range(match.start, match.end)):
                i += 1  # "jailed for spying", "policing the border": a role word used as a verb
                continue
            hit = _Hit(match.start, match.end, match.entries, match.is_role)
            if _opposed(doc, hit.start):
                i = hit.end  # "an anti-Syria journalist", "anti-government protesters": a stance, not who they are
                continue
            if not hit.is_role:
                _mark_backer(doc, hit, s_start, s_end)
                _mark_controller(doc, hit, s_end)
            hits.append(hit)
            i = hit.end
    return hits


def _hyphen_hit(token: Token, dictionary: ActorDictionary, on: dt.date | None) -> _Hit | None:
    """One token such as "U.S.-backed", "Saudi-led" or "pro-Russian"."""
    text = token.text
    pro = _PRO.match(text)
    if pro:
        entry = _actor_lookup(dictionary, pro.group("rest"), on)
        if entry is not None:
            return _Hit(token.i, token.i + 1, (entry,), is_role=False, backer=True)
        return None
    hyph = _HYPHENED.match(text)
    if not hyph:
        return None
    suffix = hyph.group("suf").lower()
    if suffix not in _BACKED and suffix != "led":
        return None
    entry = _actor_lookup(dictionary, hyph.group("pre"), on)
    if entry is None:
        return None
    return _Hit(token.i, token.i + 1, (entry,), is_role=False, backer=suffix in _BACKED)


def _mark_controller(doc: Doc, hit: _Hit, s_end: int) -> None:
    """"Israeli - occupied", "Kurdish-held" split over tokens: the hit names who holds the place."""
    end = hit.end
    if hit.backer or end >= s_end:
        return
    nxt = doc[end].lower_
    split = nxt in ("-", "\u2010", "\u2013") and end + 1 < s_end and doc[end + 1].lower_ in _CONTROLLED
    hit.controller = split or (nxt.startswith("-") and nxt[1:] in _CONTROLLED)


def _opposed(doc: Doc, start: int) -> bool:
    """Whether the name at ``start`` follows "anti-" ("anti - Syria", "anti-Syria" split either way)."""
    if start >= 2 and doc[start - 1].text in ("-", "\u2010", "\u2013") and doc[start - 2].lower_ == "anti":
        return True
    return start >= 1 and doc[start - 1].lower_ in ("anti-", "anti\u2010")


def _mark_backer(doc: Doc, hit: _Hit, s_start: int, s_end: int) -> None:
    """"U.S. - backed", "Iran -backed" split over tokens, and "pro - Russian"."""
    end = hit.end
    if end < s_end:
        nxt = doc[end].lower_
        if nxt in ("-", "\u2010", "\u2013") and end + 1 < s_end and doc[end + 1].lower_ in _BACKED:
            hit.backer, hit.end = True, end + 2
        elif nxt.startswith("-") and nxt[1:] in _BACKED:
            hit.backer, hit.end = True, end + 1
    start = hit.start
    if start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ == "pro":
        hit.backer, hit.start = True, start - 2
    elif start >= 1 and doc[start - 1].lower_ == "pro-":
        hit.backer, hit.start = True, start - 1


#: capitalised nouns that end the name of a building or a place named after a person
NAMED_PLACE_NOUNS = frozenset({
    "mosque", "church", "cathedral", "shrine", "mausoleum", "hospital", "university", "college", "school",
    "academy", "airport", "stadium", "bridge", "dam", "street", "avenue", "road", "highway", "square", "park",
    "suburb", "camp", "district", "quarter", "neighborhood", "neighbourhood", "village", "town", "city",
    "hill", "mountain", "port", "station", "base", "barracks", "housing", "complex", "center", "centre",
})  # fmt: skip


def _opens_a_place_name(doc: Doc, hit: _Hit) -> bool:
    """A listed person's name that begins the name of a building or a place ("struck the Nabi Saleh
    Mosque", "the Al-Assad Suburb", "King Fahd Street"): no mention of that person."""
    if hit.is_role or hit.entry.kind != "person":
        return False
    last = doc[hit.end - 1]
    head = last.head
    return last.dep_ == "compound" and head.i > last.i and head.text[:1].isupper() and head.lower_ in NAMED_PLACE_NOUNS


def _person_spans(doc: Doc, hits: list[_Hit]) -> tuple[list[tuple[int, int]], list[_Hit]]:
    """Trimmed PERSON entities, and the hits that survive them.

    A person entity that a longer or equal non-person hit covers is dropped ("Levant"
    inside "Islamic State of Iraq and the Levant"); a non-person hit strictly inside a
    longer person entity is dropped ("Jordan" in "Michael Jordan").
    """
    covered: dict[int, _Hit] = {}
    for hit in hits:
        for i in range(hit.start, hit.end):
            covered[i] = hit
    spans: list[tuple[int, int]] = []
    dropped: set[int] = set()
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        start, end = _trim_person(doc, ent, covered)
        if start >= end:
            continue
        last = covered.get(end - 1)
        if last is not None and last.is_role and last.entry.denotes in ("group", "body"):
            continue  # "Tu-22M3 bombers": a named weapon type, not a person
        inside = {id(covered[i]): covered[i] for i in range(start, end) if i in covered}
        conflict = False
        for hit in inside.values():
            if hit.entry.kind == "person":
                if _other_given_name(doc, start, hit.start, hit.entry):
                    dropped.add(id(hit))  # "Desmond Mbeki" is not Thabo Mbeki
                elif hit.start >= start:
                    end = max(end, hit.end)  # "Moon Jae-in", whose entity stops at the hyphen: the listed name
                continue
            if hit.start < start or hit.end > end or (hit.start == start and hit.end == end):
                conflict = True
            else:
                dropped.add(id(hit))
        if conflict:
            continue
        spans.append((start, end))
    spans.extend(_titled_names(doc, hits, covered, spans))
    return spans, [h for h in hits if id(h) not in dropped]


def _reads_as_title(title: SpacySpan) -> bool:
    """A capitalised singular role word outside any entity: "Vice-President", "Defense Minister"
    (not "Students" of "Students Islamic Movement", nor "General" of the company "General Motors")."""
    words = [t for t in title if not t.is_punct]
    return bool(words) and all(t.text[:1].isupper() and t.tag_ not in ("NNS", "NNPS") and not t.ent_type_ for t in words)


#: entity types of a capitalised word after a title that names no person ("President Obama's Washington")
_NOT_NAMES = frozenset({"GPE", "NORP", "LOC", "DATE", "TIME", "CARDINAL", "ORDINAL", "FAC", "EVENT"})


def _titled_names(doc: Doc, hits: list[_Hit], covered: dict[int, _Hit], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Names the entity recogniser missed or called an organisation, read off the title before
    them: "Vice-President Moody Awori" (tagged ORG) is a person. The words after a role word that
    names one person ("President", "Defense Minister") are capitalised proper nouns, up to
    four, covered by no dictionary hit or person entity, and the title and every name word but
    the last hang on the last one (one name, the phrase's head)."""
    taken = {i for start, end in spans for i in range(start, end)}
    found: list[tuple[int, int]] = []
    for hit in hits:
        title = doc[hit.start : hit.end]
        if not (hit.is_role and hit.entry.denotes == "person") or not _reads_as_title(title):
            continue
        end = hit.end
        while (
            end < len(doc)
            and end - hit.end < 4
            and doc[end].pos_ == "PROPN"
            and doc[end].text[:1].isupper()
            and end not in covered
            and end not in taken
            and doc[end].ent_type_ not in _NOT_NAMES
        ):
            end += 1
        if end == hit.end:
            continue
        words = range(hit.start, end)
        if all(doc[i].head.i in words for i in words if i != end - 1):  # one phrase, the last name word its head
            found.append((hit.end, end))
            taken.update(range(hit.end, end))
    return found


def _other_given_name(doc: Doc, start: int, surname: int, entry: ActorEntry) -> bool:
    """A listed short name (``doc[surname]``, "Mbeki") after a given name (``doc[start]``) that
    none of the listed person's names starts with: another person of the same family name."""
    if surname <= start:
        return False
    given = normalise_word(doc[start].text)
    return bool(given) and all(normalise_word(name.split()[0]) != given for name in entry.names if " " in name)


def _trim_person(doc: Doc, ent: SpacySpan, covered: dict[int, _Hit]) -> tuple[int, int]:
    start, end = ent.start, ent.end
    while start < end:
        token = doc[start]
        hit = covered.get(start)
        leading_hit = hit is not None and hit.entry.kind != "person" and hit.end <= end and (hit.is_role or hit.end < end)
        if leading_hit or token.lower_.rstrip(".") in _TITLES or not token.text[:1].isupper() or token.is_punct:
            start += 1
            continue
        break
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].text in ("'s", "'", "\u2019s") or doc[end - 1].is_punct):
        end -= 1
    return start, end


# -- 2. phrases ------------------------------------------------------------------------


def _root(doc: Doc, start: int, end: int) -> int:
    """The token of ``[start, end)`` whose head lies outside it (the last such)."""
    root = end - 1
    for i in range(start, end):
        head = doc[i].head.i
        if head < start or head >= end or head == i:
            root = i
    return root


def np_head(token: Token) -> Token:
    """Climb from a modifier to the head of its noun phrase (compound, amod, nmod ...)."""
    current = token
    for _ in range(len(token.doc)):
        head = current.head
        if head.i == current.i:
            break
        if current.dep_ in MOD_DEPS and head.i > current.i:
            current = head
            continue
        if current.dep_ == "conj" and head.dep_ in MOD_DEPS and head.head.i > current.i:
            current = head
            continue
        break
    return current


def _region_start(head: Token) -> int:
    start = head.i
    for child in head.lefts:
        if child.dep_ in _REGION_DEPS:
            start = min(start, child.left_edge.i)
    doc = head.doc
    while start < head.i and (doc[start].dep_ in _LEADING_JUNK or doc[start].pos_ == "DET" or doc[start].is_punct):
        start += 1
    return start


def _build_phrases(
    doc: Doc,
    hits: list[_Hit],
    people: list[tuple[int, int]],
    dictionary: ActorDictionary,
    *,
    on: dt.date | None,
) -> list[_Phrase]:
    groups: dict[int, _Phrase] = {}
    for hit in hits:
        head = np_head(doc[_root(doc, hit.start, hit.end)]).i
        groups.setdefault(head, _Phrase(head=head)).hits.append(hit)
    for start, end in people:
        head = np_head(doc[_root(doc, start, end)]).i
        groups.setdefault(head, _Phrase(head=head)).person = (start, end)
    phrases: list[_Phrase] = []
    for head in sorted(groups):
        phrases.extend(_resolve_group(doc, groups[head], dictionary, on=on))
    return phrases


def _conj_split(doc: Doc, phrase: _Phrase) -> list[list[_Hit]]:
    """Country modifiers joined by and/or/commas: one list of hits per conjunct."""
    actors = [h for h in phrase.hits if not h.is_role and not h.backer and h.entry.kind != "person"]
    if len(actors) < 2:
        return []
    if any(h.start <= phrase.head < h.end for h in actors):
        return []
    for left, right in zip(actors, actors[1:]):
        between = [doc[i] for i in range(left.end, right.start)]
        if not between or not all(t.dep_ in ("cc", "punct") or t.is_punct for t in between):
            return []
    return [[h] for h in actors]


def _resolve_group(doc: Doc, phrase: _Phrase, dictionary: ActorDictionary, *, on: dt.date | None) -> list[_Phrase]:
    phrase.hits.sort(key=lambda h: h.start)
    head = phrase.head
    split = _conj_split(doc, phrase)
    if split:
        shared = [h for h in phrase.hits if h.is_role or h.backer]
        out: list[_Phrase] = []
        for index, conjunct in enumerate(split):
            last = index == len(split) - 1
            part = _Phrase(head=head if last else conjunct[0].start, hits=conjunct + shared, person=phrase.person if last else None)
            part.start = conjunct[0].start
            actor_head = any(h.start <= head < h.end for h in phrase.hits) or (
                phrase.person is not None and phrase.person[0] <= head < phrase.person[1]
            )
            part.end = max([head + 1 if actor_head else 0] + [h.end for h in part.hits]) if last else conjunct[0].end
            part.mention_head = head if last and actor_head else _root(doc, part.start, part.end)
            _code(doc, part, dictionary, on=on)
            out.append(part)
        return out
    in_hit = any(h.start <= head < h.end for h in phrase.hits)
    in_person = phrase.person is not None and phrase.person[0] <= head < phrase.person[1]
    if in_hit or in_person:
        starts = [_region_start(doc[head])] + [h.start for h in phrase.hits]
        ends = [head + 1] + [h.end for h in phrase.hits]
        if phrase.person:
            starts.append(phrase.person[0])
            ends.append(phrase.person[1])
        phrase.start, phrase.end = min(starts), max(ends)
        phrase.mention_head = head
        _code(doc, phrase, dictionary, on=on)
        if _plural_demonym_head(doc, head, phrase):
            phrase.people = True
            # "Palestinians blamed Israel", "the Palestinians reject": a people named alone stands for
            # its nation; counted, described or placed ("thousands of Nigerians", "young Algerians",
            # "Palestinians of the West Bank") it is a crowd of civilians
            bare = all(c.dep_ == "det" for c in doc[head].children) and doc[head].dep_ != "pobj"
            phrase.sectors = phrase.sectors or ([] if bare else ["CVL"])
        return [phrase]
    elif _people_head(doc, doc[head], phrase.hits):
        # "Iraqi Kurds", "ethnic Albanians": a people named by a plural noun after a demonym
        phrase.start = min([_region_start(doc[head])] + [h.start for h in phrase.hits])
        phrase.end = head + 1
        phrase.mention_head = head
        _code(doc, phrase, dictionary, on=on)
        phrase.people = True
        phrase.sectors = phrase.sectors or ["CVL"]
        return [phrase]
    elif _collective_head(doc[head], phrase.hits):
        # "opposition groups in Zimbabwe", "army members": people of the kind the role word names
        phrase.start = min([_region_start(doc[head])] + [h.start for h in phrase.hits])
        phrase.end = head + 1
        phrase.mention_head = head
    else:
        # The phrase head is no actor ("Russian economy"): keep the actor words only; role words
        # alone only before a place or post they hold ("rebel positions", "police stations")
        coded = any((not h.is_role or h.entry.code or h.entry.country) and not h.backer for h in phrase.hits)
        if not coded and not (phrase.hits and doc[head].lemma_.lower() in HELD_PLACE_NOUNS):
            return []
        phrase.start = min(h.start for h in phrase.hits)
        phrase.end = max(h.end for h in phrase.hits)
        phrase.mention_head = _root(doc, phrase.start, phrase.end)
    _code(doc, phrase, dictionary, on=on)
    return [phrase]


def _plural_demonym_head(doc: Doc, head: int, phrase: _Phrase) -> bool:
    """True when the phrase's head word is a plural demonym and nothing else names a role or
    person: "Palestinians", "Bosnian Serbs", "thousands of Nigerians" (civilians, as coders code
    a people that acts as a crowd)."""
    if phrase.person is not None or any(h.is_role or h.backer or h.entry.kind == "person" for h in phrase.hits):
        return False
    hit = next((h for h in phrase.hits if h.start <= head < h.end), None)
    if hit is None or hit.entry.kind != "country" or doc[head].tag_ not in ("NNPS", "NNS"):
        return False
    text = normalise(doc[hit.start : hit.end].text)
    plurals = {normalise(p) for a in hit.entry.adjectives if (p := demonym_plural(a))}
    return text in plurals


def _people_head(doc: Doc, head: Token, hits: list[_Hit]) -> bool:
    """A capitalised plural noun (a people, NORP) headed phrase whose only hits are country
    demonyms: "Iraqi Kurds", "Afghan Hazaras"."""
    if head.tag_ != "NNPS" and not (head.tag_ == "NNS" and head.text[:1].isupper()):
        return False
    if head.ent_type_ not in ("NORP", ""):
        return False
    return bool(hits) and all(not h.is_role and not h.backer and h.entry.kind == "country" and h.end <= head.i for h in hits)


#: nouns for people of a kind: a role word before them says which ("opposition groups")
_COLLECTIVE = frozenset({"group", "member", "figure", "faction", "camp", "circle", "representative", "element", "unit"})


def _collective_head(head: Token, hits: list[_Hit]) -> bool:
    """A phrase headed by a collective noun whose modifier is a role word with sectors:
    "opposition groups", "army units", "government representatives" (not "government
    buildings", whose head names no people)."""
    return head.lemma_.lower() in _COLLECTIVE and any(h.is_role and h.entry.sectors and h.end <= head.i for h in hits)


def _place_people(doc: Doc, phrase: _Phrase, by_token: dict[int, _Phrase]) -> None:
    """A people placed "in"/"of" a country is coded as that country's civilians: "ethnic
    Albanians in south Serbia" -> SRB CVL, "Palestinians of the West Bank" stay PSE."""
    for child in doc[phrase.head].rights:
        if child.dep_ != "prep" or child.lower_ not in ("in", "of", "inside"):
            continue
        for obj in child.children:
            place = by_token.get(obj.i) if obj.dep_ == "pobj" else None
            if place is not None and place is not phrase and place.kind in ("country", "capital") and place.code:
                phrase.code = place.code
                return


#: participles that place a group: "ethnic Albanian guerrillas operating in Macedonia"
_PLACING_PARTICIPLES = frozenset({"operate", "live", "base", "fight", "reside", "settle"})


def _ethnic_residence(doc: Doc, phrase: _Phrase, phrases: list[_Phrase]) -> None:
    """"ethnic Albanians", "ethnic Turks": a people named as an ethnic group, not as a state's
    nationals, is coded with the country it lives in, as CAMEO codes ethnic groups: the country it
    is placed in ("ethnic Albanian guerrillas operating in Macedonia" -> MKD), else the first other
    country its sentence places something in ("... villages near Macedonia's border"), else the
    first other country it names ("ethnic Turks ... protest against Sweden's decision" -> SWE),
    else the demonym's own. The compound stage then prefers the event's own place
    (:func:`dyads.coder.perpetrator.minority_home`)."""
    own = next((h for h in phrase.hits if h.entry.kind == "country" and not h.is_role), None)
    if own is None or own.start == 0 or doc[own.start - 1].lower_ != "ethnic" or phrase.code != own.entry.code:
        return
    head = doc[phrase.head]
    places = [c for c in head.rights if c.dep_ == "prep" and c.lower_ in _LOCATIVE]
    places += [g for c in head.rights if c.dep_ == "acl" and c.lemma_.lower() in _PLACING_PARTICIPLES for g in c.children if g.dep_ == "prep" and g.lower_ in _LOCATIVE]
    placed = {o.i for p in places for o in p.subtree}
    sentence = _sentence_of(doc, phrase.head)
    others = [
        p for p in phrases
        if p is not phrase and p.code and p.code != own.entry.code and not phrase.start <= p.head < phrase.end
        and _sentence_of(doc, p.head) == sentence and any(h.entry.kind in ("country", "capital") for h in p.hits)
    ]
    located = {o.i for t in doc[phrase.head].sent if t.dep_ == "prep" and t.lower_ in _LOCATIVE | {"near"} for o in t.subtree}
    there = (
        next((p for p in others if p.head in placed), None)
        or next((p for p in others if p.head in located), None)
        or min(others, key=lambda p: p.start, default=None)
    )
    if there is not None:
        phrase.code = there.code


def _code(doc: Doc, phrase: _Phrase, dictionary: ActorDictionary, *, on: dt.date | None) -> None:
    hits = phrase.hits
    if any(h.controller for h in hits) and any(not (h.controller or h.backer or h.is_role) and h.entry.code for h in hits):
        hits = [h for h in hits if not h.controller]  # "the Israeli-occupied West Bank" is the West Bank
    if any(_membership(doc, h) for h in hits) and any(h.entry.kind == "country" and h.start <= phrase.head < h.end for h in hits):
        hits = [h for h in hits if not _membership(doc, h)]  # "NATO member Turkey" is Turkey
    parts = [Part(doc[h.start : h.end].text, h.entry, h.backer) for h in hits]
    title = next((doc[h.start : h.end].text for h in hits if h.is_role and h.entry.denotes == "person"), None)
    person_hit = next((h for h in phrase.hits if h.entry.kind == "person"), None)
    person_entry = None
    if person_hit is not None:
        person_entry = titled(person_hit.entries, title)
        parts = [Part(p.text, person_entry) if p.entry is person_hit.entry else p for p in parts]
    if phrase.person is not None and person_entry is None:
        text = doc[phrase.person[0] : phrase.person[1]].text
        person_entry = dictionary.person(text, on=on, title=title)
        if person_entry is None:
            by_surname = dictionary.person(doc[phrase.person[1] - 1].text, on=on, title=title)
            if by_surname is not None and not _other_given_name(doc, phrase.person[0], phrase.person[1] - 1, by_surname):
                person_entry = by_surname
        if person_entry is not None:
            parts.append(Part(text, person_entry))
    actor = combine(parts)
    phrase.code, phrase.sectors, phrase.name = actor.code, list(actor.sectors), actor.name
    phrase.role, phrase.supported_by = actor.role, list(actor.supported_by)
    phrase.kind = mention_kind(parts)
    if phrase.person is not None:
        phrase.kind = "person"
        if person_entry is None:
            phrase.name = doc[phrase.person[0] : phrase.person[1]].text
    head_hit = next((h for h in phrase.hits if h.is_role and h.start <= phrase.mention_head < h.end), None)
    if head_hit is None and phrase.kind == "sector":
        head_hit = next((h for h in reversed(phrase.hits) if h.is_role), None)
    phrase.role_entry = head_hit.entry if head_hit else None
    if not phrase.sectors and any(
        h.entry.kind == "country" and not h.is_role and h.end < len(doc) and doc[h.end].lemma_.lower() == "leader" for h in hits
    ):
        phrase.sectors = ["GOV"]  # "Palestinian leaders", "South African leader F.W. de Klerk": a state's leaders govern it
    if _former(doc, phrase):
        phrase.sectors = sort_sectors([("ELI" if s in _OFFICE_SECTORS else s) for s in phrase.sectors])


#: words after an organisation's name that make the next name one of its members
_MEMBER_WORDS = frozenset({"member", "members", "ally", "allies", "partner"})


def _membership(doc: Doc, hit: _Hit) -> bool:
    """An organisation named only to say what the next name belongs to: "NATO member Turkey",
    "NATO-member Norway", "EU member state Poland", "NATO ally Turkey"."""
    if hit.entry.kind not in ("igo", "group"):
        return False
    following = [t for t in doc[hit.end : hit.end + 2] if t.text != "-"]
    return bool(following) and following[0].lower_ in _MEMBER_WORDS


#: sectors of an office; a *former* holder is one of the elites (CAMEO ELI), no longer the office
_OFFICE_SECTORS = frozenset({"GOV", "MIL", "LEG", "JUD", "COP"})


def _former(doc: Doc, phrase: _Phrase) -> bool:
    """"former president Carlos Menem", "ex-prime minister ...", "ousted President Askar Akayev":
    the role word's own modifier says the office is no longer held (the word right before the
    role word or its phrase)."""
    role = next((h for h in phrase.hits if h.is_role and h.entry.denotes == "person"), None)
    if role is None:
        return False
    before = [doc[i] for i in range(max(0, min(phrase.start, role.start) - 1), role.start)]
    return any(t.lower_ in _NO_LONGER or t.lower_.startswith("ex-") for t in before[-3:])


#: words before a title that say its holder no longer holds it ("ousted President Askar Akayev")
_NO_LONGER = frozenset({"former", "ex", "ousted", "deposed", "toppled", "overthrown", "onetime", "one-time"})


def _index_phrases(phrases: list[_Phrase]) -> dict[int, _Phrase]:
    index: dict[int, _Phrase] = {}
    for phrase in phrases:
        for i in range(phrase.start, phrase.end):
            index.setdefault(i, phrase)
        index[phrase.head] = phrase
    return index


# -- 3. links --------------------------------------------------------------------------


def _linked(token: Token, by_token: dict[int, _Phrase], depth: int = 0) -> _Phrase | None:
    """A coded phrase reached through a possessive or an of/for/from phrase (or an on/in/at
    phrase naming a body), also where it only modifies the object ("the Federation Council
    Committee")."""
    if depth > 2:
        return None
    for child in token.children:
        if child.dep_ == "poss":
            found = by_token.get(child.i)
            if found is not None and (found.code or found.sectors):
                return found
        elif child.dep_ == "prep" and (child.lower_ in _LINK_PREPS or child.lower_ in _BODY_PREPS):
            body_only = child.lower_ not in _LINK_PREPS
            for obj in child.children:
                if obj.dep_ != "pobj":
                    continue
                candidates = [obj] + [c for c in obj.children if c.dep_ == "compound"]
                for candidate in candidates:
                    found = by_token.get(candidate.i)
                    if found is not None and (found.code or found.sectors) and (not body_only or (found.kind == "sector" and found.code)):
                        return found
                if body_only:
                    continue
                deeper = _linked(obj, by_token, depth + 1)
                if deeper is not None:
                    return deeper
    return None


def _link_role_phrase(doc: Doc, phrase: _Phrase, by_token: dict[int, _Phrase]) -> None:
    if phrase.code or phrase.kind not in ("sector", "person"):
        return
    found = None
    for i in sorted(range(phrase.start, phrase.end), key=lambda i: i != phrase.head):
        found = _linked(doc[i], by_token)
        if found is not None and found is not phrase:
            break
    if found is None or found is phrase:
        return
    phrase.code = found.code
    if not phrase.sectors:
        phrase.sectors = list(found.sectors)


def _role_words(doc: Doc, phrase: _Phrase) -> str | None:
    """Role text of a role phrase: its words after any country or group name."""
    if phrase.start >= phrase.end:
        return None
    begin = phrase.start
    for hit in phrase.hits:
        if not hit.is_role and hit.end <= phrase.head:
            begin = max(begin, hit.end)
    if phrase.person is not None:
        end = phrase.person[0]
    else:
        end = phrase.end
    words = doc[begin:end].text.strip()
    return words or None


def _describe(doc: Doc, token: Token, by_token: dict[int, _Phrase]) -> tuple[str | None, list[str], str | None]:
    """(code, sectors, role text) of a role noun phrase such as "first deputy chairman of ..."."""
    phrase = by_token.get(token.i)
    if phrase is not None and phrase.head == token.i:
        if not phrase.code:
            found = _linked(token, by_token)
            if found is not None and found is not phrase:
                return found.code, list(phrase.sectors or found.sectors), _role_words(doc, phrase)
        return phrase.code, list(phrase.sectors), _role_words(doc, phrase)
    start = _region_start(token)
    role = doc[start : token.i + 1].text
    found = _linked(token, by_token)
    if found is None:
        return None, [], role
    return found.code, list(found.sectors), role


def _lemma(token: Token) -> str:
    """The lemma, or a guess from a few verb forms when the Doc has no lemmas."""
    return token.lemma_.lower() if token.lemma_ else _FORMS.get(token.lower_, token.lower_)


def _person_sources(token: Token) -> list[Token]:
    sources: list[Token] = []
    if token.dep_ == "appos":
        sources.append(token.head)
    for child in token.children:
        if child.dep_ == "appos":
            sources.append(child)
        elif child.dep_ in ("relcl", "acl") and _lemma(child) in _ROLE_VERBS:
            for sub in child.children:
                if sub.dep_ == "prep" and sub.lower_ == "as":
                    sources.extend(o for o in sub.children if o.dep_ == "pobj")
                elif sub.dep_ == "attr":
                    sources.append(sub)
    return [s for s in sources if s.pos_ in ("NOUN", "PROPN")]


def _link_person(doc: Doc, phrase: _Phrase, by_token: dict[int, _Phrase]) -> None:
    for source in _person_sources(doc[phrase.head]):
        code, sectors, role = _describe(doc, source, by_token)
        if not (code or sectors or role):
            continue
        phrase.code = phrase.code or code
        phrase.sectors = phrase.sectors or sort_sectors(sectors)
        phrase.role = phrase.role or role
        other = by_token.get(source.i)
        if other is not None and other is not phrase and other.kind != "person" and other.name is None:
            other.name = phrase.name
            other.role = other.role or role
        break


# -- 4. coreference and context ----------------------------------------------------------


def _context_countries(doc: Doc, hits: list[_Hit]) -> dict[int, str]:
    """Context country per sentence start (key -1: the whole article).

    A sentence that places events "in <country>" gives that country; otherwise the
    article's most frequent country (names, demonyms, capitals; backers excluded).
    """
    places = [h for h in hits if not h.backer and h.entry.kind in ("country", "capital") and h.entry.code and not other_side(doc, h.start, h.end)]
    if not places:
        # No country named at all (local news: "Charleston police said ..."): the country
        # of the article's resolvable place names, if they agree on one
        located = _toponym_country(doc)
        return {-1: located} if located else {}
    counts = Counter(h.entry.code for h in places)
    best = max(counts.values())
    context: dict[int, str] = {-1: next(h.entry.code for h in places if counts[h.entry.code] == best)}  # type: ignore[misc]
    for hit in places:
        if hit.entry.kind != "country":
            continue
        root = doc[_root(doc, hit.start, hit.end)]
        if root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE:
            context.setdefault(_sentence_of(doc, hit.start), hit.entry.code)  # type: ignore[arg-type]
    return context


#: prepositions whose object is the other side of an act: "sanctions against Nigeria",
#: "condolences to the Government of Turkey", "talks with Syria"
_OTHER_SIDE_PREPS = frozenset({"against", "to", "toward", "towards", "with"})


def other_side(doc: Doc, start: int, end: int) -> bool:
    """Tokens ``start:end`` name the other side of an act ("sanctions against Nigeria", "condolences
    to the Government of Turkey"): no clue to the country of the article's unnamed officials."""
    root = doc[_root(doc, start, end)]
    if root.dep_ == "pobj" and root.head.lower_ in _OTHER_SIDE_PREPS:
        return _lemma(root.head.head) != "return"  # "without returning to Kyrgyzstan": home
    # "the Government of Turkey": the country of a body named after the preposition
    head = root.head.head if root.dep_ == "pobj" and root.head.lower_ == "of" else None
    return head is not None and head.dep_ == "pobj" and head.head.lower_ in _OTHER_SIDE_PREPS


def _toponym_country(doc: Doc) -> str | None:
    """The country most of the article's GPE names resolve to, when they form a clear majority."""
    from dyads.geo.gazetteer import Gazetteer

    gazetteer = Gazetteer.default()
    counts: Counter[str] = Counter()
    for ent in doc.ents:
        if ent.label_ == "GPE":
            place = gazetteer.resolve(ent.text)
            if place is not None and place.country:
                counts[place.country] += 1
    if not counts:
        return None
    (best, n), total = counts.most_common(1)[0], sum(counts.values())
    return best if n >= 2 and n * 2 > total else None


def _role_key(entry: ActorEntry) -> str:
    words = normalise(entry.name).split()
    return words[-1] if words else ""


def _surname(name: str) -> str:
    words = normalise(name).split()
    return words[-1] if words else ""


#: countries whose names put the family name first: "Kim Jong Un" is later "Kim", "Moon Jae-in" "Moon"
_FAMILY_NAME_FIRST = frozenset({"CHN", "TWN", "HKG", "MAC", "PRK", "KOR", "VNM", "KHM", "SGP"})


def _family_names(name: str, code: str | None) -> tuple[str, ...]:
    """The words a later mention may use for a person on its own: the surname, and for a name of
    a country that puts the family name first, that first word too."""
    words = normalise(name).split()
    if code in _FAMILY_NAME_FIRST and len(words) > 1:
        return (words[-1], words[0])
    return (_surname(name),)


def _is_expletive(token: Token) -> bool:
    if token.dep_ == "expl":
        return True
    if token.dep_ != "nsubj" or _lemma(token.head) not in _EXPLETIVE_HEADS:
        return False
    # "it is willing to withdraw", "it was ready to talk": an adjective only an actor can be
    return not any(c.dep_ == "acomp" and c.lower_ in _AGENT_ADJECTIVES for c in token.head.children)


def _sentence_of(doc: Doc, i: int) -> int:
    return doc[i].sent.start if doc.has_annotation("DEP") or doc.has_annotation("SENT_START") else 0


def _coreference(
    doc: Doc, phrases: list[_Phrase], by_token: dict[int, _Phrase], context: dict[int, str]
) -> list[_Phrase]:
    starts = {p.start: p for p in sorted(phrases, key=lambda p: p.end - p.start)}
    known: dict[str, _Phrase] = {}
    by_role: dict[str, _Phrase] = {}
    by_sector: dict[str, str] = {}
    last_person: _Phrase | None = None
    last_body: _Phrase | None = None
    extra: list[_Phrase] = []
    copies: dict[int, _Phrase] = {}
    i = 0
    while i < len(doc):
        phrase = starts.get(i)
        token = doc[i]
        if phrase is not None:
            _resolve_phrase(doc, phrase, known, by_role, context, by_sector, {**by_token, **copies})
            if phrase.code and phrase.kind != "pronoun":
                for sector in phrase.sectors:
                    by_sector[sector] = phrase.code
            if phrase.codable():
                denotes = phrase.role_entry.denotes if phrase.role_entry else None
                if phrase.kind == "person" or (phrase.kind == "sector" and denotes == "person"):
                    last_person = phrase
                elif phrase.kind in _BODY_KINDS or denotes == "body":
                    last_body = phrase
                if phrase.kind == "person" and phrase.name:
                    for key in (*_family_names(phrase.name, phrase.code), normalise(phrase.name)):
                        held = known.get(key)
                        if held is None or not (held.code or held.role or held.sectors):
                            known[key] = phrase
                if phrase.role_entry is not None and phrase.code:
                    by_role[_role_key(phrase.role_entry)] = phrase
            i = max(phrase.end, i + 1)
            continue
        if i in by_token:
            i += 1
            continue
        lower = token.lower_
        bound = _bound_subject(token, by_token) if token.dep_ == "poss" and lower in _POSSESSIVES else None
        speaker = _reported_speaker(token, {**by_token, **copies}) if lower in _SUBJECT_PRONOUNS else None
        if bound is not None:
            extra.append(_copy(token, bound, kind="pronoun"))
        elif speaker is not None:
            extra.append(_copy(token, speaker, kind="pronoun"))
        elif token.pos_ == "PROPN" and token.text[:1].isupper() and normalise_word(token.text) in known:
            extra.append(_copy(token, known[normalise_word(token.text)], kind="person"))
        elif lower in _PERSONAL and token.pos_ in ("PRON", "DET", "") and last_person is not None:
            extra.append(_copy(token, last_person, kind="pronoun"))
        elif (
            lower in _NEUTER
            and token.pos_ in ("PRON", "DET", "")
            and last_body is not None
            and not _is_expletive(token)
            and _sentence_of(doc, last_body.start) >= _previous_sentence_start(doc, i)
        ):
            extra.append(_copy(token, last_body, kind="pronoun"))
        if extra and extra[-1].start == i:
            copies[i] = extra[-1]
        i += 1
    return extra


_SUBJECT_PRONOUNS = frozenset({"it", "they", "he", "she"})
_REPORTED_DEPS = frozenset({"ccomp"})


def _reported_speaker(token: Token, by_token: dict[int, _Phrase]) -> _Phrase | None:
    """The subject pronoun of a reported clause refers to the speaker: "Farc has said it will
    release ...", "the rebels said that they would free ...", "Trump said he would call ...".
    The speaker is the coded subject of the verb the clause hangs on, before the pronoun, and
    agrees with it: *he/she* a person, *it* no person, *they* a plural or conjoined phrase."""
    if token.dep_ not in ("nsubj", "nsubjpass") or token.pos_ not in ("PRON", "") or _is_expletive(token):
        return None
    clause = token.head
    if clause.dep_ not in _REPORTED_DEPS or clause.head.i == clause.i:
        return None
    speaker = next((c for c in clause.head.children if c.dep_ == "nsubj" and c.i < token.i), None)
    phrase = by_token.get(speaker.i) if speaker is not None else None
    if phrase is None or not phrase.codable():
        return None
    denotes = phrase.role_entry.denotes if phrase.role_entry else None
    # the head word decides: "the Assad regime" is a body though a person names it
    person = denotes == "person" if denotes else phrase.kind == "person"
    lower = token.lower_
    if lower in ("he", "she"):
        return phrase if person and speaker.tag_ not in ("NNS", "NNPS") else None
    if lower == "it":
        return phrase if not person and speaker.tag_ not in ("NNS", "NNPS") else None
    plural = speaker.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in speaker.children)
    return phrase if plural else None


def _bound_subject(token: Token, by_token: dict[int, _Phrase]) -> _Phrase | None:
    """A possessive pronoun binds to the subject of its clause, or of the clause above:
    "Iran launched drones in its first attack" -> Iran; "Jordan said its air force ..." -> Jordan."""
    node = token
    for _ in range(8):
        if node.head.i == node.i:
            return None
        node = node.head
        if node.pos_ not in ("VERB", "AUX"):
            continue
        for child in node.children:
            if child.dep_ not in ("nsubj", "nsubjpass") or child.i > token.i:
                continue
            if child.left_edge.i <= token.i <= child.right_edge.i:
                continue  # the pronoun is inside this subject ("its air force had ...")
            phrase = by_token.get(child.i)
            if phrase is None or not phrase.code:
                return None
            person = phrase.kind == "person"
            if (token.lower_ == "its" and person) or (token.lower_ in ("his", "her") and not person):
                return None
            return phrase
    return None


def _previous_sentence_start(doc: Doc, i: int) -> int:
    if not (doc.has_annotation("DEP") or doc.has_annotation("SENT_START")):
        return 0
    start = doc[i].sent.start
    return doc[start - 1].sent.start if start > 0 else 0


def _resolve_phrase(
    doc: Doc,
    phrase: _Phrase,
    known: dict[str, _Phrase],
    by_role: dict[str, _Phrase],
    context: dict[int, str],
    by_sector: dict[str, str],
    by_token: dict[int, _Phrase],
) -> None:
    if phrase.kind == "person" and phrase.name and not (phrase.code or phrase.role or phrase.sectors):
        earlier = known.get(normalise(phrase.name)) or known.get(_surname(phrase.name))
        if earlier is not None and earlier is not phrase:
            name = earlier.name
            phrase.copy_from(earlier)
            phrase.name = name
            return
    if phrase.code or phrase.kind not in ("sector", "person"):
        return
    head = doc[phrase.head]
    if phrase.kind == "sector" and phrase.role_entry is not None:
        definite = any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in head.children)
        antecedent = by_role.get(_role_key(phrase.role_entry))
        if definite and antecedent is not None and len(phrase.hits) == 1:
            phrase.copy_from(antecedent)
            phrase.kind = "pronoun"
            return
    if any(h.entry.kind == "group" and not h.entry.code for h in phrase.hits):
        return  # a named international body without a country (Reuters, AFP): no guess
    if regional(t.text for t in doc[phrase.start : phrase.end]):
        return  # "Western diplomats in Kabul", "the Association of African Jurists": of no one country
    if doc[phrase.head].lemma_.lower() in OTHER_SIDE_ROLES:
        return  # "Erdogan will meet his counterpart": the other side's, so no country the context gives
    # Forces operate abroad: "jets ... in western Iran" says nothing of whose jets. For them the
    # last actor of the same sector ("Russian bombers ... the jets") is the better guess; a place
    # they hold does not move ("a military base in Saudi Arabia's Jizan region" is Saudi)
    held = doc[phrase.head].lemma_.lower() in HELD_PLACE_NOUNS
    mobile = bool(_MOBILE_SECTORS.intersection(phrase.sectors))
    same_sector = next((by_sector[s] for s in phrase.sectors if s in by_sector), None)
    placed = _placed_in(doc, phrase, by_token, held=held) if held or not mobile else None
    if placed and same_sector and not _is_country_code(same_sector):
        placed = None  # "Nusra Front fighters ... militants in Aleppo": the group named before, not Syria
    local = placed or (None if mobile else context.get(_sentence_of(doc, phrase.start)))
    code = local or _home_of_subject(doc, phrase, by_token) or same_sector or context.get(-1)
    if code and phrase.sectors and code not in phrase.supported_by:
        phrase.code = code


#: role words for the other side's holder of the same post: the sentence's or the article's
#: country is the one thing they are not ("his counterpart", "their counterparts")
OTHER_SIDE_ROLES = frozenset({"counterpart"})

#: places and posts a group holds: "rebel positions", "militant hideouts", "police stations" are
#: the group's, and an act against them is an act against it
HELD_PLACE_NOUNS = frozenset({
    "position", "stronghold", "base", "camp", "hideout", "post", "outpost", "checkpoint", "station", "barrack",
    "barracks", "headquarters", "bastion", "enclave", "territory", "convoy",
})

#: prepositions that put a group somewhere: "rebels in Idlib", "protesters near Aleppo"
_PLACING_PREPS = frozenset({"in", "inside", "near", "around"})


def _placed_in(doc: Doc, phrase: _Phrase, by_token: dict[int, _Phrase], *, held: bool) -> str | None:
    """The country of the place a phrase's own preposition puts it in, when the gazetteer knows the
    place: "rebels in Idlib", "police near Lahore" are that country's, whatever country the
    article names most ("Russian warplanes struck rebels in Idlib": SYR REB, not RUS REB).
    The article's coded countries (``by_token``) break ties between places of one name
    ("militias in Tripoli" in a story on Lebanon). ``held``: the phrase names a place the group holds,
    whose possessor places it too ("Syria's last opposition enclave")."""
    from dyads.geo.gazetteer import Gazetteer

    if any(doc[i].lemma_.lower() in _POSTED_ABROAD for h in phrase.hits for i in range(h.start, h.end)):
        return None  # "an embassy in Tehran" is Sri Lanka's
    head = doc[phrase.head]
    objects = prep_objects(head, _PLACING_PREPS)
    if head.dep_ == "dobj":  # "struck rebels in Idlib": the parse hangs the place on the verb
        objects += [o for o in prep_objects(head.head, _PLACING_PREPS) if o.head.i == head.right_edge.i + 1]
    if held:
        objects = [c for c in head.children if c.dep_ == "poss"] + objects
    countries = {p.code for p in by_token.values() if p.code} if objects else set()
    for obj in objects:
        # the first place named in the object: "in Saudi Arabia's Jizan region"; a demonym only as
        # the object itself ("near Aleppo", which the small model tags NORP; not "near the Thai
        # border"); a person or a body is no place
        names = [e for e in doc.ents if obj.left_edge.i <= e.start and e.end <= obj.right_edge.i + 1]
        names = [e for e in names if e.label_ in ("GPE", "LOC", "FAC") or (e.label_ == "NORP" and e.start <= obj.i < e.end)] if names else [doc[obj.left_edge.i : obj.i + 1]]
        for name in names:
            if not any(t.pos_ == "PROPN" for t in name):
                continue
            options = Gazetteer.default().candidates(name.text, context_countries=countries)
            place = next((o for o in options if o.country in countries), None) or (options[0] if options else None)
            if place is not None and place.country:
                return place.country
    return None


def _is_country_code(code: str) -> bool:
    from dyads.geo.gazetteer import Gazetteer

    return Gazetteer.default().is_country_code(code)


#: role words of people and offices sent abroad: where they are says nothing of whose they are
_POSTED_ABROAD = frozenset({"embassy", "consulate", "ambassador", "envoy", "diplomat", "delegation", "mission", "consul", "legation"})


#: adjectives of a region or of no place, not of a country: a role phrase with one of them is not
#: the context country's ("Western diplomats", "Arab ministers", "international observers"; not
#: "foreign" or "regional": "the foreign ministry" and "regional officials" are the country's)
REGIONAL_WORDS = frozenset({
    "african", "arab", "asian", "european", "western", "nordic", "latin", "international", "multinational", "global",
})


def regional(words: Iterable[str]) -> bool:
    """Whether a phrase's words name a region or no one place (:data:`REGIONAL_WORDS`)."""
    return any(word.lower() in REGIONAL_WORDS for word in words)


def _home_of_subject(doc: Doc, phrase: _Phrase, by_token: dict[int, _Phrase]) -> str | None:
    """The country of the state actor whose clause addresses a domestic body: "Iraqi Prime
    Minister Nouri al-Maliki asked parliament" -> IRQ, "the government said it would arm
    citizens" -> the government's country. Domestic bodies only (``_DOMESTIC_SECTORS``, and
    civilians when a government, not an army, acts on them): a foreign army's "civilians" are not its own."""
    sectors = set(phrase.sectors)
    head = doc[phrase.head]
    if head.dep_ not in ("dobj", "dative", "pobj", "nsubjpass") or not sectors:
        return None
    verb = head.head.head if head.dep_ == "pobj" else head.head
    while verb.dep_ in ("xcomp", "conj", "ccomp", "advcl") and not any(c.dep_ == "nsubj" for c in verb.children):
        verb = verb.head
    subject = next((by_token.get(c.i) for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject is phrase or not subject.code or subject.supported_by:
        return None
    from dyads.geo.gazetteer import Gazetteer

    if not Gazetteer.default().is_country_code(subject.code) or {"REB", "INS"} & set(subject.sectors):
        return None
    if sectors & _DOMESTIC_SECTORS and not sectors & _MOBILE_SECTORS:
        return subject.code
    if sectors == {"CVL"} and "GOV" in subject.sectors and not _MOBILE_SECTORS.intersection(subject.sectors):
        return subject.code
    return None


def _copy(token: Token, source: _Phrase, *, kind: MentionKind) -> _Phrase:
    copy = _Phrase(head=token.i, start=token.i, end=token.i + 1, kind=kind, mention_head=token.i)
    copy.copy_from(source)
    copy.role_entry = source.role_entry
    copy.antecedent = source.antecedent or source
    return copy
