from __future__ import annotations

from pathlib import Path

import pytest

from annota.automation import (
    GazetteerTagger,
    Model,
    RegexSpanTagger,
    Span,
    select_longest,
)
from annota.errors import InvalidInput

CONLL = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "conll2003-allennlp-fixture"
    / "conll2003.txt"
)


def _texts(tagger: GazetteerTagger | RegexSpanTagger, text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in tagger.tag(text)]


def test_select_longest_prefers_length_then_leftmost() -> None:
    spans = [Span(0, 8, "LOC"), Span(4, 14, "ORG"), Span(15, 18, "X"), Span(15, 18, "Y")]
    assert select_longest(spans) == [Span(4, 14, "ORG"), Span(15, 18, "X")]
    assert select_longest([Span(2, 4, "A"), Span(0, 2, "B"), Span(3, 3, "E")]) == [
        Span(0, 2, "B"),
        Span(2, 4, "A"),
    ]


def test_gazetteer_longest_match_and_token_boundaries() -> None:
    tagger = GazetteerTagger({"New York": "LOC", "York": "LOC", "New York Times": "ORG"})
    text = "The New York Times, York and new york; not Yorkshire or NewYork."
    assert _texts(tagger, text) == [("New York Times", "ORG"), ("York", "LOC"), ("new york", "LOC")]
    sensitive = GazetteerTagger({"New York": "LOC"}, case_sensitive=True)
    assert _texts(sensitive, "new york and New York") == [("New York", "LOC")]


def test_gazetteer_finds_overlapping_phrases_in_one_pass() -> None:
    # The Aho-Corasick textbook set: every phrase ends inside another one.
    tagger = GazetteerTagger({"he": "A", "she": "B", "his": "C", "hers": "D"})
    assert tagger.tag("she his hers he") == [
        Span(0, 3, "B"),
        Span(4, 7, "C"),
        Span(8, 12, "D"),
        Span(13, 15, "A"),
    ]


def test_gazetteer_offsets_are_code_points() -> None:
    tagger = GazetteerTagger({"Paris": "LOC", "Zoë": "PER", "Cafe\u0301": "ORG"})
    text = "😀👍🏽 Paris\r\nZoë met at Cafe\u0301 Paris!"
    spans = tagger.tag(text)
    assert spans == [
        Span(4, 9, "LOC"),  # "👍🏽" is two code points: thumbs up + skin tone
        Span(11, 14, "PER"),  # after "\r\n"
        Span(22, 27, "ORG"),  # "Cafe" + U+0301 is five code points
        Span(28, 33, "LOC"),
    ]
    assert [text[s.start : s.end] for s in spans] == ["Paris", "Zoë", "Cafe\u0301", "Paris"]


def test_gazetteer_skips_a_base_letter_carrying_a_combining_mark() -> None:
    tagger = GazetteerTagger({"Cafe": "ORG"})
    assert tagger.tag("Cafe\u0301 and Cafe") == [Span(10, 14, "ORG")]


def test_gazetteer_case_folding_keeps_offsets_when_folding_expands() -> None:
    # "İ".lower() and "ß".casefold() are two code points; offsets must not shift.
    tagger = GazetteerTagger({"berlin": "LOC", "straße": "LOC", "σοφια": "PER"})
    text = "İİ STRAßE ß Berlin ΣΟΦΙΑ"
    assert _texts(tagger, text) == [("STRAßE", "LOC"), ("Berlin", "LOC"), ("ΣΟΦΙΑ", "PER")]


def test_gazetteer_rejects_bad_entries() -> None:
    with pytest.raises(InvalidInput, match="two labels"):
        GazetteerTagger({"Paris": "LOC", "paris": "PER"})
    assert GazetteerTagger({"Paris": "LOC", "paris": "PER"}, case_sensitive=True)
    with pytest.raises(InvalidInput, match="non-empty strings"):
        GazetteerTagger({"": "LOC"})
    with pytest.raises(InvalidInput, match="non-empty strings"):
        GazetteerTagger({"Paris": ""})


def test_gazetteer_predictions_and_version() -> None:
    tagger = GazetteerTagger({"Paris": "LOC"}, control="ner", field="body")
    assert isinstance(tagger, Model)
    empty, hit = tagger.predict(
        [{"id": 1, "data": {"body": "nothing"}}, {"id": 2, "data": {"body": "in Paris"}}]
    )
    assert empty.regions == ()
    assert empty.score is None
    assert hit.item_id == 2
    assert hit.model == "gazetteer"
    assert hit.regions == (
        {"control": "ner", "value": {"start": 3, "end": 8, "label": "LOC"}, "score": 1.0},
    )
    assert hit.model_version == GazetteerTagger({"Paris": "LOC"}).version
    assert GazetteerTagger({"Paris": "GPE"}).version != tagger.version
    with pytest.raises(InvalidInput, match="no text field 'body'"):
        tagger.predict([{"id": 3, "data": {"text": "Paris"}}])


