"""Waveform peaks of stored audio, so the editor can draw hours of sound it only streams.

The browser cannot decode a multi-hour file without downloading all of it, so the server
reads the file once, in fixed-size chunks (never whole), and keeps per-bucket minima and
maxima. Bucket ``i`` of ``P`` covers the frames ``floor(i*N/P)`` to ``floor((i+1)*N/P)``
(``N`` frames in all); values are the extremes over all channels, scaled to [-1, 1].

Only power-of-two bucket counts are served. With that bucket rule a level of ``P/2`` is
exactly the pairwise merge of level ``P``, so one pass computes the finest level
(``TOP_POINTS``), that level is cached, and every coarser request is a reshape of the cache:
one file read per media, whatever ``points`` callers ask for, and a bounded number of
possible answers (SECURITY.md: bounded work).

WAV (PCM 8/16/24/32-bit, float 32/64, any channel count, WAVE_FORMAT_EXTENSIBLE included)
is parsed here with numpy. Other formats go through PyAV when it is installed (an optional
extra, imported lazily); without it they are refused with :class:`UnsupportedAudio` (422).
"""

from __future__ import annotations

import itertools
import os
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from annota.config import Settings
from annota.errors import TooLarge, ValidationFailed
from annota.services import media
from annota.services.actor import Actor
from annota.store.db import Database

Floats = npt.NDArray[np.float64]

TOP_POINTS = 1 << 16
MIN_POINTS = 1 << 5
CHUNK_BYTES = 4 * 1024 * 1024
MAX_HEADER_CHUNKS = 256
#: decoded audio longer than this is refused (a tiny FLAC can declare days of silence)
MAX_DECODED_SECONDS = 48 * 3600
CACHE_VERSION = 1

PCM, FLOAT, EXTENSIBLE = 0x0001, 0x0003, 0xFFFE


class UnsupportedAudio(ValidationFailed):
    """The file is not audio this server can read (a 422 that names the reason)."""

    code = "unsupported_audio"


@dataclass(frozen=True, slots=True)
class Peaks:
    """Per-bucket extremes of a whole file, with what the player needs to place them."""

    sample_rate: int
    channels: int
    frames: int
    max: Floats
    min: Floats

    @property
    def points(self) -> int:
        return int(self.max.shape[0])

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


@dataclass(frozen=True, slots=True)
class WavFormat:
    """What the RIFF header says: how to turn the data chunk's bytes into samples."""

    encoding: int  # PCM or FLOAT
    bits: int
    channels: int
    sample_rate: int
    block_align: int
    data_offset: int
    frames: int


def level_for(points: int) -> int:
    """The served bucket count for a request: clamped, rounded up to a power of two."""
    points = min(max(points, MIN_POINTS), TOP_POINTS)
    return 1 << (points - 1).bit_length()


def read_wav_format(fh: BinaryIO, file_size: int) -> WavFormat | None:
    """Parse a RIFF/WAVE header; None when the file is not one (another reader may try)."""
    fh.seek(0)
    head = fh.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    fmt: tuple[int, int, int, int, int] | None = None
    pos = 12
    for _ in range(MAX_HEADER_CHUNKS):
        fh.seek(pos)
        chunk = fh.read(8)
        if len(chunk) < 8:
            break
        cid, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
        if cid == b"fmt ":
            body = fh.read(min(size, 64))
            if len(body) < 16:
                raise UnsupportedAudio("WAV fmt chunk is truncated", location="media")
            code, channels, rate, _, align, bits = struct.unpack("<HHIIHH", body[:16])
            if code == EXTENSIBLE and len(body) >= 26:
                code = struct.unpack("<H", body[24:26])[0]
            fmt = (code, channels, rate, align, bits)
        elif cid == b"data":
            if fmt is None:
                raise UnsupportedAudio("WAV data chunk comes before fmt", location="media")
            return _wav_format(fmt, pos + 8, size, file_size)
        pos += 8 + size + (size & 1)
    raise UnsupportedAudio("WAV file has no data chunk", location="media")


