"""spaCy makes a new ``Token`` object at every access (``doc[i]``, ``token.head``), so tokens are
compared by index, never with ``is``: ``root.head is root`` is always false. Comparisons written
with ``is`` made a walk to the root never stop there and a rule for event nouns never fire."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "dyads"
# a token attribute or a token-named variable compared by identity with another token
IDENTITY = re.compile(
    r"\.(head|root)\s+is\s+(not\s+)?(?!None\b)\w"
    r"|\b(token|trigger|verb|clause|noun|node|above|child|head)\s+is\s+(not\s+)?(token|trigger|verb|clause|noun|node|above|child|head)\b"
)


def test_no_token_is_compared_by_identity() -> None:
    found = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in sorted(SOURCE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if IDENTITY.search(line.split("#")[0])
    ]
    assert not found, "compare spaCy tokens by .i, not with `is`:\n" + "\n".join(found)


def test_the_identity_check_catches_the_pattern() -> None:
    assert IDENTITY.search("    while token.head is not token and steps < 200:")
    assert IDENTITY.search("if not targets and clause is not None and noun.head is clause:")
    assert not IDENTITY.search("    if found is not None and found is not skip:")


def test_root_head_is_itself_by_index(rules_pipeline) -> None:
    doc = rules_pipeline.nlp("Ghana sent troops to Mali.")
    root = next(token for token in doc if token.dep_ == "ROOT")
    assert root.head.i == root.i and root.head is not root  # why `is` never worked


@pytest.mark.parametrize(
    ("text", "source", "target"),
    [
        ("Kenya announced the deployment of 500 police officers to Haiti on Friday.", "KEN", "HTI"),
        ("Nigeria on Saturday announced the deployment of 230 troops to Liberia.", "NGA", "LBR"),
    ],
)
def test_event_noun_takes_the_destination_its_clause_names(rules_pipeline, text, source, target) -> None:
    # "to Haiti" hangs on "announced"; the deployment under it goes there (a rule that never fired before)
    doc = rules_pipeline.nlp(text)
    (event,) = [e for e in doc._.dyads_events if e.plover_type == "MOBILIZE"]
    assert [a.label for a in event.sources] == [source]
    assert [a.label for a in event.targets] == [target]
