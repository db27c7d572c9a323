"""Label schemas: what can be said about an item, and whether an annotation says it properly.

A pure library (no database, no HTTP, no settings). A schema is loaded from YAML or JSON
into a :class:`LabelSchema`; annotations and item data are checked against it, and every
problem comes back located, in one :class:`~annota.errors.ValidationFailed`.

Examples
--------
>>> from annota.schema import load_schema, validate_annotation
>>> schema = load_schema('''
... fields: [{name: text, type: text}]
... controls:
...   - {name: entities, type: spans, field: text, labels: [PER, ORG]}
... ''')
>>> validate_annotation(
...     [{"control": "entities", "value": {"start": 0, "end": 5, "label": "PER"}}],
...     schema, data={"text": "Alice works at Acme"})
[{'control': 'entities', 'value': {'start': 0, 'end': 5, 'label': 'PER'}}]
"""

from annota.schema.attributes import AttributeSpec, AttributeType
from annota.schema.controls import (
    BboxControl,
    ChoicesControl,
    Control,
    ControlBase,
    KeypointsControl,
    MaskControl,
    NumberControl,
    PolygonControl,
    PolylineControl,
    RatingControl,
    RelationsControl,
    SegmentsControl,
    SpansControl,
    TaxonomyControl,
    TextareaControl,
    TranscriptControl,
    VideoTrackControl,
)
from annota.schema.document import dump_schema_yaml, load_schema, schema_fingerprint
from annota.schema.fields import DataField, FieldType
from annota.schema.item_data import validate_item_data
from annota.schema.label_schema import LabelSchema
from annota.schema.label_studio import from_label_studio_xml
from annota.schema.labels import Label
from annota.schema.media import MediaInfo
from annota.schema.regions import RegionEnvelope, validate, validate_annotation
from annota.schema.taxonomy import TaxonomyNode

__all__ = [
    "AttributeSpec",
    "AttributeType",
    "BboxControl",
    "ChoicesControl",
    "Control",
    "ControlBase",
    "DataField",
    "FieldType",
    "KeypointsControl",
    "Label",
    "LabelSchema",
    "MaskControl",
    "MediaInfo",
    "NumberControl",
    "PolygonControl",
    "PolylineControl",
    "RatingControl",
    "RegionEnvelope",
    "RelationsControl",
    "SegmentsControl",
    "SpansControl",
    "TaxonomyControl",
    "TaxonomyNode",
    "TextareaControl",
    "TranscriptControl",
    "VideoTrackControl",
    "dump_schema_yaml",
    "from_label_studio_xml",
    "load_schema",
    "schema_fingerprint",
    "validate",
    "validate_annotation",
    "validate_item_data",
]
