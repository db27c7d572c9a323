"""Streaming a CVAT XML file one ``<image>`` at a time, with the line of every element.

CVAT exports of large tasks are single XML files of hundreds of megabytes, so the file is fed
to an incremental SAX parser in chunks and each ``<image>`` element is handed over as soon as
it closes and then dropped: memory holds one image's shapes, whatever the file size. SAX (not
``iterparse``) is used because its locator gives the line of each element, which every error
message names (``annotations.xml:120: <box> ...``).

Untrusted XML: the parser is defusedxml's, with document type declarations forbidden, so
external entities and entity-expansion bombs are refused rather than resolved.
"""

from __future__ import annotations

import zipfile
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.sax import SAXParseException
from xml.sax.expatreader import ExpatLocator
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from annota.errors import InvalidInput

__all__ = ["XmlElement", "iter_cvat_elements"]

_CHUNK = 256 * 1024


@dataclass(slots=True)
class XmlElement:
    """A small parsed element: tag, attributes, the line it starts on, children and text."""

    tag: str
    attrib: dict[str, str]
    line: int
    children: list[XmlElement] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> XmlElement | None:
        """The first child with ``tag``."""
        return next((child for child in self.children if child.tag == tag), None)

    def findtext(self, tag: str, default: str = "") -> str:
        """The stripped text of the first child with ``tag``, or ``default``."""
        child = self.find(tag)
        return child.text.strip() if child is not None else default


class _Handler(ContentHandler):
    """Builds ``<meta>`` and each ``<image>`` below the root; refuses video tracks."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.ready: deque[XmlElement] = deque()
        self._stack: list[XmlElement] = []
        self._depth = 0
        self._locator: Any = None

    def setDocumentLocator(self, locator: Any) -> None:  # SAX's name
        self._locator = locator

    def _line(self) -> int:
        return int(self._locator.getLineNumber()) if self._locator is not None else 0

    def startElement(self, name: str, attrs: Any) -> None:  # SAX's name
        self._depth += 1
        if self._depth == 1:
            if name != "annotations":
                raise InvalidInput(
                    f"root element is <{name}>, not <annotations>",
                    location=f"{self.name}:{self._line()}",
                )
            return
        if self._depth == 2 and name == "track":
            raise InvalidInput(
                "<track> is CVAT for video; export the task as CVAT for images 1.1",
                location=f"{self.name}:{self._line()}",
            )
        if self._depth == 2 and name not in ("meta", "image", "version"):
            return
        if self._depth == 2 or self._stack:
            element = XmlElement(name, dict(attrs.items()), self._line())
            if self._stack:
                self._stack[-1].children.append(element)
            self._stack.append(element)

    def endElement(self, name: str) -> None:  # noqa: ARG002  # SAX's name
        depth = self._depth
        self._depth -= 1
        if self._stack and len(self._stack) == depth - 1:
            element = self._stack.pop()
            if not self._stack:
                self.ready.append(element)

    def characters(self, content: str) -> None:
        if self._stack:
            self._stack[-1].text += content


@contextmanager
def _open(path: Path, name: str) -> Iterator[IO[bytes]]:
    """The XML itself, or ``annotations.xml`` inside a CVAT export ZIP (read as a stream)."""
    if not zipfile.is_zipfile(path):
        with path.open("rb") as stream:
            yield stream
        return
    with zipfile.ZipFile(path) as archive:
        try:
            member = archive.open("annotations.xml")
        except KeyError:
            raise InvalidInput("the ZIP has no annotations.xml", location=name) from None
        with member:
            yield member


def iter_cvat_elements(path: Path, *, name: str) -> Iterator[XmlElement]:
    """Yield ``<version>``, ``<meta>`` and every ``<image>`` below the root, in file order.

    ``path`` is the XML file or a CVAT export ZIP holding ``annotations.xml``.

    Raises
    ------
    InvalidInput
        The XML is not well-formed, has a DOCTYPE or entity, its root is not
        ``<annotations>``, or it holds ``<track>`` elements; ``location`` is ``name:line``.
    """
    handler = _Handler(name)
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(handler)
    handler.setDocumentLocator(ExpatLocator(parser))  # feed() alone never sets one
    with _open(path, name) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            try:
                if chunk:
                    parser.feed(chunk)
                else:
                    parser.close()
            except SAXParseException as exc:
                raise InvalidInput(
                    f"not well-formed XML: {exc.getMessage()}",
                    location=f"{name}:{exc.getLineNumber()}",
                ) from None
            except DefusedXmlException as exc:
                raise InvalidInput(
                    f"XML with a DOCTYPE or entity declaration is refused ({type(exc).__name__})",
                    location=name,
                ) from None
            while handler.ready:
                yield handler.ready.popleft()
            if not chunk:
                return