def _conll_sentences() -> list[tuple[str, list[Span]]]:
    """Sentences as space-joined tokens with their gold entity spans (IOB1 tags)."""
    if not CONLL.exists():
        pytest.skip(f"{CONLL} not present")
    sentences: list[tuple[str, list[Span]]] = []
    tokens: list[tuple[str, str]] = []
    for line in [*CONLL.read_text().splitlines(), ""]:
        if line.startswith("-DOCSTART-"):
            continue
        if line.strip():
            token, _, _, tag = line.split("\t")
            tokens.append((token, tag))
            continue
        if not tokens:
            continue
        text, gold = "", []
        for token, tag in tokens:
            text += (" " if text else "") + token
            start = len(text) - len(token)
            if tag != "O":
                label = tag[2:]
                if (
                    gold
                    and tag.startswith("I-")
                    and gold[-1].label == label
                    and gold[-1].end == start - 1
                ):
                    gold[-1] = Span(gold[-1].start, len(text), label)
                else:
                    gold.append(Span(start, len(text), label))
        sentences.append((text, gold))
        tokens = []
    return sentences


def _precision_recall(
    tagger: GazetteerTagger, sentences: list[tuple[str, list[Span]]]
) -> tuple[float, float]:
    found = {(i, span) for i, (text, _) in enumerate(sentences) for span in tagger.tag(text)}
    gold = {(i, span) for i, (_, spans) in enumerate(sentences) for span in spans}
    hits = len(found & gold)
    return hits / len(found), hits / len(gold)


def test_gazetteer_on_conll_fixture() -> None:
    sentences = _conll_sentences()
    assert [text for text, _ in sentences] == [
        "U.N. official Ekeus heads for Baghdad .",
        "AI2 engineer Joel lives in Seattle .",
    ]
    entries = {text[s.start : s.end]: s.label for text, gold in sentences for s in gold}
    assert entries == {
        "U.N.": "ORG",
        "Ekeus": "PER",
        "Baghdad": "LOC",
        "AI2": "ORG",
        "Joel": "PER",
        "Seattle": "LOC",
    }
    assert _precision_recall(GazetteerTagger(entries), sentences) == (1.0, 1.0)
    # A gazetteer from the first document only finds its 3 entities among the 6.
    first = {k: entries[k] for k in ("U.N.", "Ekeus", "Baghdad")}
    assert _precision_recall(GazetteerTagger(first), sentences) == (1.0, 0.5)
    # A wrong entry adds exactly one false positive: precision 6/7.
    noisy = GazetteerTagger({**entries, "engineer": "PER"})
    assert _precision_recall(noisy, sentences) == (6 / 7, 1.0)
    # Lower-cased text, case-insensitive by default: the same spans.
    lowered = [(text.lower(), gold) for text, gold in sentences]
    assert _precision_recall(GazetteerTagger(entries), lowered) == (1.0, 1.0)
    sensitive = GazetteerTagger(entries, case_sensitive=True)
    assert [sensitive.tag(text) for text, _ in lowered] == [[], []]


re2 = pytest.importorskip("re2", reason="RegexSpanTagger needs google-re2")


def test_regex_tagger_longest_match_across_rules() -> None:
    tagger = RegexSpanTagger(((r"\d+", "NUM"), (r"\d{4}-\d{2}-\d{2}", "DATE")))
    assert _texts(tagger, "On 2024-05-01, 3 people") == [
        ("2024-05-01", "DATE"),
        ("3", "NUM"),
    ]


def test_regex_tagger_offsets_are_code_points() -> None:
    tagger = RegexSpanTagger(((r"\p{Lu}\pL+", "CAP"),))
    text = "😀👍🏽 Zoë\r\nÉcole ok"
    assert tagger.tag(text) == [Span(4, 7, "CAP"), Span(9, 14, "CAP")]
    assert _texts(tagger, text) == [("Zoë", "CAP"), ("École", "CAP")]


def test_regex_tagger_group_and_case() -> None:
    tagger = RegexSpanTagger(((r"dr\.? (\pL+)", "PER"),), group=1, case_sensitive=False)
    assert _texts(tagger, "Dr. Ekeus and DR Joel") == [("Ekeus", "PER"), ("Joel", "PER")]
    optional = RegexSpanTagger(((r"x(y)?", "Y"),), group=1)
    assert optional.tag("x xy") == [Span(3, 4, "Y")]
    assert RegexSpanTagger(((r"a*", "A"),)).tag("baa") == [Span(1, 3, "A")]


@pytest.mark.parametrize(
    ("rules", "group", "message"),
    [
        (((r"(a)\1", "X"),), 0, "not valid RE2 syntax"),
        (((r"(?=a)", "X"),), 0, "not valid RE2 syntax"),
        (((r"a", "X"),), 1, "no group 1"),
        (((r"a", ""),), 0, "non-empty strings"),
        ((), 0, "at least one"),
    ],
)
def test_regex_tagger_rejects_bad_rules(
    rules: tuple[tuple[str, str], ...], group: int, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        RegexSpanTagger(rules, group=group)


def test_regex_tagger_predictions() -> None:
    tagger = RegexSpanTagger(((r"\d+", "NUM"),), control="ner", max_chars=5)
    [prediction] = tagger.predict([{"id": "a", "data": {"text": "12 34 56"}}])
    assert [r["value"] for r in prediction.regions] == [
        {"start": 0, "end": 2, "label": "NUM"},
        {"start": 3, "end": 5, "label": "NUM"},
    ]
    assert prediction.model == "regex-tagger"
    assert prediction.model_version == RegexSpanTagger(((r"\d+", "NUM"),), max_chars=5).version
    assert prediction.model_version != RegexSpanTagger(((r"\d+", "INT"),), max_chars=5).version
