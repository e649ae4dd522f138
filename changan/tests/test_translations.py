"""English is available: every interface string has a translation, and the
compiled catalogue shipped in the repository matches the source catalogue."""

import gettext
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
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
    stale = [m for m, s in ENTRY.findall(PO.read_text(encoding="utf-8")) if compiled.gettext(m) != s]
    assert stale == [], "run: python manage.py compilemessages"
