"""Hours of audio: the waveform is drawn from server peaks while the file only streams.

A one-hour 8 kHz WAV (57.6 MB, over the editor's 50 MB decode limit) is imported; its first
half is quiet and its second half loud. The page must draw that envelope (pixels on the
wavesurfer canvas), and the server must have sent far less than the file: the media element
reads it with Range requests and nothing downloads it whole for decoding.
"""

from __future__ import annotations

import io
import wave

import numpy as np

from annota.api.routes import media as media_routes

SCHEMA = """
fields: [{name: audio, type: audio}]
controls:
  - {name: speech, type: segments, field: audio, labels: [speech, music]}
"""
RATE, SECONDS = 8000, 3600


def long_wav() -> bytes:
    """One hour: a 220 Hz tone at 0.2 for the first half hour, at 0.9 for the second."""
    second = np.sin(2 * np.pi * 220 * np.arange(RATE) / RATE)
    amplitude = np.where(np.arange(SECONDS) < SECONDS // 2, 0.2, 0.9)
    samples = (second[None, :] * amplitude[:, None] * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    return buf.getvalue()


PAINTED = """() => {
  const ws = window.annotaEditor.timeline.player.ws;
  const canvas = ws.getWrapper().querySelector(".canvases canvas");
  if (!canvas || !canvas.width) return null;
  const { width, height } = canvas;
  const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  const columns = new Array(width).fill(0);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) if (pixels[(y * width + x) * 4 + 3] > 0) columns[x]++;
  return { width, height, columns };
}"""


ZOOMED = """() => {
  const ws = window.annotaEditor.timeline.player.ws;
  const canvases = [...ws.getWrapper().querySelectorAll(".canvases canvas")];
  const canvas = canvases.find((c) => parseFloat(c.style.left) >= 2900 * 8);
  if (!canvas || !canvas.width) return null;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  return painted / (canvas.width * canvas.height);
}"""


def test_an_hour_of_audio_shows_its_waveform_without_downloading_it(
    media_project, signed_in, monkeypatch, screenshots
):
    data = long_wav()
    assert len(data) > 50 * 1024 * 1024
    sent: list[int] = []
    real_iter = media_routes._iter_file

    def counting(path, start, length):
        for chunk in real_iter(path, start, length):
            sent.append(len(chunk))
            yield chunk

    monkeypatch.setattr(media_routes, "_iter_file", counting)
    pid = media_project(SCHEMA, {"hour.wav": data})
    page = signed_in("ann")
    media_requests: list[dict[str, str]] = []
    page.on(
        "request",
        lambda r: (
            "/api/v1/media/" in r.url and "/peaks" not in r.url and media_requests.append(r.headers)
        ),
    )
    page.goto(f"/projects/{pid}/label")
    page.wait_for_function("() => Boolean(window.annotaEditor?.timeline?.player)")
    player = "window.annotaEditor.timeline.player"
    assert page.evaluate(f"[{player}.streamed, {player}.peaks]") == [True, True]
    assert abs(page.evaluate(f"{player}.ws.getDuration()") - SECONDS) < 0.01
    # the decoded data wavesurfer draws is the server's [max, min], 8 a second, a power of 2
    assert page.evaluate(f"{player}.ws.getDecodedData().numberOfChannels") == 2
    assert page.evaluate(f"{player}.ws.getDecodedData().length") == 32768
    page.wait_for_function(f"() => ({PAINTED})() !== null")
    drawn = page.evaluate(PAINTED)
    columns = np.asarray(drawn["columns"], dtype=float) / drawn["height"]
    half = drawn["width"] // 2
    quiet, loud = columns[5 : half - 5].mean(), columns[half + 5 : -5].mean()
    # a flat line (no peaks) paints ~2 px of 96; the envelope paints ~20% then ~90%
    assert 0.1 < quiet < 0.35, quiet
    assert loud > 0.75, loud
    assert page.locator(".timeline-bar").inner_text().count("no waveform") == 0
    screenshots(page, "editor-audio-long")

    # zoom in to 8 px a second (one peak a pixel) and scroll into the loud half: still drawn
    page.evaluate(f"{player}.ws.zoom(8); {player}.ws.setScrollTime(3000)")
    page.wait_for_function(f"() => ({ZOOMED})() !== null")
    assert page.evaluate(ZOOMED) > 0.75

    # streamed: every media request is a range request, and most of the file never left
    assert media_requests
    assert all("range" in {k.lower() for k in h} for h in media_requests), media_requests
    assert sum(sent) < len(data) / 4, sum(sent)
