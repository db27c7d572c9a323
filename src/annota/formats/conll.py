"""CoNLL-2003 named-entity files: one token per line, a tag in the last column.

A sentence (the lines between blank lines) is one item: its tokens joined by single spaces
form the text field, and each entity becomes a span region at Python code-point offsets into
that text, so the spans validate against a ``spans`` control unchanged. ``-DOCSTART-`` lines
separate documents; the document number travels in ``meta["conll"]["document"]``, and any
columns between the token and the tag (CoNLL-2003's part-of-speech and chunk tags) in
``meta["conll"]["columns"]``, so a file reads back and writes out the same.

Tags are read leniently, which covers both schemes in use: an entity starts at ``B-X``, or at
``I-X`` after a token that is not inside an ``X`` entity (IOB1, the original CoNLL-2003
files); ``I-X`` inside ``X`` continues it. Writing takes the scheme explicitly: ``"bio"``
(IOB2, ``B-`` on every first token) or ``"iob1"`` (``B-`` only where an entity directly
follows one of the same type).

Export is token-level, so the text is split at whitespace and every span must start and end
on a token boundary; a span that cuts a token or overlaps another is refused rather than
shifted, because a silently moved entity is a wrong training label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, Literal

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem

__all__ = ["read_conll", "write_conll"]

_DOCSTART = "-DOCSTART-"
_TAG = re.compile(r"O|[BI]-\S+")
_TOKEN = re.compile(r"\S+")
_PLACEHOLDER = "-X-"
#: Written with spaces whatever the column separator, exactly as in the CoNLL-2003 files.
_DOCSTART_LINE = b"-DOCSTART- -X- -X- O\n"


def read_conll(
    stream: BinaryIO, *, name: str, field: str = "text", control: str = "ner"
) -> Iterator[AnnotatedItem]:
    """Yield one item per sentence, streaming: memory holds one sentence.

    Parameters
    ----------
    stream : binary file
        UTF-8 text, read line by line.
    name : str
        The file name used in locations (``name:line``, 1-based).
    field, control : str
        The text field and the spans control the items and regions are made for.

    Raises
    ------
    InvalidInput
        A line is not UTF-8, has fewer than two columns, or its tag is not ``O``, ``B-X`` or
        ``I-X``; ``location`` is ``name:line``.
    """
    document: int | None = None
    sentence: list[tuple[int, list[str]]] = []
    count = 0
    for number, raw in enumerate(stream, 1):
        location = f"{name}:{number}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"not valid UTF-8: {exc.reason}", location=location) from None
        columns = line.split()
        if columns and columns[0] != _DOCSTART:
            if len(columns) < 2:
                raise InvalidInput(
                    "expected a token and a tag separated by whitespace", location=location
                )
            if not _TAG.fullmatch(columns[-1]):
                raise InvalidInput(
                    f"tag {columns[-1]!r} is not O, B-<type> or I-<type>", location=location
                )
            sentence.append((number, columns))
            continue
        if sentence:
            count += 1
            yield _item(sentence, count, document, name, field, control)
            sentence = []
        if columns:
            document = 0 if document is None else document + 1
    if sentence:
        yield _item(sentence, count + 1, document, name, field, control)


def _item(
    lines: list[tuple[int, list[str]]],
    count: int,
    document: int | None,
    name: str,
    field: str,
    control: str,
) -> AnnotatedItem:
    tokens = [columns[0] for _, columns in lines]
    starts = []
    offset = 0
    for token in tokens:
        starts.append(offset)
        offset += len(token) + 1
    regions: list[dict[str, Any]] = []
    current: str | None = None
    for index, (_, columns) in enumerate(lines):
        tag = columns[-1]
        kind = tag[2:] if tag != "O" else None
        if kind is None:
            current = None
        elif tag.startswith("B-") or kind != current:
            current = kind
            value = {
                "start": starts[index],
                "end": starts[index] + len(tokens[index]),
                "label": kind,
            }
            regions.append({"control": control, "value": value})
        else:
            regions[-1]["value"]["end"] = starts[index] + len(tokens[index])
    conll: dict[str, Any] = {}
    if document is not None:
        conll["document"] = document
    if any(len(columns) > 2 for _, columns in lines):
        conll["columns"] = [columns[1:-1] for _, columns in lines]
    return AnnotatedItem(
        external_id=str(count),
        data={field: " ".join(tokens)},
        regions=regions,
        meta={"conll": conll} if conll else {},
        location=f"{name}:{lines[0][0]}",
    )


def write_conll(
    items: Iterable[AnnotatedItem],
    out: BinaryIO,
    *,
    field: str = "text",
    control: str = "ner",
    scheme: Literal["bio", "iob1"] = "bio",
    separator: str = " ",
) -> int:
    """Write each item as one sentence; return how many were written.

    Lines are ``token POS chunk TAG``: the middle columns come from ``meta["conll"]`` when an
    import left them, else CoNLL-2003's placeholder ``-X-``, so readers that insist on four
    columns (Hugging Face's ``conll2003``, AllenNLP) accept the file. A ``-DOCSTART-`` line
    opens each new ``meta["conll"]["document"]``; a blank line separates sentences (none after
    the last). Items whose text has no token are skipped.

    Raises
    ------
    InvalidInput
        The text field is missing, or a span does not fall on token boundaries or overlaps
        another; ``location`` names the item and region.
    """
    previous: object = None
    written = 0
    written_docstart = False
    for item in items:
        text = item.data.get(field)
        if not isinstance(text, str):
            raise InvalidInput(f"has no text field {field!r}", location=f"item {item.external_id}")
        tokens = [(match.start(), match.end(), match.group()) for match in _TOKEN.finditer(text)]
        if not tokens:
            continue
        tags = _tags(item, tokens, control, scheme)
        stored = item.meta.get("conll")
        conll: dict[str, Any] = stored if isinstance(stored, dict) else {}
        document = conll.get("document")
        if document is not None and document != previous:
            out.write(b"\n" if written else b"")
            out.write(_DOCSTART_LINE)
            written_docstart = True
        previous = document
        middle = conll.get("columns")
        if not isinstance(middle, list) or len(middle) != len(tokens):
            middle = [[_PLACEHOLDER, _PLACEHOLDER]] * len(tokens)
        lines = [
            separator.join([token, *extra, tag]) + "\n"
            for (_, _, token), extra, tag in zip(tokens, middle, tags, strict=True)
        ]
        out.write(b"\n" if written or written_docstart else b"")
        out.write("".join(lines).encode("utf-8"))
        written_docstart = False
        written += 1
    return written


def _tags(
    item: AnnotatedItem, tokens: list[tuple[int, int, str]], control: str, scheme: str
) -> list[str]:
    first = {start: index for index, (start, _, _) in enumerate(tokens)}
    last = {end: index for index, (_, end, _) in enumerate(tokens)}
    tags = ["O"] * len(tokens)
    owner: list[int | None] = [None] * len(tokens)
    spans = [(i, r["value"]) for i, r in enumerate(item.regions) if r.get("control") == control]
    for index, value in sorted(spans, key=lambda pair: pair[1]["start"]):
        location = f"item {item.external_id}: regions[{index}]"
        begin, end = first.get(value["start"]), last.get(value["end"])
        if begin is None or end is None or end < begin:
            raise InvalidInput(
                f"span [{value['start']}, {value['end']}) does not start and end on whitespace "
                "token boundaries, which CoNLL needs",
                location=location,
            )
        taken = next((owner[t] for t in range(begin, end + 1) if owner[t] is not None), None)
        if taken is not None:
            raise InvalidInput(
                f"span overlaps regions[{taken}]; CoNLL has one tag per token", location=location
            )
        label = value["label"]
        follows = begin > 0 and tags[begin - 1] != "O" and tags[begin - 1][2:] == label
        opener = "B" if scheme == "bio" or follows else "I"
        for position in range(begin, end + 1):
            tags[position] = f"{opener if position == begin else 'I'}-{label}"
            owner[position] = index
    return tags
