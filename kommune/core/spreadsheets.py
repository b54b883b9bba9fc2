"""CSV cells that a spreadsheet program opens as text, never as a formula (CSV injection, as OWASP advises).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may be run as a formula by Excel or
LibreOffice when a person opens the file; written with a leading single quote, it is shown as the text it is.
Only text is changed: numbers, dates and booleans are written by the callers as they are, so ``-3`` stays a
number. JSON files keep the exact text.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` with a leading single quote if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text

