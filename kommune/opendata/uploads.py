"""Checks of an uploaded resource file: size, that the declared format matches the content, encoding, and what
the catalogue records about it (checksum, size, media type, encoding, a detected Table Schema for tables).

Every file is read in chunks: a 50 MB CSV is never held in memory, only the first ``SCHEMA_ROWS`` rows are
looked at for the column types, an XLSX is opened by openpyxl in read-only (streaming) mode, and JSON is parsed
by ijson's push parser (yajl), which keeps no values, only the events of the current chunk.

Files that our own code wrote (the participation records) are not checked as uploads: ``describe_generated``
looks at their first bytes and computes checksum and size in one streaming pass.

A refused file raises ``ValidationError`` with a message that says what is wrong and what to do.
"""

import codecs
import csv
import hashlib
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import charset_normalizer
import ijson
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kommune.opendata.models import Resource

Format = Resource.Format

MEDIA_TYPES: dict[str, str] = {
    Format.CSV: "text/csv",
    Format.JSON: "application/json",
    Format.GEOJSON: "application/geo+json",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.PDF: "application/pdf",
}
EXTENSIONS: dict[str, str] = {Format.CSV: "csv", Format.JSON: "json", Format.GEOJSON: "geojson", Format.XLSX: "xlsx",
              Format.PDF: "pdf"}
CHUNK_SIZE = 64 * 1024
SCHEMA_ROWS = 1000  # rows read to detect the column types
SAMPLE_BYTES = 64 * 1024  # bytes handed to charset-normalizer to name a wrong encoding
MAX_XLSX_UNPACKED = 500 * 1024 * 1024  # a workbook that unpacks to more is refused (a "zip bomb")
# Encodings a German spreadsheet or text editor writes, tried first so that the message names the likely one.
LIKELY_ENCODINGS = ["utf_16", "utf_32", "cp1252", "latin_1", "iso8859_15", "cp850", "mac_roman"]
ENCODING_NAMES = {"cp1252": "Windows-1252", "latin_1": "ISO-8859-1 (Latin-1)", "iso8859_15": "ISO-8859-15",
                  "cp850": "DOS (CP850)", "mac_roman": "Mac Roman", "utf_16": "UTF-16", "utf_16_le": "UTF-16",
                  "utf_16_be": "UTF-16", "utf_32": "UTF-32", "ascii": "ASCII"}
DELIMITERS = (",", ";", "\t", "|")
TEXT_FORMATS = (Format.CSV, Format.JSON, Format.GEOJSON)
CONTINUATION_BYTES = bytes(range(0x80, 0xC0))  # the bytes of a UTF-8 character after its first one


@dataclass(frozen=True)
class CheckedFile:
    byte_size: int
    checksum_sha256: str
    media_type: str
    encoding: str  # "utf-8" for the text formats, "" for XLSX and PDF
    table_schema: dict | None  # for CSV and XLSX


def max_upload_bytes() -> int:
    return settings.OPENDATA_MAX_UPLOAD_MB * 1024 * 1024


def check_file(file: File, declared_format: str, *, max_bytes: int | None = None) -> CheckedFile:
    """Check ``file`` against ``declared_format`` and describe it; ``max_bytes`` None means no size limit."""
    if declared_format not in Format.values:
        raise ValidationError(_("Please choose the format of the file."), code="format")
    size = file.size
    if max_bytes is not None and size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; at most %(max)s are allowed. Please upload a smaller file, for example by "
              "splitting it by year, or publish it elsewhere and add it as a link.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_bytes)}, code="too_large")
    if not size:
        raise ValidationError(_("The file is empty. Please choose the file again."), code="empty")
    head = _head(file)
    _check_looks_like(head, declared_format)
    encoding, schema = _CHECKS[declared_format](file)
    checksum, counted = _checksum(file)
    return CheckedFile(byte_size=counted, checksum_sha256=checksum, media_type=MEDIA_TYPES[declared_format],
                       encoding=encoding, table_schema=schema)


