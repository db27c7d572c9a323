"""Random data against the krippendorff package, statsmodels and scikit-learn (test oracles)."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats import inter_rater

from annota.quality import cohen_kappa, fleiss_kappa, krippendorff_alpha


def _ratings(seed: int, n_values: int, missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, n_values + 1, size=60)
    noise = rng.integers(-1, 2, size=(5, 60)) * (rng.random((5, 60)) < 0.4)
    data = np.clip(truth + noise, 1, n_values).astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    return data


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_krippendorff_package(seed: int, level: str) -> None:
    data = _ratings(seed, n_values=5, missing=0.3)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level=level) == pytest.approx(expected, abs=1e-10)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(5))
def test_fleiss_matches_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(6, rng.dirichlet(np.ones(4)), size=40)
    assert fleiss_kappa(counts) == pytest.approx(inter_rater.fleiss_kappa(counts), abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_matches_sklearn_and_statsmodels(seed: int, weights: str | None) -> None:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 4, size=80)
    b = np.where(rng.random(80) < 0.6, a, rng.integers(0, 4, size=80))
    expected = cohen_kappa_score(a, b, weights=weights)
    assert cohen_kappa(a, b, weights=weights) == pytest.approx(expected, abs=1e-12)  # type: ignore[arg-type]
    table = inter_rater.to_table(np.stack([a, b], axis=1))[0]
    sm_weights = {None: None, "linear": "linear", "quadratic": "quadratic"}[weights]
    statsmodels_kappa = inter_rater.cohens_kappa(table, wt=sm_weights).kappa
    assert cohen_kappa(a, b, weights=weights) == pytest.approx(statsmodels_kappa, abs=1e-12)  # type: ignore[arg-type]
