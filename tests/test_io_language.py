"""Language detection: other languages are skipped with E115 and counted; short texts are kept."""

from __future__ import annotations

import socket
from collections import Counter
from pathlib import Path

import pytest

from dyads.io import language
from dyads.io.language import LanguageFilter, guess_language
from dyads.records import Article, Problem

ENGLISH = (
    "The defence ministry said on Monday that troops had withdrawn from two villages near the border "
    "after a week of heavy fighting, and that talks with the rebels would resume in the capital."
)
FRENCH = (
    "Le ministère de la Défense a annoncé lundi que les troupes s'étaient retirées de deux villages "
    "proches de la frontière après une semaine de violents combats, et que les négociations reprendraient."
)
GERMAN = (
    "Das Verteidigungsministerium teilte am Montag mit, die Truppen hätten sich nach einer Woche heftiger "
    "Kämpfe aus zwei Dörfern nahe der Grenze zurückgezogen; die Gespräche würden fortgesetzt."
)
SPANISH = (
    "El Ministerio de Defensa informó el lunes que las tropas se habían retirado de dos aldeas cercanas a "
    "la frontera tras una semana de intensos combates, y que las negociaciones se reanudarían pronto."
)


def article(text: str, name: str) -> Article:
    return Article.create(text=text, origin=f"{name}:1")


def test_guesses_languages_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("language detection tried to open a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    language._identifier.cache_clear()  # load the model here, with the network cut
    assert guess_language(ENGLISH).language == "en"
    assert [guess_language(t).language for t in (FRENCH, GERMAN, SPANISH)] == ["fr", "de", "es"]
    assert guess_language(FRENCH).probability > 0.9


def test_model_ships_inside_the_package() -> None:
    import py3langid.langid as langid

    model = Path(langid.__file__).parent / "data" / Path(langid.MODEL_FILE).name
    assert model.is_file() and model.stat().st_size > 100_000


def test_filter_skips_other_languages_with_a_problem_and_counts_them() -> None:
    counts: Counter[str] = Counter()
    keep = LanguageFilter(["en"], min_chars=100, counts=counts)
    items = [
        article(ENGLISH, "en.txt"),
        article(FRENCH, "fr.txt"),
        Problem(where="bad.jsonl:3", code="E101", reason="invalid JSON"),
        article(GERMAN, "de.txt"),
        article("Le ministre est parti.", "short.txt"),
        article(SPANISH, "es.txt"),
    ]
    out = list(keep.filter(items))
    kept = [i.origin for i in out if isinstance(i, Article)]
    assert kept == ["en.txt:1", "short.txt:1"]  # the short French text is not judged
    skipped = [(p.where, p.code, p.severity) for p in out if isinstance(p, Problem) and p.code == "E115"]
    assert skipped == [("fr.txt:1", "E115", "error"), ("de.txt:1", "E115", "error"), ("es.txt:1", "E115", "error")]
    assert counts == {"fr": 1, "de": 1, "es": 1} and keep.skipped is counts
    assert any(isinstance(p, Problem) and p.code == "E101" for p in out)


def test_accepting_several_languages_or_none() -> None:
    both = LanguageFilter(["en", "FR"])
    assert both.judge(article(FRENCH, "fr.txt")) is None
    assert both.judge(article(GERMAN, "de.txt")).code == "E115"
    anything = LanguageFilter([])
    assert anything.judge(article(GERMAN, "de.txt")) is None and not anything.skipped


def test_min_chars_sets_what_is_too_short_to_judge() -> None:
    assert LanguageFilter(["en"], min_chars=len(FRENCH) + 1).judge(article(FRENCH, "fr.txt")) is None
    assert LanguageFilter(["en"], min_chars=20).judge(article(FRENCH[:60], "fr.txt")).code == "E115"
