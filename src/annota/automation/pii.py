"""Finding and masking personal data in text: emails, phone, card and account numbers, names.

Masks keep the text's length in code points (``[EMAIL]`` padded with ``•`` or cut to fit), so
every span offset an annotator makes on the masked text is also right on the original, and
exports of the original text need no offset mapping. Numbers are accepted only when their
checksums hold (Luhn for cards, ISO 13616 mod-97 for IBANs), which keeps dates, prices and ids
from being masked as cards. Patterns are fixed (not user-supplied) and linear-time.

Examples
--------
>>> mask_pii("Mail ann@example.org or call +44 20 7946 0958.")
'Mail [EMAIL]•••••••• or call [PHONE]•••••••••.'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from annota.automation.gazetteer import GazetteerTagger

__all__ = ["PiiSpan", "find_pii", "mask_pii"]

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_CARD = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{5,18}\d(?![\w])")
_ACCOUNT = re.compile(r"\b\d{8,17}\b")
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
FILL = "•"


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """``text[start:end]`` (code points) is personal data of ``kind``."""

    start: int
    end: int
    kind: str


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_ok(text: str) -> bool:
    compact = text.replace(" ", "")
    moved = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return 15 <= len(compact) <= 34 and int(number) % 97 == 1


def find_pii(text: str, *, names: Iterable[str] = ()) -> list[PiiSpan]:
    """Every non-overlapping piece of personal data, leftmost-longest, in text order."""
    found: list[PiiSpan] = []
    found += [PiiSpan(m.start(), m.end(), "EMAIL") for m in _EMAIL.finditer(text)]
    found += [PiiSpan(m.start(), m.end(), "IBAN") for m in _IBAN.finditer(text) if _iban_ok(m[0])]
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m[0])
        if 13 <= len(digits) <= 19 and _luhn(digits):
            found.append(PiiSpan(m.start(), m.end(), "CARD"))
    found += [PiiSpan(m.start(), m.end(), "ACCOUNT") for m in _ACCOUNT.finditer(text)]
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m[0])
        if 7 <= len(digits) <= 15 and not _DATE.fullmatch(m[0].strip()):
            found.append(PiiSpan(m.start(), m.end(), "PHONE"))
    names = [n for n in names if n.strip()]
    if names:
        tagger = GazetteerTagger(dict.fromkeys(names, "NAME"), case_sensitive=False)
        found += [PiiSpan(s.start, s.end, "NAME") for s in tagger.tag(text)]
    # Leftmost first, then longest; drop anything overlapping a kept span.
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[PiiSpan] = []
    for span in found:
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def mask_pii(text: str, *, names: Iterable[str] = ()) -> str:
    """``text`` with each piece of personal data replaced by a same-length placeholder."""
    out: list[str] = []
    at = 0
    for span in find_pii(text, names=names):
        width = span.end - span.start
        tag = f"[{span.kind}]"
        out.append(text[at : span.start])
        out.append(tag[:width] if width <= len(tag) else tag + FILL * (width - len(tag)))
        at = span.end
    out.append(text[at:])
    return "".join(out)
