"""Stage ``dyads_classify``: a learned classifier types and filters the rule coder's events.

The rules (``dyads_events``) propose events with trigger, actors and mode. For every sentence
that holds a proposal, the classifier (:mod:`dyads.classifier`) gives probabilities over the
16 PLOVER types and the 5 sentence classes (0 = statement/appeal, 1-4 = QuadClass). The
sentence's main event (its first non-statement event) is then:

* kept, with its ``confidence`` set, when the classifier agrees or is unsure;
* moved first, when the classifier's class or type is that of another proposal of the sentence
  (the classifier picks the main event among the proposals), unless that proposal is named as
  background ("... following the killing of a man": the object of after, following, despite, amid;
  "... in Serbia, where 24 people were killed": a relative clause about a place or a time);
* re-typed (``coder = "lexicon+classifier"``) when no proposal has the classifier's class and
  it says so with at least ``retype_threshold`` (``retype_threshold_several`` when the sentence
  holds several proposals, a sentence-level label may describe another clause, or when its one
  proposal comes from a lexicon entry with its own object or particle, "dropped bombs"): the CAMEO
  code becomes the trigger word's own lexicon code for the new type, else that type's root;
* flagged a statement (CAMEO 010, or 020 for a request) when the classifier says the sentence
  only states or appeals, with at least ``statement_threshold``, and it holds one proposal that
  is no demand (CAMEO 10: the statement class holds appeals, not demands).

A sentence where the rules found no event, or only a statement ("said"), gets one event from
the classifier (``coder = "classifier"``) when it names a class 1-4 with at least
``add_threshold``: the trigger is the main verb (the verb a reporting verb governs, "said
rebels *shelled*"), its actors come from the same dependency rules as the rules' events. With
``sentences = "with_events"`` only sentences holding a proposal are classified (faster); with
``"all"`` (default) also those with a verb and an actor mention.

A *role tagger* marks the main event's argument phrases (trained on the ConfliBERT cameo_ner
set's convention: "a Swiss court", "the Croatian government 's request"): by default the shipped
``roles-minilm`` folder, a model trained on argument phrases alone (``role_model``), run on the
sentences that have a main event; ``role_model = "classifier"`` uses the classifier's own role
head instead, a weaker one (docs/training.md). With ``roles = true`` each phrase of mean tag
probability at least ``role_floor`` is applied to the sentence's main event (widened to its head
noun and to that noun's article): an actor of that role inside the phrase takes the phrase as
its span; at a mean tag probability of at least ``role_threshold``, an actor the rules gave the
other role moves to this one, and the role takes the actor mentioned in the phrase (or, where
no mention is there, an uncoded actor named by the phrase: code ``None``, the argument recorded
with its span); below it, a phrase only fills a role the rules left empty. A tagger's phrase is
one argument as marked ("Trump and King Abdullah" met: one reciprocal phrase); an actor of a
role the tagger marked that lies in none of its phrases leaves the main event (the rules had
taken it from another clause), unless it is coordinated with a tagged phrase's head or modifies
it ("Russia, Iran, Iraq and Syria" with "Iran" tagged), is its appositive, or is the trigger's own
subject, by-agent or object, or the role's tagged phrases name no coded actor. The tagger may
mark the speaker of a reported stance ("the agency said it is skeptical of ...": the agency is the
source, as coders mark it) when the reported clause's subject is a pronoun or missing; where it
marks a speaker while the reported clause names its own doer ("Zelenskiy said Russia had
attacked ..."), it read the report's arguments, not the event's, and its phrases are not used.
The classifier's weaker head only hints: its phrases are split at "and", never narrow a wider
span of the rules, and where the event is reported only its phrases inside the reported clause
count.

With ``codes = "lexicon"`` (a project's own verb dictionary, ``dyads import-verbs``) the lexicon's
codes stand: the model neither re-types, flags nor adds events, and only places argument phrases.

A negated proposal ("did not endorse", "will not lift") is never re-typed: negation is recorded
as its status and never flips it into its opposite (REJECT) silently. Actors, trigger, date,
place and attribution are never touched. With ``model = "none"`` the stage does nothing.
"""

from __future__ import annotations

import bisect
from importlib import resources
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span as SpacySpan, Token

from dyads.actors import mentions_for
from dyads.classifier.labels import quad_of_type
from dyads.classifier.model import Prediction, RoleSpan, SentenceClassifier
from dyads.classifier.stacked import StackedTagger, stacked_layers
from dyads.coder.arguments import BACKGROUND_PREPS, SELF_MOVING_TYPES, verb_arguments
from dyads.coder.attribution import REPORTING_VERBS, local_status, reporting_above
from dyads.coder.dateline import filed_end
from dyads.errors import ModelError
from dyads.ontology import Lexicon, cameo, load_lexicon, mode_for
from dyads.ontology.codes import plover_to_cameo_root
from dyads.records import Actor, Event, Mention, Span, content_hash, main_event
from dyads.stages.events import MATERIAL_QUADS, actors_of, coded_event, not_sources, span_of
from dyads.stages.extensions import ensure_extensions, trigger_token

ensure_extensions()

DEFAULT_MODEL = "default"
STATEMENT_CODE, APPEAL_CODE = "010", "020"
CLAIM_VERBS = frozenset({"claim", "allege", "insist", "assert"})
#: denials: what a denied clause says happened is still the event ("denied that hackers had
#: attacked"); a denied noun is not ("denied charges": the denial is the sentence's act)
DENIAL_VERBS = frozenset({"deny", "refute", "dispute"})