def describe_generated(file: File, declared_format: str, table_schema: dict | None = None) -> CheckedFile:
    """Describe a file that our own code wrote, without the checks of an upload: its first bytes must fit the
    format (and be UTF-8 for text), then one streaming pass computes checksum and size. Without ``table_schema``
    a CSV gets the schema detected from its first rows."""
    if declared_format not in Format.values:
        raise ValueError(f"Unknown format {declared_format!r}.")
    head = _head(file)
    if not head:
        raise ValueError(f"The generated file {file.name!r} is empty.")
    _check_looks_like(head, declared_format)
    if declared_format in TEXT_FORMATS:
        codecs.getincrementaldecoder("utf-8")(errors="strict").decode(head)  # a cut character at the end is fine
    if table_schema is None and declared_format == Format.CSV:
        table_schema = _check_csv(file, to_the_end=False)[1]
    checksum, size = _checksum(file)
    return CheckedFile(byte_size=size, checksum_sha256=checksum, media_type=MEDIA_TYPES[declared_format],
                       encoding="utf-8" if declared_format in TEXT_FORMATS else "", table_schema=table_schema)


# --- Reading ---------------------------------------------------------------------------------------------------


def _chunks(file: File) -> Iterator[bytes]:
    file.seek(0)
    while chunk := file.read(CHUNK_SIZE):
        yield chunk


