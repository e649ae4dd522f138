"""The shipped models (intel/models/<name>-<version>.npz), loaded once per
process. A missing file means no suggestion of that kind, never an error at
intake: a case must always be received."""

from __future__ import annotations

import functools
import importlib
import logging
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

MODELS = Path(settings.BASE_DIR) / "intel" / "models"


def model_path(name: str, version: str | None = None) -> Path:
    return MODELS / f"{name}-{version or settings.TRIAGE_MODEL_VERSION}.npz"


def _load(name: str, loader: str):
    """``loader``: "module:Class" whose ``load(path)`` reads the file."""
    path = model_path(name)
    if not path.exists():
        log.warning("model %s is missing: no %s suggestions", path, name)
        return None
    module, cls = loader.split(":")
    try:
        return getattr(importlib.import_module(module), cls).load(path)
    except Exception:  # a damaged or foreign file: no suggestions rather than no intake
        log.exception("model %s cannot be read: no %s suggestions", path, name)
        return None


@functools.cache
def category_model():
    return _load("category", "intel.classifier:TextClassifier")


@functools.cache
def appeal_type_model():
    return _load("appeal-type", "intel.appeal_type:AppealTypeClassifier")


@functools.cache
def router_model():
    return _load("router", "intel.router:DepartmentRouter")


def version() -> str:
    return settings.TRIAGE_MODEL_VERSION
