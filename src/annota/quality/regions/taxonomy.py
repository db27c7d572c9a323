"""Agreement on hierarchical labels (taxonomy paths such as ``Animal/Mammal/Dog``)."""

from __future__ import annotations

from collections.abc import Sequence

from annota.errors import InvalidInput

__all__ = ["hierarchical_f1", "path_similarity"]

Path = str | Sequence[str]


def _nodes(path: Path, separator: str) -> list[str]:
    nodes = path.split(separator) if isinstance(path, str) else list(path)
    if not nodes or any(not node for node in nodes):
        raise InvalidInput(f"empty taxonomy path or node in {path!r}", location="path")
    return nodes


def path_similarity(a: Path, b: Path, *, separator: str = "/") -> float:
    """Shared prefix depth over the deeper path's depth, in [0, 1].

    Examples
    --------
    >>> path_similarity("Animal/Mammal/Dog", "Animal/Mammal/Cat")
    0.6666666666666666
    """
    first, second = _nodes(a, separator), _nodes(b, separator)
    shared = 0
    for x, y in zip(first, second, strict=False):
        if x != y:
            break
        shared += 1
    return shared / max(len(first), len(second))


def hierarchical_f1(reference: Path, predicted: Path, *, separator: str = "/") -> float:
    """Hierarchical F1 (Kiritchenko et al., 2005): F1 of the two paths' ancestor sets.

    Partial credit for stopping early or diverging deep in the tree.

    Examples
    --------
    >>> hierarchical_f1("Animal/Mammal/Dog", "Animal/Mammal")
    0.8
    """
    first, second = _nodes(reference, separator), _nodes(predicted, separator)
    ancestors_a = {tuple(first[: k + 1]) for k in range(len(first))}
    ancestors_b = {tuple(second[: k + 1]) for k in range(len(second))}
    shared = len(ancestors_a & ancestors_b)
    return 2 * shared / (len(ancestors_a) + len(ancestors_b))
