"""English is available: every interface string has a translation, and the
compiled catalogue shipped in the repository matches the source catalogue."""

import gettext
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(r'^msgid "(.+)"\nmsgstr "(.*)"$', re.MULTILINE)


def test_every_string_is_translated_to_english():
    entries = ENTRY.findall(PO.read_text(encoding="utf-8"))
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert untranslated == []
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")


def test_the_compiled_catalogue_is_current():
    with PO.with_suffix(".mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    entries = [(_unescape(m), _unescape(s)) for m, s in ENTRY.findall(PO.read_text(encoding="utf-8"))]
    stale = [m for m, s in entries if compiled.gettext(m) != s]
    assert stale == [], "run: python manage.py compilemessages"


def _unescape(text: str) -> str:
    """A PO string as the program sees it (\\" → ", \\n → newline …)."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)