OWN_ROLE_HEAD = "classifier"


def model_folder(name: str, *, shipped: str = "events-minilm") -> Path | None:
    """``"none"``/``""`` -> None; ``"default"`` -> the shipped model ``shipped``; else a folder path."""
    if name.strip().lower() in {"", "none"}:
        return None
    if name == DEFAULT_MODEL:
        return Path(str(resources.files("dyads").joinpath("models", shipped)))
    return Path(name)


def load_role_tagger(name: str, *, threads: int, classifier: SentenceClassifier) -> SentenceClassifier | StackedTagger | None:
    """The role tagger a ``role_model`` setting names; None for the classifier's own role head
    (``"none"`` never reaches here: the component then tags no argument phrases at all). A tagger
    stacked on ``classifier`` (:mod:`dyads.classifier.stacked`) reads the states its predictions carry."""
    if name == OWN_ROLE_HEAD:
        return None
    folder = model_folder(name, shipped="roles-minilm") or Path(name)
    if stacked_layers(folder) is not None:
        return StackedTagger(folder, classifier_sha256=str(classifier.meta.get("model_sha256")), threads=threads)
    tagger = SentenceClassifier(folder, threads=threads)
    if "roles" not in tagger.heads:
        raise ModelError(
            "E915",
            f"{tagger.folder} was trained without argument phrases, so it cannot tag them",
            fix='Train a role tagger with `dyads train` on cameo_ner-shaped data (docs/training.md), or set classifier.role_model = "classifier".',
        )
    return tagger


