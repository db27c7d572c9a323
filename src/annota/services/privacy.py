"""What annotators see of an item when its schema marks fields sensitive.

The masked view is computed once, at import, and stored beside the original
(``items.masked``); annotator-facing reads serve it, managers and exports read ``data``.
A masked field that is not text (an image URL) cannot be masked meaningfully and is hidden.
"""

from __future__ import annotations

from typing import Any

from annota.schema import LabelSchema


def has_private_fields(schema: LabelSchema) -> bool:
    return any(f.annotator_view for f in schema.fields)


def masked_view(data: dict[str, Any], schema: LabelSchema) -> dict[str, Any] | None:
    """The item's data as annotators get it, or None when nothing in it is private."""
    if not has_private_fields(schema):
        return None
    # Imported on first use: ``annota.automation`` brings scikit-learn and SciPy, which every
    # import command would otherwise load at start-up.
    from annota.automation.pii import mask_pii  # noqa: PLC0415

    out = dict(data)
    for f in schema.fields:
        view = f.annotator_view
        if view is None or f.name not in out:
            continue
        value = out[f.name]
        if view == "masked" and isinstance(value, str):
            out[f.name] = mask_pii(value, names=f.mask_names)
        else:
            del out[f.name]
    return out
