"""The local media store: generated keys, durable writes, containment."""

from __future__ import annotations

import io

import pytest

from annota.errors import NotFound, TooLarge
from annota.storage import LocalMediaStore


def test_put_generates_keys_and_hashes(tmp_path):
    store = LocalMediaStore(tmp_path / "media")
    a = store.put(io.BytesIO(b"hello"), extension=".png")
    b = store.put(io.BytesIO(b"hello"), extension=".png")
    assert a.key != b.key
    assert a.key.endswith(".png")
    assert a.sha256 == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert store.path(a.key).read_bytes() == b"hello"
    assert sorted(store.keys()) == sorted([a.key, b.key])
    store.delete(a.key)
    assert list(store.keys()) == [b.key]


def test_size_cap_leaves_no_partial_file(tmp_path):
    store = LocalMediaStore(tmp_path / "media")
    with pytest.raises(TooLarge):
        store.put(io.BytesIO(b"x" * 100), extension=".bin", max_bytes=10)
    assert list(store.keys()) == []
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("key", ["../secret", "/etc/passwd", "ab/../../x", "missing.png"])
def test_keys_outside_the_root_or_missing_are_not_found(tmp_path, key):
    (tmp_path / "secret").write_text("s")
    store = LocalMediaStore(tmp_path / "media")
    with pytest.raises(NotFound):
        store.path(key)


def test_symlink_escaping_the_root_is_not_followed(tmp_path):
    (tmp_path / "outside.txt").write_text("s")
    store = LocalMediaStore(tmp_path / "media")
    (tmp_path / "media" / "ab").mkdir()
    (tmp_path / "media" / "ab" / "link.png").symlink_to(tmp_path / "outside.txt")
    with pytest.raises(NotFound):
        store.path("ab/link.png")
