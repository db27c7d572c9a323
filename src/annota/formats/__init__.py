"""Streaming readers and writers for the files Annota imports and exports.

A pure library: no database, no HTTP, no settings. Readers turn a file of any size into an
iterator of :class:`SourceRecord` with constant memory and errors that point at a line;
:mod:`annota.formats.media` decides what a media file really is; writers stream exports.

Examples
--------
>>> from annota.formats import iter_records, sniff_media, write_jsonl
"""

from annota.formats.csv_export import write_csv
from annota.formats.jsonl_export import read_jsonl_export, write_jsonl
from annota.formats.media import (
    MEDIA_EXTENSIONS,
    MediaKind,
    iter_media_files,
    probe_image,
    sniff_media,
)
from annota.formats.records import FORMATS, SourceRecord, count_records_hint, iter_records

__all__ = [
    "FORMATS",
    "MEDIA_EXTENSIONS",
    "MediaKind",
    "SourceRecord",
    "count_records_hint",
    "iter_media_files",
    "iter_records",
    "probe_image",
    "read_jsonl_export",
    "sniff_media",
    "write_csv",
    "write_jsonl",
]