class EventClassifier:
    """The ``dyads_classify`` component."""

    def __init__(
        self,
        *,
        model: str,
        lexicon: str | None,
        retype_threshold: float,
        retype_threshold_several: float,
        statement_threshold: float,
        add_threshold: float,
        sentences: str,
        threads: int,
        roles: bool = True,
        role_model: str = DEFAULT_MODEL,
        role_floor: float = 0.63,
        role_threshold: float = 0.5,
        codes: str = "model",
    ) -> None:
        folder = model_folder(model)
        roles = roles and model_folder(role_model) is not None  # role_model "none": the rules' argument phrases stand
        shared = stacked_layers(model_folder(role_model, shipped="roles-minilm")) if roles and role_model != OWN_ROLE_HEAD else None
        self.classifier = SentenceClassifier(folder, threads=threads, states=shared) if folder else None
        self.tagger = load_role_tagger(role_model, threads=threads, classifier=self.classifier) if self.classifier and roles else None
        self.role_floor = role_floor
        self.lexicon: Lexicon = load_lexicon(Path(lexicon) if lexicon else None)
        self.retype_threshold = retype_threshold
        self.retype_threshold_several = retype_threshold_several
        self.statement_threshold = statement_threshold
        self.add_threshold = add_threshold
        self.all_sentences = sentences == "all"
        self.use_roles = roles
        self.role_threshold = role_threshold
        self.codes_from_model = codes == "model"

    def __call__(self, doc: Doc) -> Doc:
        if self.classifier is None:
            return doc
        by_sentence: dict[int, list[Event]] = {}
        for event in doc._.dyads_events or []:
            by_sentence.setdefault(event.sentence_index, []).append(event)
        starts = sorted(m.start for m in doc._.dyads_mentions or [])
        for index, sentence in enumerate(doc.sents):
            if not wants_model(doc, sentence, proposed=index in by_sentence, mention_starts=starts, all_sentences=self.all_sentences):
                continue
            events = by_sentence.setdefault(index, [])
            prediction = self.classifier.predict([sentence.text], roles=self.tagger is None)[0]
            if self.codes_from_model:
                new = self.decide(doc, events, prediction, sentence=sentence, sentence_index=index)
                if new is not None:
                    events.append(new)
            main = main_event(events)
            if self.use_roles and main is not None:
                tagged = self.tag(sentence.text, prediction)
                phrases = tuple(phrase for phrase in tagged if phrase.probability >= self.role_floor)
                if phrases:
                    apply_roles(
                        doc, main, phrases, sentence=sentence, fill_threshold=self.role_threshold, as_marked=self.tagger is not None
                    )
        doc._.dyads_events = [event for index in sorted(by_sentence) for event in by_sentence[index]]
        return doc

    def tag(self, text: str, prediction: Prediction) -> tuple[RoleSpan, ...]:
        """The main event's argument phrases: the classifier's own role head, or the tagger's."""
        if self.tagger is None:
            return prediction.roles
        if isinstance(self.tagger, StackedTagger):
            return self.tagger.tag(text, prediction)
        return self.tagger.predict([text])[0].roles

    def decide(
        self,
        doc: Doc,
        events: list[Event],
        prediction: Prediction,
        *,
        sentence: SpacySpan | None = None,
        sentence_index: int = 0,
    ) -> Event | None:
        """Apply one sentence's prediction to its events, in place (``events`` may be reordered:
        its first non-statement event is the sentence's main event). Returns an added event, if any."""
        proposals = [e for e in events if not e.statement_only]
        top_class = prediction.top_class
        class_p = prediction.classes[top_class]
        if not proposals:
            if sentence is None or top_class == 0 or class_p < self.add_threshold:
                return None
            return self._propose(doc, sentence, sentence_index, prediction)
        for event in proposals:
            event.confidence = round(prediction.type_probability(event.plover_type), 4) if event.plover_type else None
        if _negated(doc, proposals[0]):
            return None  # "did not endorse" stays a negated SUPPORT, never becomes REJECT
        if top_class == 0:
            if class_p >= self.statement_threshold and len(proposals) == 1 and not _claimed_or_denied(doc, proposals[0]) and not _demand(proposals[0]):
                self._make_statement(proposals[0], class_p)
            return None
        wanted = agreed_type(prediction)
        # an event named as background ("set fire to offices following the killing of a man") is never
        # made the main event: the sentence's label is its main clause's
        # nor one without actors over one with them ("lifted sanctions against Sudan, saying it had made
        # progress ... easing humanitarian distress": no one eases)
        acting = bool(proposals[0].sources or proposals[0].targets)
        candidates = [
            e for e in proposals
            if e is proposals[0] or (not _background(doc, e) and (e.sources or e.targets or not acting))
        ]
        agreeing = next((e for e in candidates if e.plover_type == wanted), None) or next(
            (e for e in candidates if e.quad_class == top_class), None
        )
        if agreeing is not None:
            if agreeing is not proposals[0] and class_p >= self.retype_threshold:
                events.remove(agreeing)  # the classifier names another proposal the main event
                events.insert(events.index(proposals[0]), agreeing)
            elif len(proposals) == 1 and wanted and wanted != agreeing.plover_type and not self._specific(doc, agreeing):
                if prediction.type_probability(wanted) >= self.retype_threshold:
                    self._retype(doc, agreeing, wanted, prediction)
            return None
        # a verb with its own object in the lexicon ("dropped ... bombs") is trusted like several proposals
        several = len(proposals) > 1 or self._specific(doc, proposals[0])
        if wanted and class_p >= (self.retype_threshold_several if several else self.retype_threshold):
            self._retype(doc, proposals[0], wanted, prediction)  # one proposal, and the classifier disagrees
        return None

    def _propose(self, doc: Doc, sentence: SpacySpan, sentence_index: int, prediction: Prediction) -> Event | None:
        """The classifier's own event for a sentence where the rules found none."""
        plover_type = agreed_type(prediction)
        frame = None if plover_type is None else self._frame(doc, sentence, material=quad_of_type(plover_type) in MATERIAL_QUADS)
        if frame is None:
            return None
        trigger, source_actors, target_actors = frame
        mode, code = with_mode(plover_type, self._lexicon_code(trigger, plover_type) or plover_to_cameo_root(plover_type), sentence)
        article = doc._.dyads_article
        return coded_event(
            doc, sentence, sentence_index=sentence_index, trigger=trigger, code=code, coder="classifier",
            article_id=article.id if article is not None else content_hash(doc.text),
            plover_mode=mode, sources=source_actors, targets=target_actors,
            confidence=round(prediction.type_probability(plover_type), 4),
        )

    @staticmethod
    def _frame(doc: Doc, sentence: SpacySpan, *, material: bool) -> tuple[Token, list[Actor], list[Actor]] | None:
        """The trigger and actors of an event the model may add to ``sentence``: its main verb, not
        negated, with at least one actor ("material": an act whose place may be its target)."""
        trigger = main_verb(sentence)
        if trigger is None or local_status(trigger) == "negated":
            return None
        sources, targets = verb_arguments(trigger, find=lambda t: mentions_for(doc, t), target_preps=(), place_target=material)
        source_actors = actors_of(sources)
        target_actors = not_sources(actors_of(targets), source_actors)
        if not source_actors and not target_actors:
            return None  # as for the rules' noun events: no actor, no event
        return trigger, source_actors, target_actors

    def _specific(self, doc: Doc, event: Event) -> bool:
        """The rules coded the event from a lexicon entry with its own object or particle ("lift
        the blockade": 087, not "lift" alone): the classifier does not re-type it within its class."""
        trigger = trigger_token(doc, event)
        entry = self.lexicon.match(trigger) if trigger is not None else None
        return entry is not None and entry.specificity > 0 and entry.cameo == event.cameo_code

    def _retype(self, doc: Doc, event: Event, plover_type: str, prediction: Prediction) -> None:
        sentence = doc.char_span(event.sentence.start, event.sentence.end, alignment_mode="expand")
        mode, code = with_mode(plover_type, self._code_for(doc, event, plover_type), sentence)
        final = cameo(code)
        event.cameo_code = final.code
        event.plover_type = final.plover_type
        event.quad_class = final.quad_class
        event.goldstein = final.goldstein
        event.plover_mode = mode
        event.intended_code = None
        event.coder = "lexicon+classifier"
        event.confidence = round(prediction.type_probability(plover_type), 4)

    def _code_for(self, doc: Doc, event: Event, plover_type: str) -> str:
        """The trigger word's own lexicon code for ``plover_type``, else the type's CAMEO root."""
        trigger = trigger_token(doc, event)
        code = self._lexicon_code(trigger, plover_type) if trigger is not None else None
        return code or plover_to_cameo_root(plover_type)

    def _lexicon_code(self, token: Token, plover_type: str) -> str | None:
        pos = "VERB" if token.pos_ == "VERB" else "NOUN"
        return next((e.cameo for e in self.lexicon.lookup(token.lemma_, pos) if e.plover_type == plover_type), None)

    @staticmethod
    def _make_statement(event: Event, probability: float) -> None:
        final = cameo(APPEAL_CODE if event.plover_type == "REQUEST" else STATEMENT_CODE)
        event.cameo_code = final.code
        event.plover_type = None
        event.plover_mode = None
        event.quad_class = final.quad_class
        event.goldstein = final.goldstein
        event.statement_only = True
        event.intended_code = None
        event.coder = "lexicon+classifier"
        event.confidence = round(probability, 4)


