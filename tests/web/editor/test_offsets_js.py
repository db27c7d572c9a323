"""The editor's offset code (text/offsets.js, text/segments.js) against Python as the oracle.

The browser runs the real modules (imported from /static/editor/); Python's ``str`` indices
and the schema validator's own boundary rule decide what is right.
"""

from __future__ import annotations

import unicodedata

import pytest

from annota.schema.controls.text import _splits_sequence

TEXTS = [
    "plain ascii",
    "a😀b\r\nc\u0301d",
    "👩\u200d💻 and 👍🏽 and ❤\ufe0f",
    "Zoë Saldaña, São Paulo (NFD: Sa\u0303o)",
    "\r\n\r\nline\r\n",
    "\U0001d518\U0001d52b\U0001d526 astral letters and a flag \U0001f1eb\U0001f1f7",
    "देवनागरी लिपि and 한국어",
]

PROBE = """async (texts) => {
  const m = await import('/static/editor/text/offsets.js');
  return texts.map((t) => {
    const map = new m.OffsetMap(t);
    const cps = [];
    for (let c = 0; c <= map.length; c++) cps.push([map.toU16(c), m.isClean(map, c)]);
    const back = [];
    for (let c = 0; c <= map.length; c++) back.push(map.toCp(map.toU16(c)));
    return { length: map.length, cps, back };
  });
}"""

SEGMENTS = """async ([length, spans]) => {
  const m = await import('/static/editor/text/segments.js');
  return m.segmentize(length, spans);
}"""


@pytest.fixture
def page(new_page):
    page = new_page()
    page.goto("/login")  # any page of ours: same origin, our CSP
    return page


def test_code_point_offsets_and_clean_boundaries_agree_with_the_validator(page):
    results = page.evaluate(PROBE, TEXTS)
    for text, got in zip(TEXTS, results, strict=True):
        assert got["length"] == len(text), text
        assert got["back"] == list(range(len(text) + 1)), text
        for cp, (u16, clean) in enumerate(got["cps"]):
            assert u16 == len(text[:cp].encode("utf-16-le")) // 2, (text, cp)
            server_clean = _splits_sequence(text, cp) is None
            if clean != server_clean:
                # the editor is stricter only before a nonspacing mark of combining class 0
                # (a Devanagari vowel sign): it never splits what a reader sees as one letter
                assert server_clean, (text, cp)
                assert unicodedata.category(text[cp]) == "Mn", (text, cp)
                assert unicodedata.combining(text[cp]) == 0, (text, cp)


def test_segments_cover_the_text_once_with_every_covering_span(page):
    spans = [
        {"key": "a", "start": 0, "end": 5},
        {"key": "b", "start": 3, "end": 8},
        {"key": "c", "start": 3, "end": 4},
        {"key": "d", "start": 9, "end": 9},  # empty: ignored
    ]
    got = page.evaluate(SEGMENTS, [10, spans])
    assert [(s["start"], s["end"]) for s in got] == [(0, 3), (3, 4), (4, 5), (5, 8), (8, 10)]
    for seg in got:
        expected = {
            s["key"] for s in spans if s["start"] <= seg["start"] and seg["end"] <= s["end"]
        } - {"d"}
        assert set(seg["cover"]) == expected
