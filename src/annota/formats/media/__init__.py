"""Media files: what type they really are, how big an image is, which files a folder holds.

Pure helpers for the upload and folder-import paths: :func:`sniff_media` decides the type from
magic bytes against an allow-list, :func:`probe_image` reads dimensions from the header with a
pixel cap, and :func:`iter_media_files` walks a folder without leaving it.
"""

from annota.formats.media.folder import iter_media_files
from annota.formats.media.image import DEFAULT_MAX_PIXELS, probe_image
from annota.formats.media.kinds import MEDIA_EXTENSIONS, MediaKind
from annota.formats.media.sniff import SNIFF_BYTES, sniff_media

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "MEDIA_EXTENSIONS",
    "SNIFF_BYTES",
    "MediaKind",
    "iter_media_files",
    "probe_image",
    "sniff_media",
]