def apply_roles(
    doc: Doc, event: Event, phrases: tuple[RoleSpan, ...], *, sentence: SpacySpan, fill_threshold: float = 0.0, as_marked: bool = False
) -> None:
    """Apply tagged argument phrases (characters of ``sentence.text``) to ``event``, in place: see
    the module docstring. ``as_marked``: the phrases come from a role tagger and are taken as
    marked (not split at "and", their span replaces a wider one of the rules, actors of a role it
    marked outside its phrases leave the event, and a speaker outside a reported clause counts
    when the clause speaks of the speaker)."""
    starts = [token.idx - sentence.start_char for token in sentence]
    reported = _reported_clause(doc, event)
    trigger = trigger_token(doc, event)
    said = reported or _said_clause(trigger)  # "rights groups said jets had dropped bombs, an attack Moscow denied"
    if as_marked and said is not None and any(not _within(doc, sentence, p, said) for p in phrases):
        if not _speaks_of_itself(doc, said):
            return  # the tagger read the report's own arguments (speaker -> who is spoken of), not the event's
    # forces "were deployed / withdrawn / demobilized" by their own side: the subject's side acts
    # "Israel is opposed to", "was quoted as saying": participles that state the subject's own stance,
    # unless a by-agent makes them a true passive ("Iran was opposed by Israel")
    voiced = trigger is not None and event.plover_type not in SELF_MOVING_TYPES and (
        trigger.lower_ not in STATIVE_PARTICIPLES or any(child.dep_ == "agent" for child in trigger.children)
    )
    filed = filed_end(sentence) or sentence.start
    marked: dict[str, list[Span]] = {"source": [], "target": []}  # the phrases that placed an actor
    found_at = {id(actor): actor.span for actor in event.sources + event.targets}  # before any phrase moved them
    for phrase in phrases:
        first = sentence.start + max(0, bisect.bisect_right(starts, phrase.start) - 1)
        last = sentence.start + max(0, bisect.bisect_left(starts, phrase.end) - 1)
        if not as_marked and reported is not None and not reported[0] <= doc[first : last + 1].root.i <= reported[1]:
            continue  # "Zelenskiy said Russia had attacked ...": the head's tag on the speaker is no argument
        if trigger is not None and as_marked:
            first, last = _without_trigger(first, last, trigger.i)  # "Warren Christopher telephoned": the act is no argument
        first = max(first, filed)  # "KABUL (Reuters) - Taliban fighters": the dateline is no part of it
        if first > last:
            continue
        end = _phrase_end(doc, last)
        describing = _describes_held(doc, doc[first : end + 1].root, event)
        if voiced and phrase.role != _voice_role(doc[first : end + 1].root, trigger, phrase.role):
            continue  # "was arrested by police": the passive's subject is never its doer
        wanted = ("source", "target") if phrase.role == "reciprocal" else (phrase.role,)
        begin, close = _phrase_start(doc, first, end), _closed_bracket(doc, end)
        for a, b in [_trim_edges(doc, begin, close)] if as_marked else _conjuncts(doc, begin, close):
            if a > b:
                continue
            span = span_of(doc, doc[a].idx, doc[b].idx + len(doc[b].text))
            for role in wanted:
                own, other = (event.sources, event.targets) if role == "source" else (event.targets, event.sources)
                inside = [x for x in own if _overlaps(x, span, found_at)]
                if not inside and phrase.role != "reciprocal" and phrase.probability >= fill_threshold:
                    moved = [x for x in other if _overlaps(x, span, found_at)]
                    if as_marked and any(_listed_with(doc, x, other, span) for x in moved):
                        continue  # one member of a list does not change sides alone
                    for actor in moved:
                        other.remove(actor)
                        own.append(actor)
                    inside = moved
                if not inside and as_marked:
                    inside = _held_actor_in(doc, a, b, own)  # "attack on Israeli territory" held, "Israel" tagged
                if not inside and as_marked and role == "source" and _modifies(doc, a, b, own, found_at):
                    continue  # "Militants loyal to ... al-Zarqawi", "The Red Cross operating in Iraq": a description
                if not inside and not describing and (not own or phrase.probability >= fill_threshold):
                    held = own if phrase.role == "reciprocal" else event.sources + event.targets
                    # a tagged phrase is one argument: each of its conjuncts brings its actor ("Trump and Kim")
                    parts = _conjuncts(doc, a, b) if as_marked else [(a, b)]
                    found = [actor for first_, last_ in parts if (actor := _actor_in(doc, first_, last_, held)) is not None]
                    inside = found or [Actor(name=span.text)]
                    own.extend(inside)
                for actor in inside:
                    if as_marked or not _wider(doc, actor.span, span):
                        actor.span = span
                if inside:
                    marked[role].append(span)
    if as_marked:
        _keep_marked(doc, event, marked, trigger)


