"""spaCy DocBin export: span annotations as entities (or a span group) and choices as cats.

spaCy trains from ``.spacy`` files, a serialised ``DocBin``; each doc is the item's text
tokenized by a blank pipeline of the chosen language, with

- the spans of one ``spans`` control as ``doc.ents`` (or, with ``spans_key``, as the span
  group ``doc.spans[spans_key]``, which also allows overlaps), and
- the options of one ``choices`` control as ``doc.cats`` (1.0 chosen, 0.0 not), so a
  ``textcat`` or ``textcat_multilabel`` component trains on them directly,
- the item's external id in ``doc.user_data["id"]``.

Offsets: Annota stores span offsets in code points, which is what Python ``str`` indexing and
``Doc.char_span`` use, so no conversion is needed. A span whose edges fall inside a token
(``"Berlinale"`` with a span on ``Berlin``) cannot be a spaCy span as it is. The default
``alignment="expand"`` grows it to the tokens it touches, as ``spacy convert`` and most
training scripts do, which keeps every annotation; ``alignment="strict"`` refuses such a span
instead with its item and region, for data where a silent change of span is not acceptable.
Spans that overlap after expansion cannot all be entities and are refused the same way (use
``spans_key``).

spaCy is imported when the writer runs, not with this module: it is a heavy optional
dependency (``pip install spacy``), needed only for this format.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem
from annota.schema import ChoicesControl, LabelSchema, SpansControl

__all__ = ["write_spacy"]


def write_spacy(
    items: Iterable[AnnotatedItem],
    path: Path,
    *,
    schema: LabelSchema,
    control: str | None = None,
    categories: str | None = None,
    spans_key: str | None = None,
    alignment: Literal["expand", "strict"] = "expand",
    lang: str = "en",
) -> int:
    """Write a ``.spacy`` DocBin of the items; return the number of docs.

    Parameters
    ----------
    items : iterable of AnnotatedItem
        Consumed once. The DocBin is built in memory (a few bytes per token) and written at
        the end, as spaCy's format requires; split very large exports into several files.
    path : Path
        The ``.spacy`` file to write.
    schema : LabelSchema
        Gives the text field and the labels.
    control : str, optional
        The ``spans`` control to export; defaults to the schema's only one (none is fine when
        only categories are exported).
    categories : str, optional
        The ``choices`` control written as ``doc.cats``; defaults to the only one, if any.
    spans_key : str, optional
        Store spans in ``doc.spans[spans_key]`` instead of ``doc.ents``.
    alignment : {"expand", "strict"}
        What to do with a span that cuts a token (see the module docstring).
    lang : str
        Language code of the blank spaCy pipeline that tokenizes the text.

    Raises
    ------
    InvalidInput
        No text field can be chosen, an item has no text, or a span cannot be placed (strict
        alignment, or overlapping entities); ``location`` is ``item <id>: regions[<i>]``.
    """
    import spacy  # noqa: PLC0415  # heavy optional dependency, needed only by this format
    from spacy.tokens import DocBin  # noqa: PLC0415  # same reason

    spans = _pick(schema, control, SpansControl, "control")
    cats = _pick(schema, categories, ChoicesControl, "categories")
    if spans is None and cats is None:
        raise InvalidInput("the schema has neither spans nor choices to export", location="control")
    field = _text_field(schema, spans, cats)
    nlp = spacy.blank(lang)
    docs = DocBin(store_user_data=True)
    count = 0
    for item in items:
        text = item.data.get(field)
        if not isinstance(text, str):
            raise InvalidInput(
                f"has no text in field {field!r}", location=f"item {item.external_id}"
            )
        doc = nlp.make_doc(text)
        doc.user_data["id"] = item.external_id
        if spans is not None:
            _set_spans(doc, item, spans.name, spans_key, alignment)
        if cats is not None:
            chosen = {
                choice
                for region in item.regions
                if region.get("control") == cats.name
                for choice in region["value"]["choices"]
            }
            doc.cats = {
                option: float(option in chosen) for option in (o.value for o in cats.options)
            }
        docs.add(doc)
        count += 1
    docs.to_disk(path)
    return count


def _set_spans(
    doc: Any, item: AnnotatedItem, control: str, spans_key: str | None, alignment: str
) -> None:
    placed = []
    for index, region in enumerate(item.regions):
        if region.get("control") != control:
            continue
        value = region["value"]
        where = f"item {item.external_id}: regions[{index}]"
        span = doc.char_span(value["start"], value["end"], label=value.get("label") or "")
        if span is None and alignment == "strict":
            raise InvalidInput(
                f"span {value['start']}-{value['end']} does not start and end on token "
                "boundaries (alignment='strict')",
                location=where,
            )
        if span is None:
            span = doc.char_span(
                value["start"],
                value["end"],
                label=value.get("label") or "",
                alignment_mode="expand",
            )
        if span is None:
            raise InvalidInput(
                f"span {value['start']}-{value['end']} covers no token", location=where
            )
        placed.append((span, where))
    if spans_key is not None:
        doc.spans[spans_key] = [span for span, _ in placed]
        return
    placed.sort(key=lambda pair: (pair[0].start, pair[0].end))
    for (before, _), (span, where) in pairwise(placed):
        if span.start < before.end:
            raise InvalidInput(
                f"entity {span.text!r} overlaps {before.text!r}; overlapping spans need spans_key",
                location=where,
            )
    doc.ents = [span for span, _ in placed]


def _pick(schema: LabelSchema, name: str | None, kind: type[Any], option: str) -> Any:
    """The named control of type ``kind``, or the only such control, or ``None`` if none."""
    if name is not None:
        try:
            found = schema.control(name)
        except KeyError:
            raise InvalidInput(f"the schema has no control {name!r}", location=option) from None
        if not isinstance(found, kind):
            raise InvalidInput(f"control {name!r} is {found.type}", location=option)
        return found
    matches = [c for c in schema.controls if isinstance(c, kind)]
    if len(matches) > 1:
        names = ", ".join(c.name for c in matches)
        raise InvalidInput(f"the schema has several ({names}); name one", location=option)
    return matches[0] if matches else None


def _text_field(schema: LabelSchema, spans: Any, cats: Any) -> str:
    if spans is not None:
        return str(spans.field)
    if cats is not None and cats.field is not None:
        return str(cats.field)
    texts = [f.name for f in schema.fields if f.type == "text"]
    if len(texts) != 1:
        raise InvalidInput(
            f"cannot tell which of {len(texts)} text fields to export", location="categories"
        )
    return texts[0]
