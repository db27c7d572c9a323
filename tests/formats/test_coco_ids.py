"""COCO export ids: the compact allocator hands out what a plain set would."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annota.formats.coco_export import _Ids


class SetIds:
    """The obvious allocator: every used id in a set, fresh ids counted up from 1."""

    def __init__(self) -> None:
        self.used: set[int] = set()
        self.next = 1

    def take(self, preferred: str | None) -> int:
        number = int(preferred) if preferred and preferred.isdecimal() else None
        if number is not None and str(number) == preferred and number not in self.used:
            self.used.add(number)
            return number
        while self.next in self.used:
            self.next += 1
        self.used.add(self.next)
        return self.next


preferred = st.one_of(
    st.none(),
    st.integers(0, 40).map(str),
    st.sampled_from(["007", "x1", "", "3.0", "-2"]),
)


@given(st.lists(preferred, max_size=80))
def test_same_ids_as_a_plain_set(wanted: list[str | None]) -> None:
    compact, plain = _Ids(), SetIds()
    got = [compact.take(p) for p in wanted]
    assert got == [plain.take(p) for p in wanted]
    assert len(set(got)) == len(got)


def test_consecutive_ids_keep_no_set() -> None:
    ids = _Ids()
    assert [ids.take(str(n)) for n in range(1, 10_001)] == list(range(1, 10_001))
    assert ids._extra == set()
    assert ids.take(None) == 10_001