def _wav_format(
    fmt: tuple[int, int, int, int, int], offset: int, size: int, file_size: int
) -> WavFormat | None:
    code, channels, rate, align, bits = fmt
    known = (code == PCM and bits in (8, 16, 24, 32)) or (code == FLOAT and bits in (32, 64))
    if not known:
        return None  # A-law, ADPCM...: PyAV may read it
    if channels < 1 or rate < 1 or align != channels * bits // 8:
        raise UnsupportedAudio("WAV header is inconsistent", location="media")
    available = max(0, file_size - offset)
    size = available if size == 0xFFFFFFFF else min(size, available)  # streamed writers
    return WavFormat(code, bits, channels, rate, align, offset, size // align)


def _samples(raw: bytes, fmt: WavFormat) -> npt.NDArray[Any]:
    """The chunk as a (frames, channels) array in its own integer or float type."""
    if fmt.encoding == FLOAT:
        flat: npt.NDArray[Any] = np.frombuffer(raw, "<f4" if fmt.bits == 32 else "<f8")
    elif fmt.bits == 8:
        flat = np.frombuffer(raw, np.uint8)
    elif fmt.bits == 16:
        flat = np.frombuffer(raw, "<i2")
    elif fmt.bits == 32:
        flat = np.frombuffer(raw, "<i4")
    else:  # 24-bit: three little-endian bytes, sign-extended through the top byte
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        flat = ((b[:, 0] << 8) | (b[:, 1] << 16) | (b[:, 2] << 24)) >> 8
    return flat.reshape(-1, fmt.channels)


def _scale(values: npt.NDArray[Any], fmt: WavFormat) -> Floats:
    """Integer sample values to [-1, 1) the way players do (8-bit is unsigned, 128 = 0)."""
    out = values.astype(np.float64)
    if fmt.encoding == FLOAT:
        return out
    if fmt.bits == 8:
        return (out - 128.0) / 128.0
    return out / float(1 << (fmt.bits - 1))


def _top_level(frames: int) -> int:
    """The finest level: TOP_POINTS, or fewer for short files (no empty bucket)."""
    return min(TOP_POINTS, 1 << (frames.bit_length() - 1)) if frames else 0


def wav_peaks(path: Path) -> Peaks | None:
    """The finest level of a WAV file in one chunked pass; None when it is not PCM WAV."""
    with open(path, "rb") as fh:
        fmt = read_wav_format(fh, os.fstat(fh.fileno()).st_size)
        if fmt is None:
            return None
        top = _top_level(fmt.frames)
        if not top:
            return _finish(fmt.sample_rate, fmt.channels, 0, np.zeros(0), np.zeros(0))
        edges = (np.arange(top + 1, dtype=np.int64) * fmt.frames) // top
        hi = np.full(top, -np.inf)
        lo = np.full(top, np.inf)
        step = max(1, CHUNK_BYTES // fmt.block_align)
        fh.seek(fmt.data_offset)
        done = 0
        while done < fmt.frames:
            raw = fh.read(min(step, fmt.frames - done) * fmt.block_align)
            got = len(raw) // fmt.block_align
            if got == 0:
                break  # the file is shorter than its header says: the tail stays silent
            block = _samples(raw[: got * fmt.block_align], fmt)
            first = int(np.searchsorted(edges, done, "right")) - 1
            last = int(np.searchsorted(edges, done + got - 1, "right")) - 1
            starts = np.maximum(edges[first : last + 1], done) - done
            span = slice(first, last + 1)
            up, down = (
                (block[:, 0], block[:, 0]) if fmt.channels == 1 else (block.max(1), block.min(1))
            )
            hi[span] = np.maximum(hi[span], _scale(np.maximum.reduceat(up, starts), fmt))
            lo[span] = np.minimum(lo[span], _scale(np.minimum.reduceat(down, starts), fmt))
            done += got
    return _finish(fmt.sample_rate, fmt.channels, fmt.frames, hi, lo)


def _finish(rate: int, channels: int, frames: int, hi: Floats, lo: Floats) -> Peaks:
    hi = np.where(np.isfinite(hi), hi, 0.0)
    lo = np.where(np.isfinite(lo), lo, 0.0)
    return Peaks(rate, channels, frames, hi, lo)


def av_peaks(path: Path) -> Peaks:
    """Any format FFmpeg reads, through PyAV (optional); decoded frame by frame.

    The length is only known at the end, so extremes are kept per block of ``size``
    frames (1 at first); when the blocks outgrow ``AV_BLOCKS``, pairs merge and the size
    doubles, so memory stays bounded. Short files stay exact; in long ones a bucket may
    take in less than one block (under half a bucket) of its neighbours' frames: fine for
    a picture of lossy audio.
    """
    try:
        import av  # noqa: PLC0415 (optional dependency, loaded only for non-WAV audio)
    except ImportError:
        raise UnsupportedAudio(
            "only WAV audio has a waveform on this server (install PyAV for other formats)",
            location="media",
        ) from None
    blocks = _Blocks()
    rate = channels = 0
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise UnsupportedAudio("the file has no audio stream", location="media")
            stream = container.streams.audio[0]
            rate, channels = int(stream.rate or 0), int(stream.channels or 0)
            resampler = av.AudioResampler(format="fltp")
            for frame in itertools.chain(container.decode(stream), [None]):  # None: flush
                for out in resampler.resample(frame):
                    data = out.to_ndarray()  # (channels, samples)
                    blocks.add(data.max(0).astype(np.float64), data.min(0).astype(np.float64))
                    if rate and blocks.frames > MAX_DECODED_SECONDS * rate:
                        raise TooLarge("audio is longer than 48 hours", location="media")
    except (UnsupportedAudio, TooLarge):
        raise
    except Exception as exc:  # PyAV raises many kinds for files FFmpeg cannot read
        raise UnsupportedAudio(f"audio could not be decoded: {exc}", location="media") from None
    frames = blocks.frames
    top = _top_level(frames)
    if not top or not rate:
        return _finish(rate, channels, 0, np.zeros(0), np.zeros(0))
    bh, bl = blocks.result()
    edges = (np.arange(top + 1, dtype=np.int64) * frames) // top
    first, last = edges[:-1] // blocks.size, (edges[1:] - 1) // blocks.size
    top_hi = np.maximum(np.maximum.reduceat(bh, first), bh[last])
    top_lo = np.minimum(np.minimum.reduceat(bl, first), bl[last])
    return _finish(rate, channels, frames, top_hi, top_lo)


AV_BLOCKS = 4 * TOP_POINTS


class _Blocks:
    """Extremes per block of ``size`` frames, for a stream of unknown length.

    New blocks are kept as a list of arrays and joined only when there are too many
    (then halved), so appending stays linear in the number of frames.
    """

    def __init__(self) -> None:
        self.size = 1
        self.frames = 0
        self.count = 0
        self.his: list[Floats] = []
        self.los: list[Floats] = []
        self.pending = (np.zeros(0), np.zeros(0))

    def add(self, hi: Floats, lo: Floats) -> None:
        self.frames += hi.shape[0]
        ph, pl = np.concatenate([self.pending[0], hi]), np.concatenate([self.pending[1], lo])
        whole = ph.shape[0] // self.size * self.size
        if whole:
            self.his.append(ph[:whole].reshape(-1, self.size).max(1))
            self.los.append(pl[:whole].reshape(-1, self.size).min(1))
            self.count += whole // self.size
        self.pending = (ph[whole:], pl[whole:])
        if self.count > AV_BLOCKS:
            self._halve()

    def _halve(self) -> None:
        hi, lo = np.concatenate(self.his), np.concatenate(self.los)
        while hi.shape[0] > AV_BLOCKS // 2:
            even = hi.shape[0] // 2 * 2
            self.pending = (
                np.concatenate([hi[even:].repeat(self.size), self.pending[0]]),
                np.concatenate([lo[even:].repeat(self.size), self.pending[1]]),
            )
            hi, lo = hi[:even].reshape(-1, 2).max(1), lo[:even].reshape(-1, 2).min(1)
            self.size *= 2
        self.his, self.los, self.count = [hi], [lo], hi.shape[0]

    def result(self) -> tuple[Floats, Floats]:
        """All blocks in order, the last one partial."""
        his, los = list(self.his), list(self.los)
        if self.pending[0].shape[0]:
            his.append(self.pending[0].max(keepdims=True))
            los.append(self.pending[1].min(keepdims=True))
        return np.concatenate(his or [np.zeros(0)]), np.concatenate(los or [np.zeros(0)])


def file_peaks(path: Path) -> Peaks:
    """The finest level of any readable audio file (WAV here, the rest through PyAV)."""
    return wav_peaks(path) or av_peaks(path)


def reduce_to(peaks: Peaks, points: int) -> Peaks:
    """A coarser level of the same file: exact, since levels are powers of two."""
    level = min(level_for(points), peaks.points)
    if level == peaks.points or level == 0:
        return peaks
    k = peaks.points // level
    return Peaks(
        peaks.sample_rate,
        peaks.channels,
        peaks.frames,
        peaks.max.reshape(level, k).max(1),
        peaks.min.reshape(level, k).min(1),
    )


def cache_dir(settings: Settings) -> Path:
    return settings.data_dir / "cache" / "peaks"


def cache_path(settings: Settings, storage_key: str) -> Path:
    """Keyed by the stored file's generated name: files never change and names never repeat."""
    return cache_dir(settings) / f"{Path(storage_key).name}.v{CACHE_VERSION}.npz"


def drop_cached_peaks(settings: Settings, storage_key: str) -> None:
    """Forget a file's peaks (for whoever deletes the media file itself)."""
    cache_path(settings, storage_key).unlink(missing_ok=True)


_LOCKS = [threading.Lock() for _ in range(16)]


def _load(target: Path) -> Peaks | None:
    try:
        with np.load(target, allow_pickle=False) as saved:
            rate, channels, frames = (int(v) for v in saved["meta"])
            return Peaks(rate, channels, frames, saved["max"], saved["min"])
    except FileNotFoundError:
        return None


def cached_peaks(settings: Settings, storage_key: str, path: Path) -> Peaks:
    """The finest level from the cache, else computed once and cached.

    A striped lock keeps concurrent first requests for one file to one computation
    (they would otherwise each read the whole file); cache hits take no lock.
    """
    target = cache_path(settings, storage_key)
    peaks = _load(target)
    if peaks is not None:
        return peaks
    with _LOCKS[hash(storage_key) % len(_LOCKS)]:
        peaks = _load(target)
        if peaks is not None:
            return peaks
        peaks = file_peaks(path)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = target.with_name(f".{target.name}.{threading.get_ident()}.tmp")
        try:
            with open(tmp, "wb") as out:
                meta = np.array([peaks.sample_rate, peaks.channels, peaks.frames], np.int64)
                np.savez(out, meta=meta, max=peaks.max, min=peaks.min)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    return peaks


def media_peaks(db: Database, actor: Actor, media_id: int, points: int) -> Peaks:
    """Peaks of a stored audio file, for members of its project (others get 404)."""
    info, path = media.get_media(db, actor, media_id)
    if info.kind != "audio":
        raise UnsupportedAudio(f"media {media_id} is {info.kind}, not audio", location="media")
    return reduce_to(cached_peaks(db.settings, info.storage_key, path), points)


def as_json(media_id: int, peaks: Peaks) -> dict[str, object]:
    """The API's answer: 4 decimals are finer than any waveform's pixel and keep it small."""
    return {
        "media_id": media_id,
        "points": peaks.points,
        "duration": peaks.duration,
        "sample_rate": peaks.sample_rate,
        "channels": peaks.channels,
        "frames": peaks.frames,
        "max": np.round(peaks.max, 4).tolist(),
        "min": np.round(peaks.min, 4).tolist(),
    }
