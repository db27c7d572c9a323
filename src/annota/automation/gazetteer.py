"""Gazetteer tagging: known phrases -> labelled spans, in one pass over the text.

A gazetteer (``{"Baghdad": "LOC", "U.N.": "ORG", ...}``) pre-annotates entities a project
already knows. Phrases are compiled into an Aho-Corasick automaton, so a text is scanned
once whatever the number of phrases: the cost is linear in the text plus the matches found,
where trying each phrase (or one big regex alternation) would grow with the list.

Matches must sit on token boundaries: ``"York"`` does not match inside ``"Yorkshire"``, and
a phrase ending in a base letter does not match when the text puts a combining accent on
that letter (``"cafe"`` against ``"cafe\\u0301"``). Overlapping matches are resolved by
:func:`~annota.automation.spans.select_longest`. Offsets are Python code points of the text
as given: no Unicode normalisation or whitespace collapsing happens, because either would
move offsets; a project whose texts mix NFC and NFD should list both spellings.

Case-insensitive matching folds each code point on its own (``str.casefold`` where that
gives one code point, else ``str.lower``, else the code point itself), so folding never
changes a text's length and offsets stay exact.

Reference: A. V. Aho and M. J. Corasick, "Efficient string matching: an aid to
bibliographic search", Communications of the ACM 18(6), 1975.
"""

from __future__ import annotations

import unicodedata
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from annota.automation.prediction import Item, Prediction, version_of
from annota.automation.spans import Span, select_longest, span_predictions
from annota.errors import InvalidInput


@dataclass(frozen=True, eq=False)
class GazetteerTagger:
    """Tag every occurrence of known phrases; longest match wins.

    Parameters
    ----------
    entries : mapping of str to str
        Phrase to label. Two phrases that fold to the same string must share a label.
    control : str
        Name of the span control the regions belong to.
    field : str
        Item data field holding the text.
    case_sensitive : bool
        When false (the default), matching ignores case (see the module notes).
    name : str
        Model name stamped on predictions.

    Raises
    ------
    InvalidInput
        At creation, for an empty phrase or label, or a phrase given two labels.

    Examples
    --------
    >>> tagger = GazetteerTagger({"New York": "LOC", "York": "LOC", "U.N.": "ORG"})
    >>> tagger.tag("The U.N. office in new york, not Yorkshire.")
    [Span(start=4, end=8, label='ORG'), Span(start=19, end=27, label='LOC')]
    """

    entries: Mapping[str, str]
    control: str = "label"
    field: str = "text"
    case_sensitive: bool = False
    name: str = "gazetteer"

    def __post_init__(self) -> None:
        _ = self._automaton  # compile now, so bad entries fail when the tagger is made

    @cached_property
    def _automaton(self) -> _Automaton:
        phrases: dict[str, str] = {}
        for phrase, label in self.entries.items():
            if not isinstance(phrase, str) or not phrase:
                raise InvalidInput(
                    "phrases must be non-empty strings", location=f"entries[{phrase!r}]"
                )
            if not isinstance(label, str) or not label:
                raise InvalidInput(
                    "labels must be non-empty strings", location=f"entries[{phrase!r}]"
                )
            key = _fold(phrase, case_sensitive=self.case_sensitive)
            if phrases.setdefault(key, label) != label:
                raise InvalidInput(
                    f"phrase has two labels: {phrases[key]!r} and {label!r}",
                    location=f"entries[{phrase!r}]",
                )
        return _Automaton.build(phrases)

    @cached_property
    def version(self) -> str:
        """Digest of the entries and matching options."""
        return version_of(sorted(self.entries.items()), self.case_sensitive)

    def tag(self, text: str) -> list[Span]:
        """Labelled, disjoint spans of ``text``, sorted by start."""
        folded = _fold(text, case_sensitive=self.case_sensitive)
        candidates = (
            Span(start, end, label)
            for start, end, label in self._automaton.scan(folded)
            if _is_boundary(text, start) and _is_boundary(text, end)
        )
        return select_longest(candidates)

    def predict(self, items: Sequence[Item]) -> list[Prediction]:
        """One prediction per item, a span region (score 1.0) per match."""
        return span_predictions(
            items,
            self.tag,
            field=self.field,
            control=self.control,
            model=self.name,
            version=self.version,
        )


@dataclass(frozen=True)
class _Automaton:
    """Aho-Corasick: a trie with failure links and, per node, the next node with output."""

    goto: list[dict[str, int]]
    fail: list[int]
    output: list[tuple[int, str] | None]  # (phrase length, label) where a phrase ends
    output_link: list[int]  # nearest proper suffix node with output, or -1

    @classmethod
    def build(cls, phrases: Mapping[str, str]) -> _Automaton:
        goto: list[dict[str, int]] = [{}]
        output: list[tuple[int, str] | None] = [None]
        for phrase, label in phrases.items():
            node = 0
            for char in phrase:
                child = goto[node].get(char)
                if child is None:
                    child = len(goto)
                    goto[node][char] = child
                    goto.append({})
                    output.append(None)
                node = child
            output[node] = (len(phrase), label)
        fail = [0] * len(goto)
        output_link = [-1] * len(goto)
        queue = deque(goto[0].values())  # depth 1: fail to the root
        while queue:
            node = queue.popleft()
            for char, child in goto[node].items():
                suffix = fail[node]
                while suffix and char not in goto[suffix]:
                    suffix = fail[suffix]
                target = goto[suffix].get(char, 0)
                fail[child] = target
                output_link[child] = target if output[target] is not None else output_link[target]
                queue.append(child)
        return cls(goto, fail, output, output_link)

    def scan(self, text: str) -> list[tuple[int, int, str]]:
        """Every phrase occurrence as ``(start, end, label)``, overlaps included."""
        goto, fail, output, output_link = self.goto, self.fail, self.output, self.output_link
        found: list[tuple[int, int, str]] = []
        node = 0
        for end, char in enumerate(text, start=1):
            while node and char not in goto[node]:
                node = fail[node]
            node = goto[node].get(char, 0)
            hit = node if output[node] is not None else output_link[node]
            while hit != -1:
                length, label = output[hit]  # type: ignore[misc]  # hit always has output
                found.append((end - length, end, label))
                hit = output_link[hit]
        return found


def _fold(text: str, *, case_sensitive: bool) -> str:
    if case_sensitive:
        return text
    folded = text.casefold()
    if len(folded) == len(text):  # no code point expanded, so each maps to exactly one
        return folded
    return "".join(_fold_char(char) for char in text)


def _fold_char(char: str) -> str:
    for candidate in (char.casefold(), char.lower()):
        if len(candidate) == 1:
            return candidate
    return char


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


def _is_boundary(text: str, pos: int) -> bool:
    """True unless ``pos`` falls between two word characters (combining marks count)."""
    return pos <= 0 or pos >= len(text) or not (_is_word(text[pos - 1]) and _is_word(text[pos]))
