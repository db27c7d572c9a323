"""Fixtures for the image, audio and video tools: media made here, projects made from it.

- ``media_project(schema, files)``: a project with ``schema``; ``files`` maps file names to
  bytes, written to a folder and imported with the same service as ``annota import`` (so
  every image item has its probed size in ``items.media``); ``ann`` is its annotator.
  Returns the project id.
- ``editor(project_id)``: a page signed in as ``ann`` on the editor, the media loaded.
- ``stored(project_id)``: the project's annotations read back through the service layer.
- ``png(width, height)``, ``wav(seconds)``, ``webm(frames)``: media bytes made with Pillow,
  numpy and PyAV (fixtures
  returning the makers), nothing downloaded.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image

from annota.services import annotating, importing, projects
from annota.services.actor import Actor

OPERATOR = Actor.operator()


def make_png(width: int, height: int) -> bytes:
    """A gradient picture, so brightness and contrast visibly change something."""
    x = np.linspace(0, 255, width, dtype=np.uint8)[None, :, None]
    y = np.linspace(0, 255, height, dtype=np.uint8)[:, None, None]
    pixels = np.concatenate(
        [
            np.broadcast_to(x, (height, width, 1)),
            np.broadcast_to(y, (height, width, 1)),
            np.full((height, width, 1), 90, np.uint8),
        ],
        axis=2,
    )
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buf, format="PNG")
    return buf.getvalue()


def make_wav(seconds: float, rate: int = 8000) -> bytes:
    """A 16-bit mono tone that changes pitch each second (a visible waveform)."""
    t = np.arange(int(seconds * rate)) / rate
    tone = 0.5 * np.sin(2 * np.pi * (220 + 110 * np.floor(t)) * t) * (0.3 + 0.7 * (t % 1))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((tone * 32767).astype("<i2").tobytes())
    return buf.getvalue()


def make_webm(frames: int = 30, fps: int = 25, width: int = 320, height: int = 240) -> bytes:
    """A VP8 WebM (PyAV) whose frames differ: a bar moves one step per frame."""
    buf = io.BytesIO()
    with av.open(buf, mode="w", format="webm") as out:
        stream = out.add_stream("libvpx", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"g": "5"}  # a keyframe every 5 frames keeps seeking cheap
        for k in range(frames):
            img = np.full((height, width, 3), 40, np.uint8)
            img[:, (k * 9) % width : (k * 9) % width + 8] = (250, 200, 30)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


@pytest.fixture(name="webm")
def webm_fixture() -> Callable[..., bytes]:
    return make_webm


@pytest.fixture(name="png")
def png_fixture() -> Callable[..., bytes]:
    return make_png


@pytest.fixture(name="wav")
def wav_fixture() -> Callable[..., bytes]:
    return make_wav


@pytest.fixture
def media_project(db: Any, people: Any, tmp_path: Path) -> Callable[..., int]:
    def make(schema: str, files: dict[str, bytes]) -> int:
        if "ann" not in people.actors:
            people.add("ann")
        pid = projects.create_project(db, OPERATOR, name="Media test", schema=schema).id
        projects.set_member(db, OPERATOR, pid, username="ann", role="annotator")
        folder = tmp_path / f"media-{pid}"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        importing.import_folder(db, OPERATOR, pid, folder)
        return pid

    return make


@pytest.fixture
def stored(db: Any) -> Callable[..., list[Any]]:
    def read(project_id: int, status: str | None = None) -> list[Any]:
        page = annotating.list_project_annotations(
            db, OPERATOR, project_id, limit=1000, status=status
        )
        return list(page.items)

    return read


@pytest.fixture
def editor(signed_in: Callable[..., Any]) -> Callable[[int], Any]:
    def open_editor(project_id: int, ready: str = "window.annotaEditor?.imageTools?.size") -> Any:
        page = signed_in("ann")
        page.goto(f"/projects/{project_id}/label")
        page.wait_for_selector(".item-view")
        page.wait_for_function(f"() => Boolean({ready})")
        return page

    return open_editor
