"""PDF files of the council: their text for the search (pypdf), a rendered document for the demo papers
(WeasyPrint), and a minimal one-page PDF written by hand for the tests (fast, no fonts needed).

A file comes from a foreign server, so reading it must never fail an import: a broken, encrypted or hostile PDF
gives no text (logged), and the text is bounded in pages and characters.
"""

import html
import io
import logging

logger = logging.getLogger(__name__)

MAX_PAGES = 300
MAX_CHARACTERS = 500_000


def extract_text(content: bytes) -> str:
    """The text of a PDF document, page after page; "" for one that cannot be read."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):  # only an empty user password opens it
            logger.warning("PDF text not extracted: the file is encrypted")
            return ""
        parts: list[str] = []
        length = 0
        for page in reader.pages[:MAX_PAGES]:
            part = page.extract_text() or ""
            parts.append(part)
            length += len(part)
            if length >= MAX_CHARACTERS:
                break
    except Exception as error:  # noqa: BLE001 - pypdf raises many kinds for a bad file; none may stop an import
        logger.warning("PDF text not extracted: %s: %s", type(error).__name__, error)
        return ""
    return "\n".join(part.strip() for part in parts if part.strip())[:MAX_CHARACTERS].replace("\x00", "")


PAGE_STYLE = """
@page { size: A4; margin: 2.5cm 2cm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; } }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 11pt; line-height: 1.5; color: #111; }
header { border-bottom: 1px solid #555; margin-bottom: 1.5em; padding-bottom: .5em; font-size: 9pt; }
h1 { font-size: 16pt; margin: 0 0 1em; }
"""


def render_pdf(*, title: str, lines: list[str], sender: str = "", lang: str = "de") -> bytes:
    """A tagged A4 PDF of a short text, rendered by WeasyPrint from HTML: a letterhead, the title, paragraphs."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    document = (f'<!doctype html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
                f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head><body>"
                f"<header>{html.escape(sender)}</header><h1>{html.escape(title)}</h1>{paragraphs}</body></html>")
    return HTML(string=document).write_pdf(pdf_variant="pdf/ua-1")


def _escape(line: str) -> bytes:
    text = line.encode("cp1252", errors="replace")
    return text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF with ``title`` in bold and ``lines`` below it (Windows-1252 text, so German works)."""
    content = b"BT /F2 14 Tf 56 780 Td (" + _escape(title) + b") Tj /F1 11 Tf 0 -28 Td 15 TL"
    for line in lines:
        content += b" (" + _escape(line) + b") Tj T*"
    content += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title (" + _escape(title) + b") >>",
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out
