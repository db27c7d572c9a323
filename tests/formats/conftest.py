"""Factories for the real files these tests read: images written by Pillow, tables by pyarrow."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

import pytest
from PIL import Image


def _png_with_size(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buffer, "PNG")
    png = buffer.getvalue()
    ihdr = struct.pack(">II", width, height) + png[24:29]
    chunk = struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return png[:8] + chunk + png[33:]


@pytest.fixture
def png_claiming() -> Callable[[int, int], bytes]:
    """A small valid PNG whose IHDR claims ``width`` x ``height`` (CRC fixed up).

    This is how a decompression bomb looks to a header reader: a few hundred bytes that
    promise billions of pixels.
    """
    return _png_with_size


@pytest.fixture
def image_bytes() -> Callable[..., bytes]:
    """Encode a small RGB image with Pillow in any format it writes."""

    def make(fmt: str, size: tuple[int, int] = (32, 24)) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", size, (10, 120, 200)).save(buffer, fmt)
        return buffer.getvalue()

    return make
