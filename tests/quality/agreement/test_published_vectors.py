"""Published worked examples (shared/data/agreement-vectors/vectors.json)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from annota.quality import cohen_kappa, fleiss_kappa, krippendorff_alpha
from annota.quality.agreement import kappa_from_confusion

from ..datasets import DATA

VECTORS: dict[str, Any] = json.loads((DATA / "agreement-vectors" / "vectors.json").read_text())

ALPHA_CASES = [
    (case, level, expected, VECTORS[case]["tolerance"])
    for case in ("krippendorff_2011", "krippendorff_wikipedia")
    for level, expected in VECTORS[case]["expected_alpha"].items()
]


@pytest.mark.parametrize(("case", "level", "expected", "tolerance"), ALPHA_CASES)
def test_krippendorff_alpha_worked_examples(
    case: str, level: str, expected: float, tolerance: float
) -> None:
    data = np.array(VECTORS[case]["reliability_data"], dtype=float)
    assert krippendorff_alpha(data, level=level) == pytest.approx(expected, abs=tolerance)  # type: ignore[arg-type]


def test_krippendorff_alpha_accepts_none_as_missing() -> None:
    data = VECTORS["krippendorff_2011"]["reliability_data"]
    assert krippendorff_alpha(data) == pytest.approx(0.743, abs=0.0005)


def test_fleiss_kappa_worked_example() -> None:
    case = VECTORS["fleiss_1971_wikipedia"]
    assert fleiss_kappa(case["counts"]) == pytest.approx(
        case["expected_kappa"], abs=case["tolerance"]
    )


def test_cohen_kappa_worked_example_from_table_and_from_labels() -> None:
    case = VECTORS["cohen_wikipedia"]
    table = np.array(case["contingency"])
    assert kappa_from_confusion(table) == pytest.approx(case["expected_kappa"], abs=1e-9)
    a = np.repeat(["yes", "yes", "no", "no"], table.ravel())
    b = np.repeat(["yes", "no", "yes", "no"], table.ravel())
    assert cohen_kappa(a, b) == pytest.approx(case["expected_kappa"], abs=case["tolerance"])
