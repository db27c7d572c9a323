"""Audio: segments and a transcript made on the waveform with the mouse are stored.

The WAV is made with numpy; the waveform is the vendored wavesurfer.js under the page's
CSP (the fixture fails the test on any CSP violation or JavaScript error).
"""

from __future__ import annotations

SCHEMA = """
fields: [{name: audio, type: audio}]
controls:
  - {name: speech, type: segments, field: audio, labels: [speech, music]}
  - {name: words, type: transcript, field: audio, speakers: [A, B]}
"""
SECONDS = 12.0


def drag_on_wave(page, a: float, b: float) -> None:
    box = page.locator(".waveform").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * a, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * b, y, steps=8)
    page.mouse.up()


def values(page, control: str):
    return page.evaluate(
        "(c) => window.annotaEditor.store.byControl(c).map((r) => r.value)", control
    )


def test_a_segment_and_a_transcript_are_stored(media_project, wav, editor, stored, screenshots):
    pid = media_project(SCHEMA, {"talk.wav": wav(SECONDS)})
    page = editor(pid, ready="window.annotaEditor?.timeline?.player")
    assert page.evaluate("window.annotaEditor.timeline.player.streamed") is False
    assert (
        abs(page.evaluate("window.annotaEditor.timeline.player.ws.getDuration()") - SECONDS) < 0.01
    )

    drag_on_wave(page, 0.1, 0.3)  # the first timeline control (speech) is active
    page.keyboard.press("2")  # label the new, selected segment "music"
    (segment,) = values(page, "speech")
    assert segment["label"] == "music"
    assert abs(segment["start"] - 0.1 * SECONDS) < 0.15
    assert abs(segment["end"] - 0.3 * SECONDS) < 0.15

    page.locator('.timeline-bar [data-tool="words"]').click()
    drag_on_wave(page, 0.5, 0.8)
    page.locator("textarea.transcript-text").fill("hello world")
    page.locator("select.speaker").select_option("B")
    (line,) = values(page, "words")
    assert line["text"] == "hello world"
    assert line["speaker"] == "B"
    assert abs(line["start"] - 0.5 * SECONDS) < 0.15
    assert abs(line["end"] - 0.8 * SECONDS) < 0.15

    page.locator("textarea.transcript-text").blur()
    page.keyboard.press(">")  # faster playback
    assert page.evaluate("window.annotaEditor.timeline.player.ws.getPlaybackRate()") == 1.25
    page.locator(".waveform").wait_for()
    screenshots(page, "editor-audio")

    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    by = {r["control"]: r["value"] for r in annotation.regions}
    assert by == {"speech": segment, "words": line}
