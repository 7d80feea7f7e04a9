"""The learned classifier: label sets, example reading, folds, and the stage's decisions
(on hand-built events and predictions; one test loads the shipped int8 model)."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from dyads.classifier import CLASS_LABELS, TYPE_LABELS, Prediction, RoleSpan, SentenceClassifier, fold_of, read_examples
from dyads.classifier.examples import parse_example, split_folds
from dyads.classifier.labels import ROLE_TAGS, class_of_types, type_set
from dyads.classifier.model import decode_roles
from dyads.errors import ModelError
from dyads.ontology import cameo
from dyads.records import Actor, Event, Mention, Span
from dyads.stages.classify import EventClassifier, apply_roles, load_role_tagger, model_folder
from dyads.stages.events import span_of
from test_coder_rules import coded_mentions, parse  # tests/ is on sys.path (pytest rootdir import mode)

VOCAB = spacy.blank("en").vocab


def test_type_sets_resolve_gold_names() -> None:
    assert type_set("YIELD") == ("CONCEDE", "RETREAT")
    assert type_set("demand") == ("REQUEST",)
    assert type_set(["FIGHT", "ASSAULT"]) == ("ASSAULT",)
    with pytest.raises(ValueError, match="not a PLOVER type"):
        type_set("BANANA")


def test_class_of_types_only_when_shared() -> None:
    assert class_of_types(("ASSAULT",)) == 4
    assert class_of_types(("CONCEDE", "RETREAT")) == 2
    assert class_of_types(("AGREE", "ASSAULT")) is None
    assert class_of_types(("REQUEST",)) is None  # CAMEO 02 appeal or 10 demand: left open


@pytest.mark.parametrize(
    ("obj", "types", "klass"),
    [
        ({"text": "Rebels shelled the airport.", "plover": "ASSAULT"}, ("ASSAULT",), 4),
        ({"text": "Police held 30.", "plover": ["COERCE"], "cameo_class": 4}, ("COERCE",), 4),
        ({"text": "The envoy urged calm.", "plover": None, "cameo_class": 0}, (), 0),
        ({"text": "Troops pulled back.", "label": "YIELD", "split": "train"}, ("CONCEDE", "RETREAT"), 2),
        ({"text": "A court rejected the request.", "label": 3}, (), 3),
        ({"text": "They met in Oslo.", "event": "CONSULT", "mode": "visit"}, ("CONSULT",), 1),
        ({"text": "Troops fired on a crowd.", "event_type": "assault", "event_mode": "firearms"}, ("ASSAULT",), 4),
    ],
)
def test_every_known_shape_parses(obj: dict, types: tuple, klass: int) -> None:
    example = parse_example(obj, "x:1")
    assert example.types == types
    assert example.cameo_class == klass


def test_bad_lines_are_reported_and_good_ones_kept(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"text": "Rebels shelled the airport.", "plover": "ASSAULT"}),
                "{not json",
                json.dumps({"text": "x", "plover": "BANANA"}),
                json.dumps({"text": "", "plover": "AID"}),
                json.dumps({"text": "Aid arrived.", "cameo_class": 9}),
                json.dumps({"text": "Donors sent aid.", "plover": "AID"}),
            ]
        ),
        encoding="utf-8",
    )
    examples, problems = read_examples([path])
    assert [e.text for e in examples] == ["Rebels shelled the airport.", "Donors sent aid."]
    assert [p.code for p in problems] == ["E701", "E901", "E901", "E901"]
    assert all(str(path) in str(p) for p in problems)


def test_folds_are_stable_disjoint_and_keep_duplicates_together() -> None:
    texts = [f"Sentence number {i} about a strike." for i in range(200)]
    examples = [parse_example({"text": t, "plover": "PROTEST"}, "x") for t in texts]
    examples.append(parse_example({"text": "  sentence NUMBER 7 about a strike. ", "plover": "PROTEST"}, "y"))
    folds = [split_folds(examples, 5, k) for k in range(5)]
    held = [len(h) for _, h in folds]
    assert sum(held) == len(examples) and min(held) > 20
    for kept, held_out in folds:
        assert not {e.key for e in kept} & {e.key for e in held_out}
    assert fold_of("Sentence number 7 about a strike.", 5) == fold_of(" sentence  number 7 about a STRIKE.", 5)


# ---------------------------------------------------------------- the stage's decisions


def probs(labels: tuple, peak: object, p: float) -> tuple[float, ...]:
    rest = (1.0 - p) / (len(labels) - 1)
    return tuple(p if label == peak else rest for label in labels)


def prediction(plover_type: str, klass: int, p: float) -> Prediction:
    return Prediction(types=probs(TYPE_LABELS, plover_type, p), classes=probs(CLASS_LABELS, klass, p))


def sentence_doc() -> Doc:
    words = ["Troops", "fired", "on", "protesters", "."]
    return Doc(VOCAB, words=words, lemmas=["troop", "fire", "on", "protester", "."], pos=["NOUN", "VERB", "ADP", "NOUN", "PUNCT"])


def rule_event(code: str) -> Event:
    final = cameo(code)
    text = "Troops fired on protesters ."
    return Event(
        article_id="a",
        sentence_index=0,
        sentence=Span(start=0, end=len(text), text=text),
        trigger=Span(start=7, end=12, text="fired"),
        plover_type=final.plover_type,
        cameo_code=final.code,
        quad_class=final.quad_class,
        goldstein=final.goldstein,
        statement_only=final.plover_type is None,
        coder="lexicon-rules",
    )


@pytest.fixture(scope="module")
def stage() -> EventClassifier:
    return EventClassifier(
        model="none",
        lexicon=None,
        retype_threshold=0.6,
        retype_threshold_several=0.95,
        statement_threshold=0.7,
        add_threshold=0.7,
        sentences="all",
        threads=1,
    )


def test_agreeing_classifier_keeps_the_event_and_sets_confidence(stage: EventClassifier) -> None:
    event = rule_event("190")
    stage.decide(sentence_doc(), [event], prediction("ASSAULT", 4, 0.9))
    assert (event.cameo_code, event.coder, event.confidence) == ("190", "lexicon-rules", 0.9)


def test_unsure_classifier_changes_nothing(stage: EventClassifier) -> None:
    event = rule_event("190")
    stage.decide(sentence_doc(), [event], prediction("PROTEST", 2, 0.4))
    assert (event.plover_type, event.cameo_code, event.coder) == ("ASSAULT", "190", "lexicon-rules")


def test_confident_other_class_retypes_with_consistent_codes(stage: EventClassifier) -> None:
    event = rule_event("040")  # rules said CONSULT
    stage.decide(sentence_doc(), [event], prediction("ASSAULT", 4, 0.8))
    assert event.plover_type == "ASSAULT"
    assert event.coder == "lexicon+classifier"
    assert cameo(event.cameo_code).plover_type == "ASSAULT"
    assert (event.quad_class, event.goldstein) == (cameo(event.cameo_code).quad_class, cameo(event.cameo_code).goldstein)


def test_lexicon_entry_with_its_own_object_needs_the_higher_threshold(stage: EventClassifier) -> None:
    """"Jets dropped bombs" matches drop + bomb (195): a verb and its object, which the classifier
    re-types to another class only as surely as it re-types one of several proposals."""
    doc = _parsed(
        ["Jets", "dropped", "bombs", "on", "the", "town", "."], ["jet", "drop", "bomb", "on", "the", "town", "."],
        ["NOUN", "VERB", "NOUN", "ADP", "DET", "NOUN", "PUNCT"], [1, 1, 1, 1, 5, 3, 1],
        ["nsubj", "ROOT", "dobj", "prep", "det", "pobj", "punct"],
    )
    kept, retyped = event_on(doc, 1, "195"), event_on(doc, 1, "195")
    stage.decide(doc, [kept], prediction("CONCEDE", 2, 0.8))  # above retype_threshold (0.6), below several (0.95)
    stage.decide(doc, [retyped], prediction("CONCEDE", 2, 0.97))
    assert (kept.cameo_code, kept.coder) == ("195", "lexicon-rules")
    assert (retyped.plover_type, retyped.coder) == ("CONCEDE", "lexicon+classifier")


def test_confident_statement_flags_the_main_event(stage: EventClassifier) -> None:
    event = rule_event("190")
    stage.decide(sentence_doc(), [event], prediction("ASSAULT", 0, 0.9))
    assert event.statement_only and event.plover_type is None
    assert event.cameo_code == "010" and event.quad_class == 0


def test_classifier_picks_the_main_event_among_proposals(stage: EventClassifier) -> None:
    consult, strike = rule_event("040"), rule_event("190")
    events = [consult, strike]
    stage.decide(sentence_doc(), events, prediction("ASSAULT", 4, 0.8))
    assert events == [strike, consult]  # reordered, not re-typed
    assert (consult.cameo_code, strike.cameo_code) == ("040", "190")


def test_several_proposals_are_not_retyped_to_a_type_none_has(stage: EventClassifier) -> None:
    consult, aid = rule_event("040"), rule_event("070")
    stage.decide(sentence_doc(), [consult, aid], prediction("ASSAULT", 4, 0.9))
    assert (consult.cameo_code, aid.cameo_code) == ("040", "070")


def test_statements_are_left_alone(stage: EventClassifier) -> None:
    said = rule_event("010")
    stage.decide(sentence_doc(), [said], prediction("ASSAULT", 4, 0.99))
    assert said.cameo_code == "010" and said.coder == "lexicon-rules"


def test_sentence_without_rule_event_gets_the_classifiers_event(stage: EventClassifier) -> None:
    doc = parse(
        [
            ("Officials", "official", 1, "nsubj", "NOUN"),
            ("said", "say", 1, "ROOT", "VERB"),
            ("rebels", "rebel", 3, "nsubj", "NOUN"),
            ("shelled", "shell", 1, "ccomp", "VERB"),
            ("the", "the", 5, "det", "DET"),
            ("airport", "airport", 3, "dobj", "NOUN"),
            (".", ".", 1, "punct", "PUNCT"),
        ]
    )
    sentence = next(iter(doc.sents))
    doc._.dyads_mentions = []
    assert stage.decide(doc, [], prediction("ASSAULT", 4, 0.9), sentence=sentence, sentence_index=0) is None  # no actor
    rebels = Span(start=doc[2].idx, end=doc[2].idx + len("rebels"), text="rebels")
    doc._.dyads_mentions = [Mention(start=2, end=3, head=2, kind="sector", actor=Actor(sectors=["REB"], span=rebels))]
    added = stage.decide(doc, [], prediction("ASSAULT", 4, 0.9), sentence=sentence, sentence_index=0)
    assert added is not None and added.coder == "classifier"
    assert (added.trigger.text, added.plover_type, added.quad_class) == ("shelled", "ASSAULT", 4)
    assert [a.sectors for a in added.sources] == [["REB"]]
    assert stage.decide(doc, [], prediction("ASSAULT", 4, 0.5), sentence=sentence, sentence_index=0) is None
    assert stage.decide(doc, [], prediction("ASSAULT", 0, 0.9), sentence=sentence, sentence_index=0) is None


def test_missing_model_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as info:
        SentenceClassifier(tmp_path / "nowhere")
    assert info.value.code == "E910" and "dyads train" in str(info.value)


def test_none_disables_the_model() -> None:
    assert model_folder("none") is None and model_folder("") is None
    assert model_folder("default").name == "events-minilm"


SHIPPED = model_folder("default")
SHIPPED_TAGGER = model_folder("default", shipped="roles-minilm")


@pytest.mark.skipif(not (SHIPPED / "model.onnx").is_file(), reason="the shipped classifier is not built (make model)")
def test_a_folder_taught_no_argument_phrases_is_no_role_tagger(tmp_path: Path) -> None:
    # the shipped tagger's phrases: tests/test_stacked_tagger.py
    classifier = SentenceClassifier(SHIPPED)
    folder = tmp_path / "no-roles"
    shutil.copytree(SHIPPED, folder)
    meta = json.loads((folder / "dyads-model.json").read_text(encoding="utf-8"))
    (folder / "dyads-model.json").write_text(json.dumps({**meta, "role_examples": 0}), encoding="utf-8")
    with pytest.raises(ModelError) as info:
        load_role_tagger(str(folder), threads=1, classifier=classifier)
    assert info.value.code == "E915" and "role_model" in str(info.value)
    assert load_role_tagger("classifier", threads=1, classifier=classifier) is None  # the classifier's own role head


@pytest.mark.skipif(not (SHIPPED / "model.onnx").is_file(), reason="the shipped classifier is not built (make model)")
def test_role_model_none_tags_no_argument_phrases() -> None:
    # "none", as for classifier.model, means no tagger: it used to be read as a folder named "none" (E910)
    from dyads.pipeline import Pipeline
    from dyads.config import load_config

    stage = Pipeline(load_config(overrides={"classifier.role_model": "none"})).nlp.get_pipe("dyads_classify")
    assert stage.classifier is not None and stage.tagger is None and not stage.use_roles


@pytest.mark.skipif(not (SHIPPED / "model.onnx").is_file(), reason="the shipped classifier is not built (make model)")
def test_shipped_model_gives_distributions_and_obvious_answers() -> None:
    clf = SentenceClassifier(SHIPPED)
    texts = [
        "Government warplanes bombed a rebel-held market town on Sunday, killing at least twelve civilians.",
        "The two foreign ministers met in Geneva on Monday for talks on the border dispute.",
    ]
    first, second = clf.predict(texts)
    for p in (first, second):
        assert abs(sum(p.types) - 1) < 1e-3 and abs(sum(p.classes) - 1) < 1e-3
    assert (first.top_type, first.top_class) == ("ASSAULT", 4)
    assert (second.top_type, second.top_class) == ("CONSULT", 1)
    assert clf.predict([]) == []


@pytest.mark.parametrize("folder", [SHIPPED, SHIPPED_TAGGER], ids=["classifier", "role tagger"])
def test_shipped_model_weights_fit_seven_bits_so_every_cpu_gives_the_same_answers(folder: Path) -> None:
    """x86 CPUs without VNNI add pairs of uint8 x int8 products in 16 bits: full-range int8 weights
    overflow there and the model answers differently than on newer CPUs. 7-bit weights never do."""
    import onnx
    from onnx import numpy_helper

    if not (folder / "model.onnx").is_file():
        pytest.skip(f"{folder.name} is not built (make model)")
    model = onnx.load(str(folder / "model.onnx"))
    weights = [numpy_helper.to_array(t) for t in model.graph.initializer if t.data_type == onnx.TensorProto.INT8]
    assert len(weights) >= 20  # every quantised MatMul of the 4 encoder layers and the heads
    assert max(int(np.abs(w.astype(np.int16)).max()) for w in weights) <= 64


def test_our_written_examples_all_parse() -> None:
    path = Path(__file__).resolve().parents[1] / "src" / "dyads" / "models" / "examples.jsonl"
    examples, problems = read_examples([path])
    assert problems == []
    assert len(examples) >= 300
    assert {t for e in examples for t in e.types} == set(TYPE_LABELS)  # every type has examples
    assert sum(e.cameo_class == 0 for e in examples) >= 50  # statements and appeals


@pytest.mark.skipif(importlib.util.find_spec("torch") is not None, reason="torch is installed: this checks its absence")
def test_train_without_torch_says_how_to_get_it(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dyads.cli import app

    data = tmp_path / "ex.jsonl"
    data.write_text(json.dumps({"text": "Rebels shelled the airport.", "plover": "ASSAULT"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["train", str(data), "--out", str(tmp_path / "m")])
    assert result.exit_code != 0
    assert isinstance(result.exception, ModelError) and result.exception.code == "E905"
    assert "make train-env" in str(result.exception)
    assert not (tmp_path / "m").exists()


def test_fold_coder_needs_one_model_per_fold(tmp_path: Path) -> None:
    from dyads.evaluate.run import FoldCoder

    for fold in (0, 2):
        (tmp_path / f"fold-{fold}").mkdir()
        (tmp_path / f"fold-{fold}" / "dyads-model.json").write_text(json.dumps({"folds": 3, "fold": fold}), encoding="utf-8")
    with pytest.raises(ModelError) as info:
        FoldCoder(pipeline=None, folder=tmp_path)
    assert info.value.code == "E914" and "[0, 2]" in str(info.value)
    with pytest.raises(ModelError):
        FoldCoder(pipeline=None, folder=tmp_path / "empty")


def test_fold_coder_takes_role_taggers_of_the_same_folds(tmp_path: Path) -> None:
    from dyads.evaluate.run import FoldCoder

    def write(folder: Path, folds: tuple[int, ...]) -> None:
        for fold in folds:
            (folder / f"fold-{fold}").mkdir(parents=True)
            (folder / f"fold-{fold}" / "dyads-model.json").write_text(json.dumps({"folds": 3, "fold": fold}), encoding="utf-8")

    write(tmp_path, (0, 1, 2))
    assert FoldCoder(pipeline=None, folder=tmp_path).role_taggers is None  # none there: the classifier's own head
    write(tmp_path / "roles", (0, 1))
    with pytest.raises(ModelError) as info:
        FoldCoder(pipeline=None, folder=tmp_path)
    assert info.value.code == "E914"
    write(tmp_path / "roles", (2,))
    assert FoldCoder(pipeline=None, folder=tmp_path).role_taggers == str(tmp_path / "roles")


def negated_doc() -> tuple[Doc, Event]:
    doc = parse(
        [
            ("Iran", "Iran", 3, "nsubj", "PROPN"),
            ("will", "will", 3, "aux", "AUX"),
            ("not", "not", 3, "neg", "PART"),
            ("lift", "lift", 3, "ROOT", "VERB"),
            ("the", "the", 5, "det", "DET"),
            ("ban", "ban", 3, "dobj", "NOUN"),
            (".", ".", 3, "punct", "PUNCT"),
        ]
    )
    return doc, event_on(doc, 3, "085")


def event_on(doc: Doc, trigger: int, code: str) -> Event:
    """A rule event of CAMEO ``code`` whose sentence is the whole doc and whose trigger is ``doc[trigger]``."""
    final = cameo(code)
    word = doc[trigger]
    return Event(
        article_id="a",
        sentence_index=0,
        sentence=Span(start=0, end=len(doc.text), text=doc.text),
        trigger=Span(start=word.idx, end=word.idx + len(word.text), text=word.text),
        plover_type=final.plover_type,
        cameo_code=final.code,
        quad_class=final.quad_class,
        goldstein=final.goldstein,
    )


def test_negated_event_is_never_flipped_to_another_type(stage: EventClassifier) -> None:
    doc, event = negated_doc()
    for label, klass in (("ASSAULT", 4), ("REJECT", 3), ("AGREE", 0)):
        stage.decide(doc, [event], prediction(label, klass, 0.95))
        assert (event.cameo_code, event.coder, event.statement_only) == ("085", "lexicon-rules", False)


# ---------------------------------------------------------------- the role head


def test_bio_tags_become_character_spans() -> None:
    tokens = ["Yesterday", "a", "Swiss", "court", "rejected", "the", "Croatian", "request", "."]
    tags = ["O", "B-S", "I-S", "I-S", "O", "B-T", "I-T", "I-T", "O"]
    example = parse_example({"text": " ".join(tokens), "tokens": tokens, "tags": tags}, "x:1")
    assert [(example.text[a:b], letter) for a, b, letter in example.roles] == [("a Swiss court", "S"), ("the Croatian request", "T")]
    assert example.types == () and example.cameo_class is None
    # an I- after O starts a phrase; a B- right after a phrase of the same role starts another
    loose = parse_example({"text": "A B C D", "tokens": ["A", "B", "C", "D"], "tags": ["I-R", "O", "B-T", "B-T"]}, "x:2")
    assert [(loose.text[a:b], letter) for a, b, letter in loose.roles] == [("A", "R"), ("C", "T"), ("D", "T")]
    with pytest.raises(ValueError, match="joined by single spaces"):
        parse_example({"text": "A  B", "tokens": ["A", "B"], "tags": ["O", "O"]}, "x:3")
    with pytest.raises(ValueError, match="unknown tag"):
        parse_example({"text": "A B", "tokens": ["A", "B"], "tags": ["O", "B-X"]}, "x:4")


def one_hot(*tags: str) -> list[list[float]]:
    return [[0.9 if t == tag else 0.1 / (len(ROLE_TAGS) - 1) for t in ROLE_TAGS] for tag in tags]


def test_role_probabilities_decode_to_whole_word_phrases() -> None:
    text = "Chechen rebels attacked the Kiev garrison"
    # word pieces: [CLS] che ##chen rebels attacked the ki ##ev garrison [SEP]
    offsets = [(0, 0), (0, 3), (3, 7), (8, 14), (15, 23), (24, 27), (28, 30), (30, 32), (33, 41), (0, 0)]
    tags = one_hot("O", "B-S", "O", "B-S", "O", "B-T", "I-T", "B-T", "I-T", "O")
    spans = decode_roles(text, offsets, np.asarray(tags))
    # "che" alone is widened to "Chechen", which "rebels" joins (only a space between two source
    # phrases); "##ev" tagged B-T continues its word
    assert [(text[s.start : s.end], s.role) for s in spans] == [("Chechen rebels", "source"), ("the Kiev garrison", "target")]
    assert all(0.85 < s.probability < 0.95 for s in spans)


def test_role_tags_are_read_as_a_sequence_in_which_i_only_continues() -> None:
    """An I- tag after O is no phrase of its own: the sequence read as a whole makes it the start
    of one (B-) when that is its next best tag, and leaves it out when O is."""
    text = "Rebels shelled the town"
    offsets = [(0, 0), (0, 6), (7, 14), (15, 18), (19, 23), (0, 0)]
    probs = np.full((6, len(ROLE_TAGS)), 0.01)
    probs[:, 0] = 0.9  # O everywhere ...
    probs[1] = [0.05, 0.35, 0.55, 0.01, 0.01, 0.01, 0.02]  # "Rebels": I-S first, B-S second: a source
    probs[3] = [0.40, 0.01, 0.01, 0.02, 0.55, 0.005, 0.005]  # "the": I-T first, O second: nothing
    probs[4] = [0.30, 0.01, 0.01, 0.60, 0.06, 0.01, 0.01]  # "town": B-T
    spans = decode_roles(text, offsets, probs / probs.sum(axis=1, keepdims=True))
    assert [(text[s.start : s.end], s.role) for s in spans] == [("Rebels", "source"), ("town", "target")]


def test_role_tag_sequence_is_the_most_probable_valid_one() -> None:
    """The Viterbi reading against every tag sequence of four word pieces, tried one by one."""
    import itertools

    from dyads.classifier.model import _best_tags

    def valid(tags: tuple[int, ...]) -> bool:
        names = [ROLE_TAGS[t] for t in tags]
        return all(
            not name.startswith("I-") or (i > 0 and names[i - 1][2:] == name[2:] and names[i - 1] != "O")
            for i, name in enumerate(names)
        )

    rng = np.random.default_rng(7)
    for _ in range(40):
        rows = rng.dirichlet(np.full(len(ROLE_TAGS), 0.5), size=4)
        best = max(
            (tags for tags in itertools.product(range(len(ROLE_TAGS)), repeat=4) if valid(tags)),
            key=lambda tags: sum(np.log(rows[i, t]) for i, t in enumerate(tags)),
        )
        assert tuple(_best_tags(rows)) == best


def role_doc() -> tuple[Doc, Mention, Mention]:
    doc = parse(
        [
            ("A", "a", 2, "det", "DET"),
            ("Swiss", "Swiss", 2, "amod", "ADJ"),
            ("court", "court", 3, "nsubj", "NOUN"),
            ("rejected", "reject", 3, "ROOT", "VERB"),
            ("the", "the", 6, "det", "DET"),
            ("Croatian", "Croatian", 6, "amod", "ADJ"),
            ("request", "request", 3, "dobj", "NOUN"),
            (".", ".", 3, "punct", "PUNCT"),
        ]
    )
    court, croatia = coded_mentions(doc, {(1, 3): ("CHE", ["JUD"]), (5, 6): ("HRV", [])})
    doc._.dyads_mentions = [court, croatia]
    return doc, court, croatia


def phrase(doc: Doc, start: int, end: int, role: str) -> RoleSpan:
    return RoleSpan(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text), role, 0.9)


def test_role_phrases_set_spans_fix_swaps_and_fill_gaps() -> None:
    doc, court, croatia = role_doc()
    event = rule_event("120")
    # the rules swapped the two actors: the court is the target, Croatia the source
    event.sources, event.targets = [croatia.actor.model_copy(deep=True)], [court.actor.model_copy(deep=True)]
    apply_roles(doc, event, (phrase(doc, 0, 3, "source"), phrase(doc, 4, 7, "target")), sentence=doc[:])
    assert [(a.code, a.span.text) for a in event.sources] == [("CHE", "A Swiss court")]
    assert [(a.code, a.span.text) for a in event.targets] == [("HRV", "the Croatian request")]

    empty = rule_event("120")  # no actors: the phrases bring the mentioned actor, or an uncoded one
    apply_roles(doc, empty, (phrase(doc, 1, 3, "source"), phrase(doc, 6, 7, "target")), sentence=doc[:])
    # the phrase left out the article of its noun: the span takes it, as coders mark it
    assert [(a.code, a.sectors, a.span.text) for a in empty.sources] == [("CHE", ["JUD"], "A Swiss court")]
    assert [(a.code, a.name, a.span.text) for a in empty.targets] == [(None, "request", "request")]

    both = rule_event("040")
    apply_roles(doc, both, (phrase(doc, 1, 3, "reciprocal"),), sentence=doc[:])
    assert [a.code for a in both.sources] == [a.code for a in both.targets] == ["CHE"]


def test_unsure_phrases_only_fill_empty_roles() -> None:
    doc, court, croatia = role_doc()
    event = rule_event("120")
    event.sources = [court.actor.model_copy(deep=True)]
    unsure = RoleSpan(doc[5].idx, doc[5].idx + len("Croatian"), "source", 0.3)
    apply_roles(doc, event, (unsure,), sentence=doc[:], fill_threshold=0.5)
    assert [a.code for a in event.sources] == ["CHE"]  # not added: the role has an actor and the tag is unsure
    empty = rule_event("120")
    apply_roles(doc, empty, (RoleSpan(doc[5].idx, doc[5].idx + len("Croatian"), "target", 0.3),), sentence=doc[:], fill_threshold=0.5)
    assert [a.code for a in empty.targets] == ["HRV"]  # an empty role takes it


def test_a_taggers_phrases_are_taken_as_marked() -> None:
    """"Russia and Iran met Syria in Tehran": a tagger's phrase is one argument, not split at
    "and"; a narrower phrase replaces the rules' span; an actor the rules placed in a role the
    tagger marked, outside its phrases, leaves the main event."""
    doc = parse(
        [
            ("Russia", "Russia", 3, "nsubj", "PROPN"),
            ("and", "and", 0, "cc", "CCONJ"),
            ("Iran", "Iran", 0, "conj", "PROPN"),
            ("met", "meet", 3, "ROOT", "VERB"),
            ("Syria", "Syria", 3, "dobj", "PROPN"),
            ("in", "in", 3, "prep", "ADP"),
            ("Tehran", "Tehran", 5, "pobj", "PROPN"),
            (".", ".", 3, "punct", "PUNCT"),
        ]
    )
    russia, iran, syria, tehran = coded_mentions(doc, {(0, 1): ("RUS", []), (2, 3): ("IRN", []), (4, 5): ("SYR", []), (6, 7): ("IRN", ["GOV"])})
    doc._.dyads_mentions = [russia, iran, syria, tehran]

    def rules_event() -> Event:
        event = event_on(doc, 3, "040")
        event.sources = [russia.actor.model_copy(deep=True), iran.actor.model_copy(deep=True)]
        event.targets = [syria.actor.model_copy(deep=True), tehran.actor.model_copy(deep=True)]
        event.targets[0].span = span_of(doc, doc[4].idx, doc[6].idx + len("Tehran"))  # "Syria in Tehran"
        return event

    tagged = (phrase(doc, 0, 3, "source"), phrase(doc, 4, 5, "target"))
    marked = rules_event()
    apply_roles(doc, marked, tagged, sentence=doc[:], fill_threshold=0.5, as_marked=True)
    assert [(a.code, a.span.text) for a in marked.sources] == [("RUS", "Russia and Iran"), ("IRN", "Russia and Iran")]
    assert [(a.code, a.span.text) for a in marked.targets] == [("SYR", "Syria")]  # Tehran's government left
    hinted = rules_event()  # the classifier's own head only hints: split at "and", wider spans kept
    apply_roles(doc, hinted, tagged, sentence=doc[:], fill_threshold=0.5)
    assert [a.span.text for a in hinted.sources] == ["Russia", "Iran"]
    assert [a.code for a in hinted.targets] == ["SYR", "IRN"]


def test_a_tagger_keeps_list_members_and_leaves_a_report_it_misread() -> None:
    """"Iran praised Russia and Syria" with only "Syria" tagged: the list shares the role.
    "Kiev said Moscow attacked Odesa" tagged Kiev -> Moscow (the report's own arguments): the
    attack keeps the rules' Moscow -> Odesa."""
    doc = parse([("Iran", "Iran", 1, "nsubj", "PROPN"), ("praised", "praise", 1, "ROOT", "VERB"),
                 ("Russia", "Russia", 1, "dobj", "PROPN"), ("and", "and", 2, "cc", "CCONJ"),
                 ("Syria", "Syria", 2, "conj", "PROPN"), (".", ".", 1, "punct", "PUNCT")])
    iran, russia, syria = coded_mentions(doc, {(0, 1): ("IRN", []), (2, 3): ("RUS", []), (4, 5): ("SYR", [])})
    doc._.dyads_mentions = [iran, russia, syria]
    praise = event_on(doc, 1, "051")
    praise.sources = [iran.actor.model_copy(deep=True)]
    praise.targets = [russia.actor.model_copy(deep=True), syria.actor.model_copy(deep=True)]
    apply_roles(doc, praise, (phrase(doc, 0, 1, "source"), phrase(doc, 4, 5, "target")), sentence=doc[:], as_marked=True)
    assert sorted(a.code for a in praise.targets) == ["RUS", "SYR"]
    # a phrase that runs into the trigger ("Iran praised") stops before it
    again = event_on(doc, 1, "051")
    apply_roles(doc, again, (phrase(doc, 0, 2, "source"),), sentence=doc[:], as_marked=True)
    assert [(a.code, a.span.text) for a in again.sources] == [("IRN", "Iran")]
    # one member of the list tagged as the doer does not change sides alone
    apply_roles(doc, praise, (phrase(doc, 4, 5, "source"),), sentence=doc[:], fill_threshold=0.5, as_marked=True)
    assert ([a.code for a in praise.sources], sorted(a.code for a in praise.targets)) == (["IRN"], ["RUS", "SYR"])

    report = parse([("Kiev", "Kiev", 1, "nsubj", "PROPN"), ("said", "say", 1, "ROOT", "VERB"),
                    ("Moscow", "Moscow", 3, "nsubj", "PROPN"), ("attacked", "attack", 1, "ccomp", "VERB"),
                    ("Odesa", "Odesa", 3, "dobj", "PROPN"), (".", ".", 1, "punct", "PUNCT")])
    kiev, moscow, odesa = coded_mentions(report, {(0, 1): ("UKR", ["GOV"]), (2, 3): ("RUS", ["GOV"]), (4, 5): ("UKR", [])})
    report._.dyads_mentions = [kiev, moscow, odesa]
    attack = event_on(report, 3, "190")
    attack.sources, attack.targets = [moscow.actor.model_copy(deep=True)], [odesa.actor.model_copy(deep=True)]
    misread = (phrase(report, 0, 1, "source"), phrase(report, 2, 3, "target"))
    apply_roles(report, attack, misread, sentence=report[:], fill_threshold=0.5, as_marked=True)
    assert ([a.label for a in attack.sources], [a.code for a in attack.targets]) == (["RUS GOV"], ["UKR"])


def test_the_speaker_of_a_report_is_no_argument_of_the_reported_event() -> None:
    doc = parse(
        [
            ("Kiev", "Kiev", 1, "nsubj", "PROPN"),
            ("said", "say", 1, "ROOT", "VERB"),
            ("Moscow", "Moscow", 3, "nsubj", "PROPN"),
            ("attacked", "attack", 1, "ccomp", "VERB"),
            ("Odesa", "Odesa", 3, "dobj", "PROPN"),
            (".", ".", 1, "punct", "PUNCT"),
        ]
    )
    doc._.dyads_mentions = []
    event = event_on(doc, 3, "190")
    speaker = RoleSpan(0, len("Kiev"), "source", 0.95)
    victim = RoleSpan(doc[4].idx, doc[4].idx + len("Odesa"), "target", 0.95)
    apply_roles(doc, event, (speaker, victim), sentence=doc[:], fill_threshold=0.5)
    assert event.sources == []  # Kiev reports the attack; it did not attack
    assert [a.name for a in event.targets] == ["Odesa"]


def test_a_phrase_describing_a_held_actor_adds_no_actor() -> None:
    """"Ivan Petrov, who chairs the committee, praised the plan": the committee describes the
    doer; the role head's tag on it adds no second doer."""
    doc = parse(
        [
            ("Ivan", "Ivan", 1, "compound", "PROPN"),
            ("Petrov", "Petrov", 8, "nsubj", "PROPN"),
            (",", ",", 1, "punct", "PUNCT"),
            ("who", "who", 4, "nsubj", "PRON"),
            ("chairs", "chair", 1, "relcl", "VERB"),
            ("the", "the", 6, "det", "DET"),
            ("committee", "committee", 4, "dobj", "NOUN"),
            (",", ",", 1, "punct", "PUNCT"),
            ("praised", "praise", 8, "ROOT", "VERB"),
            ("the", "the", 10, "det", "DET"),
            ("plan", "plan", 8, "dobj", "NOUN"),
            (".", ".", 8, "punct", "PUNCT"),
        ]
    )
    (petrov,) = coded_mentions(doc, {(0, 2): ("RUS", ["LEG"])})
    doc._.dyads_mentions = [petrov]
    event = event_on(doc, 8, "051")
    event.sources = [petrov.actor.model_copy(deep=True)]
    apply_roles(doc, event, (phrase(doc, 0, 2, "source"), phrase(doc, 5, 7, "source")), sentence=doc[:])
    assert [(a.code, a.span.text) for a in event.sources] == [("RUS", "Ivan Petrov")]


def _parsed(words: list[str], lemmas: list[str], pos: list[str], heads: list[int], deps: list[str]) -> Doc:
    return Doc(VOCAB, words=words, lemmas=lemmas, pos=pos, heads=heads, deps=deps)


def test_a_rule_with_its_own_object_is_not_retyped_within_its_class(stage: EventClassifier) -> None:
    """"lifted the blockade" is the lexicon's 087 (RETREAT): a classifier that reads CONCEDE, the
    same class, does not override an entry that needed its object to match."""
    words = ["The", "army", "lifted", "the", "blockade", "."]
    doc = _parsed(words, ["the", "army", "lift", "the", "blockade", "."], ["DET", "NOUN", "VERB", "DET", "NOUN", "PUNCT"],
                  [1, 2, 2, 4, 2, 2], ["det", "nsubj", "ROOT", "det", "dobj", "punct"])
    event = event_on(doc, 2, "087")
    stage.decide(doc, [event], prediction("CONCEDE", 2, 0.9))
    assert (event.plover_type, event.cameo_code, event.coder) == ("RETREAT", "087", "lexicon-rules")
    # a bare verb ("eased", 081 CONCEDE) is still re-typed within its class
    eased = _parsed(["The", "army", "eased", "."], ["the", "army", "ease", "."], ["DET", "NOUN", "VERB", "PUNCT"],
                    [1, 2, 2, 2], ["det", "nsubj", "ROOT", "punct"])
    generic = event_on(eased, 2, "081")
    stage.decide(eased, [generic], prediction("RETREAT", 2, 0.9))
    assert generic.plover_type == "RETREAT" and generic.coder == "lexicon+classifier"


class _FixedModel:
    """Stands in for the ONNX model: the same prediction for every sentence."""

    def __init__(self, answer: Prediction) -> None:
        self.answer = answer

    def predict(self, texts: list[str], *, roles: bool = True) -> list[Prediction]:
        return [self.answer for _ in texts]


@pytest.mark.parametrize(("codes", "expected"), [("model", ("CONCEDE", "lexicon+classifier")), ("lexicon", ("ASSAULT", "lexicon-rules"))])
def test_codes_lexicon_lets_the_lexicon_code_stand(codes: str, expected: tuple[str, str]) -> None:
    """With a project's own verb dictionary (``classifier.codes = "lexicon"``) a sure classifier
    re-types nothing; with the default it re-types the same event."""
    doc = _parsed(
        ["Jets", "dropped", "bombs", "on", "the", "town", "."], ["jet", "drop", "bomb", "on", "the", "town", "."],
        ["NOUN", "VERB", "NOUN", "ADP", "DET", "NOUN", "PUNCT"], [1, 1, 1, 1, 5, 3, 1],
        ["nsubj", "ROOT", "dobj", "prep", "det", "pobj", "punct"],
    )
    event = event_on(doc, 1, "195")
    doc._.dyads_events, doc._.dyads_mentions = [event], []
    stage = EventClassifier(model="none", lexicon=None, retype_threshold=0.6, retype_threshold_several=0.95,
                            statement_threshold=0.7, add_threshold=0.7, sentences="all", threads=1, codes=codes)
    stage.classifier = _FixedModel(prediction("CONCEDE", 2, 0.99))
    stage(doc)
    assert (event.plover_type, event.coder) == expected


def test_a_stative_participle_with_a_by_agent_is_a_true_passive() -> None:
    """"Iran was opposed by Israel": the role head tags the subject the doer, but the by-agent
    opposes ("Iran is opposed to the plan" keeps its subject as the doer)."""
    doc = parse([("Iran", "Iran", 2, "nsubjpass", "PROPN"), ("was", "be", 2, "auxpass", "AUX"),
                 ("opposed", "oppose", 2, "ROOT", "VERB"), ("by", "by", 2, "agent", "ADP"),
                 ("Israel", "Israel", 3, "pobj", "PROPN"), (".", ".", 2, "punct", "PUNCT")])
    iran, israel = coded_mentions(doc, {(0, 1): ("IRN", []), (4, 5): ("ISR", [])})
    doc._.dyads_mentions = [iran, israel]
    event = event_on(doc, 2, "110")
    event.sources, event.targets = [israel.actor.model_copy(deep=True)], [iran.actor.model_copy(deep=True)]
    tagged = (RoleSpan(0, 4, "source", 0.93), RoleSpan(doc[4].idx, doc[4].idx + 6, "target", 0.47))
    apply_roles(doc, event, tagged, sentence=doc[:], fill_threshold=0.5)
    assert ([a.code for a in event.sources], [a.code for a in event.targets]) == (["ISR"], ["IRN"])


def test_a_demand_is_never_flagged_an_appeal(stage: EventClassifier) -> None:
    """The statement class holds appeals (CAMEO 02), not demands (10): "demanded the parties allow
    access" stays a demand however sure the model is; a plain request word is still flagged."""
    demand = rule_event("100")
    stage.decide(sentence_doc(), [demand], prediction("REQUEST", 0, 0.95))
    assert (demand.cameo_code, demand.statement_only) == ("100", False)
    cooperate = rule_event("040")
    stage.decide(sentence_doc(), [cooperate], prediction("CONSULT", 0, 0.95))
    assert cooperate.statement_only


def test_a_background_event_is_never_made_the_main_one(stage: EventClassifier) -> None:
    """"set fire to the offices following the killing of a man": a classifier that reads ASSAULT
    does not promote "killing" (the object of "following") over the main clause's act."""
    doc = _parsed(
        ["Settlers", "set", "fire", "following", "the", "killing", "."],
        ["settler", "set", "fire", "follow", "the", "killing", "."],
        ["NOUN", "VERB", "NOUN", "VERB", "DET", "NOUN", "PUNCT"], [1, 1, 1, 1, 5, 3, 1],
        ["nsubj", "ROOT", "dobj", "prep", "det", "pobj", "punct"],
    )
    main, background = event_on(doc, 1, "171"), event_on(doc, 5, "180")
    events = [main, background]
    stage.decide(doc, events, prediction("ASSAULT", 4, 0.9))
    assert events[0] is main


def test_a_relative_clause_about_a_place_is_background(stage: EventClassifier) -> None:
    """"Hundreds demonstrated in Kutaisi, where police shot two men": a classifier that reads ASSAULT
    does not promote "shot", which says what the place is known for, over the protest."""
    doc = _parsed(
        ["Hundreds", "demonstrated", "in", "Kutaisi", ",", "where", "police", "shot", "men", "."],
        ["hundred", "demonstrate", "in", "Kutaisi", ",", "where", "police", "shoot", "man", "."],
        ["NOUN", "VERB", "ADP", "PROPN", "PUNCT", "SCONJ", "NOUN", "VERB", "NOUN", "PUNCT"],
        [1, 1, 1, 2, 3, 7, 7, 3, 7, 1],
        ["nsubj", "ROOT", "prep", "pobj", "punct", "advmod", "nsubj", "relcl", "dobj", "punct"],
    )
    main, background = event_on(doc, 1, "141"), event_on(doc, 7, "190")
    events = [main, background]
    stage.decide(doc, events, prediction("ASSAULT", 4, 0.9))
    assert events[0] is main
    plain = _parsed(  # without "where" the relative clause may hold the main event
        ["Hundreds", "demonstrated", "in", "Kutaisi", ",", "police", "shot", "men", "."],
        ["hundred", "demonstrate", "in", "Kutaisi", ",", "police", "shoot", "man", "."],
        ["NOUN", "VERB", "ADP", "PROPN", "PUNCT", "NOUN", "VERB", "NOUN", "PUNCT"],
        [1, 1, 1, 2, 3, 6, 3, 6, 1],
        ["nsubj", "ROOT", "prep", "pobj", "punct", "nsubj", "relcl", "dobj", "punct"],
    )
    main, other = event_on(plain, 1, "141"), event_on(plain, 6, "190")
    events = [main, other]
    stage.decide(plain, events, prediction("ASSAULT", 4, 0.9))
    assert events[0] is other


def test_a_tagged_phrase_loses_a_leading_time_word_and_a_trailing_preposition() -> None:
    """The role head sometimes runs a phrase over "Today" or stops on "in": no coder marks them."""
    from spacy.tokens import Span as SpacySpan

    from dyads.stages.classify import _trim_edges

    today = _parsed(
        ["Today", "President", "Trump", "expressed", "optimism", "."],
        ["today", "President", "Trump", "express", "optimism", "."],
        ["NOUN", "PROPN", "PROPN", "VERB", "NOUN", "PUNCT"], [3, 2, 3, 3, 3, 3],
        ["npadvmod", "compound", "nsubj", "ROOT", "dobj", "punct"],
    )
    assert _trim_edges(today, 0, 2) == (1, 2)
    coalition = _parsed(
        ["The", "coalition", "fighting", "rebels", "in", "Yemen", "declared", "a", "truce"],
        ["the", "coalition", "fight", "rebel", "in", "Yemen", "declare", "a", "truce"],
        ["DET", "NOUN", "VERB", "NOUN", "ADP", "PROPN", "VERB", "DET", "NOUN"], [1, 6, 1, 2, 2, 4, 6, 8, 6],
        ["det", "nsubj", "acl", "dobj", "prep", "pobj", "ROOT", "det", "dobj"],
    )
    assert _trim_edges(coalition, 0, 4) == (0, 3)
    assert _trim_edges(coalition, 0, 5) == (0, 5)  # with its object the phrase stays whole
    people = _parsed(  # a number tagged as a date inside the phrase stays
        ["holding", "2000", "people"], ["hold", "2000", "people"], ["VERB", "NUM", "NOUN"], [0, 2, 0],
        ["ROOT", "nummod", "dobj"],
    )
    people.ents = [SpacySpan(people, 1, 2, label="DATE")]
    assert _trim_edges(people, 1, 2) == (1, 2)


def test_an_event_without_actors_is_not_made_the_main_one_over_one_with_them(stage: EventClassifier) -> None:
    """"The US lifted sanctions on Sudan, saying it had eased distress": a classifier that reads
    CONCEDE does not promote "eased", which no one in the sentence does, over the lifting."""
    doc = _parsed(
        ["US", "lifted", "sanctions", "on", "Sudan", ",", "saying", "it", "eased", "distress", "."],
        ["US", "lift", "sanction", "on", "Sudan", ",", "say", "it", "ease", "distress", "."],
        ["PROPN", "VERB", "NOUN", "ADP", "PROPN", "PUNCT", "VERB", "PRON", "VERB", "NOUN", "PUNCT"],
        [1, 1, 1, 2, 3, 1, 1, 8, 6, 8, 1],
        ["nsubj", "ROOT", "dobj", "prep", "pobj", "punct", "advcl", "nsubj", "ccomp", "dobj", "punct"],
    )
    lifted, eased = event_on(doc, 1, "085"), event_on(doc, 8, "081")
    lifted.sources, lifted.targets = [Actor(code="USA")], [Actor(code="SDN")]
    events = [lifted, eased]
    stage.decide(doc, events, prediction("CONCEDE", 2, 0.99))
    assert events[0] is lifted
    eased.sources = [Actor(code="USA")]  # with a doer it may be the main event
    events = [lifted, eased]
    stage.decide(doc, events, prediction("CONCEDE", 2, 0.99))
    assert events[0] is eased


def test_a_denied_clause_keeps_its_event_a_denied_noun_does_not(stage: EventClassifier) -> None:
    """"The Kremlin denied that hackers attacked the parliament": the attack is the event (status
    denied), not a statement, however sure the classifier is that the sentence is one; "denied
    charges" is the denial itself, flagged a statement as before."""
    clause = _parsed(
        ["The", "Kremlin", "denied", "that", "hackers", "attacked", "the", "parliament", "."],
        ["the", "Kremlin", "deny", "that", "hacker", "attack", "the", "parliament", "."],
        ["DET", "PROPN", "VERB", "SCONJ", "NOUN", "VERB", "DET", "NOUN", "PUNCT"], [1, 2, 2, 5, 5, 2, 7, 5, 2],
        ["det", "nsubj", "ROOT", "mark", "nsubj", "ccomp", "det", "dobj", "punct"],
    )
    attack = event_on(clause, 5, "190")
    stage.decide(clause, [attack], prediction("ASSAULT", 0, 0.95))
    assert (attack.cameo_code, attack.statement_only) == ("190", False)
    noun = _parsed(
        ["The", "governor", "denied", "charges", "."], ["the", "governor", "deny", "charge", "."],
        ["DET", "NOUN", "VERB", "NOUN", "PUNCT"], [1, 2, 2, 2, 2], ["det", "nsubj", "ROOT", "dobj", "punct"],
    )
    charges = event_on(noun, 3, "112")
    stage.decide(noun, [charges], prediction("ACCUSE", 0, 0.95))
    assert (charges.cameo_code, charges.statement_only) == ("010", True)
