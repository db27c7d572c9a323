"""Streaming readers and writers for the files Annota imports and exports.

A pure library: no database, no HTTP, no settings. Readers turn a file of any size into an
iterator of :class:`SourceRecord` with constant memory and errors that point at a line;
:mod:`annota.formats.media` decides what a media file really is; writers stream exports.
Annotation formats (COCO, CVAT for images 1.1, CoNLL-2003, YOLO, Pascal VOC, spaCy DocBin,
Parquet and Hugging Face ``datasets`` folders, NeMo ASR manifests) convert between files and
:class:`AnnotatedItem` records holding Annota's native regions; a Label Studio JSON export
imports as :class:`LabelStudioTask` records; :func:`assign_splits` makes deterministic,
stratified train / validation / test splits for any export.

Examples
--------
>>> from annota.formats import iter_records, sniff_media, write_jsonl
"""

from annota.formats.annotated import AnnotatedItem
from annota.formats.asr_manifest import write_asr_manifest
from annota.formats.coco_categories import CocoCategory, categories_from_schema
from annota.formats.coco_export import write_coco
from annota.formats.coco_import import CocoDataset, CocoFile, coco_schema, read_coco
from annota.formats.conll import read_conll, write_conll
from annota.formats.csv_export import write_csv
from annota.formats.cvat_export import write_cvat
from annota.formats.cvat_import import CvatAttribute, CvatDataset, CvatLabel, read_cvat
from annota.formats.cvat_schema import cvat_schema
from annota.formats.hf_dataset import iter_hf_dataset, write_hf_dataset, write_parquet
from annota.formats.jsonl_export import read_jsonl_export, write_jsonl
from annota.formats.label_studio_import import (
    LabelStudioAnnotation,
    LabelStudioTask,
    read_label_studio,
)
from annota.formats.media import (
    MEDIA_EXTENSIONS,
    MediaKind,
    iter_media_files,
    probe_image,
    sniff_media,
)
from annota.formats.records import FORMATS, SourceRecord, count_records_hint, iter_records
from annota.formats.spacy_export import write_spacy
from annota.formats.splits import DEFAULT_FRACTIONS, assign_splits, parse_split_fractions
from annota.formats.voc import read_voc, write_voc
from annota.formats.yolo import YoloTask, read_yolo, write_yolo, yolo_names

__all__ = [
    "DEFAULT_FRACTIONS",
    "FORMATS",
    "MEDIA_EXTENSIONS",
    "AnnotatedItem",
    "CocoCategory",
    "CocoDataset",
    "CocoFile",
    "CvatAttribute",
    "CvatDataset",
    "CvatLabel",
    "LabelStudioAnnotation",
    "LabelStudioTask",
    "MediaKind",
    "SourceRecord",
    "YoloTask",
    "assign_splits",
    "categories_from_schema",
    "coco_schema",
    "count_records_hint",
    "cvat_schema",
    "iter_hf_dataset",
    "iter_media_files",
    "iter_records",
    "parse_split_fractions",
    "probe_image",
    "read_coco",
    "read_conll",
    "read_cvat",
    "read_jsonl_export",
    "read_label_studio",
    "read_voc",
    "read_yolo",
    "sniff_media",
    "write_asr_manifest",
    "write_coco",
    "write_conll",
    "write_csv",
    "write_cvat",
    "write_hf_dataset",
    "write_jsonl",
    "write_parquet",
    "write_spacy",
    "write_voc",
    "write_yolo",
    "yolo_names",
]
