"""Regular-expression span tagging on RE2, for entities with a shape (dates, codes, amounts).

Patterns are user data run on the server, so they run on RE2 (``google-re2``), as
:class:`~annota.automation.RegexLF` does and for the same reason: matching time is linear in
the input, so no pattern can stall a worker, and patterns RE2 cannot run (backreferences,
lookaround) are rejected when the tagger is made. RE2's ``\\w`` and ``\\b`` are ASCII-only;
use ``\\pL`` and ``\\pN`` for letters and digits of any script. Offsets are code points of the
text as given (the binding converts RE2's byte offsets back). Overlapping matches, across
patterns too, are resolved by :func:`~annota.automation.spans.select_longest`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from annota.automation.prediction import Item, Prediction, version_of
from annota.automation.spans import Span, select_longest, span_predictions
from annota.errors import InvalidInput

try:  # RE2 is what makes user-supplied patterns safe to run; see the module notes.
    import re2
except ImportError:  # pragma: no cover - exercised only where google-re2 is missing
    re2 = None


@dataclass(frozen=True)
class RegexSpanTagger:
    """Tag every match of each ``(pattern, label)`` rule; longest match wins.

    Parameters
    ----------
    rules : tuple of (str, str)
        ``(RE2 pattern, label)`` pairs, tried in order (order only breaks exact ties).
    control : str
        Name of the span control the regions belong to.
    field : str
        Item data field holding the text.
    case_sensitive : bool
    group : int
        Capture group whose span is tagged; 0 (the default) is the whole match. Matches
        where the group is empty or did not take part are skipped.
    max_chars : int
        Only the first ``max_chars`` code points of a text are searched.
    name : str
        Model name stamped on predictions.

    Raises
    ------
    InvalidInput
        At creation, for a pattern RE2 rejects, a ``group`` the pattern lacks, an empty
        label, or when ``google-re2`` is not installed.

    Examples
    --------
    >>> tagger = RegexSpanTagger(((r"\\d{4}-\\d{2}-\\d{2}", "DATE"), (r"\\d+", "NUM")))
    >>> tagger.tag("On 2024-05-01, 3 people")
    [Span(start=3, end=13, label='DATE'), Span(start=15, end=16, label='NUM')]
    """

    rules: tuple[tuple[str, str], ...]
    control: str = "label"
    field: str = "text"
    case_sensitive: bool = True
    group: int = 0
    max_chars: int = 100_000
    name: str = "regex-tagger"

    def __post_init__(self) -> None:
        _ = self._compiled  # compile now, so a bad pattern fails when the tagger is made

    @cached_property
    def _compiled(self) -> list[tuple[Any, str]]:
        if re2 is None:
            raise InvalidInput(
                "regular-expression taggers need the google-re2 package", location="rules"
            )
        if not self.rules:
            raise InvalidInput("give at least one (pattern, label) rule", location="rules")
        options = re2.Options()
        options.case_sensitive = self.case_sensitive
        compiled = []
        for i, (pattern, label) in enumerate(self.rules):
            if not isinstance(label, str) or not label:
                raise InvalidInput("labels must be non-empty strings", location=f"rules[{i}]")
            try:
                regex = re2.compile(pattern, options)
            except re2.error as exc:
                raise InvalidInput(
                    f"pattern is not valid RE2 syntax: {exc}", location=f"rules[{i}]"
                ) from exc
            if not 0 <= self.group <= regex.groups:
                raise InvalidInput(
                    f"pattern has {regex.groups} groups, no group {self.group}",
                    location=f"rules[{i}]",
                )
            compiled.append((regex, label))
        return compiled

    @cached_property
    def version(self) -> str:
        """Digest of the rules and matching options."""
        return version_of(self.rules, self.case_sensitive, self.group, self.max_chars)

    def tag(self, text: str) -> list[Span]:
        """Labelled, disjoint spans of ``text``, sorted by start."""
        head = text[: self.max_chars]
        candidates = []
        for regex, label in self._compiled:
            for match in regex.finditer(head):
                start, end = match.span(self.group)
                if 0 <= start < end:
                    candidates.append(Span(start, end, label))
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
