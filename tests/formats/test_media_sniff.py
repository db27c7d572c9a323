"""Media type from magic bytes: every allow-listed type, and what must not pass."""

from __future__ import annotations

import io
import struct
import wave
from collections.abc import Callable
from pathlib import Path

import pytest

from annota.formats import MEDIA_EXTENSIONS, MediaKind, sniff_media
from annota.formats.media import SNIFF_BYTES


def sniff_file(path: Path) -> MediaKind | None:
    with path.open("rb") as stream:
        return sniff_media(stream.read(SNIFF_BYTES))


def wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 800)
    return buffer.getvalue()


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00\x00\x00\x08free"


def ebml(doctype: bytes) -> bytes:
    doc = b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | (len(doc) + 4)]) + b"\x42\x86\x81\x01" + doc


def ogg_page(packet: bytes) -> bytes:
    return b"OggS\x00\x02" + b"\x00" * 20 + b"\x01" + bytes([len(packet)]) + packet


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [
        ("PNG", "image/png", ".png"),
        ("JPEG", "image/jpeg", ".jpg"),
        ("GIF", "image/gif", ".gif"),
        ("WEBP", "image/webp", ".webp"),
        ("BMP", "image/bmp", ".bmp"),
        ("TIFF", "image/tiff", ".tiff"),
    ],
)
def test_images_written_by_pillow(
    tmp_path: Path,
    image_bytes: Callable[..., bytes],
    fmt: str,
    content_type: str,
    extension: str,
) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(image_bytes(fmt))

    assert sniff_file(path) == MediaKind("image", content_type, extension)


def test_wav_written_by_the_wave_module(tmp_path: Path) -> None:
    path = tmp_path / "clip.bin"
    path.write_bytes(wav_bytes())

    assert sniff_file(path) == MediaKind("audio", "audio/wav", ".wav")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64", ("audio", "audio/mpeg", ".mp3")),
        (b"\xff\xfb\x90\x64" + b"\x00" * 60, ("audio", "audio/mpeg", ".mp3")),
        (b"\xff\xf3\x48\xc4" + b"\x00" * 60, ("audio", "audio/mpeg", ".mp3")),
        (ogg_page(b"\x01vorbis" + b"\x00" * 22), ("audio", "audio/ogg", ".ogg")),
        (ogg_page(b"OpusHead\x01\x01"), ("audio", "audio/ogg", ".ogg")),
        (ogg_page(b"\x80theora\x03\x02"), ("video", "video/ogg", ".ogv")),
        (b"fLaC\x00\x00\x00\x22" + b"\x00" * 34, ("audio", "audio/flac", ".flac")),
        (ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), ("video", "video/mp4", ".mp4")),
        (ftyp(b"XAVC", b"XAVC", b"mp42"), ("video", "video/mp4", ".mp4")),
        (ftyp(b"qt  ", b"qt  "), ("video", "video/quicktime", ".mov")),
        (ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), ("audio", "audio/mp4", ".m4a")),
        (ebml(b"webm"), ("video", "video/webm", ".webm")),
        (ebml(b"matroska"), ("video", "video/x-matroska", ".mkv")),
    ],
)
def test_audio_and_video_headers(head: bytes, expected: tuple[str, str, str]) -> None:
    kind = sniff_media(head)

    assert kind is not None
    assert (kind.kind, kind.content_type, kind.extension) == expected


def test_polyglot_png_with_html_after_it_is_still_png(
    tmp_path: Path, image_bytes: Callable[..., bytes]
) -> None:
    path = tmp_path / "a.png.html"
    path.write_bytes(image_bytes("PNG") + b"<html><script>alert(1)</script></html>")

    kind = sniff_file(path)

    assert kind is not None
    assert (kind.content_type, kind.extension) == ("image/png", ".png")


@pytest.mark.parametrize(
    "head",
    [
        b"<html><body><script>alert(1)</script></body></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"BMW is a car maker and this is plain text, not a bitmap header.",
        b"RIFF\x24\x00\x00\x00AVI LIST",
        b"RIFF\x24\x00\x00\x00WEBPnope",
        ftyp(b"heic", b"mif1", b"heic"),
        ftyp(b"avif", b"avif", b"mif1", b"miaf"),
        b"\xff\xf1\x50\x80" + b"\x00" * 60,
        b"\xff\xff\xff\xff",
        b"\x1a\x45\xdf\xa3\x80",
        b"%PDF-1.7\n",
        b"ID3 tags are how MP3 files carry titles; this is a text file about them.",
        b"fLaC is the magic of FLAC files; this line is text.",
        b"OggS is the magic of Ogg pages; this line is text.",
        b"PK\x03\x04",
        b"",
    ],
)
def test_other_bytes_are_not_media(head: bytes) -> None:
    assert sniff_media(head) is None


def test_html_named_png_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(b"<!doctype html><html><body>hi</body></html>")

    assert sniff_file(path) is None


def test_every_canonical_extension_is_on_the_allow_list() -> None:
    kinds = set(MEDIA_EXTENSIONS.values())

    assert {kind.extension for kind in kinds} <= set(MEDIA_EXTENSIONS)
    assert all(MEDIA_EXTENSIONS[kind.extension] == kind for kind in kinds)
    assert MEDIA_EXTENSIONS[".jpeg"].content_type == "image/jpeg"
