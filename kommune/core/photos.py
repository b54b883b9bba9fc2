"""A resident's photo (an issue report's, a care entry's), made safe to publish: Pillow decodes it, the picture alone
is encoded again as JPEG (no EXIF, no XMP, no ICC, no comments: nothing of the camera or the phone survives), scaled
down to a sensible size.

The EXIF GPS position is read before it goes; issue reports offer it as the point of the report when the person
gave none (the form shows it as a suggestion; the Open311 interface uses it the same way).
"""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024  # what is accepted on upload
MAX_PIXELS = 50_000_000  # a decompression bomb is refused before it is decoded
MAX_SIDE = 1600  # the stored photo's longer side
FORMATS = ("JPEG", "PNG", "WEBP", "MPO")
GPS_IFD = 0x8825

TOO_LARGE = _("The photo is too large. Please choose a photo of at most 10 MB.")
NOT_AN_IMAGE = _("This file is not a photo we can read. Please choose a JPEG, PNG or WebP image.")


@dataclass(frozen=True)
class CleanPhoto:
    file: ContentFile
    latitude: Decimal | None
    longitude: Decimal | None


def _degrees(values, ref: str) -> Decimal | None:
    try:
        degrees, minutes, seconds = (float(value) for value in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if ref in ("S", "W"):
        result = -result
    return Decimal(f"{result:.6f}")


def exif_point(image: Image.Image) -> tuple[Decimal | None, Decimal | None]:
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # noqa: BLE001  # broken EXIF is only a missing suggestion
        return None, None
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    lat = _degrees(gps.get(2), str(gps.get(1, "N")))
    lng = _degrees(gps.get(4), str(gps.get(3, "E")))
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat == 0 and lng == 0):
        return None, None
    return lat, lng


def clean_photo(upload) -> CleanPhoto:
    """Raise ValidationError (code "too_large" or "invalid") for what cannot be published."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in FORMATS:
                raise ValidationError(NOT_AN_IMAGE, code="invalid")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(TOO_LARGE, code="too_large")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as opened:
            latitude, longitude = exif_point(opened)
            upright = ImageOps.exif_transpose(opened)  # keep the picture upright once the orientation tag is gone
            pixels = upright.convert("RGB")
            pixels.thumbnail((MAX_SIDE, MAX_SIDE))
            # A new image from the pixels only: no info dict, no EXIF, no ICC profile travels along.
            clean = Image.new("RGB", pixels.size)
            clean.paste(pixels)
            buffer = io.BytesIO()
            clean.save(buffer, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(NOT_AN_IMAGE, code="invalid") from error
    return CleanPhoto(ContentFile(buffer.getvalue(), name="photo.jpg"), latitude, longitude)
