"""Uploaded files streamed through a view instead of served from MEDIA_URL: nothing serves MEDIA in production,
and a view can check who may see a file (a draft's image, a scan of signatures) before it reads it.

The file is opened through its storage, so this works with a local folder and with S3 alike.
"""

import mimetypes
from pathlib import PurePosixPath

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control

# Types a browser may show in the page: raster images only. Anything else (SVG, HTML, PDF, office files) is
# downloaded, so an uploaded file can never run as a page of this site.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
DEFAULT_TYPE = "application/octet-stream"


def file_name(file: FieldFile) -> str:
    """The file's name without the storage folder ("proposals/images/bank.png" -> "bank.png")."""
    return PurePosixPath(file.name or "").name


def guess_type(name: str) -> str:
    return mimetypes.guess_type(name, strict=False)[0] or DEFAULT_TYPE


def file_response(file: FieldFile, *, filename: str = "", content_type: str = "", as_attachment: bool | None = None,
                  private: bool = False, max_age: int | None = None) -> FileResponse:
    """Stream ``file`` from its storage; a missing file is a 404.

    ``content_type`` defaults to the type of the name; ``as_attachment`` (None) shows raster images inline and
    downloads everything else, and an inline response is only ever given for those images. ``private``
    responses (drafts, personal data) are never stored by a cache; otherwise ``max_age`` (seconds) lets any
    cache keep a file that is the same for everyone."""
    if not file:
        raise Http404
    filename = filename or file_name(file)
    content_type = content_type or guess_type(filename)
    inline = content_type in INLINE_TYPES and not as_attachment
    try:
        handle = file.open("rb")
    except OSError:  # gone from the folder or the bucket (S3 reports a missing key as FileNotFoundError too)
        raise Http404 from None
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "private, no-store"
    elif max_age is not None:
        patch_cache_control(response, public=True, max_age=max_age)
    return response
