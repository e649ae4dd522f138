"""Production settings pass `manage.py check --deploy` with the documented variables."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_has_no_warnings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")},
        "DJANGO_SETTINGS_MODULE": "changan_site.settings",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-variety-0123456789",
        "ALLOWED_HOSTS": "changan.example.gov.cn",
        "CHANGAN_HTTPS": "true",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CHANGAN_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_https_settings_check_deploy_warns(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DJANGO_SETTINGS_MODULE": "changan_site.settings",
        "CHANGAN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0 and "security.W004" in result.stderr + result.stdout


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY")},
        "DJANGO_SETTINGS_MODULE": "changan_site.settings",
        "CHANGAN_HTTPS": "true",
        "CHANGAN_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()
