#!/usr/bin/env bash
# A deploy that installs: build the wheel, install it into a clean virtualenv
# outside the checkout, and run it there with production settings on a fresh
# PostgreSQL database — check --deploy, migrate, collectstatic, load_demo
# (no simulated cases), the shipped models and catalogue, then a real server answering /healthz, the
# login page and its static files. Everything it creates is removed at the end.
#
# Needs: python3 (>= 3.11) with pip and venv, git, psql, a PostgreSQL server
# (default 127.0.0.1:5432, user postgres, trust auth; override with PGHOST,
# PGPORT, PGUSER), changan/static/vendor/ (`make vendor`). `make wheel-check`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
DB="${WHEEL_CHECK_DB:-changan_wheel}"
START=$(date +%s)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/changan-wheel-check.XXXXXX")"
SERVER_PID=""
cleanup() {
    status=$?
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
    if [ $status -ne 0 ]; then
        echo "wheel_check: FAILED (exit $status) after $(($(date +%s) - START)) s" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
step() { echo "wheel_check: $* ($(($(date +%s) - START)) s)"; }

step "building the wheel"
WHEEL="$(bash "$ROOT/.ci/build_wheel.sh" "$WORK/dist")"
echo "  $(basename "$WHEEL"), $(du -h "$WHEEL" | cut -f1)"

step "comparing the wheel with the checkout"
# Every file git lists in a shipped package (code, migrations, templates, static,
# data, models, the compiled catalogue) and the vendor files must be in the wheel;
# tests, benchmarks and the source catalogue (.po) stay out.
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) >"$WORK/files"
"$PYTHON" - "$WHEEL" "$ROOT" "$WORK/files" <<'EOF'
import sys, zipfile
from collections import Counter
from pathlib import Path

wheel, root = sys.argv[1], Path(sys.argv[2])
listed = Path(sys.argv[3]).read_text().split("\0")
names = set(zipfile.ZipFile(wheel).namelist())
tops = {n.split("/")[0] for n in names if n.endswith("/__init__.py") and n.count("/") == 1}
apps = {p.parent.name for p in root.glob("*/apps.py")}
packages = {p.parent.name for p in root.glob("*/__init__.py")} - {"bench"}
expected = set()
for rel in filter(None, listed):
    parts = rel.split("/")
    if (parts[0] in packages and "tests" not in parts[:-1]
            and not rel.endswith(".po") and (root / rel).is_file()):
        expected.add(rel)
expected |= {str(p.relative_to(root)) for p in (root / "changan/static/vendor").rglob("*")
             if p.is_file() and not p.name.startswith(".")}
missing = sorted(expected - names)
if len(expected) < 300:
    sys.exit(f"only {len(expected)} files expected: is {root} a complete checkout?")
if missing:
    sys.exit("the wheel lacks %d files, e.g.:\n  %s" % (len(missing), "\n  ".join(missing[:20])))
leaked = sorted(n for n in names if "/tests/" in n or n.startswith(("bench/", "build/", "var/", "docs/")))
if leaked:
    sys.exit("the wheel carries files it should not:\n  " + "\n  ".join(leaked[:20]))
if not apps | packages <= tops:
    sys.exit(f"packages missing from the wheel: {sorted(apps | packages - tops)}")
kinds = Counter()
for n in names:
    kind = ("migration" if "/migrations/" in n else "template" if "/templates/" in n
            else "vendor" if "/static/vendor/" in n else "static" if "/static/" in n
            else "catalogue" if n.endswith(".mo") else "model" if "/models/" in n and not n.endswith(".py")
            else "python" if n.endswith(".py") else "metadata" if ".dist-info/" in n else "data")
    kinds[kind] += 1
print(f"  {len(names)} files, {len(tops)} packages: {' '.join(sorted(tops))}")
print("  " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
EOF

step "installing it into a clean virtualenv"
"$PYTHON" -m venv "$WORK/venv"
# (This machine's pip configuration names local indexes that may be absent: not our concern.)
"$WORK/venv/bin/python" -m pip install --quiet --no-compile "$WHEEL" 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; }
export PATH="$WORK/venv/bin:$PATH"

# Production settings, run from a folder outside the checkout; nothing of the
# checkout on the path.
mkdir -p "$WORK/run" "$WORK/var"
cd "$WORK/run"
unset PYTHONPATH DEBUG REDIS_URL STATIC_ROOT MEDIA_ROOT CONN_MAX_AGE VIRTUAL_ENV
export DJANGO_SETTINGS_MODULE=changan_site.settings
export CHANGAN_HTTPS=true
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"

