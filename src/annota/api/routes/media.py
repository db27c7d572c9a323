"""Media upload and authorised serving, with HTTP range requests for audio and video."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePath

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse

from annota.api.deps import DB, CurrentActor
from annota.errors import InvalidInput
from annota.services import audio_peaks, importing, media

router = APIRouter(tags=["media"])
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024


@router.post("/projects/{project_id}/media", status_code=201, operation_id="upload_media")
def upload_media(
    project_id: int, file: UploadFile, db: DB, actor: CurrentActor
) -> dict[str, object]:
    """Store an image, audio or video file; its type is read from its bytes, not its name."""
    name = PurePath((file.filename or "upload").replace("\\", "/")).name[:255]
    with tempfile.NamedTemporaryFile(dir=db.settings.data_dir) as tmp:
        shutil.copyfileobj(file.file, tmp)
        tmp.flush()
        row = importing.store_media_file(db, actor, project_id, Path(tmp.name), original_name=name)
    return {
        "id": row.id,
        "url": importing.media_url(row.id),
        "content_type": row.content_type,
        "width": row.width,
        "height": row.height,
        "size": row.size,
    }


def _iter_file(path: Path, start: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        fh.seek(start)
        while length > 0:
            chunk = fh.read(min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


@router.get(
    "/media/{media_id}",
    operation_id="get_media",
    responses={200: {"content": {"application/octet-stream": {}}}, 206: {}},
)
def get_media(media_id: int, request: Request, db: DB, actor: CurrentActor) -> Response:
    """The file, for members of its project; honours `Range` (206) for seeking."""
    info, path = media.get_media(db, actor, media_id)
    size = info.size
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Content-Disposition": "inline",
        "Cache-Control": "private, max-age=3600",
        "ETag": f'"{info.sha256[:32]}"',
    }
    header = request.headers.get("range")
    if header:
        match = RANGE.match(header.strip())
        if not match or match.groups() == ("", ""):
            raise InvalidInput("malformed Range header", location="range")
        first, last = match.groups()
        if first == "":
            start, end = max(0, size - int(last)), size - 1
        else:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        if start >= size or start > end:
            return Response(status_code=416, headers={"Content-Range": f"bytes */{size}"})
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        headers["Content-Length"] = str(end - start + 1)
        return StreamingResponse(
            _iter_file(path, start, end - start + 1),
            status_code=206,
            media_type=info.content_type,
            headers=headers,
        )
    headers["Content-Length"] = str(size)
    return StreamingResponse(
        _iter_file(path, 0, size), media_type=info.content_type, headers=headers
    )


@router.get("/media/{media_id}/peaks", operation_id="get_media_peaks")
def get_media_peaks(
    media_id: int,
    db: DB,
    actor: CurrentActor,
    points: int = Query(
        2048, description="Buckets wanted; clamped to 32..65536, rounded up to a power of two."
    ),
) -> dict[str, object]:
    """Waveform peaks of an audio file (min and max per bucket), for members of its project.

    Lets the editor draw audio it only streams; computed once per file and cached.
    """
    return audio_peaks.as_json(media_id, audio_peaks.media_peaks(db, actor, media_id, points))
