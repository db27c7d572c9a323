"""Waveform peaks: exact against numpy on the whole array, read in chunks, cached once.

The signals are ramps (sawtooths), so a bucket's max is its last frame and its min its first:
a bucket edge off by one frame changes the answer, which noise would hide.
"""

from __future__ import annotations

import builtins
import itertools
import struct
import time
from pathlib import Path

import numpy as np
import pytest

from annota.errors import NotFound
from annota.services import audio_peaks, importing, projects
from annota.services.actor import Actor
from annota.services.audio_peaks import Peaks, UnsupportedAudio
from annota.store.models import Media

OP = Actor.operator()
SCHEMA = """
fields: [{name: audio, type: audio}]
controls: [{name: speech, type: segments, field: audio, labels: [speech]}]
"""


def write_wav(
    path: Path, samples: np.ndarray, rate: int, *, bits: int, fmt: int = 1, ext: bool = False
) -> Path:
    """A RIFF/WAVE file from (frames, channels) samples already in the target integer range."""
    channels = samples.shape[1]
    if fmt == 3:
        data = samples.astype("<f4" if bits == 32 else "<f8").tobytes()
    elif bits == 8:
        data = samples.astype(np.uint8).tobytes()
    elif bits == 24:
        v = samples.astype("<i4").reshape(-1, 1).view(np.uint8).reshape(-1, 4)
        data = v[:, :3].tobytes()
    else:
        data = samples.astype(f"<i{bits // 8}").tobytes()
    align = channels * bits // 8
    if ext:  # WAVE_FORMAT_EXTENSIBLE, the subformat GUID starting with the real code
        guid = struct.pack("<H", fmt) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        body = struct.pack("<HHIIHH", 0xFFFE, channels, rate, rate * align, align, bits)
        body += struct.pack("<HHI", 22, bits, 0) + guid
    else:
        body = struct.pack("<HHIIHH", fmt, channels, rate, rate * align, align, bits)
    extra = b"LIST" + struct.pack("<I", 5) + b"hello\x00"  # an odd chunk before data (padded)
    chunks = b"fmt " + struct.pack("<I", len(body)) + body + extra
    chunks += b"data" + struct.pack("<I", len(data))
    with open(path, "wb") as out:
        out.write(b"RIFF" + struct.pack("<I", 4 + len(chunks) + len(data)) + b"WAVE")
        out.write(chunks)
        out.write(data)
    return path


def reference(scaled: np.ndarray, points: int) -> tuple[np.ndarray, np.ndarray]:
    """Extremes over all channels of buckets floor(i*N/P) .. floor((i+1)*N/P), whole array."""
    n = scaled.shape[0]
    edges = (np.arange(points + 1, dtype=np.int64) * n) // points
    hi = np.array([scaled[a:b].max() for a, b in itertools.pairwise(edges)])
    lo = np.array([scaled[a:b].min() for a, b in itertools.pairwise(edges)])
    return hi, lo


