"""PII masking: what is found, what is left alone, and that offsets survive masking."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annota.automation.pii import find_pii, mask_pii


def kinds(text: str, **kw: object) -> list[tuple[str, str]]:
    return [(s.kind, text[s.start : s.end]) for s in find_pii(text, **kw)]  # type: ignore[arg-type]


def test_each_kind_is_found_with_its_checksum() -> None:
    text = (
        "ann.lee+x@mail.example.co.uk, +1 (415) 555-0134, 4111 1111 1111 1111, "
        "GB82 WEST 1234 5698 7654 32, account 0012345678"
    )
    assert kinds(text) == [
        ("EMAIL", "ann.lee+x@mail.example.co.uk"),
        ("PHONE", "+1 (415) 555-0134"),
        ("CARD", "4111 1111 1111 1111"),
        ("IBAN", "GB82 WEST 1234 5698 7654 32"),
        ("ACCOUNT", "0012345678"),
    ]


def test_failed_checksums_dates_and_small_numbers_are_left_alone() -> None:
    assert kinds("card 4111 1111 1111 1112") != [("CARD", "4111 1111 1111 1112")]
    assert all(k != "IBAN" for k, _ in kinds("GB00 WEST 1234 5698 7654 32"))
    assert kinds("on 2024-03-01 and 01/02/2024 we sold 12 units for 1299.00") == []


def test_names_come_from_the_gazetteer_case_insensitively() -> None:
    text = "zoë smith met Bob"
    assert kinds(text, names=["Zoë Smith"]) == [("NAME", "zoë smith")]
    assert mask_pii(text, names=["Zoë Smith"]) == "[NAME]••• met Bob"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_masking_keeps_length_and_every_unmasked_character(text: str) -> None:
    masked = mask_pii(text)
    assert len(masked) == len(text)
    spans = find_pii(text)
    covered = {i for s in spans for i in range(s.start, s.end)}
    assert all(masked[i] == text[i] for i in range(len(text)) if i not in covered)