def _keep_marked(doc: Doc, event: Event, marked: dict[str, list[Span]], trigger: Token | None) -> None:
    """Drop the actors of a role the tagger marked that lie in none of its phrases, unless they
    belong with one (:func:`_belonging`) or grammar puts them there (:func:`_grammatical`); a role
    whose phrases placed only uncoded actors keeps the rules' coded ones."""
    for role, own in (("source", event.sources), ("target", event.targets)):
        placed = [actor for actor in own if any(_overlaps(actor, span) for span in marked[role])]
        if not any(actor.code or actor.sectors for actor in placed):
            continue  # "an act of aggression against a sovereign state": the rules' USA stays
        kept = _belonging(doc, marked[role]) | _grammatical(trigger, role)
        own[:] = [actor for actor in own if actor in placed or _head_in(doc, actor, kept)]


def _said_clause(trigger: Token | None) -> tuple[int, int] | None:
    """Token range of the clause a reporting verb above the trigger governs, whatever report the
    event's attribution names (its own may be a denial: "..., an attack that Moscow has denied")."""
    node = trigger
    while node is not None and node.head.i != node.i:
        if node.dep_ == "ccomp" and node.head.lemma_.lower() in REPORTING_VERBS:
            return node.left_edge.i, node.right_edge.i
        node = node.head
    return None


def _without_trigger(first: int, last: int, trigger: int) -> tuple[int, int]:
    """Tokens ``[first, last]`` of a tagged phrase without the event's trigger at either edge."""
    if first == trigger:
        first += 1
    if last == trigger:
        last -= 1
    return first, last


def _listed_with(doc: Doc, actor: Actor, role: list[Actor], span: Span) -> bool:
    """``actor`` is coordinated with another actor of ``role`` outside ``span`` ("a ceasefire
    between Israel and Hamas" with only Israel tagged as the target)."""
    if actor.span is None:
        return False
    partners = _belonging(doc, [actor.span])
    return any(other is not actor and not _overlaps(other, span) and _head_in(doc, other, partners) for other in role)


def _root(doc: Doc, start: int, end: int) -> Token | None:
    """The head word of characters ``[start, end)`` of ``doc`` (widened to whole tokens)."""
    chars = doc.char_span(start, end, alignment_mode="expand")
    return chars.root if chars is not None else None


def _within(doc: Doc, sentence: SpacySpan, phrase: RoleSpan, reported: tuple[int, int]) -> bool:
    """The head of a tagged phrase lies in the reported clause (token range ``reported``)."""
    root = _root(doc, sentence.start_char + phrase.start, sentence.start_char + phrase.end)
    return root is not None and reported[0] <= root.i <= reported[1]


def _speaks_of_itself(doc: Doc, reported: tuple[int, int]) -> bool:
    """The reported clause's subject is a pronoun or missing ("the agency said it is skeptical",
    "rebels said they will release ..."): the speaker is the one who acts."""
    clause = doc[reported[0] : reported[1] + 1].root
    subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
    return not subjects or all(c.pos_ == "PRON" for c in subjects)


def _belonging(doc: Doc, spans: list[Span]) -> set[int]:
    """Tokens that belong with tagged phrases though the tagger left them out: words coordinated
    with a phrase's head ("the coalition of Russia, Iran, Iraq and Syria" with "Iran" tagged: the
    members of a list share its role), the words before each such head ("U.S. and South Korean
    troops" with "South Korean troops" tagged) and its appositive ("Mosul, Iraq's second-largest
    city")."""
    found: set[int] = set()
    for span in spans:
        first = _root(doc, span.start, span.end)
        if first is None:
            continue
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        for head in [first, *(t for t in first.subtree if t.dep_ == "conj" and _conjunct_of(t, first))]:
            found.add(head.i)
            found.update(t.i for t in head.subtree if t.i < head.i)
            for child in head.children:
                if child.dep_ == "appos":
                    found.update(t.i for t in child.subtree)
    return found


def _grammatical(trigger: Token | None, role: str) -> set[int]:
    """The trigger's own subject (source) or object (target), and a passive's by-agent (source):
    grammar places them in the role, whatever the tagger left out."""
    if trigger is None:
        return set()
    if role == "source":
        out = {c.i for c in trigger.children if c.dep_ == "nsubj"}
        out.update(g.i for c in trigger.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj")
        return out
    return {c.i for c in trigger.children if c.dep_ in ("dobj", "nsubjpass")}


def _conjunct_of(token: Token, first: Token) -> bool:
    """``token`` hangs on ``first`` through conjunctions alone."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
        if token.i == first.i:
            return True
    return False


def _held_actor_in(doc: Doc, first: int, last: int, own: list[Actor]) -> list[Actor]:
    """The actor of ``own`` that a mention inside tokens ``[first, last]`` names, if held."""
    for mention in _mentions_in(doc, first, last):
        if mention.actor.code or mention.actor.sectors:
            return [actor for actor in own if _actor_key(actor) == _actor_key(mention.actor)][:1]
    return []


def _mentions_in(doc: Doc, first: int, last: int) -> list[Mention]:
    """The mentions headed inside tokens ``[first, last]``, in order, coded ones before uncoded
    ones and possessives last: in "his Afghan counterpart" the phrase is the counterpart, and
    "his" (the other side, by coreference) only says whose; in "his counterpart Italian President
    Sergio Mattarella" the president's ITA, not the uncoded "counterpart"."""
    found = [m for m in doc._.dyads_mentions or [] if first <= m.head <= last]
    return sorted(found, key=lambda m: (doc[m.head].dep_ == "poss", not m.actor.code))


def _head_in(doc: Doc, actor: Actor, tokens: set[int]) -> bool:
    """The head word of an actor's span is one of ``tokens``."""
    root = _root(doc, actor.span.start, actor.span.end) if actor.span is not None else None
    return root is not None and root.i in tokens


STATIVE_PARTICIPLES = frozenset({
    "opposed", "engaged", "involved", "committed", "quoted", "determined", "prepared", "concerned",
    "interested", "united", "divided", "poised", "resolved", "inclined", "dedicated", "devoted",
})


def _voice_role(root: Token, trigger: Token, role: str) -> str:
    """The role a phrase must have when the grammar of a passive trigger says so: its subject
    ("An Italian journalist was arrested") is the target, its by-agent ("... by the police") the
    source; ``role`` otherwise. The role head sometimes tags a passive subject as the doer."""
    if root.head.i == trigger.i and root.dep_ == "nsubjpass":
        return "target"
    if root.dep_ == "pobj" and root.head.dep_ == "agent" and root.head.head.i == trigger.i:
        return "source"
    return role


def _reported_clause(doc: Doc, event: Event) -> tuple[int, int] | None:
    """Token range of the clause a reporting verb governs, when the event's trigger is in one."""
    trigger = trigger_token(doc, event)
    report = reporting_above(trigger) if trigger is not None else None
    if report is None or report.cue.i == trigger.i:
        return None
    node = trigger
    while node.head.i != node.i and node.head.i != report.cue.i:
        node = node.head
    if node.head.i != report.cue.i:
        return None  # the cue does not govern the trigger (a relative clause, "according to")
    return node.left_edge.i, node.right_edge.i


MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "poss", "nummod", "det", "case"})