def ramp(frames: int, period: int, top: int) -> np.ndarray:
    """A sawtooth from -top to top-1 whose period does not divide any bucket."""
    return (np.arange(frames, dtype=np.int64) * (2 * top) // period) % (2 * top) - top


def test_one_hour_16_bit_mono_matches_numpy_read_in_chunks(tmp_path, monkeypatch):
    rate, seconds = 8000, 3600
    n = rate * seconds
    signal = ramp(n, 7919, 32768).astype(np.int16)
    signal[n // 3] = -32768  # one lone extreme the right bucket must keep
    path = write_wav(tmp_path / "hour.wav", signal[:, None], rate, bits=16)
    assert path.stat().st_size > 57_600_000
    reads: list[int] = []
    real_open = open

    def spy_open(file, mode="r", *a, **k):
        fh = real_open(file, mode, *a, **k)
        if str(file) == str(path):
            real_read = fh.read

            class Spy:
                def __getattr__(self, name):
                    return getattr(fh, name)

                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    fh.close()

                def read(self, size=-1):
                    reads.append(size)
                    return real_read(size)

            return Spy()
        return fh

    monkeypatch.setattr("builtins.open", spy_open)
    started = time.perf_counter()
    peaks = audio_peaks.file_peaks(path)
    elapsed = time.perf_counter() - started
    monkeypatch.undo()
    print(f"1-hour 8 kHz WAV: peaks in {elapsed:.2f} s")  # noqa: T201 (a figure, no assert)
    assert max(reads) <= audio_peaks.CHUNK_BYTES  # never the whole file at once
    assert -1 not in reads
    assert (peaks.sample_rate, peaks.channels, peaks.frames) == (rate, 1, n)
    assert peaks.duration == seconds
    assert peaks.points == audio_peaks.TOP_POINTS
    hi, lo = reference(signal.astype(np.float64) / 32768, peaks.points)
    np.testing.assert_array_equal(peaks.max, hi)
    np.testing.assert_array_equal(peaks.min, lo)
    assert peaks.min.min() == -1.0
    coarse = audio_peaks.reduce_to(peaks, 1000)  # served as 1024, exact too
    hi, lo = reference(signal.astype(np.float64) / 32768, 1024)
    np.testing.assert_array_equal(coarse.max, hi)
    np.testing.assert_array_equal(coarse.min, lo)


@pytest.mark.parametrize(
    ("bits", "fmt", "ext", "scale", "offset"),
    [
        (8, 1, False, 128, 128),
        (16, 1, True, 32768, 0),
        (24, 1, False, 1 << 23, 0),
        (24, 1, True, 1 << 23, 0),
        (32, 1, False, 1 << 31, 0),
        (32, 3, False, 1, 0),
        (64, 3, True, 1, 0),
    ],
)
def test_every_pcm_and_float_layout_with_three_channels(tmp_path, bits, fmt, ext, scale, offset):
    frames, rate = 40_000, 11_025  # fewer frames than TOP_POINTS: 32768 buckets
    top = 128 if bits == 8 else 1 << 15 if fmt == 3 else scale
    chans = [ramp(frames, 997, top), -ramp(frames, 1409, top) - 1, ramp(frames, 3001, top) // 2]
    ints = np.stack(chans, axis=1)
    if fmt == 3:
        stored = ints.astype(np.float64) / top  # -1 .. 1 - 1/top, as float files hold them
        scaled = stored.astype(np.float32 if bits == 32 else np.float64).astype(np.float64)
    else:
        stored = ints + offset
        scaled = ints.astype(np.float64) / scale
    path = write_wav(tmp_path / "x.wav", stored, rate, bits=bits, fmt=fmt, ext=ext)
    peaks = audio_peaks.file_peaks(path)
    assert (peaks.sample_rate, peaks.channels, peaks.frames) == (rate, 3, frames)
    assert peaks.points == 32768  # the largest power of two not above the frame count
    hi, lo = reference(scaled, peaks.points)
    np.testing.assert_array_equal(peaks.max, hi)
    np.testing.assert_array_equal(peaks.min, lo)
    assert peaks.max.max() == pytest.approx((top - 1) / top)
    assert peaks.min.min() == -1.0


def test_chunk_edges_inside_buckets_change_nothing(tmp_path, monkeypatch):
    signal = ramp(100_003, 333, 32768)[:, None]
    path = write_wav(tmp_path / "odd.wav", np.concatenate([signal, -signal - 1], 1), 8000, bits=16)
    whole = audio_peaks.file_peaks(path)
    monkeypatch.setattr(audio_peaks, "CHUNK_BYTES", 4 * 1237)  # a prime number of frames
    chunked = audio_peaks.file_peaks(path)
    np.testing.assert_array_equal(chunked.max, whole.max)
    np.testing.assert_array_equal(chunked.min, whole.min)


def test_a_truncated_file_reads_what_is_there(tmp_path):
    path = write_wav(tmp_path / "t.wav", ramp(20_000, 99, 32768)[:, None], 8000, bits=16)
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size - 5_001)  # half a frame short as well
    peaks = audio_peaks.file_peaks(path)
    assert peaks.frames == (20_000 * 2 - 5_001) // 2


def test_levels_are_clamped_powers_of_two():
    assert audio_peaks.level_for(-5) == audio_peaks.MIN_POINTS
    assert audio_peaks.level_for(1000) == 1024
    assert audio_peaks.level_for(1024) == 1024
    assert audio_peaks.level_for(10**9) == audio_peaks.TOP_POINTS


@pytest.mark.parametrize(
    "content",
    [b"RIFF\x00\x00\x00\x00WAVEjunk", b"RIFF\x24\x00\x00\x00WAVEdata\x00\x00\x00\x00", b"x" * 64],
)
def test_broken_or_foreign_files_are_refused_not_crashed(tmp_path, content):
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(UnsupportedAudio):
        audio_peaks.file_peaks(path)


def test_other_formats_need_pyav(tmp_path, monkeypatch):
    path = tmp_path / "a.ogg"
    path.write_bytes(b"OggS" + b"\x00" * 60)
    real = builtins.__import__

    def no_av(name, *a, **k):
        if name == "av":
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_av)
    with pytest.raises(UnsupportedAudio, match="install PyAV"):
        audio_peaks.file_peaks(path)


def write_flac(path: Path, samples: np.ndarray, rate: int) -> Path:
    av = pytest.importorskip("av")
    with av.open(str(path), "w") as out:
        stream = out.add_stream("flac", rate=rate, layout="mono")
        for start in range(0, len(samples), 4096):
            chunk = samples[start : start + 4096][None, :]
            frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_flac_through_pyav_is_exact_while_blocks_are_frames(tmp_path):
    rate, frames = 16_000, 160_000
    samples = (ramp(frames, 4001, 32768) // 2).astype(np.int16)
    peaks = audio_peaks.file_peaks(write_flac(tmp_path / "a.flac", samples, rate))
    assert (peaks.sample_rate, peaks.channels, peaks.frames) == (rate, 1, frames)
    hi, lo = reference(samples.astype(np.float64) / 32768, peaks.points)
    np.testing.assert_array_equal(peaks.max, hi)
    np.testing.assert_array_equal(peaks.min, lo)


def test_long_pyav_audio_merges_blocks_and_stays_within_one_block(tmp_path, monkeypatch):
    monkeypatch.setattr(audio_peaks, "AV_BLOCKS", 1000)  # forces many merges on a short file
    rate, frames = 8000, 300_001
    samples = ramp(frames, 2999, 32768).astype(np.int16)
    fine = audio_peaks.file_peaks(write_flac(tmp_path / "b.flac", samples, rate))
    assert fine.frames == frames
    peaks = audio_peaks.reduce_to(fine, 128)  # buckets of ~2343 frames, blocks of <= 600
    scaled = samples.astype(np.float64) / 32768
    hi, lo = reference(scaled, peaks.points)
    assert np.all(peaks.max >= hi)  # never less than the bucket's own frames
    assert np.all(peaks.min <= lo)
    # and never more than the bucket widened by one block (under 600 frames) on each side
    edges = (np.arange(peaks.points + 1) * frames) // peaks.points
    wide_hi = [scaled[max(0, a - 600) : b + 600].max() for a, b in itertools.pairwise(edges)]
    assert np.all(peaks.max <= np.array(wide_hi))
    assert np.mean(peaks.max == hi) > 0.3  # still mostly the true values


def test_service_checks_membership_kind_and_caches(db, people, tmp_path, monkeypatch):
    people.add("ann")
    people.add("stranger")
    pid = projects.create_project(db, OP, name="a", schema=SCHEMA).id
    projects.set_member(db, OP, pid, username="ann", role="annotator")
    folder = tmp_path / "in"
    folder.mkdir()
    write_wav(folder / "a.wav", ramp(50_000, 321, 32768)[:, None], 8000, bits=16)
    importing.import_folder(db, OP, pid, folder)
    with db.read() as s:
        (media_id,) = [m.id for m in s.query(Media).all()]
    with pytest.raises(NotFound):
        audio_peaks.media_peaks(db, people.actors["stranger"], media_id, 512)
    with pytest.raises(NotFound):
        audio_peaks.media_peaks(db, people.actors["ann"], media_id + 99, 512)
    first = audio_peaks.media_peaks(db, people.actors["ann"], media_id, 512)
    assert first.points == 512
    assert list(audio_peaks.cache_dir(db.settings).glob("*.npz"))

    def boom(path: Path) -> Peaks:
        raise AssertionError("the file was read again")

    monkeypatch.setattr(audio_peaks, "file_peaks", boom)
    again = audio_peaks.media_peaks(db, people.actors["ann"], media_id, 100)  # any level
    assert again.points == 128
    np.testing.assert_array_equal(again.max, audio_peaks.reduce_to(first, 128).max)
