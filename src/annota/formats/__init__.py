"""Streaming readers and writers for the files Annota imports and exports.

A pure library: no database, no HTTP, no settings. Readers turn a file of any size into an
iterator of :class:`SourceRecord` with constant memory and errors that point at a line;
:mod:`annota.formats.media` decides what a media file really is; writers stream exports.
Annotation formats (COCO, CoNLL-2003, YOLO, Pascal VOC) convert between files and
:class:`AnnotatedItem` records holding Annota's native regions.

Examples
--------
>>> from annota.formats import iter_records, sniff_media, write_jsonl
"""

from annota.formats.annotated import AnnotatedItem
from annota.formats.coco_categories import CocoCategory, categories_from_schema
from annota.formats.coco_export import write_coco
from annota.formats.coco_import import CocoDataset, coco_schema, read_coco
from annota.formats.conll import read_conll, write_conll
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
from annota.formats.voc import read_voc, write_voc
from annota.formats.yolo import YoloTask, read_yolo, write_yolo

__all__ = [
    "FORMATS",
    "MEDIA_EXTENSIONS",
    "AnnotatedItem",
    "CocoCategory",
    "CocoDataset",
    "MediaKind",
    "SourceRecord",
    "YoloTask",
    "categories_from_schema",
    "coco_schema",
    "count_records_hint",
    "iter_media_files",
    "iter_records",
    "probe_image",
    "read_coco",
    "read_conll",
    "read_jsonl_export",
    "read_voc",
    "read_yolo",
    "sniff_media",
    "write_coco",
    "write_conll",
    "write_csv",
    "write_jsonl",
    "write_voc",
    "write_yolo",
]