def _head(file: File, size: int = 2048) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def _checksum(file: File) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in _chunks(file):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def text_lines(chunks: Iterable[bytes], *, on_error=None) -> Iterator[str]:
    """The lines of UTF-8 text, decoded chunk by chunk, each with its line end (what ``csv.reader`` wants).
    A UTF-8 byte order mark is dropped. ``on_error(exc, position, chunk)`` turns a decoding error into another."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    carry, position = "", 0
    for chunk in chunks:
        try:
            text = carry + decoder.decode(chunk)
        except UnicodeDecodeError as error:
            if on_error is None:
                raise
            raise on_error(error, position, chunk) from None
        position += len(chunk)
        *lines, carry = text.split("\n")
        for line in lines:
            yield line + "\n"
        if len(carry) > 1024 * 1024:  # a file without "\n" (old Mac line ends): hand it on in pieces
            yield carry
            carry = ""
    try:
        carry += decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        if on_error is None:
            raise
        raise on_error(error, position, b"") from None
    if carry:
        yield carry


def _wrong_encoding(file: File, error: UnicodeDecodeError, position: int, chunk: bytes) -> ValidationError:
    sample = _head(file, SAMPLE_BYTES)
    if position >= SAMPLE_BYTES:  # the first bytes were fine: look where the decoding failed
        sample = chunk[max(0, error.start - SAMPLE_BYTES // 2): error.start + SAMPLE_BYTES // 2]
    name = detect_encoding(sample)
    if name:
        return ValidationError(
            _("The file is not encoded as UTF-8; it looks like %(encoding)s. Please save it as UTF-8 and upload it "
              "again (in Excel: “Save as” › “CSV UTF-8”; in LibreOffice: character set “Unicode (UTF-8)”).")
            % {"encoding": name}, code="encoding")
    return ValidationError(
        _("The file is not encoded as UTF-8, and its encoding could not be recognised. Please save it as UTF-8 "
          "and upload it again (in Excel: “Save as” › “CSV UTF-8”)."), code="encoding")


def detect_encoding(sample: bytes) -> str:
    """A readable name of the encoding ``sample`` is probably in, or "" when charset-normalizer cannot tell."""
    match = charset_normalizer.from_bytes(sample, cp_isolation=LIKELY_ENCODINGS).best()
    if match is None:
        match = charset_normalizer.from_bytes(sample).best()
    if match is None:
        return ""
    return ENCODING_NAMES.get(match.encoding, match.encoding.upper().replace("_", "-"))


# --- Does the content match the declared format? ----------------------------------------------------------------


def sniff(head: bytes) -> str | None:
    """The format the first bytes reveal, where they do."""
    if head.startswith(b"%PDF"):
        return Format.PDF
    if head.startswith(b"PK\x03\x04"):
        return Format.XLSX
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{") or re.match(rb"\[\s*([\[{\"\]\d-]|true|false|null)", stripped):
        return Format.GEOJSON if re.search(rb'"type"\s*:\s*"(FeatureCollection|Feature)"', head) else Format.JSON
    return None


def _check_looks_like(head: bytes, declared: str) -> None:
    found = sniff(head)
    compatible = {declared} | ({Format.JSON} if declared == Format.GEOJSON else set()) \
        | ({Format.GEOJSON} if declared == Format.JSON else set())
    if found is not None and found not in compatible:
        raise ValidationError(
            _("You chose the format %(declared)s, but the file is a %(found)s file. Please choose the format "
              "%(found)s, or upload the %(declared)s file.") % {"declared": Format(declared).label,
                                                                "found": Format(found).label},
            code="format_mismatch")
    if declared in (Format.PDF, Format.XLSX) and found != declared:
        raise ValidationError(
            _("You chose the format %(declared)s, but the file is not a %(declared)s file. Please choose the "
              "right format, or upload the %(declared)s file.") % {"declared": Format(declared).label},
            code="format_mismatch")


# --- The formats ---------------------------------------------------------------------------------------------


def _check_csv(file: File, *, to_the_end: bool = True) -> tuple[str, dict]:
    lines = text_lines(_chunks(file), on_error=lambda e, pos, chunk: _wrong_encoding(file, e, pos, chunk))
    try:
        first = next(lines)
    except StopIteration:
        first = ""
    if "\x00" in first:
        raise ValidationError(_("This is not a CSV file: it contains binary data. Please upload a CSV file or "
                                "choose the right format."), code="format_mismatch")
    if not first.strip():
        raise ValidationError(_("The first line of the CSV file is empty. It must name the columns."),
                              code="no_header")
    reader = csv.reader(_chain(first, lines), delimiter=csv_delimiter(first), strict=False)
    try:
        header = next(reader)
        sample = list(itertools.islice(reader, SCHEMA_ROWS))
        if to_the_end:
            for _line in lines:  # decode to the end: the encoding check covers the whole file
                pass
    except csv.Error as error:
        raise ValidationError(_("The CSV file could not be read near line %(line)d: %(error)s. Please check the "
                                "file (quotes, separators) and upload it again.")
                              % {"line": reader.line_num, "error": error}, code="csv") from None
    return "utf-8", table_schema(header, sample, detect_text_type)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def csv_delimiter(header_line: str) -> str:
    """The separator of a CSV file, read off its header line: German spreadsheets write ";"."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _utf8_chunks(file: File) -> Iterator[bytes]:
    """The bytes of the file without a leading byte order mark, each chunk checked to be UTF-8 on the way."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    position = 0
    for index, chunk in enumerate(_chunks(file)):
        if index == 0:
            chunk = chunk.removeprefix(codecs.BOM_UTF8)
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            raise _wrong_encoding(file, error, position, chunk) from None
        position += len(chunk)
        yield chunk
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise _wrong_encoding(file, error, position, b"") from None


def json_top_level_type(file: File) -> str:
    """Check that the file is one JSON document in UTF-8, streaming it through ijson; return the "type" member of
    its top-level object ("" when it has none or is no object). Raises ValidationError for anything else."""
    events = ijson.sendable_list()
    parser = ijson.basic_parse_coro(events, use_float=True)
    depth, key, kind, fed, looking = 0, None, "", 0, True
    try:
        for chunk in _utf8_chunks(file):
            parser.send(chunk)
            fed += len(chunk)
            for event, value in events if looking else ():  # the rest is only parsed, which is much faster
                if event in ("start_map", "start_array"):
                    looking = depth > 0 or event == "start_map"
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    looking = depth > 0
                elif depth == 0:
                    looking = False
                elif depth == 1 and event == "map_key":
                    key = value
                elif depth == 1 and key == "type" and event == "string":
                    kind, looking = value, False
            del events[:]
        parser.close()
    except ijson.JSONError as error:
        raise _invalid_json(file, error, failed_from=fed) from None
    return kind


def _invalid_json(file: File, error: Exception, *, failed_from: int) -> ValidationError:
    line, column = _line_and_column(file, _json_error_offset(file, failed_from))
    # yajl says "parse error: premature EOF" or "lexical error: invalid char in json text."
    reason = str(error).split("\n", 1)[0].split(": ", 1)[-1].rstrip(".")
    return ValidationError(_("The file is not valid JSON: %(error)s (line %(line)d, column %(column)d). Please "
                             "check the file and upload it again.")
                           % {"error": reason, "line": line, "column": column}, code="invalid_json")


def _json_error_offset(file: File, failed_from: int) -> int:
    """Where the parser fails, in bytes after the byte order mark: the chunks before ``failed_from`` (where the
    failing chunk starts) are parsed whole again, then the rest byte by byte until the error."""
    events = ijson.sendable_list()
    parser = ijson.basic_parse_coro(events)
    offset = 0
    try:
        for chunk in _utf8_chunks(file):
            pieces = [chunk] if offset + len(chunk) <= failed_from else (chunk[i:i + 1] for i in range(len(chunk)))
            for piece in pieces:
                parser.send(piece)
                offset += len(piece)
                del events[:]
        parser.close()
    except ijson.JSONError:
        pass
    return offset


def _line_and_column(file: File, offset: int) -> tuple[int, int]:
    """Line and column (counted in characters, both from 1, as Python's json module does) of the byte ``offset``."""
    line, column, position = 1, 1, 0
    for chunk in _utf8_chunks(file):
        if position >= offset:
            break
        part = chunk[: offset - position]
        line += part.count(b"\n")
        newline = part.rfind(b"\n")
        if newline >= 0:
            column = 1 + len(part[newline + 1:].translate(None, CONTINUATION_BYTES))
        else:
            column += len(part.translate(None, CONTINUATION_BYTES))
        position += len(chunk)
    return line, column


def _check_json(file: File) -> tuple[str, None]:
    json_top_level_type(file)
    return "utf-8", None


def _check_geojson(file: File) -> tuple[str, None]:
    if json_top_level_type(file) not in ("FeatureCollection", "Feature"):
        raise ValidationError(
            _("This is JSON, but not GeoJSON: the top level must be an object with “type”: “FeatureCollection” "
              "(or “Feature”). Please choose the format JSON, or export the data as GeoJSON."), code="not_geojson")
    return "utf-8", None


def _check_pdf(file: File) -> tuple[str, None]:
    if not _head(file, 5).startswith(b"%PDF"):
        raise ValidationError(_("The file is not a PDF document. Please upload a PDF file or choose the right "
                                "format."), code="format_mismatch")
    return "", None


def open_workbook(file: File):
    """The workbook in read-only (streaming) mode; raises ValidationError for a file that is not an XLSX
    workbook or unpacks to more than MAX_XLSX_UNPACKED."""
    import openpyxl

    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if "xl/workbook.xml" not in archive.namelist():
                raise zipfile.BadZipFile("no workbook")
        if unpacked > MAX_XLSX_UNPACKED:
            raise ValidationError(_("The workbook unpacks to more than %(max)s. Please save the data as CSV or split "
                                    "the workbook.") % {"max": filesizeformat(MAX_XLSX_UNPACKED)}, code="too_large")
        file.seek(0)
        return openpyxl.load_workbook(file, read_only=True, data_only=True)
    except ValidationError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a broken file (KeyError, BadZipFile, …)
        raise ValidationError(_("The file could not be opened as an Excel workbook (XLSX): %(error)s. Please save "
                                "it again as “Excel workbook (.xlsx)”.") % {"error": error.__class__.__name__},
                              code="invalid_xlsx") from None


def workbook_rows(workbook, limit: int) -> tuple[list[str], list[list[Any]]]:
    """Header and up to ``limit`` rows of the first sheet, trailing empty columns dropped."""
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        return [], []
    rows = sheet.iter_rows(max_row=limit + 1, values_only=True)
    header = list(next(rows, ()))
    while header and header[-1] in (None, ""):
        header.pop()
    width = len(header)
    body = [list(row[:width]) + [None] * (width - len(row[:width])) for row in rows]
    while body and all(value in (None, "") for value in body[-1]):
        body.pop()
    return ["" if value is None else str(value) for value in header], body


def _check_xlsx(file: File) -> tuple[str, dict]:
    workbook = open_workbook(file)
    try:
        header, rows = workbook_rows(workbook, SCHEMA_ROWS)
    except Exception as error:
        raise ValidationError(_("The file could not be opened as an Excel workbook (XLSX): %(error)s. Please save "
                                "it again as “Excel workbook (.xlsx)”.") % {"error": error.__class__.__name__},
                              code="invalid_xlsx") from None
    finally:
        workbook.close()
    if not any(header):
        raise ValidationError(_("The first row of the first sheet is empty. It must name the columns."),
                              code="no_header")
    return "", table_schema(header, rows, detect_cell_type)


_CHECKS: dict[str, Callable[[File], tuple[str, dict | None]]] = {
    Format.CSV: _check_csv, Format.JSON: _check_json, Format.GEOJSON: _check_geojson, Format.XLSX: _check_xlsx,
    Format.PDF: _check_pdf}


# --- Column types (Frictionless Table Schema) ---------------------------------------------------------------------

# No leading zeros: a column of codes (postcodes, municipality keys) stays text, as a number would lose them.
INTEGER = re.compile(r"[+-]?(0|[1-9]\d*)")
NUMBER = re.compile(r"[+-]?((0|[1-9]\d*)(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
GERMAN_NUMBER = re.compile(r"[+-]?(0|[1-9]\d{0,2}(\.\d{3})+|[1-9]\d*)(,\d+)?")
GERMAN_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
BOOLEANS = {"true", "false"}
# The type of a column given the types of its cells: the first that fits all of them.
TYPE_ORDER = ["integer", "number", "number_de", "boolean", "date", "date_de", "datetime"]


def _iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _iso_datetime(value: str) -> bool:
    if len(value) < 16 or value[10] not in "T ":
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _german_date(value: str) -> bool:
    if not GERMAN_DATE.fullmatch(value):
        return False
    try:
        datetime.strptime(value, "%d.%m.%Y")  # noqa: DTZ007 (only checks that the date exists)
    except ValueError:
        return False
    return True


def detect_text_type(value: str) -> set[str]:
    """The types a text cell could have; empty for a cell that is only text."""
    value = value.strip()
    types = set()
    if INTEGER.fullmatch(value):
        types |= {"integer", "number"}
    if NUMBER.fullmatch(value):
        types.add("number")
    if GERMAN_NUMBER.fullmatch(value) and ("," in value or "." not in value):
        types.add("number_de")
    if value.lower() in BOOLEANS:
        types.add("boolean")
    if _iso_date(value):
        types.add("date")
    if _german_date(value):
        types.add("date_de")
    if _iso_datetime(value):
        types.add("datetime")
    return types


def detect_cell_type(value: Any) -> set[str]:
    if isinstance(value, bool):
        return {"boolean"}
    if isinstance(value, int):
        return {"integer", "number"}
    if isinstance(value, float):
        return {"number"}
    if isinstance(value, datetime):
        return {"date", "datetime"} if value.time() == time(0) else {"datetime"}
    if isinstance(value, date):
        return {"date"}
    if isinstance(value, str):
        return detect_text_type(value) & {"integer", "number", "boolean", "date", "datetime"}
    return set()


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _field(name: str, candidates: set[str] | None) -> dict:
    kind = next((t for t in TYPE_ORDER if candidates and t in candidates), "string")
    if kind == "number_de":
        return {"name": name, "type": "number", "decimalChar": ",", "groupChar": "."}
    if kind == "date_de":
        return {"name": name, "type": "date", "format": "%d.%m.%Y"}
    return {"name": name, "type": kind}


def _names(header: list[str]) -> list[str]:
    names, seen = [], set()
    for index, raw in enumerate(header, start=1):
        name = (raw or "").strip() or f"field_{index}"
        candidate, number = name, 2
        while candidate in seen:
            candidate, number = f"{name}_{number}", number + 1
        seen.add(candidate)
        names.append(candidate)
    return names


def table_schema(header: list[str], rows: Iterable[list[Any]], cell_types) -> dict:
    """A Table Schema whose field types fit every non-empty cell of ``rows`` under the header."""
    names = _names(header)
    candidates: list[set[str] | None] = [None] * len(names)
    for row in rows:
        for index, value in enumerate(row[: len(names)]):
            if _is_missing(value):
                continue
            types = cell_types(value)
            candidates[index] = types if candidates[index] is None else candidates[index] & types
    fields = [_field(name, kinds) for name, kinds in zip(names, candidates, strict=True)]
    return {"fields": fields, "missingValues": [""]}
