"""GET /api/v1/media/{id}/peaks: members only, audio only, clamped, cached after one read."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from annota.services import audio_peaks
from api.conftest import png_bytes

RATE = 8000


def wav_bytes(samples: np.ndarray) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(samples.shape[1])
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.astype("<i2").tobytes())
    return buf.getvalue()


@pytest.fixture
def audio(people, client, text_schema):
    """A project with one uploaded stereo WAV (90 s); the manager's headers and its ids."""
    people.add("mgr")
    people.add("stranger")
    h = people.headers("mgr")
    pid = client.post(
        "/api/v1/projects", headers=h, json={"name": "m", "schema": text_schema}
    ).json()["id"]
    t = np.arange(90 * RATE)
    left = (t * 37 % 65536) - 32768  # a fast ramp
    right = (12000 * np.sin(t / 500) * (t / t[-1])).astype(np.int64)  # a swelling tone
    samples = np.stack([left, right], axis=1)
    r = client.post(
        f"/api/v1/projects/{pid}/media",
        headers=h,
        files={"file": ("talk.wav", wav_bytes(samples), "audio/wav")},
    )
    assert r.status_code == 201, r.text
    return {"pid": pid, "h": h, "id": r.json()["id"], "samples": samples}


def test_peaks_match_the_samples_and_are_cached(client, audio, monkeypatch):
    url = f"/api/v1/media/{audio['id']}/peaks"
    r = client.get(url, params={"points": 1000}, headers=audio["h"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["points"] == 1024  # rounded up to a power of two
    assert (body["sample_rate"], body["channels"], body["frames"]) == (RATE, 2, 90 * RATE)
    assert body["duration"] == 90.0
    scaled = audio["samples"] / 32768
    edges = (np.arange(1025) * len(scaled)) // 1024
    hi = np.maximum.reduceat(scaled.max(1), edges[:-1])
    lo = np.minimum.reduceat(scaled.min(1), edges[:-1])
    np.testing.assert_allclose(body["max"], hi, atol=5e-5)
    np.testing.assert_allclose(body["min"], lo, atol=5e-5)

    def read_again(path):
        raise AssertionError("the media file was read again")

    monkeypatch.setattr(audio_peaks, "file_peaks", read_again)
    again = client.get(url, params={"points": 1024}, headers=audio["h"]).json()
    assert again == body
    coarse = client.get(url, params={"points": 64}, headers=audio["h"]).json()
    assert coarse["points"] == 64
    assert coarse["max"] == pytest.approx(np.asarray(body["max"]).reshape(64, 16).max(1))


@pytest.mark.parametrize(("asked", "served"), [(0, 32), (-7, 32), (10**12, 65536)])
def test_points_are_clamped(client, audio, asked, served):
    r = client.get(
        f"/api/v1/media/{audio['id']}/peaks", params={"points": asked}, headers=audio["h"]
    )
    assert r.status_code == 200
    assert r.json()["points"] == served
    assert len(r.json()["max"]) == served


def test_strangers_unknown_media_and_anonymous_are_refused(client, audio, people, db):
    url = f"/api/v1/media/{audio['id']}/peaks"
    r = client.get(url, headers=people.headers("stranger"))
    assert r.status_code == 404  # not 403: the media's existence is not confirmed
    assert r.json()["code"] == "not_found"
    assert client.get(url).status_code == 401
    assert (
        client.get(f"/api/v1/media/{audio['id'] + 999}/peaks", headers=audio["h"]).status_code
        == 404
    )
    assert client.get(url, params={"points": "many"}, headers=audio["h"]).status_code == 422
    assert not list(audio_peaks.cache_dir(db.settings).glob("*"))  # nothing computed for them


def test_an_image_is_not_audio(client, audio):
    r = client.post(
        f"/api/v1/projects/{audio['pid']}/media",
        headers=audio["h"],
        files={"file": ("a.png", png_bytes(), "image/png")},
    )
    r = client.get(f"/api/v1/media/{r.json()['id']}/peaks", headers=audio["h"])
    assert r.status_code == 422
    assert r.json()["code"] == "unsupported_audio"
