"""Reading a draft text (DOCX or Markdown) into blocks: headings, paragraphs, lists and tables, in order.

A block is ``Block(kind, text, data)`` as Paragraph stores it (see models.Paragraph). Nothing here touches the
database; the services turn blocks into chapters and paragraphs. Anything that is not a readable document raises
ValidationError with a message for the person who uploaded it.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kommune.core.cleaning import refuse_control_characters

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_UNPACKED_SIZE = 100 * 1024 * 1024  # a DOCX is a zip: what it may unpack to
MAX_BLOCKS = 5000
MAX_BLOCK_LENGTH = 20_000


@dataclass
class Block:
    kind: str  # "heading", "text", "list", "table" (Paragraph.Kind)
    text: str
    data: dict[str, Any] = field(default_factory=dict)


def list_block(items: list[str], ordered: bool) -> Block:
    return Block("list", "\n".join(items), {"items": items, "ordered": ordered})


def table_block(rows: list[list[str]]) -> Block:
    width = max((len(row) for row in rows), default=0)
    rows = [row + [""] * (width - len(row)) for row in rows]
    return Block("table", "\n".join("\t".join(row) for row in rows), {"rows": rows})


def _clean(text: str) -> str:
    text = text.replace("\t", " ").replace("\u00a0", " ")
    text = "".join(ch for ch in text if ch.isprintable() or ch == "\n")
    return re.sub(r"[ ]{2,}", " ", text).strip()


def _checked(blocks: list[Block]) -> list[Block]:
    if not blocks:
        raise ValidationError(_("The document contains no text. Please check the file and upload it again."),
                              code="empty")
    if len(blocks) > MAX_BLOCKS:
        raise ValidationError(_("The document has more than %(max)d paragraphs; please split it.")
                              % {"max": MAX_BLOCKS}, code="too_long")
    for block in blocks:
        if len(block.text) > MAX_BLOCK_LENGTH:
            raise ValidationError(_("A paragraph of the document is longer than %(max)d characters; please split "
                                    "it.") % {"max": MAX_BLOCK_LENGTH}, code="too_long")
    return blocks


# --- DOCX -------------------------------------------------------------------------------------------------------

HEADING_STYLE = re.compile(r"^(?:heading|überschrift)\s*(\d)$", re.IGNORECASE)
ORDERED_FORMATS = {"decimal", "lowerLetter", "upperLetter", "lowerRoman", "upperRoman", "decimalZero"}


def _heading_level(style_name: str) -> int | None:
    if style_name.lower() in {"title", "titel"}:
        return 1
    match = HEADING_STYLE.match(style_name.strip())
    return int(match.group(1)) if match else None


def _list_kind(paragraph, style_name: str, numbering_formats: dict[str, str]) -> bool | None:
    """None if not a list item, else whether the list is ordered (numbered)."""
    lowered = style_name.lower()
    p_pr = paragraph._p.pPr
    num_id = None
    if p_pr is not None and p_pr.numPr is not None and p_pr.numPr.numId is not None:
        num_id = str(p_pr.numPr.numId.val)
    if "list" not in lowered and "liste" not in lowered and num_id is None:
        return None
    if "number" in lowered or "nummer" in lowered:
        return True
    if "bullet" in lowered or "aufzählung" in lowered:
        return False
    return numbering_formats.get(num_id or "", "bullet") in ORDERED_FORMATS


def _numbering_formats(document) -> dict[str, str]:
    """numId -> the number format of its level 0 ("decimal", "bullet", ...), from the numbering part."""
    try:
        part = document.part.numbering_part
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    root = part.element
    formats_by_abstract = {}
    for abstract in root.findall("w:abstractNum", ns):
        fmt = abstract.find("w:lvl[@w:ilvl='0']/w:numFmt", ns)
        formats_by_abstract[abstract.get(f"{{{ns['w']}}}abstractNumId")] = (
            fmt.get(f"{{{ns['w']}}}val") if fmt is not None else "bullet")
    result = {}
    for num in root.findall("w:num", ns):
        abstract_id = num.find("w:abstractNumId", ns)
        if abstract_id is not None:
            result[num.get(f"{{{ns['w']}}}numId")] = formats_by_abstract.get(
                abstract_id.get(f"{{{ns['w']}}}val"), "bullet")
    return result


def read_docx(content: bytes) -> list[Block]:
    """The blocks of a Word document (DOCX). Raises ValidationError for anything that is not one."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    if len(content) > MAX_FILE_SIZE:
        raise ValidationError(_("The file is larger than %(max)d MB.") % {"max": MAX_FILE_SIZE // (1024 * 1024)},
                              code="too_large")
    unreadable = ValidationError(
        _("The file could not be read as a Word document (DOCX). Please save it in Word or LibreOffice as “Word "
          "document (.docx)” and upload it again. Nothing was changed."), code="malformed")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:  # a zip bomb is refused before it is unpacked
            if sum(entry.file_size for entry in archive.infolist()) > MAX_UNPACKED_SIZE:
                raise ValidationError(_("The file is larger than %(max)d MB.")
                                      % {"max": MAX_UNPACKED_SIZE // (1024 * 1024)}, code="too_large")
        document = docx.Document(io.BytesIO(content))
        formats = _numbering_formats(document)
        # Style names by style id, read once (python-docx looks a paragraph's style up in the whole styles part).
        style_names = {style.style_id: style.name or "" for style in document.styles}
        blocks: list[Block] = []
        items: list[str] = []
        ordered = False

        def flush() -> None:
            nonlocal items
            if items:
                blocks.append(list_block(items, ordered))
                items = []

        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                paragraph = DocxParagraph(child, document)
                text = _clean(paragraph.text)
                if not text:
                    continue
                style_name = style_names.get(child.style or "", "")
                level = _heading_level(style_name)
                if level is not None:
                    flush()
                    blocks.append(Block("heading", text, {"level": min(level, 6)}))
                    continue
                is_ordered = _list_kind(paragraph, style_name, formats)
                if is_ordered is not None:
                    if items and is_ordered != ordered:
                        flush()
                    ordered = is_ordered
                    items.append(text)
                    continue
                flush()
                blocks.append(Block("text", text))
            elif tag == "tbl":
                flush()
                table = Table(child, document)
                rows = [[_clean(cell.text) for cell in row.cells] for row in table.rows]
                rows = [row for row in rows if any(row)]
                if rows:
                    blocks.append(table_block(rows))
        flush()
    except ValidationError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError, TypeError, IndexError, OSError) as error:
        raise unreadable from error
    except Exception as error:  # lxml's XMLSyntaxError and python-docx's own errors: all mean "not a DOCX"
        if type(error).__module__.startswith(("lxml", "docx")):
            raise unreadable from error
        raise
    return _checked(blocks)


# --- Markdown ---------------------------------------------------------------------------------------------------

BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _inline(text: str) -> str:
    """Markdown emphasis and links reduced to their text (the draft is stored as plain text with structure)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])", r"\2", text)
    return _clean(text)


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return [_inline(cell) for cell in line.split("|")]


def read_markdown(source: str) -> list[Block]:
    """The blocks of a Markdown text: # headings, - and 1. lists, | tables |, paragraphs between blank lines."""
    source = refuse_control_characters(source.replace("\r\n", "\n").replace("\r", "\n"))
    blocks: list[Block] = []
    lines = source.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        heading = HEADING.match(line)
        if heading:
            if _inline(heading.group(2)):
                blocks.append(Block("heading", _inline(heading.group(2)), {"level": len(heading.group(1))}))
            index += 1
            continue
        if line.lstrip().startswith("|"):
            rows = []
            while index < len(lines) and lines[index].lstrip().startswith("|"):
                if not TABLE_SEPARATOR.match(lines[index]):
                    rows.append(_cells(lines[index]))
                index += 1
            rows = [row for row in rows if any(row)]
            if rows:
                blocks.append(table_block(rows))
            continue
        if BULLET.match(line) or NUMBERED.match(line):
            ordered = bool(NUMBERED.match(line))
            pattern = NUMBERED if ordered else BULLET
            items: list[str] = []
            while index < len(lines) and lines[index].strip():
                match = pattern.match(lines[index])
                if match:
                    items.append(_inline(match.group(1)))
                elif items and lines[index].startswith((" ", "\t")):  # a continued item
                    items[-1] = _clean(items[-1] + " " + _inline(lines[index]))
                else:
                    break
                index += 1
            items = [item for item in items if item]
            if items:
                blocks.append(list_block(items, ordered))
            continue
        collected = []
        while (index < len(lines) and lines[index].strip() and not HEADING.match(lines[index])
               and not BULLET.match(lines[index]) and not NUMBERED.match(lines[index])
               and not lines[index].lstrip().startswith("|")):
            collected.append(lines[index].strip())
            index += 1
        text = _inline(" ".join(collected))
        if text:
            blocks.append(Block("text", text))
    return _checked(blocks)


def read_upload(name: str, content: bytes) -> list[Block]:
    """An uploaded file by its name: .docx or .md/.markdown/.txt (UTF-8)."""
    lowered = name.lower()
    if lowered.endswith(".docx"):
        return read_docx(content)
    if lowered.endswith((".md", ".markdown", ".txt")):
        if len(content) > MAX_FILE_SIZE:
            raise ValidationError(_("The file is larger than %(max)d MB.")
                                  % {"max": MAX_FILE_SIZE // (1024 * 1024)}, code="too_large")
        try:
            return read_markdown(content.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise ValidationError(_("The Markdown file is not UTF-8 text. Please save it as UTF-8 and upload it "
                                    "again. Nothing was changed."), code="malformed") from error
    raise ValidationError(_("Please upload a Word document (.docx) or a Markdown file (.md)."), code="file_type")