def _phrase_end(doc: Doc, last: int) -> int:
    """The last token of a tagged phrase, moved right while it only modifies a noun outside the
    phrase ("Chadian" -> "Chadian citizens", "a car" -> "a car bomb"): a phrase the role head
    cut before its head noun."""
    token = doc[last]
    if token.dep_ == "case" and token.head.dep_ == "poss" and token.head.head.i > token.i:
        token = token.head  # "Mexico 's": the possessive marker belongs to the noun it owns
    while token.dep_ in MODIFIER_DEPS and token.head.i > token.i and token.head.pos_ in {"NOUN", "PROPN"}:
        token = token.head
    return token.i


def _phrase_start(doc: Doc, first: int, last: int) -> int:
    """The first token of a tagged phrase, moved left over the article, determiner, adjectives,
    compounds or possessor of a noun inside it ("the Croatian government", "the protesting truck
    drivers": the role head often leaves them out, coders mark them), and back to the possessor
    when it starts on a possessive marker ("'s rebel groups" -> "the country 's rebel groups")."""
    if doc[first].dep_ == "case" and first > 0 and doc[first].head.i < first:
        first = doc[first].head.left_edge.i  # "'s rebel groups": the possessor the head cut off
    actor_words = {i for m in doc._.dyads_mentions or [] for i in range(m.start, m.end)}
    while first > 0 and first <= doc[first - 1].head.i <= last and _left_modifier(doc[first - 1], actor_words):
        first -= 1  # "the protesting truck drivers", "the northern province of ..."
    return first


def _left_modifier(token: Token, actor_words: set[int]) -> bool:
    """An article or determiner, or a modifier that is no actor word and no pronoun: the head
    leaves "Ethiopian" out of "Ethiopian government" when it is another actor; keep it so."""
    if token.dep_ in ("det", "predet"):
        return True
    return token.dep_ in _LEFT_MODIFIER_DEPS and token.i not in actor_words and token.pos_ != "PRON"


#: words left of a noun that belong to its phrase: article, adjective, compound, number, possessor
_LEFT_MODIFIER_DEPS = frozenset({"det", "predet", "amod", "compound", "nummod", "poss", "case", "nmod"})


def _wider(doc: Doc, own: Span | None, tagged: Span) -> bool:
    """True when the rules' span of an actor holds the role head's phrase and more of the same
    noun phrase: its title, count or article ("Russian President Vladimir Putin" for "Vladimir
    Putin", "dozens of demonstrators"), a bracketed acronym or an *of* phrase after it
    ("President Recep Tayyip Erdogan of Turkey"), an *in* phrase after what is no person ("the
    U.S. Embassy in Athens"), the rest of a conjoined pair ("India and Mercosur agreed"). Then
    the rules' span is kept; not when it runs on into another prepositional phrase (*near
    Damascus*, *to Germany*) or places a person (*Macron in Paris*)."""
    if own is None or not (own.start <= tagged.start and tagged.end <= own.end) or (own.start, own.end) == (tagged.start, tagged.end):
        return False
    if tagged.end == own.end:
        return True
    after = doc.char_span(tagged.end, own.end, alignment_mode="expand")
    phrase = doc.char_span(tagged.start, tagged.end, alignment_mode="expand")
    if not after or phrase is None:
        return False
    first = after[0]
    if first.lower_ == "in":
        return phrase.root.ent_type_ != "PERSON"
    return first.dep_ != "prep" or first.lower_ == "of"


