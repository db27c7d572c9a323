"""Walking a media folder: sorted, recursive, no hidden files, no escape through symlinks."""

from __future__ import annotations

from pathlib import Path

import pytest

from annota.errors import InvalidInput
from annota.formats import iter_media_files


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")


def test_walk_is_sorted_recursive_and_filtered(tmp_path: Path) -> None:
    root = tmp_path / "media"
    for name in [
        "b.png",
        "a.JPG",
        "a/z.wav",
        "a/y/deep.mp4",
        "a.txt",
        "notes.md",
        ".hidden.png",
        ".cache/in-hidden-dir.png",
        "c/clip.WebM",
        "c/readme",
    ]:
        touch(root / name)

    assert [p.relative_to(root).as_posix() for p in iter_media_files(root)] == [
        "a/y/deep.mp4",
        "a/z.wav",
        "a.JPG",
        "b.png",
        "c/clip.WebM",
    ]


def test_symlinks_leaving_the_folder_are_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "secret"
    touch(outside / "passwd.png")
    root = tmp_path / "media"
    touch(root / "real.png")
    (root / "escape.png").symlink_to(outside / "passwd.png")
    (root / "escape-dir").symlink_to(outside, target_is_directory=True)
    (root / "inside.png").symlink_to(root / "real.png")
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "dangling.png").symlink_to(root / "missing.png")

    assert [p.name for p in iter_media_files(root)] == ["inside.png", "real.png"]


def test_paths_keep_the_callers_prefix(tmp_path: Path) -> None:
    touch(tmp_path / "m" / "x.gif")

    assert list(iter_media_files(tmp_path / "m")) == [tmp_path / "m" / "x.gif"]


def test_not_a_folder_is_invalid(tmp_path: Path) -> None:
    touch(tmp_path / "file.png")

    with pytest.raises(InvalidInput, match=r"file\.png: not a folder"):
        list(iter_media_files(tmp_path / "file.png"))
    with pytest.raises(InvalidInput, match=r"missing: not a folder"):
        list(iter_media_files(tmp_path / "missing"))
