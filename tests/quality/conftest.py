"""Shared toy answer tables."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture
def toy() -> pd.DataFrame:
    """Three annotators, four items; ``c`` disagrees with the other two on items 1 and 3.

    Majority vote: i1 -> cat, i2 -> dog, i3 -> dog, i4 -> tie (a: cat, b: dog).
    """
    return pd.DataFrame(
        {
            "item": ["i1", "i1", "i1", "i2", "i2", "i2", "i3", "i3", "i3", "i4", "i4"],
            "annotator": ["a", "b", "c", "a", "b", "c", "a", "b", "c", "a", "b"],
            "label": ["cat", "cat", "dog", "dog", "dog", "dog", "dog", "dog", "cat", "cat", "dog"],
        }
    )
