"""Image dimensions from headers: pixel caps, bombs and broken files."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from annota.errors import InvalidInput, TooLarge
from annota.formats import probe_image


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF"])
def test_allowed_formats_give_width_and_height(
    tmp_path: Path, image_bytes: Callable[..., bytes], fmt: str
) -> None:
    path = tmp_path / f"image.{fmt.lower()}"
    path.write_bytes(image_bytes(fmt, (37, 21)))

    assert probe_image(path) == (37, 21)


def test_file_object_is_accepted(image_bytes: Callable[..., bytes]) -> None:
    assert probe_image(io.BytesIO(image_bytes("PNG", (5, 9)))) == (5, 9)


def test_decompression_bomb_header_is_too_large_without_changing_pillow(
    tmp_path: Path, png_claiming: Callable[[int, int], bytes]
) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_claiming(50_000, 50_000))
    pillow_cap = Image.MAX_IMAGE_PIXELS

    with pytest.raises(TooLarge, match=r"^bomb\.png: image is too large"):
        probe_image(path)
    assert pillow_cap == Image.MAX_IMAGE_PIXELS


def test_image_over_the_callers_cap_is_too_large(
    tmp_path: Path, png_claiming: Callable[[int, int], bytes]
) -> None:
    path = tmp_path / "wide.png"
    path.write_bytes(png_claiming(5_000, 3_000))

    with pytest.raises(
        TooLarge, match=r"^wide\.png: image is 5000 x 3000 pixels, over the limit of 10000000"
    ):
        probe_image(path, max_pixels=10_000_000)
    assert probe_image(path, max_pixels=15_000_000) == (5_000, 3_000)


@pytest.mark.parametrize("cut", [12, 30, -40, -6])
def test_truncated_png_is_invalid(
    tmp_path: Path, image_bytes: Callable[..., bytes], cut: int
) -> None:
    path = tmp_path / "cut.png"
    path.write_bytes(image_bytes("PNG", (64, 64))[:cut])

    with pytest.raises(InvalidInput, match=r"^cut\.png: not a readable image"):
        probe_image(path)


def test_truncated_jpeg_header_is_invalid(
    tmp_path: Path, image_bytes: Callable[..., bytes]
) -> None:
    path = tmp_path / "cut.jpg"
    path.write_bytes(image_bytes("JPEG")[:100])

    with pytest.raises(InvalidInput, match=r"^cut\.jpg: not a readable image"):
        probe_image(path)


def test_corrupt_png_chunk_checksum_is_invalid(
    tmp_path: Path, image_bytes: Callable[..., bytes]
) -> None:
    data = bytearray(image_bytes("PNG", (16, 16)))
    data[-20] ^= 0xFF  # inside the last IDAT chunk, after the header
    path = tmp_path / "bad.png"
    path.write_bytes(bytes(data))

    with pytest.raises(InvalidInput, match=r"^bad\.png: not a readable image"):
        probe_image(path)


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("page.png", b"<html><body>not an image</body></html>"),
        ("empty.png", b""),
    ],
)
def test_non_image_is_invalid(tmp_path: Path, filename: str, content: bytes) -> None:
    path = tmp_path / filename
    path.write_bytes(content)

    with pytest.raises(InvalidInput, match=rf"^{filename.replace('.', '[.]')}: not a readable"):
        probe_image(path)


def test_image_format_off_the_allow_list_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "icon.png"
    Image.new("RGB", (16, 16)).save(path, "ICO")

    with pytest.raises(InvalidInput, match=r"^icon\.png: not a readable image"):
        probe_image(path)
