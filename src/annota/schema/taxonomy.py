"""Taxonomy trees: hierarchical labels of any depth, and the paths that name a node.

A tree is written in YAML the way people sketch it; each entry is a string (a leaf), a
one-key mapping from a value to its children, or the full ``{value, children, description}``
form::

    tree:
      - Animal:
          - Mammal: [Dog, Cat]
          - Bird
      - Plant

An annotation names a node by its path from the root, ``["Animal", "Mammal", "Dog"]``,
because values are unique only among siblings ("Other" may appear under every branch).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from annota.schema.labels import unique_names

__all__ = ["TaxonomyNode", "TaxonomyTree", "find_node"]


def _nodes_from_short_forms(raw: Any) -> Any:
    """Expand strings and ``{value: children}`` shorthands into the full node form."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        return raw
    nodes: list[Any] = []
    for item in raw:
        if isinstance(item, str):
            nodes.append({"value": item})
        elif (
            isinstance(item, dict)
            and len(item) == 1
            and not isinstance(item.get("value"), str)
            and isinstance(next(iter(item)), str)
        ):
            ((value, children),) = item.items()
            nodes.append({"value": value, "children": children})
        else:
            nodes.append(item)
    return nodes


def _unique_siblings(nodes: list[TaxonomyNode]) -> list[TaxonomyNode]:
    unique_names([node.value for node in nodes], "taxonomy value")
    return nodes


class TaxonomyNode(BaseModel):
    """One node of a taxonomy; a node without children is a leaf.

    Attributes
    ----------
    value
        The node's label; unique among its siblings.
    children
        Sub-categories, in display order.
    description
        A hint shown in the tree picker.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Annotated[str, Field(min_length=1)]
    children: Annotated[
        list[TaxonomyNode],
        BeforeValidator(_nodes_from_short_forms),
        AfterValidator(_unique_siblings),
    ] = Field(default_factory=list)
    description: str | None = None


#: The top level of a taxonomy: at least one root node, values unique.
TaxonomyTree = Annotated[
    list[TaxonomyNode],
    BeforeValidator(_nodes_from_short_forms),
    AfterValidator(_unique_siblings),
    Field(min_length=1),
]


def find_node(tree: Sequence[TaxonomyNode], path: Sequence[str]) -> tuple[TaxonomyNode | None, int]:
    """Walk ``path`` down ``tree``; return the node reached and how many steps matched.

    The step count lets an error say exactly which part of a path is wrong
    ("'Dgo' is not a child of Animal / Mammal").
    """
    level: Sequence[TaxonomyNode] = tree
    node: TaxonomyNode | None = None
    for depth, value in enumerate(path):
        node = next((child for child in level if child.value == value), None)
        if node is None:
            return None, depth
        level = node.children
    return node, len(path)
