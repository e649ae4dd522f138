"""Every package with tests is collected by a plain `pytest` (and so by CI)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_tests_folder_is_in_testpaths():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    paths = set(config["tool"]["pytest"]["ini_options"]["testpaths"])
    skip = {".venv", "node_modules", "build", "var"}
    packages = {p.parent.name for p in ROOT.glob("*/tests") if p.parent.name not in skip}
    packages |= {p.parent.name for p in ROOT.glob("*/test_*.py") if p.parent.name not in skip}
    assert packages <= paths, sorted(packages - paths)
