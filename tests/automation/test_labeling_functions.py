from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from annota.automation import (
    KeywordLF,
    LabelingFunction,
    ModelOutputLF,
    RegexLF,
    ThresholdLF,
    apply_lfs,
)
from annota.errors import InvalidInput

from_re2 = pytest.importorskip("re2", reason="RegexLF needs google-re2")

Split = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]


def test_keyword_whole_words_and_case() -> None:
    lf = KeywordLF("sub", ("subscribe", "my channel"), label=1)
    assert lf.vote({"text": "Pls SUBSCRIBE"}) == 1
    assert lf.vote({"text": "visit my channel."}) == 1
    assert lf.vote({"text": "unsubscribed"}) == -1
    assert lf.vote({"title": "subscribe"}) == -1
    assert KeywordLF("s", ("Sub",), label=1, case_sensitive=True).vote({"text": "sub"}) == -1


def test_keyword_metacharacters_are_literal() -> None:
    assert KeywordLF("price", ("$5.00",), label=1).vote({"text": "only $5.00 now"}) == 1
    assert KeywordLF("price", ("$5.00",), label=1).vote({"text": "only $5100 now"}) == -1


def test_regex_matches_and_abstains() -> None:
    lf = RegexLF("check_out", r"check\s+(it\s+)?out", label=1)
    assert lf.vote({"text": "CHECK it out"}) == 1
    assert lf.vote({"text": "checkout"}) == -1
    assert lf.vote({"text": None}) == -1


def test_catastrophic_regex_is_bounded() -> None:
    # (a+)+$ backtracks exponentially in Python's re: 2**30 paths for 30 "a"s and a "b".
    lf = RegexLF("evil", r"^(a+)+$", label=1)
    start = time.perf_counter()
    assert lf.vote({"text": "a" * 50_000 + "b"}) == -1
    assert time.perf_counter() - start < 2.0


def test_regex_input_is_cut_at_max_chars() -> None:
    lf = RegexLF("tail", r"needle", label=1, max_chars=100)
    assert lf.vote({"text": "x" * 50 + "needle"}) == 1
    assert lf.vote({"text": "x" * 200 + "needle"}) == -1


@pytest.mark.parametrize("pattern", [r"(a)\1", r"foo(?=bar)", r"(unclosed"])
def test_regex_outside_re2_is_rejected_at_creation(pattern: str) -> None:
    with pytest.raises(InvalidInput, match="RE2") as info:
        RegexLF("bad", pattern, label=0)
    assert info.value.location == "bad"


def test_threshold_bounds_and_missing_values() -> None:
    lf = ThresholdLF("mid", "score", label=2, low=0.2, high=0.8)
    votes = [lf.vote({"score": v}) for v in (0.2, 0.5, 0.8, 0.1, 0.9, float("nan"), "0.5", True)]
    assert votes == [2, 2, 2, -1, -1, -1, -1, -1]
    assert lf.vote({}) == -1
    with pytest.raises(InvalidInput, match="low, high"):
        ThresholdLF("open", "score", label=0)


def test_model_output_needs_confidence_and_allowed_class() -> None:
    lf = ModelOutputLF("clf", min_score=0.8, classes=(1, 2))
    assert lf.vote({"model_label": 2, "model_score": 0.8}) == 2
    assert lf.vote({"model_label": 2, "model_score": 0.79}) == -1
    assert lf.vote({"model_label": 0, "model_score": 0.99}) == -1
    assert lf.vote({"model_score": 0.99}) == -1


def test_labels_must_be_class_ids() -> None:
    with pytest.raises(InvalidInput, match="class id"):
        KeywordLF("k", ("a",), label=-1)
    with pytest.raises(InvalidInput, match="non-empty"):
        KeywordLF("k", ("",), label=0)


def test_apply_lfs_builds_the_label_matrix() -> None:
    lfs: list[LabelingFunction] = [
        KeywordLF("free", ("free",), label=1),
        RegexLF("money", r"\$\d+", label=1),
        ThresholdLF("short", "n_words", label=0, high=3),
    ]
    records = [
        {"text": "free $100 now", "n_words": 3},
        {"text": "see you", "n_words": 2},
        {"text": "a long and ordinary message", "n_words": 5},
    ]
    L = apply_lfs(lfs, iter(records))
    assert L.tolist() == [[1, 1, 0], [-1, -1, 0], [-1, -1, -1]]
    assert apply_lfs(lfs, []).shape == (0, 3)


def test_apply_lfs_rejects_duplicate_names() -> None:
    lf = KeywordLF("same", ("a",), label=0)
    with pytest.raises(InvalidInput, match="unique"):
        apply_lfs([lf, lf], [{"text": "a"}])


def test_sms_readme_regexes_reproduce_wrench_votes(
    wrench: Callable[[str, str], Split], wrench_texts: Callable[[str, str], list[str]]
) -> None:
    # WRENCH's 73 SMS rules are regular expressions listed in its readme; run through
    # RegexLF they must give exactly the weak labels WRENCH stored for the train split.
    L_train, _ = wrench("wrench-sms", "train")
    readme = Path(__file__).resolve().parents[3] / "shared/data/wrench-sms/readme.txt"
    lfs: list[LabelingFunction] = []
    for line in readme.read_text().splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0] in ("ham", "spam"):
            label = 1 if parts[0] == "spam" else 0
            lfs.append(RegexLF(f"lf{len(lfs)}", parts[1], label=label, case_sensitive=True))
    assert len(lfs) == 73
    L = apply_lfs(lfs, ({"text": t} for t in wrench_texts("wrench-sms", "train")))
    np.testing.assert_array_equal(L, L_train)
