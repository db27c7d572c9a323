"""The media types Annota accepts, each with the one content type and extension it is given.

The allow-list is the security boundary for uploads (SECURITY.md E1): a file is stored and
served only as one of these kinds, with the content type from this table, whatever name or
content type the client sent. Keeping the table in one place means the sniffer, the folder
walker and the media server cannot disagree about what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal


@dataclass(frozen=True, slots=True)
class MediaKind:
    """A media type from the allow-list.

    Attributes
    ----------
    kind : {"image", "audio", "video"}
        Which editor and which probe handle it.
    content_type : str
        The only ``Content-Type`` such a file is served with.
    extension : str
        The canonical extension a stored copy gets, with the dot (``".jpg"``).
    """

    kind: Literal["image", "audio", "video"]
    content_type: str
    extension: str


PNG = MediaKind("image", "image/png", ".png")
JPEG = MediaKind("image", "image/jpeg", ".jpg")
GIF = MediaKind("image", "image/gif", ".gif")
WEBP = MediaKind("image", "image/webp", ".webp")
BMP = MediaKind("image", "image/bmp", ".bmp")
TIFF = MediaKind("image", "image/tiff", ".tiff")
WAV = MediaKind("audio", "audio/wav", ".wav")
MP3 = MediaKind("audio", "audio/mpeg", ".mp3")
OGG_AUDIO = MediaKind("audio", "audio/ogg", ".ogg")
FLAC = MediaKind("audio", "audio/flac", ".flac")
M4A = MediaKind("audio", "audio/mp4", ".m4a")
MP4 = MediaKind("video", "video/mp4", ".mp4")
MOV = MediaKind("video", "video/quicktime", ".mov")
WEBM = MediaKind("video", "video/webm", ".webm")
MKV = MediaKind("video", "video/x-matroska", ".mkv")
OGG_VIDEO = MediaKind("video", "video/ogg", ".ogv")

_IMAGES = (PNG, JPEG, GIF, WEBP, BMP, TIFF)
_AUDIO = (WAV, MP3, OGG_AUDIO, FLAC, M4A)
_VIDEO = (MP4, MOV, WEBM, MKV, OGG_VIDEO)
_ALIASES = {".jpeg": JPEG, ".tif": TIFF, ".oga": OGG_AUDIO, ".opus": OGG_AUDIO, ".m4v": MP4}

#: Every accepted file extension (lower case, with the dot) and the kind it names.
MEDIA_EXTENSIONS: MappingProxyType[str, MediaKind] = MappingProxyType(
    {
        **{kind.extension: kind for kind in (*_IMAGES, *_AUDIO, *_VIDEO)},
        **_ALIASES,
    }
)
