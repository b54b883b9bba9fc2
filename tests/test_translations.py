"""Every UI string has a German translation, and Django really serves it.

The extraction runs in-process with the same mapping as `make extract-messages` (babel.cfg), so a string added
anywhere in kommune/ without a translation in kommune/locale/de/LC_MESSAGES/django.po fails here. The fix is
always the same: `make extract-messages`, translate the new empty entries, `make messages`
(see docs/code-style.md, "Translations").
"""

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "kommune" / "locale"
PO_FILE = LOCALE_DIR / "de" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
HOW_TO_FIX = "Run `make extract-messages`, translate the listed entries in {po}, then `make messages`."

# printf-style conversions as Python's % operator reads them: %(name)s, %(count)d, %s, %%.
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


def _forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text) if m.group(0) != "%%")


def stray_percent_signs(text: str) -> int:
    """'%' signs that belong to no conversion; Jinja's newstyle gettext would fail on them at render time."""
    return PLACEHOLDER.sub("", text).count("%")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("i18n") / "django.pot"
    CommandLineInterface().run([
        "pybabel", "--quiet", "extract", "--mapping-file", str(ROOT / "babel.cfg"), "--output-file", str(pot),
        "--ignore-dirs", ".* ._ node_modules var", str(ROOT),
    ])
    with pot.open("rb") as fileobj:
        return read_po(fileobj)


@pytest.fixture(scope="module")
def german():
    with PO_FILE.open("rb") as fileobj:
        return read_po(fileobj, locale="de")


def _where(message) -> str:
    files = sorted({Path(filename).resolve().relative_to(ROOT).as_posix() for filename, _line in message.locations})
    return ", ".join(files)


def test_extraction_finds_python_and_template_strings(extracted):
    ids = {message.id for message in extracted if message.id}
    # From a Jinja2 template, a form (gettext_lazy), a view (gettext) and a model choice.
    assert {"Skip to main content", "Public name", "Your profile has been saved.", "Staff member"} <= ids
    assert len(ids) > 100


def test_every_string_has_a_german_translation(extracted, german):
    problems = []
    for message in extracted:
        if not message.id:
            continue
        translated = german.get(message.id, context=message.context)
        label = f"{message.id!r} ({_where(message)})"
        if translated is None:
            problems.append(f"missing: {label}")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {label}")
        elif not all(form.strip() for form in _forms(translated.string)):
            problems.append(f"untranslated: {label}")
    assert not problems, "\n".join([HOW_TO_FIX.format(po=PO_FILE.relative_to(ROOT)), *problems])


def test_placeholders_match(german):
    problems = []
    for message in german:
        if not message.id or not message.string:
            continue
        ids = _forms(message.id)
        for index, text in enumerate(_forms(message.string)):
            if not text:
                continue
            source = ids[min(index, len(ids) - 1)]
            if placeholders(text) != placeholders(source):
                problems.append(f"{source!r}: {placeholders(source)} but the translation has {placeholders(text)}")
            if stray_percent_signs(text) != stray_percent_signs(source):
                problems.append(f"{source!r}: a lone '%' in {text!r}; write '%%' for a percent sign")
    assert not problems, "\n".join(problems)


def test_compiled_catalogue_matches_the_po_file(german):
    assert Path(settings.LOCALE_PATHS[0]).resolve() == LOCALE_DIR
    assert MO_FILE.exists(), f"{MO_FILE.relative_to(ROOT)} is missing: run `make messages`."
    with MO_FILE.open("rb") as fileobj:
        compiled = {(m.context, _forms(m.id)): _forms(m.string) for m in read_mo(fileobj) if m.id}
    expected = {(m.context, _forms(m.id)): _forms(m.string) for m in german if m.id and m.string and not m.fuzzy}
    assert compiled == expected, "The .mo is older than the .po: run `make messages`."


@pytest.mark.django_db
def test_login_page_speaks_german_by_default(client):
    # Accept-Language is ignored on purpose: a municipality's platform speaks German until the person switches.
    body = client.get("/konto/anmelden/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Anmelden" in body
    assert "Passwort vergessen?" in body
    assert "Zum Hauptinhalt springen" in body
    assert ">Log in<" not in body


@pytest.mark.django_db
def test_login_page_in_english_after_switching(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/konto/anmelden/").content.decode()
    assert "Log in" in body
    assert "Anmelden" not in body


def test_django_reads_plurals_and_lazy_strings_from_our_catalogue():
    from kommune.core.models import Role

    with translation.override("de"):
        assert str(Role.STAFF.label) == "Mitarbeitende"
        assert translation.gettext("Log in") == "Anmelden"
        # Django's own strings still come from Django's catalogue.
        assert translation.gettext("This field is required.") == "Dieses Feld ist zwingend erforderlich."
