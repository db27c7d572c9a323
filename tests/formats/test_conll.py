"""CoNLL-2003 import and export: round trip on the AllenNLP fixture, spaCy reads our files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from spacy.training.converters import conll_ner_to_docs

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem
from annota.formats.conll import read_conll, write_conll
from annota.schema import load_schema, validate_annotation

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FIXTURE = DATA / "conll2003-allennlp-fixture" / "conll2003.txt"
SCHEMA = load_schema(
    """
fields: [{name: text, type: text}]
controls:
  - {name: ner, type: spans, field: text, labels: [PER, ORG, LOC, MISC], allow_overlap: false}
"""
)


def read(text: str) -> list[AnnotatedItem]:
    return list(read_conll(io.BytesIO(text.encode()), name="in.conll"))


def write(items: list[AnnotatedItem], **options: object) -> str:
    out = io.BytesIO()
    write_conll(items, out, **options)  # type: ignore[arg-type]
    return out.getvalue().decode()


def span(start: int, end: int, label: str) -> dict[str, object]:
    return {"control": "ner", "value": {"start": start, "end": end, "label": label}}


def test_allennlp_fixture_reads_as_sentences_with_spans() -> None:
    with FIXTURE.open("rb") as stream:
        items = list(read_conll(stream, name="conll2003.txt"))

    assert [item.data["text"] for item in items] == [
        "U.N. official Ekeus heads for Baghdad .",
        "AI2 engineer Joel lives in Seattle .",
    ]
    first = items[0]
    assert [
        (r["value"]["start"], r["value"]["end"], r["value"]["label"]) for r in first.regions
    ] == [
        (0, 4, "ORG"),
        (14, 19, "PER"),
        (30, 37, "LOC"),
    ]
    assert first.meta["conll"]["document"] == 0
    assert items[1].meta["conll"]["document"] == 1
    assert first.meta["conll"]["columns"][0] == ["NNP", "I-NP"]
    assert (first.location, items[1].location) == ("conll2003.txt:3", "conll2003.txt:13")
    for item in items:
        validate_annotation(item.regions, SCHEMA, data=item.data)


def test_allennlp_fixture_round_trips_in_iob1() -> None:
    original = FIXTURE.read_text()
    with FIXTURE.open("rb") as stream:
        items = list(read_conll(stream, name="conll2003.txt"))

    assert write(items, scheme="iob1", separator="\t") == original


def test_bio_and_iob1_differ_only_where_they_should() -> None:
    item = AnnotatedItem(
        "1",
        {"text": "New  York Mets beat Boston Red Sox"},
        [span(0, 9, "LOC"), span(10, 14, "ORG"), span(20, 34, "ORG"), span(15, 19, "X")],
    )

    bio = write([item], field="text", scheme="bio")
    iob1 = write([item], scheme="iob1")

    assert [line.split()[-1] for line in bio.split("\n") if line] == [
        "B-LOC", "I-LOC", "B-ORG", "B-X", "B-ORG", "I-ORG", "I-ORG",
    ]  # fmt: skip
    assert [line.split()[-1] for line in iob1.split("\n") if line] == [
        "I-LOC", "I-LOC", "I-ORG", "I-X", "I-ORG", "I-ORG", "I-ORG",
    ]  # fmt: skip
    assert bio.split("\n")[0] == "New -X- -X- B-LOC"
    adjacent = AnnotatedItem("2", {"text": "Paris Rome"}, [span(0, 5, "LOC"), span(6, 10, "LOC")])
    assert write([adjacent], scheme="iob1") == "Paris -X- -X- I-LOC\nRome -X- -X- B-LOC\n"
    assert [r["value"] for r in read(write([adjacent], scheme="iob1"))[0].regions] == [
        {"start": 0, "end": 5, "label": "LOC"},
        {"start": 6, "end": 10, "label": "LOC"},
    ]


def test_spacy_reads_our_export_with_the_same_entities() -> None:
    items = [
        AnnotatedItem(
            str(n),
            {"text": text},
            regions,
        )
        for n, (text, regions) in enumerate(
            [
                (
                    "Zoë met Ana in São Paulo .",
                    [span(0, 3, "PER"), span(8, 11, "PER"), span(15, 24, "LOC")],
                ),
                ("日本 is big", [span(0, 2, "LOC")]),
            ]
        )
    ]

    # spaCy splits documents only at its own "-DOCSTART- -X- O O" line, so one doc per sentence
    docs = conll_ner_to_docs(write(items, scheme="iob1"), n_sents=1, no_print=True)

    assert [[(e.text, e.label_) for e in doc.ents] for doc in docs] == [
        [("Zoë", "PER"), ("Ana", "PER"), ("São Paulo", "LOC")],
        [("日本", "LOC")],
    ]
    assert [(r["value"]["start"], r["value"]["end"]) for r in read(write(items))[0].regions] == [
        (0, 3),
        (8, 11),
        (15, 24),
    ]


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ("Alice B-PER\nBob\n", "in.conll:2", "a token and a tag"),
        ("-DOCSTART- -X- -X- O\n\nAlice B-PER\nsays X-PER\n", "in.conll:4", "'X-PER' is not O"),
        ("Alice B-PER\n\nBob O\nMüller\xff I-PER\n", "in.conll:4", "not valid UTF-8"),
    ],
)
def test_bad_lines_are_refused_with_their_line(text: str, location: str, message: str) -> None:
    data = text.encode("latin-1") if "\xff" in text else text.encode()
    with pytest.raises(InvalidInput, match=message) as caught:
        list(read_conll(io.BytesIO(data), name="in.conll"))
    assert caught.value.location == location


def test_spans_that_cut_tokens_or_overlap_are_refused() -> None:
    cut = AnnotatedItem("a", {"text": "New York"}, [span(0, 6, "LOC")])
    with pytest.raises(InvalidInput, match="token boundaries") as caught:
        write([cut])
    assert caught.value.location == "item a: regions[0]"

    overlap = AnnotatedItem("b", {"text": "New York"}, [span(0, 8, "LOC"), span(4, 8, "LOC")])
    with pytest.raises(InvalidInput, match=r"overlaps regions\[0\]") as caught:
        write([overlap])
    assert caught.value.location == "item b: regions[1]"

    with pytest.raises(InvalidInput, match="no text field 'text'"):
        write([AnnotatedItem("c", {"body": "x"})])