def _closed_bracket(doc: Doc, last: int) -> int:
    """The last token of a tagged phrase, moved right to the closing bracket when the phrase
    ends inside one ("the Central African Republic ( CAR" -> "... ( CAR )"): the role head often
    stops one token short of it."""
    if last + 1 < len(doc) and doc[last + 1].text == ")":
        sentence = doc[last].sent
        opened = [t.i for t in doc[sentence.start : last + 1] if t.text == "("]
        closed = [t.i for t in doc[sentence.start : last + 1] if t.text == ")"]
        if opened and (not closed or closed[-1] < opened[-1]) and last + 1 - opened[-1] <= 6:
            return last + 1
    return last


def _conjuncts(doc: Doc, first: int, last: int) -> list[tuple[int, int]]:
    """Tokens ``[first, last]`` of a tagged phrase as its conjuncts, split at coordinating
    conjunctions ("the White House and the State Department" -> two phrases), as the gold marks
    conjoined arguments one by one."""
    parts: list[tuple[int, int]] = []
    begin = first
    for i in range(first + 1, last + 1):
        if doc[i].dep_ == "cc":
            end = i - 1 if not (doc[i - 1].is_punct and i - 1 > begin) else i - 2
            parts.append((begin, end))
            begin = i + 1
    parts.append((begin, last))
    return [trimmed for a, b in parts if (trimmed := _trim_edges(doc, a, b))[0] <= trimmed[1]]


def _trim_edges(doc: Doc, first: int, last: int) -> tuple[int, int]:
    """Tokens ``[first, last]`` without a conjunction or punctuation at either edge ("and the
    Eurasia Economic Union" -> "the Eurasia Economic Union", "The Afghan government ," -> "The
    Afghan government"): no coder starts or ends an argument on them. Brackets stay: "( EAEU )"."""
    def loose(token: Token) -> bool:  # "Franz Klintsevich , who": nor on a relative pronoun
        return token.dep_ == "cc" or (token.is_punct and token.text not in "()[]") or token.tag_ in RELATIVE_TAGS

    while first <= last and loose(doc[first]):
        first += 1
    while last >= first and loose(doc[last]):
        last -= 1
    while first < last and _time_word(doc[first], first, last):
        first += 1  # "Today President Trump", "Hours earlier Maduro": when, not who
    while last > first and doc[last].dep_ == "prep" and not any(first <= c.i <= last for c in doc[last].children):
        last -= 1  # "the coalition fighting Houthi rebels in": a preposition without its object
    return first, last


def _time_word(token: Token, first: int, last: int) -> bool:
    """A date or time word, or an adverb, that hangs on the clause rather than on a noun of the
    phrase ``[first, last]`` (directly, or through the time word after it: "Hours earlier")."""
    if not (token.ent_type_ in ("DATE", "TIME") or token.dep_ in ("npadvmod", "advmod", "tmod")):
        return False
    head = token.head
    if not first <= head.i <= last:
        return True
    return head.i > token.i and _time_word(head, first, last)


#: relative pronouns, which end no argument phrase
RELATIVE_TAGS = frozenset({"WDT", "WP", "WP$"})
#: clauses and phrases that describe the noun they hang on
DESCRIBING_DEPS = frozenset({"relcl", "appos", "acl"})


def _describes_held(doc: Doc, token: Token, event: Event) -> bool:
    """``token`` is inside a relative clause, appositive or participle describing one of the
    event's actors ("Franz Klintsevich, who serves as deputy chairman of the Federation Council
    Committee, praised ...": the committee describes the doer, it is no second doer)."""
    spans = [a.span for a in (*event.sources, *event.targets) if a.span is not None]
    node = token
    while node.head.i != node.i:
        if node.dep_ in DESCRIBING_DEPS and any(s.start <= node.head.idx < s.end for s in spans):
            return True
        node = node.head
    return False


def _modifies(doc: Doc, first: int, last: int, own: list[Actor], found_at: dict[int, Span | None]) -> bool:
    """Tokens ``[first, last]`` hang inside the phrase of an actor the role already holds, not as
    its conjunct: they describe that actor ("Militants loyal to al-Qaeda's Zarqawi") and name no
    second one."""
    root = doc[first : last + 1].root
    for actor in own:
        held = found_at.get(id(actor), actor.span)
        head = _root(doc, held.start, held.end) if held is not None else None
        if head is not None and head.dep_ == "nsubj" and head.head.tag_ == "VBG" and head.head.dep_ == "nsubj":
            head = head.head  # the reduced relative parsed as the subject ("The Red Cross operating in Iraq said")
        if head is not None and not first <= head.i <= last and root.i != head.i and root in head.subtree and not _conjunct_of(root, head):
            return True
    return False


def _overlaps(actor: Actor, span: Span, found_at: dict[int, Span | None] | None = None) -> bool:
    """The actor's span overlaps ``span``; with ``found_at``, its span before any tagged phrase
    replaced it (so "British forces" does not take the USA whose span an earlier phrase, "US
    and British forces", had widened)."""
    own = found_at.get(id(actor), actor.span) if found_at is not None else actor.span
    return own is not None and own.start < span.end and span.start < own.end


def _actor_in(doc: Doc, first: int, last: int, taken: list[Actor]) -> Actor | None:
    """A copy of the actor of the first mention (in :func:`_mentions_in`'s order) whose head is
    one of tokens ``[first, last]`` and that the event does not hold yet."""
    held = {_actor_key(a) for a in taken}
    for mention in _mentions_in(doc, first, last):
        actor = mention.actor
        if (actor.code or actor.sectors or actor.name) and _actor_key(actor) not in held:
            return actor.model_copy(deep=True)
    return None


