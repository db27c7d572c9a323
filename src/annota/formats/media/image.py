"""Image dimensions from the header alone, refusing decompression bombs and broken files.

Pillow's ``Image.open`` is lazy: it parses the header and stops, so a 50,000 x 50,000 PNG of a
few kilobytes costs nothing until someone decodes it. We compare the pixel count with the
caller's cap ourselves instead of setting ``Image.MAX_IMAGE_PIXELS``, which is process-wide and
would change the limit for every other thread. Pillow's own check still runs inside ``open``
and refuses anything over twice its default cap (about 179 million pixels), so a cap above that
has no effect.

Only the image formats on the allow-list are tried, so a file cannot steer Pillow into one of
its rarer parsers. For PNG the chunk checksums are verified to the end of the file (no pixel is
decompressed), which catches truncated uploads; other formats are checked as far as their
header goes, and a file cut off inside its pixel data is only found when it is decoded.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from annota.errors import InvalidInput, TooLarge

DEFAULT_MAX_PIXELS = 100_000_000
_PILLOW_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF")
# What Pillow raises on malformed input; its plugins use all of these.
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, struct.error)


def probe_image(
    path_or_file: Path | BinaryIO, *, max_pixels: int = DEFAULT_MAX_PIXELS
) -> tuple[int, int]:
    """Return ``(width, height)`` of an allow-listed image without decoding its pixels.

    Parameters
    ----------
    path_or_file : Path or binary file
        A file object is read from its current position and left open.
    max_pixels : int
        Largest ``width * height`` accepted.

    Raises
    ------
    TooLarge
        The image has more pixels than ``max_pixels`` (or than Pillow's own hard cap).
    InvalidInput
        The data is not an image of an allowed format, or it is corrupt or truncated.
    """
    location = path_or_file.name if isinstance(path_or_file, Path) else None
    try:
        with Image.open(path_or_file, formats=_PILLOW_FORMATS) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise TooLarge(
                    f"image is {width} x {height} pixels, over the limit of {max_pixels}",
                    location=location,
                )
            if width <= 0 or height <= 0:
                raise InvalidInput(f"image has no pixels ({width} x {height})", location=location)
            if image.format == "PNG":
                image.verify()
    except Image.DecompressionBombError as exc:
        raise TooLarge(f"image is too large: {exc}", location=location) from None
    except _BROKEN as exc:
        raise InvalidInput(
            f"not a readable image (PNG, JPEG, GIF, WebP, BMP or TIFF): {exc}", location=location
        ) from None
    return width, height
