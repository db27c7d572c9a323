"""spaCy DocBin export read back by spaCy, and NeMo ASR manifests read back by pandas."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
import spacy
from spacy.tokens import DocBin

from annota.errors import InvalidInput
from annota.formats import AnnotatedItem, write_asr_manifest, write_spacy
from annota.schema import MediaInfo, load_schema

NER = load_schema(
    """
fields: [{name: text, type: text}]
controls:
  - {name: ner, type: spans, field: text, labels: [PER, ORG, LOC]}
  - {name: topic, type: choices, field: text, options: [sport, politics], multiple: true}
"""
)


def _span(start: int, end: int, label: str) -> dict[str, object]:
    return {"control": "ner", "value": {"start": start, "end": end, "label": label}}


def _read(path: Path) -> list[spacy.tokens.Doc]:
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def test_entities_and_cats_come_back_in_spacy(tmp_path: Path) -> None:
    text = "Ünal 🎉 met Angela Merkel in Berlin."
    start = text.index("Angela")
    items = [
        AnnotatedItem(
            "a1",
            {"text": text},
            [
                _span(start, start + len("Angela Merkel"), "PER"),
                _span(text.index("Berlin"), text.index("Berlin") + 6, "LOC"),
                {"control": "topic", "value": {"choices": ["politics"]}},
            ],
        ),
        AnnotatedItem("a2", {"text": "No entities here."}),
    ]
    assert write_spacy(items, tmp_path / "out.spacy", schema=NER) == 2
    first, second = _read(tmp_path / "out.spacy")
    assert [(e.text, e.label_, e.start_char) for e in first.ents] == [
        ("Angela Merkel", "PER", start),
        ("Berlin", "LOC", text.index("Berlin")),
    ]
    assert first.cats == {"sport": 0.0, "politics": 1.0}
    assert first.user_data["id"] == "a1"
    assert list(second.ents) == []
    assert second.cats == {"sport": 0.0, "politics": 0.0}


def test_a_span_inside_a_token_expands_or_is_refused(tmp_path: Path) -> None:
    text = "visit the Berlinale now"
    items = [AnnotatedItem("x", {"text": text}, [_span(10, 16, "LOC")])]
    write_spacy(items, tmp_path / "expand.spacy", schema=NER, categories="topic")
    (doc,) = _read(tmp_path / "expand.spacy")
    assert [(e.text, e.label_) for e in doc.ents] == [("Berlinale", "LOC")]
    with pytest.raises(InvalidInput, match="token boundaries") as caught:
        write_spacy(items, tmp_path / "strict.spacy", schema=NER, alignment="strict")
    assert caught.value.location == "item x: regions[0]"


def test_overlapping_spans_need_a_span_group(tmp_path: Path) -> None:
    items = [
        AnnotatedItem("o", {"text": "Bank of England"}, [_span(0, 15, "ORG"), _span(8, 15, "LOC")])
    ]
    with pytest.raises(InvalidInput, match="overlaps") as caught:
        write_spacy(items, tmp_path / "a.spacy", schema=NER)
    assert caught.value.location == "item o: regions[1]"
    write_spacy(items, tmp_path / "b.spacy", schema=NER, spans_key="sc")
    (doc,) = _read(tmp_path / "b.spacy")
    assert [(s.text, s.label_) for s in doc.spans["sc"]] == [
        ("Bank of England", "ORG"),
        ("England", "LOC"),
    ]


ASR = load_schema(
    """
fields: [{name: audio, type: audio}]
controls:
  - {name: transcript, type: transcript, field: audio}
"""
)


def _asr_items() -> list[AnnotatedItem]:
    def seg(start: float, end: float, text: str, speaker: str | None = None) -> dict[str, object]:
        value: dict[str, object] = {"start": start, "end": end, "text": text}
        if speaker:
            value["speaker"] = speaker
        return {"control": "transcript", "value": value}

    return [
        AnnotatedItem(
            "u1",
            {"audio": "audio/u1.wav"},
            [seg(2.5, 4.0, "world", "B"), seg(0.0, 2.0, "hello ", "A")],
            media=MediaInfo(duration=4.25),
        ),
        AnnotatedItem("u2", {"audio": "audio/u2.wav"}, [], media=MediaInfo(duration=1.0)),
    ]


def test_asr_manifest_has_one_line_per_transcribed_item() -> None:
    out = io.BytesIO()
    assert write_asr_manifest(_asr_items(), out, schema=ASR) == 1
    frame = pd.read_json(io.BytesIO(out.getvalue()), lines=True)
    assert frame.to_dict("records") == [
        {"audio_filepath": "audio/u1.wav", "duration": 4.25, "text": "hello world"}
    ]


def test_asr_manifest_segments_carry_offset_and_speaker() -> None:
    out = io.BytesIO()
    assert write_asr_manifest(_asr_items(), out, schema=ASR, segments=True) == 2
    frame = pd.read_json(io.BytesIO(out.getvalue()), lines=True)
    assert frame.to_dict("records") == [
        {
            "audio_filepath": "audio/u1.wav",
            "offset": 0.0,
            "duration": 2.0,
            "text": "hello ",
            "speaker": "A",
        },
        {
            "audio_filepath": "audio/u1.wav",
            "offset": 2.5,
            "duration": 1.5,
            "text": "world",
            "speaker": "B",
        },
    ]


def test_asr_manifest_refuses_unknown_duration() -> None:
    item = AnnotatedItem(
        "u9",
        {"audio": "a.wav"},
        [{"control": "transcript", "value": {"start": 0, "end": 1, "text": "x"}}],
    )
    with pytest.raises(InvalidInput, match="duration is unknown") as caught:
        write_asr_manifest([item], io.BytesIO(), schema=ASR)
    assert caught.value.location == "item u9"
