"""kommune/core/files.py: uploaded files streamed from their storage with safe headers. The views that use it
(proposal images and attachments, signature scans, open-data downloads) are tested with their apps."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.http import Http404

from kommune.core.files import file_name, file_response


def stored(name: str, content: bytes, storage=None) -> FieldFile:
    """A FieldFile in ``storage`` (memory by default: no local path, like S3)."""
    storage = storage or InMemoryStorage()
    saved = storage.save(name, ContentFile(content))
    return FieldFile(None, FileField(storage=storage), saved)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_image_is_streamed_from_a_storage_without_local_files_and_shown_inline():
    response = file_response(stored("bilder/bank.png", b"\x89PNG-bild"))

    assert body(response) == b"\x89PNG-bild"
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="bank.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Cache-Control" not in response


@pytest.mark.parametrize(("name", "content_type"), [
    ("plan.pdf", "application/pdf"),
    ("logo.svg", "image/svg+xml"),  # an SVG can carry scripts: never shown as a page of the site
    ("seite.html", "text/html"),
    ("ohne-endung", "application/octet-stream"),
])
def test_everything_but_raster_images_is_a_download(name, content_type):
    response = file_response(stored(name, b"<svg onload=alert(1)>"))

    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_given_type_name_and_download_are_kept():
    response = file_response(stored("a/b/x.png", b"png"), filename="Bank am Platz.png",
                             content_type="image/png", as_attachment=True)

    assert response["Content-Disposition"] == 'attachment; filename="Bank am Platz.png"'


def test_private_files_are_never_cached_and_shared_ones_may_be():
    assert file_response(stored("scan.pdf", b"%PDF"), private=True)["Cache-Control"] == "private, no-store"
    shared = file_response(stored("bank.png", b"png"), max_age=600)["Cache-Control"]
    assert "public" in shared and "max-age=600" in shared


def test_a_missing_or_empty_file_is_a_404(tmp_path):
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path)
    gone = stored("weg.pdf", b"%PDF", storage)
    storage.delete(gone.name)

    with pytest.raises(Http404):
        file_response(gone)
    with pytest.raises(Http404):
        file_response(FieldFile(None, FileField(storage=storage), ""))


def test_file_name_drops_the_storage_folder():
    assert file_name(stored("proposals/images/bank.png", b"png")) == "bank.png"