python - "$ROOT" <<'EOF'
import sys
from pathlib import Path
import changan
where = Path(changan.__file__).resolve()
assert not where.is_relative_to(Path(sys.argv[1]).resolve()), f"imported from the checkout: {where}"
print(f"  changan imported from {where.parent}")
EOF

step "an installed package without CHANGAN_VAR_DIR refuses to start"
if out="$(django-admin check 2>&1)"; then
    echo "$out"; echo "wheel_check: started without CHANGAN_VAR_DIR" >&2; exit 1
fi
grep -q "CHANGAN_VAR_DIR must be set" <<<"$out" || { echo "$out" >&2; exit 1; }
export CHANGAN_VAR_DIR="$WORK/var"

step "creating database $DB"
psql -q -v ON_ERROR_STOP=1 -d postgres >/dev/null <<EOF
SET client_min_messages = warning;
DROP DATABASE IF EXISTS $DB WITH (FORCE);
CREATE DATABASE $DB TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8';
EOF

step "check --deploy"
django-admin check --deploy --fail-level WARNING
step "migrate"
django-admin migrate --no-input -v0
step "collectstatic"
django-admin collectstatic --no-input -v0
test -f "$WORK/var/static/staticfiles.json"
step "load_demo --cases 0 (the demo city's shipped divisions and polygons; no simulated year)"
django-admin load_demo --cases 0 >/dev/null 2>&1

step "the shipped models, catalogue and data"
python - <<'EOF'
import django
django.setup()
from django.utils import translation
from triage import engines
from cases.models import Category

for load in (engines.category_model, engines.appeal_type_model, engines.router_model):
    assert load() is not None, f"{load.__name__}: model not shipped"
with translation.override("en"):
    assert translation.gettext("工作人员登录") == "Staff login", "the English catalogue is not loaded"
assert Category.objects.exists(), "categories.csv was not seeded"
print(f"  3 models load, English catalogue loads, {Category.objects.count()} categories")
EOF

PORT="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
if [ -x "$WORK/venv/bin/gunicorn" ]; then
    step "serving it with gunicorn on 127.0.0.1:$PORT"
    gunicorn changan_site.wsgi -b "127.0.0.1:$PORT" --workers 2 --access-logfile - >"$WORK/server.log" 2>&1 &
else
    step "serving it with runserver on 127.0.0.1:$PORT (no WSGI server among the dependencies)"
    django-admin runserver "127.0.0.1:$PORT" --noreload >"$WORK/server.log" 2>&1 &
fi
SERVER_PID=$!

python - "$PORT" "$WORK/server.log" "$WORK/var/static/staticfiles.json" <<'EOF'
import http.client, json, re, sys, time

port, log, manifest = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def get(path, **headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"X-Forwarded-Proto": "https", **headers})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()

for _ in range(120):
    try:
        status, _, _ = get("/healthz")
        break
    except OSError:
        time.sleep(0.25)
else:
    sys.exit("the server did not start:\n" + open(log).read()[-3000:])

def expect(path, status=200, **headers):
    got, head, body = get(path, **headers)
    assert got == status, f"{path}: {got}, expected {status}\n{body[:500]!r}\n" + open(log).read()[-2000:]
    return head, body

expect("/healthz")
_, page = expect("/login/")
assert "csrfmiddlewaretoken" in page.decode()
_, page_en = expect("/login/", **{"Accept-Language": "en"})
assert "Staff login" in page_en.decode(), "English login page not translated"
statics = sorted(set(re.findall(r'(?:src|href)="(/static/[^"]+)"', page.decode())))
assert any("/static/vendor/htmx/" in s for s in statics) and statics, statics
# The front-end libraries the other pages load, under their hashed names.
hashed = json.load(open(manifest))["paths"]
for name in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "vendor/leaflet/images/marker-icon.png",
             "vendor/echarts/echarts.min.js", "vendor/markercluster/leaflet.markercluster.js"):
    statics.append("/static/" + hashed[name])
for path in statics:
    head, body = expect(path)
    assert body, path
# Plain HTTP (no proxy header) is redirected to HTTPS: the production settings are on.
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
conn.request("GET", "/login/")
assert conn.getresponse().status == 301
print(f"  /healthz 200, /login/ 200 (zh-hans and en), {len(statics)} static files 200: {' '.join(statics)}")
EOF

step "passed"