def _actor_key(actor: Actor) -> tuple:
    """Who an actor is, whatever its span: code, sectors and name."""
    return actor.code, tuple(actor.sectors), actor.name


def _background(doc: Doc, event: Event) -> bool:
    """The event's trigger is the object of "after", "following", "despite", "amid" ..., or the
    verb of a relative clause about a place or a time ("demonstrated in Serbia, where 24 people
    were killed last March")."""
    trigger = trigger_token(doc, event)
    if trigger is None:
        return False
    if trigger.dep_ == "relcl":
        return any(child.dep_ == "advmod" and child.lower_ in {"where", "when"} for child in trigger.children)
    return trigger.dep_ == "pobj" and trigger.head.lower_ in BACKGROUND_PREPS


def _demand(event: Event) -> bool:
    """A demand (CAMEO 10) is no appeal: the model's statement class covers appeals, not demands."""
    return event.cameo_code.startswith("10")


def _claimed_or_denied(doc: Doc, event: Event) -> bool:
    """"Shoigu claimed that Moscow and Washington were close to joint action", "The Kremlin denied
    that Russian hackers had attacked the parliament": a claim or a denial makes the sentence read
    as a statement, but what is claimed or denied is the event; keep it (a plain "said" sentence
    may still be flagged, as statement-only gold labels them)."""
    trigger = trigger_token(doc, event)
    report = reporting_above(trigger) if trigger is not None else None
    if report is None:
        return False
    cue = report.cue.lemma_.lower()
    return cue in CLAIM_VERBS or (cue in DENIAL_VERBS and trigger.pos_ == "VERB")


def _negated(doc: Doc, event: Event) -> bool:
    trigger = trigger_token(doc, event)
    return trigger is not None and local_status(trigger) == "negated"


def wants_model(doc: Doc, sentence: SpacySpan, *, proposed: bool, mention_starts: list[int], all_sentences: bool) -> bool:
    """Whether the classify stage runs the model on ``sentence``: it holds an event the rules
    proposed, or (``sentences = "all"``) it has a verb and an actor and a main verb with actors on
    which the model could add an event; for any other sentence the prediction would be thrown
    away (about 11% of the calls on news, `python bench/classifier_speed.py --n 200`)."""
    if proposed:
        return True
    # material=True only adds the act's place as a target, so it finds a frame whenever False does
    return all_sentences and _may_hold_event(sentence, mention_starts) and EventClassifier._frame(doc, sentence, material=True) is not None


def _may_hold_event(sentence: SpacySpan, mention_starts: list[int]) -> bool:
    """A verb and an actor mention: without an actor no event would be added, so skip the model."""
    position = bisect.bisect_left(mention_starts, sentence.start)
    has_mention = position < len(mention_starts) and mention_starts[position] < sentence.end
    return has_mention and any(token.pos_ == "VERB" for token in sentence)


def main_verb(sentence: SpacySpan) -> Token | None:
    """The sentence's event verb: its root, or the clause a reporting root governs."""
    root = sentence.root
    if root.lemma_.lower() in REPORTING_VERBS:
        clause = next((c for c in root.children if c.dep_ in {"ccomp", "xcomp"} and c.pos_ == "VERB"), None)
        if clause is not None:
            return clause
    return root if root.pos_ in {"VERB", "NOUN", "PROPN"} else None


def with_mode(plover_type: str, code: str, sentence: SpacySpan | None) -> tuple[str | None, str]:
    """The mode the sentence's cue words give the type ("missiles" -> weapons), and the CAMEO
    code, made more specific by the cue where it names one of the same type."""
    if sentence is None:
        return None, code
    mode, override = mode_for(plover_type, (token.lemma_.lower() for token in sentence))
    if override is not None and cameo(override).plover_type == plover_type and len(code) <= len(override):
        code = override
    return mode, code


def agreed_type(prediction: Prediction) -> str | None:
    """The type head's choice when the class head puts the sentence in that type's class, else None:
    the classifier overrides the rules only where its two heads agree."""
    top_type = prediction.top_type
    return top_type if quad_of_type(top_type) == prediction.top_class else None


@Language.factory(
    "dyads_classify",
    requires=["doc._.dyads_events"],
    assigns=["doc._.dyads_events"],
    default_config={
        "model": DEFAULT_MODEL,
        "lexicon": None,
        "retype_threshold": 0.5,
        "retype_threshold_several": 0.8,
        "statement_threshold": 0.7,
        "add_threshold": 0.5,
        "sentences": "all",
        "threads": 1,
        "roles": True,
        "role_model": DEFAULT_MODEL,
        "role_floor": 0.63,
        "role_threshold": 0.5,
        "codes": "model",
    },
)
def make_event_classifier(
    nlp: Language,
    name: str,
    model: str,
    lexicon: str | None,
    retype_threshold: float,
    retype_threshold_several: float,
    statement_threshold: float,
    add_threshold: float,
    sentences: str,
    threads: int,
    roles: bool,
    role_model: str,
    role_floor: float,
    role_threshold: float,
    codes: str,
) -> EventClassifier:
    return EventClassifier(
        model=model,
        lexicon=lexicon,
        retype_threshold=retype_threshold,
        retype_threshold_several=retype_threshold_several,
        statement_threshold=statement_threshold,
        add_threshold=add_threshold,
        sentences=sentences,
        threads=threads,
        roles=roles,
        role_model=role_model,
        role_floor=role_floor,
        role_threshold=role_threshold,
        codes=codes,
    )
