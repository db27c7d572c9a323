"""CSV export: formula injection neutralised, nested values as JSON, readable by pandas."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from annota.formats import write_csv


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("safe = text", "safe = text"),
        ("", ""),
    ],
)
def test_formula_starts_get_an_apostrophe(value: str, cell: str) -> None:
    out = io.StringIO(newline="")

    write_csv([{"text": value}], out, columns=["text"])

    out.seek(0)
    assert list(csv.reader(out)) == [["text"], [cell]]


def test_values_nested_numbers_and_missing_cells() -> None:
    out = io.StringIO(newline="")
    rows: list[dict[str, Any]] = [
        {
            "id": "a",
            "n": -3,
            "x": 1.5,
            "ok": True,
            "labels": ["=bad", "b"],
            "box": {"x": 1},
            "at": dt.date(2024, 1, 2),
            "extra": "ignored",
        },
        {"id": "b", "labels": None},
    ]

    count = write_csv(rows, out, columns=["id", "n", "x", "ok", "labels", "box", "at"])

    assert count == 2
    assert out.getvalue() == (
        "id,n,x,ok,labels,box,at\r\n"
        'a,-3,1.5,true,"[""=bad"",""b""]","{""x"":1}",2024-01-02\r\n'
        "b,,,,,,\r\n"
    )


def test_header_is_neutralised_too() -> None:
    out = io.StringIO(newline="")

    write_csv([], out, columns=["=cmd", "text"])

    assert out.getvalue() == "'=cmd,text\r\n"


def test_round_trip_through_pandas(tmp_path: Path) -> None:
    rows = [
        {"id": "r1", "text": "=1+1", "note": "multi\nline, with comma", "score": 2},
        {"id": "r2", "text": 'plain "quoted"', "note": "-minus", "score": -1},
        {"id": "r3", "text": "@mention", "note": "", "score": 0},
    ]
    path = tmp_path / "export.csv"

    with path.open("w", newline="", encoding="utf-8") as out:
        write_csv(rows, out, columns=["id", "text", "note", "score"])
    frame = pd.read_csv(path, dtype={"score": "int64"}, keep_default_na=False)

    assert frame.to_dict("records") == [
        {"id": "r1", "text": "'=1+1", "note": "multi\nline, with comma", "score": 2},
        {"id": "r2", "text": 'plain "quoted"', "note": "'-minus", "score": -1},
        {"id": "r3", "text": "'@mention", "note": "", "score": 0},
    ]
