"""The one text encoding import files may use, UTF-8, and how to explain a file that is not.

Spreadsheet programs still save CSV as Windows-1252 and sometimes prefix UTF-8 with a byte-order
mark. We accept the mark and refuse anything else with the line and byte of the first offence,
because silently guessing an encoding corrupts text that looks fine to the person importing it.
"""

from __future__ import annotations

from annota.errors import InvalidInput

#: The UTF-8 byte-order mark, accepted (and dropped) at the very start of a file only.
BOM = b"\xef\xbb\xbf"


def utf8_error(line: bytes, location: str) -> InvalidInput | None:
    """The error for a line that is not UTF-8, or ``None`` if it decodes.

    Called only once a line has already failed to parse, so the happy path never decodes
    twice.
    """
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as bad:
        return InvalidInput(
            f"not valid UTF-8: byte 0x{line[bad.start]:02x} at byte {bad.start + 1} of the "
            "line; save the file as UTF-8",
            location=location,
        )
    return None
