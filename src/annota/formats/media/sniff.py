"""Tell a media type from a file's first bytes, never from its name or a client's word.

A browser or an image viewer trusts magic bytes too, which is why a polyglot (a valid PNG with
HTML after it) is harmless once it is stored and served as ``image/png`` with ``nosniff``; and a
file whose first bytes match nothing here is refused whatever its name says. Checks are a little
stricter than the bare magic where the magic is short (BMP's ``BM``, MPEG audio frame sync,
the ISO ``ftyp`` box shared with HEIF and AVIF images), so plain text does not slip through.
"""

from __future__ import annotations

from annota.formats.media.kinds import (
    BMP,
    FLAC,
    GIF,
    JPEG,
    M4A,
    MKV,
    MOV,
    MP3,
    MP4,
    OGG_AUDIO,
    OGG_VIDEO,
    PNG,
    TIFF,
    WAV,
    WEBM,
    WEBP,
    MediaKind,
)

#: How many leading bytes :func:`sniff_media` needs to see to decide every type it knows.
SNIFF_BYTES = 512

_PREFIXES = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF),
    (b"MM\x00+", TIFF),
    # FLAC's first metadata block must be STREAMINFO (type 0) of 34 bytes.
    (b"fLaC\x00\x00\x00\x22", FLAC),
    (b"fLaC\x80\x00\x00\x22", FLAC),
)
# Sizes of the BMP info headers Pillow reads (BITMAPCOREHEADER up to BITMAPV5HEADER).
_BMP_INFO_SIZES = frozenset({12, 40, 52, 56, 64, 108, 124})
_AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A "})
_VIDEO_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"mp71", b"avc1"}
    | {b"dash", b"M4V ", b"M4VH", b"M4VP", b"f4v ", b"MSNV", b"3gp4", b"3gp5", b"3gp6", b"3g2a"}
)


def sniff_media(head: bytes) -> MediaKind | None:
    """The allow-listed media type the bytes start with, or ``None``.

    Parameters
    ----------
    head : bytes
        The first bytes of the file; :data:`SNIFF_BYTES` are enough for every type, fewer may
        leave a container undecided (``None``).

    Returns
    -------
    MediaKind or None
        ``None`` for anything not on the allow-list, including types that share a container
        with allowed ones (HEIC and AVIF in ``ftyp``, AVI in ``RIFF``).

    Examples
    --------
    >>> sniff_media(b"\\x89PNG\\r\\n\\x1a\\n" + b"<html>").content_type
    'image/png'
    >>> sniff_media(b"<html><body>") is None
    True
    """
    for prefix, kind in _PREFIXES:
        if head.startswith(prefix):
            return kind
    if head.startswith(b"RIFF"):
        return _riff(head)
    if head[4:8] == b"ftyp":
        return _iso_media(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _matroska(head)
    if head.startswith(b"OggS\x00"):  # capture pattern, then stream structure version 0
        return OGG_VIDEO if b"\x80theora" in head[:SNIFF_BYTES] else OGG_AUDIO
    if head.startswith(b"BM") and int.from_bytes(head[14:18], "little") in _BMP_INFO_SIZES:
        return BMP
    if _is_id3_tag(head) or _is_mpeg_audio_frame(head):
        return MP3
    return None


def _riff(head: bytes) -> MediaKind | None:
    form = head[8:12]
    if form == b"WAVE":
        return WAV
    if form == b"WEBP" and head[12:16] in (b"VP8 ", b"VP8L", b"VP8X"):
        return WEBP
    return None


def _iso_media(head: bytes) -> MediaKind | None:
    """Decide an ISO base media file by its major and compatible brands.

    HEIF/AVIF images use the same ``ftyp`` box with ``mif1``/``heic``/``avif`` brands; they are
    not on the allow-list and must not pass as video, so a video brand is required.
    """
    major = head[8:12]
    if major == b"qt  ":
        return MOV
    if major in _AUDIO_BRANDS:
        return M4A
    box_size = int.from_bytes(head[0:4], "big")
    box = head[8 : min(box_size, len(head), SNIFF_BYTES)]
    brands = {major} | {box[i : i + 4] for i in range(8, len(box) - 3, 4)}
    return MP4 if major in _VIDEO_BRANDS or brands & _VIDEO_BRANDS else None


def _matroska(head: bytes) -> MediaKind | None:
    """WebM is Matroska with the DocType ``webm``; the EBML header sits in the first bytes."""
    header = head[:64]
    if b"webm" in header:
        return WEBM
    if b"matroska" in header:
        return MKV
    return None


def _is_id3_tag(head: bytes) -> bool:
    """An ID3v2 header: version 2 to 4, then a size of four 7-bit ("syncsafe") bytes."""
    return (
        head.startswith(b"ID3")
        and len(head) >= 10
        and head[3] in (2, 3, 4)
        and head[4] != 0xFF
        and all(byte < 0x80 for byte in head[6:10])
    )


def _is_mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG-1/2/2.5 Layer III frame header: sync bits plus valid version, rate and bitrate.

    Eleven set bits alone would also match noise; requiring Layer III and excluding the
    reserved and "free" values leaves a header no text file can start with.
    """
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate not in (0, 15) and sample_rate != 0b11
