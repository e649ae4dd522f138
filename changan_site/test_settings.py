"""Settings for the test suite: SQLite by default, PostgreSQL when DATABASE_URL
points at it (as ``.ci/run`` does)."""

from changan_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests only
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Serve static files from the finders; the suite never runs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Uploaded files go to a throw-away folder, not var/media.
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="changan-test-media-")

# The suite can run in the future: CHANGAN_CLOCK_SHIFT_DAYS=365 moves changan.clock
# (and so every "now" and "today" the code and the tests see) a year ahead
# (`make test-year-ahead`). Production settings have no such knob.
import os  # noqa: E402

CLOCK_SHIFT_DAYS = int(os.environ.get("CHANGAN_CLOCK_SHIFT_DAYS") or 0)
