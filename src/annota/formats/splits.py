"""Deterministic, stratified train / validation / test splits.

An export that is re-run must put every item in the same split, whatever order the database
returned the items in, or a model evaluated on "test" has silently trained on part of it. So the
split of an item depends only on its key (the external id), the seed and the sizes of the
strata, never on input order:

1. Items are grouped by stratum (usually the item's label; ``None`` is a stratum of its own).
2. Within a stratum items are ordered by ``sha256(seed, key)``, a stable pseudo-random order.
3. Each stratum of ``n`` items gives split ``s`` either ``floor(n * f_s)`` or one more item:
   the seats left after the floors go, one per split, to the splits whose *running* total over
   the strata seen so far (in sorted stratum order) lags its share the most (largest remainder
   with the remainder carried across strata). A split therefore never drifts a whole item
   from its share within a stratum, and tiny strata (one item each) still fill validation and
   test in proportion instead of all landing in train.
4. The first items of the ordered stratum go to the first split, and so on.

Examples
--------
>>> assign_splits(["a", "b", "c", "d"], [None] * 4, {"train": 0.5, "test": 0.5}, seed=1)
['train', 'train', 'test', 'test']
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from annota.errors import InvalidInput

__all__ = ["DEFAULT_FRACTIONS", "assign_splits", "parse_split_fractions"]

#: The usual 80 / 10 / 10 split, used when no fractions are given.
DEFAULT_FRACTIONS: Mapping[str, float] = MappingProxyType({"train": 0.8, "val": 0.1, "test": 0.1})
_TOLERANCE = 1e-6


def parse_split_fractions(text: str) -> dict[str, float]:
    """Parse ``"train=0.8,val=0.1,test=0.1"`` into ordered fractions that sum to 1.

    Raises
    ------
    InvalidInput
        A part is not ``name=number``, a name repeats, a fraction is outside ``(0, 1]``, or the
        fractions do not sum to 1; ``location`` is ``split[i]`` (0-based part) or ``split``.
    """
    fractions: dict[str, float] = {}
    for index, part in enumerate(text.split(",")):
        where = f"split[{index}]"
        name, equals, number = part.partition("=")
        name = name.strip()
        if not equals or not name:
            raise InvalidInput(f"{part.strip()!r} is not name=fraction", location=where)
        if name in fractions:
            raise InvalidInput(f"split {name!r} is given twice", location=where)
        try:
            value = float(number)
        except ValueError:
            raise InvalidInput(f"{number.strip()!r} is not a number", location=where) from None
        fractions[name] = value
    _check_fractions(fractions)
    return fractions


def assign_splits(
    keys: Sequence[str],
    strata: Sequence[str | None],
    fractions: Mapping[str, float] = DEFAULT_FRACTIONS,
    *,
    seed: int = 0,
) -> list[str]:
    """Return the split name of each key, in input order.

    Parameters
    ----------
    keys : sequence of str, shape (N,)
        Unique item keys (external ids); they, not positions, decide the split.
    strata : sequence of str or None, shape (N,)
        The stratum of each key, typically its label; ``None`` for unlabelled items.
    fractions : mapping of str to float
        Split names to fractions in ``(0, 1]`` summing to 1, in the order splits are filled;
        :data:`DEFAULT_FRACTIONS` (train 0.8, val 0.1, test 0.1) by default.
    seed : int
        Another seed gives another, equally balanced, assignment.

    Raises
    ------
    InvalidInput
        Lengths differ, a key repeats, or the fractions are invalid.
    """
    if len(keys) != len(strata):
        raise InvalidInput(
            f"{len(keys)} keys but {len(strata)} strata; give one stratum per key",
            location="strata",
        )
    _check_fractions(fractions)
    names = list(fractions)
    shares = [fractions[name] for name in names]
    groups: dict[str | None, list[tuple[bytes, str, int]]] = {}
    seen: set[str] = set()
    for position, (key, stratum) in enumerate(zip(keys, strata, strict=True)):
        if key in seen:
            raise InvalidInput(f"key {key!r} appears twice", location=f"keys[{position}]")
        seen.add(key)
        digest = hashlib.sha256(f"{seed}\x00{key}".encode()).digest()
        groups.setdefault(stratum, []).append((digest, key, position))
    result = [""] * len(keys)
    assigned = [0] * len(names)
    total = 0
    for stratum in sorted(groups, key=lambda s: (s is not None, s or "")):
        members = sorted(groups[stratum])
        total += len(members)
        counts = _stratum_counts(len(members), shares, assigned, total)
        start = 0
        for split, count in enumerate(counts):
            for _, _, position in members[start : start + count]:
                result[position] = names[split]
            start += count
            assigned[split] += count
    return result


def _stratum_counts(
    size: int, shares: Sequence[float], assigned: Sequence[int], total: int
) -> list[int]:
    """Floors of ``size * share``, plus a seat for each of the fractional splits lagging most.

    Only a split whose quota has a fractional part may get the extra seat, so no stratum ever
    gives a split more than the ceiling of its quota.
    """
    quotas = [size * share for share in shares]
    counts = [math.floor(quota + _TOLERANCE) for quota in quotas]
    left = size - sum(counts)
    eligible = [split for split, quota in enumerate(quotas) if quota - counts[split] > _TOLERANCE]
    lag = {split: total * shares[split] - assigned[split] - counts[split] for split in eligible}
    for split in sorted(eligible, key=lambda split: (-lag[split], split))[:left]:
        counts[split] += 1
    return counts


def _check_fractions(fractions: Mapping[str, float]) -> None:
    if not fractions:
        raise InvalidInput("give at least one split", location="split")
    for name, value in fractions.items():
        if not (math.isfinite(value) and 0 < value <= 1):
            raise InvalidInput(
                f"fraction of {name!r} must be in (0, 1], not {value!r}", location="split"
            )
    total = sum(fractions.values())
    if abs(total - 1) > _TOLERANCE:
        raise InvalidInput(f"fractions sum to {total:g}, not 1", location="split")
