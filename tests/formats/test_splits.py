"""Deterministic stratified splits: order-free, seeded, proportional per stratum."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annota.errors import InvalidInput
from annota.formats import assign_splits, parse_split_fractions

FRACTIONS = {"train": 0.8, "val": 0.1, "test": 0.1}

_items = st.lists(
    st.tuples(st.text(min_size=1, max_size=8), st.sampled_from(["a", "b", "c", None])),
    unique_by=lambda pair: pair[0],
    max_size=120,
)


@settings(max_examples=150, deadline=None)
@given(items=_items, seed=st.integers(0, 2**32), shuffle_seed=st.integers(0, 1000))
def test_split_does_not_depend_on_input_order(items, seed, shuffle_seed) -> None:
    keys = [key for key, _ in items]
    strata = [stratum for _, stratum in items]
    first = dict(zip(keys, assign_splits(keys, strata, FRACTIONS, seed=seed), strict=True))
    shuffled = list(items)
    random.Random(shuffle_seed).shuffle(shuffled)
    again = assign_splits([k for k, _ in shuffled], [s for _, s in shuffled], FRACTIONS, seed=seed)
    assert dict(zip([k for k, _ in shuffled], again, strict=True)) == first


@settings(max_examples=150, deadline=None)
@given(
    items=_items,
    seed=st.integers(0, 2**32),
    shares=st.lists(st.integers(1, 10), min_size=1, max_size=4),
)
def test_each_stratum_and_the_whole_keep_their_proportions(items, seed, shares) -> None:
    fractions = {f"s{i}": share / sum(shares) for i, share in enumerate(shares)}
    keys = [key for key, _ in items]
    strata = [stratum for _, stratum in items]
    splits = assign_splits(keys, strata, fractions, seed=seed)
    for stratum in set(strata):
        members = Counter(s for s, g in zip(splits, strata, strict=True) if g == stratum)
        size = sum(members.values())
        for name, fraction in fractions.items():
            quota = size * fraction
            assert math.floor(quota + 1e-6) <= members[name] <= math.ceil(quota - 1e-6)
    overall = Counter(splits)
    for name, fraction in fractions.items():
        assert abs(overall[name] - len(keys) * fraction) < 1 + 1e-9


def test_singleton_strata_still_fill_every_split() -> None:
    keys = [f"item-{i}" for i in range(100)]
    counts = Counter(assign_splits(keys, keys, FRACTIONS, seed=3))
    assert counts == {"train": 80, "val": 10, "test": 10}


def test_the_seed_changes_the_assignment_but_not_the_sizes() -> None:
    keys = [str(i) for i in range(50)]
    one = assign_splits(keys, [None] * 50, FRACTIONS, seed=1)
    two = assign_splits(keys, [None] * 50, FRACTIONS, seed=2)
    assert one != two
    assert Counter(one) == Counter(two) == {"train": 40, "val": 5, "test": 5}


def test_parse_gives_ordered_fractions() -> None:
    assert parse_split_fractions("train=0.8, val=0.1,test=0.1") == FRACTIONS
    assert list(parse_split_fractions("test=0.5,train=0.5")) == ["test", "train"]


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ("train=0.8,val", "split[1]", "not name=fraction"),
        ("train=0.8,val=x", "split[1]", "not a number"),
        ("train=0.5,train=0.5", "split[1]", "given twice"),
        ("train=0.8,val=0.1", "split", "sum to 0.9"),
        ("train=1.5", "split", r"must be in \(0, 1\]"),
        ("=1", "split[0]", "not name=fraction"),
    ],
)
def test_parse_refuses_bad_text_where_it_breaks(text: str, location: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        parse_split_fractions(text)
    assert caught.value.location == location


def test_assign_refuses_repeated_keys_and_mismatched_lengths() -> None:
    with pytest.raises(InvalidInput, match="appears twice") as caught:
        assign_splits(["a", "b", "a"], [None] * 3, FRACTIONS)
    assert caught.value.location == "keys[2]"
    with pytest.raises(InvalidInput, match="2 keys but 1 strata"):
        assign_splits(["a", "b"], [None], FRACTIONS)
